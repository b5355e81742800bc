import type { CatalogueAction } from '../../catalogue/action-catalogue.ts';
import type { ResolvedPrincipal } from '../../snapshot/principal-policies.ts';
import type { PrincipalRule, RuleContext, RuleResult } from '../rule-types.ts';
import { coveredByAdminAccess } from '../support/admin-coverage.ts';
import { IDENTITY_POLICY_READ_ACTIONS, identityPolicyTriggers } from '../support/identity-policy-events.ts';
import { actionSet, LAMBDA_PLATFORM_LIST_ACTIONS } from '../support/lambda-platform-actions.ts';
import { concludePrincipal } from '../support/missing-documents.ts';
import { resourceTypeOf } from '../support/results.ts';
import { findingsPerStatement } from '../support/statement-findings.ts';
import { workloadRoleGate } from '../support/workload-applicability.ts';

const SEVERITY = 'medium';

const isPlatformAction = actionSet(LAMBDA_PLATFORM_LIST_ACTIONS);

/** List-level actions, except those the Lambda service needs (module-level: grantsByStatement caches by it). */
function isDiscoveryAction(action: CatalogueAction): boolean {
  return action.accessLevels.includes('List') && !isPlatformAction(action.id);
}

function evaluate(principal: ResolvedPrincipal, ctx: RuleContext): RuleResult[] {
  const covered = coveredByAdminAccess(principal);
  if (covered) return [covered];
  const gate = workloadRoleGate(principal, ctx.config.workloadServices);
  if (gate) return [gate];
  const type = resourceTypeOf(principal.principal.kind);
  const name = principal.principal.name;
  const { findings, notes } = findingsPerStatement(
    principal,
    type,
    SEVERITY,
    isDiscoveryAction,
    (grant, _summary, shown) => ({
      message:
        `workload role ${name} can enumerate the account: ${grant.actions.length} List action` +
        `${grant.actions.length === 1 ? '' : 's'} on every resource (${shown})`,
    }),
  );
  const passMessage = notes.length
    ? notes.join('; ')
    : 'no List-level action is granted on every resource (beyond what the Lambda service needs)';
  return concludePrincipal(principal, type, findings, passMessage, 'List-level action on every resource');
}

export const rule: PrincipalRule = {
  id: 'iam-discovery-permissions',
  title: 'Workload role can enumerate the account',
  severity: SEVERITY,
  resourceType: 'AWS::IAM::Role',
  scope: 'principal',
  principalKinds: ['role'],
  evaluator: 'identity-policies',
  rationale:
    'List-level actions (the access level the Service Authorization Reference gives lambda:ListFunctions, ' +
    'iam:ListRoles, s3:ListAllMyBuckets, secretsmanager:ListSecrets, ec2:DescribeInstances…) on every resource ' +
    'are the first thing an attacker runs after taking over a function: they map the account and find the next ' +
    'target. A function rarely needs them; read-only managed policies (ReadOnlyAccess, ViewOnlyAccess) attached ' +
    'to function roles are the usual cause. The few List actions the Lambda service needs for VPC networking ' +
    'and event source mappings (ec2:DescribeNetworkInterfaces, ec2:DescribeSubnets, ec2:DescribeVpcs, ' +
    'ec2:DescribeSecurityGroups, kinesis:ListShards, kinesis:ListStreams) are not reported. One finding per ' +
    'granting statement; grants limited by a resource-scoping condition are not reported, grants under other ' +
    'conditions are reported as conditional, one severity lower.',
  remediation: {
    summary:
      'Remove List/Describe actions from the function role, or scope them to the resources the function works with.',
    cli: 'aws iam detach-role-policy --role-name ROLE --policy-arn arn:aws:iam::aws:policy/ReadOnlyAccess',
    cdk: 'Drop ManagedPolicy.fromAwsManagedPolicyName("ReadOnlyAccess") from the function role; use resource grants (bucket.grantRead(fn)).',
  },
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_understand-policy-summary-access-level-summaries.html',
    'https://docs.aws.amazon.com/lambda/latest/dg/permissions-executionrole-awsmanaged.html',
    'https://attack.mitre.org/techniques/T1580/',
  ],
  triggers: identityPolicyTriggers({ trust: true }),
  readActions: [...IDENTITY_POLICY_READ_ACTIONS],
  evaluate,
};
