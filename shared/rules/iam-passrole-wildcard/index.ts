import type { ResolvedPrincipal } from '../../snapshot/principal-policies.ts';
import type { PrincipalRule, RuleResult } from '../rule-types.ts';
import { coveredByAdminAccess } from '../support/admin-coverage.ts';
import { IDENTITY_POLICY_READ_ACTIONS, identityPolicyTriggers } from '../support/identity-policy-events.ts';
import { concludePrincipal } from '../support/missing-documents.ts';
import {
  conditionalSeverity,
  conditionNote,
  describeResources,
  grantEvidence,
  grantsOnEveryResource,
} from '../support/resource-grants.ts';
import { describeStatement, fail, resourceTypeOf } from '../support/results.ts';

const SEVERITY = 'high';
const PASS_ROLE = ['iam:PassRole'];

function evaluate(principal: ResolvedPrincipal): RuleResult[] {
  const covered = coveredByAdminAccess(principal);
  if (covered) return [covered];
  const type = resourceTypeOf(principal.principal.kind);
  const { kind, name } = principal.principal;
  const findings: RuleResult[] = [];
  let passMessage = 'iam:PassRole is not granted on every role';
  for (const grant of grantsOnEveryResource(principal, { actions: PASS_ROLE })) {
    const first = grant.grantedBy[0];
    if (!first) continue;
    if (grant.scopedByCondition) {
      passMessage = `iam:PassRole on every role is limited by ${grant.conditionKeys.join(', ')}`;
      continue;
    }
    const result = fail(
      principal.arn,
      type,
      `${kind} ${name} can pass every role to any service (iam:PassRole on ${describeResources(grant)}) through ` +
        `${describeStatement(first)}${conditionNote(grant)}`,
      { ...grantEvidence(grant), action: 'iam:PassRole' },
    );
    if (grant.allowed === 'unknown') result.severity = conditionalSeverity(SEVERITY);
    findings.push(result);
  }
  return concludePrincipal(principal, type, findings, passMessage, 'iam:PassRole on every role');
}

export const rule: PrincipalRule = {
  id: 'iam-passrole-wildcard',
  title: 'Principal can pass any role to any service',
  severity: SEVERITY,
  resourceType: 'AWS::IAM::Role',
  scope: 'principal',
  principalKinds: ['role', 'user', 'group'],
  evaluator: 'identity-policies',
  rationale:
    'iam:PassRole on "*" (or on every role of an account, arn:aws:iam::ACCOUNT:role/*) without an ' +
    'iam:PassedToService condition lets the principal hand any role — including an administrator role — to a ' +
    'Lambda function, EC2 instance or Glue job it creates, and then act with that role. In a serverless account ' +
    'this is the usual privilege-escalation path from a deployment or function role (iam:PassRole + ' +
    'lambda:CreateFunction + lambda:InvokeFunction). A grant limited by iam:PassedToService or ' +
    'iam:AssociatedResourceArn is not reported; one limited only by other conditions (source IP, MFA) is ' +
    'reported as conditional, one severity lower.',
  remediation: {
    summary:
      'Name the roles the principal must pass (arn:aws:iam::ACCOUNT:role/orders-*) and add an ' +
      'iam:PassedToService condition for the service that receives them.',
    cli:
      'aws iam put-role-policy --role-name ROLE --policy-name pass-orders-role --policy-document ' +
      '\'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole",' +
      '"Resource":"arn:aws:iam::ACCOUNT:role/orders-fn","Condition":{"StringEquals":' +
      '{"iam:PassedToService":"lambda.amazonaws.com"}}}]}\'',
    cdk:
      'functionRole.grantPassRole(deployer) instead of new iam.PolicyStatement({ actions: ["iam:PassRole"], ' +
      'resources: ["*"] }).',
  },
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PassedToService',
    'https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html',
  ],
  triggers: identityPolicyTriggers(),
  readActions: [...IDENTITY_POLICY_READ_ACTIONS],
  evaluate,
};
