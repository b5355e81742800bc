import { evaluateRequest } from '../../engine/evaluate.ts';
import type { ResolvedPrincipal } from '../../snapshot/principal-policies.ts';
import type { PrincipalRule, RuleResult } from '../rule-types.ts';
import { CALLER_ALLOWS_EVERYTHING } from '../support/foreign-callers.ts';
import { OUTSIDER_PRINCIPAL, outsiderContext } from '../support/outsider.ts';
import {
  describeStatement,
  fail,
  notApplicable,
  pass,
  statementEvidence,
  unknown,
} from '../support/results.ts';

const TYPE = 'AWS::IAM::Role' as const;

/**
 * An outsider (an unknown account, outside the organisation) asks to assume the role. Conditions that pin the
 * caller's account, ARN or organisation see the outsider's values and fail; any other condition (an external id,
 * MFA, a source IP) is one the outsider may satisfy, so the role is still open: such a FAIL is marked
 * conditional.
 */
function evaluate(principal: ResolvedPrincipal): RuleResult[] {
  const role = principal.principal;
  if (role.kind !== 'role') return [notApplicable(principal.arn, TYPE, 'not a role')];
  if (!role.trustPolicy.ok) {
    return [
      unknown(role.arn, TYPE, `trust policy of role ${role.name} cannot be parsed (see policy-invalid)`),
    ];
  }
  const trust = role.trustPolicy.policy;
  // Cheap precheck: only a Principal "*" (or an Allow with NotPrincipal) can admit an unknown account.
  const open = trust.statements.some(
    (s) => s.effect === 'Allow' && (s.principal?.any || s.notPrincipal !== undefined),
  );
  if (!open) return [pass(role.arn, TYPE, 'trust policy names its principals; no Principal "*"')];
  const result = evaluateRequest(
    {
      principal: OUTSIDER_PRINCIPAL,
      action: 'sts:AssumeRole',
      resource: role.arn,
      context: { ...outsiderContext(), 'aws:PrincipalIsAWSService': 'false' },
      missingKeys: 'unknown',
    },
    { identity: [CALLER_ALLOWS_EVERYTHING], resource: trust },
  );
  const granting = result.allowed === 'false' ? [] : result.allowedBy.filter((r) => r.policyKind === 'trust');
  if (granting.length === 0) {
    return [
      pass(role.arn, TYPE, 'Principal "*" is pinned to known accounts or the organisation by conditions'),
    ];
  }
  const conditional = result.allowed === 'unknown';
  return granting.map((ref) =>
    fail(
      role.arn,
      TYPE,
      `role ${role.name} can be assumed by any AWS account through ${describeStatement(ref)}` +
        (conditional ? ' (its conditions do not fix the caller account or organisation)' : ''),
      { ...statementEvidence(ref), action: 'sts:AssumeRole', principal: '*', conditional },
      ref.sid ?? `Statement[${ref.statementIndex}]`,
    ),
  );
}

export const rule: PrincipalRule = {
  id: 'trust-public-principal',
  title: 'Role can be assumed by any AWS account',
  severity: 'critical',
  resourceType: 'AWS::IAM::Role',
  scope: 'principal',
  principalKinds: ['role'],
  evaluator: 'trust-policies',
  rationale:
    'A trust policy with Principal "*" (or {"AWS": "*"}) and no condition fixing the caller account ' +
    '(aws:PrincipalAccount, aws:PrincipalArn) or organisation (aws:PrincipalOrgID) lets any identity in any AWS ' +
    'account call sts:AssumeRole and act with the role: for a Lambda execution role, with every grant the ' +
    'function has. An external id or MFA condition alone does not help: it is not tied to an account.',
  remediation: {
    summary:
      'Name the trusted principals (account roots or role ARNs) instead of "*", or add an ' +
      'aws:PrincipalOrgID / aws:PrincipalAccount condition.',
    cli:
      'aws iam update-assume-role-policy --role-name ROLE --policy-document ' +
      '\'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}\'',
    cdk: 'new iam.Role(this, "Role", { assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com") }) — never new iam.AnyPrincipal() or new iam.StarPrincipal()',
  },
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-trust-policy.html',
  ],
  triggers: [{ source: 'aws.iam', eventNames: ['CreateRole', 'UpdateAssumeRolePolicy', 'DeleteRole'] }],
  readActions: ['iam:GetRole', 'iam:ListRoles'],
  evaluate,
};
