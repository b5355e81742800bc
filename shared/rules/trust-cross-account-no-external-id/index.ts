import { accountOf } from '../../engine/arn.ts';
import type { ResolvedPrincipal } from '../../snapshot/principal-policies.ts';
import type { PrincipalRule, RuleContext, RuleResult } from '../rule-types.ts';
import { PROBE_EXTERNAL_ID, probeForeignAccounts, statementList } from '../support/foreign-callers.ts';
import { describeStatement, fail, notApplicable, pass, unknown } from '../support/results.ts';

const TYPE = 'AWS::IAM::Role' as const;

/**
 * For each account the trust policy names (not the role's own, not a known account), a principal of that account
 * asks to assume the role with a wrong external id and from an organisation that is not ours. If it still gets
 * in, neither sts:ExternalId nor aws:PrincipalOrgID protects the role from that account.
 */
function evaluate(principal: ResolvedPrincipal, ctx: RuleContext): RuleResult[] {
  const role = principal.principal;
  if (role.kind !== 'role') return [notApplicable(principal.arn, TYPE, 'not a role')];
  if (!role.trustPolicy.ok) {
    return [
      unknown(role.arn, TYPE, `trust policy of role ${role.name} cannot be parsed (see policy-invalid)`),
    ];
  }
  const access = probeForeignAccounts(role.trustPolicy.policy, {
    resource: role.arn,
    actions: ['sts:AssumeRole'],
    ownAccount: accountOf(role.arn),
    knownAccounts: ctx.config.knownAccounts,
    extraContext: { 'sts:ExternalId': PROBE_EXTERNAL_ID },
  });
  if (access.length === 0) {
    return [
      pass(role.arn, TYPE, 'no unknown account may assume the role without an external id or organisation'),
    ];
  }
  return access.map((a) => {
    const first = a.grantedBy[0];
    const conditional = a.allowed === 'unknown';
    return fail(
      role.arn,
      TYPE,
      `account ${a.account} can assume role ${role.name} without an external id or organisation condition` +
        (first ? ` (${describeStatement(first)})` : '') +
        (conditional ? ', under other conditions' : ''),
      {
        account: a.account,
        principals: a.principals,
        policy: first?.policyId ?? `trust:${role.name}`,
        statements: statementList(a.grantedBy),
        conditional,
      },
      a.account,
    );
  });
}

export const rule: PrincipalRule = {
  id: 'trust-cross-account-no-external-id',
  title: 'Role trusts another account without an external id',
  severity: 'high',
  resourceType: 'AWS::IAM::Role',
  scope: 'principal',
  principalKinds: ['role'],
  evaluator: 'trust-policies',
  rationale:
    'A role that another account may assume without an sts:ExternalId or aws:PrincipalOrgID condition is open to ' +
    'the confused-deputy problem: a vendor or partner account acting for many customers can be tricked into ' +
    'assuming your role for someone else. Accounts you list in knownAccounts are not reported.',
  remediation: {
    summary:
      'Add a StringEquals sts:ExternalId condition (a unique id agreed with the third party), or an ' +
      'aws:PrincipalOrgID condition for accounts in your organisation, or add the account to knownAccounts.',
    cli:
      'aws iam update-assume-role-policy --role-name ROLE --policy-document ' +
      '\'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},' +
      '"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"UNIQUE-ID"}}}]}\'',
    cdk: 'new iam.Role(this, "Vendor", { assumedBy: new iam.AccountPrincipal("444455556666"), externalIds: ["UNIQUE-ID"] })',
  },
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid',
  ],
  triggers: [{ source: 'aws.iam', eventNames: ['CreateRole', 'UpdateAssumeRolePolicy', 'DeleteRole'] }],
  readActions: ['iam:GetRole', 'iam:ListRoles'],
  evaluate,
};
