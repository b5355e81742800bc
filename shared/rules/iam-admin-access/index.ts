import { adminAccess } from '../../engine/admin-equivalence.ts';
import type { ResolvedPrincipal } from '../../snapshot/principal-policies.ts';
import type { PrincipalRule, RuleResult } from '../rule-types.ts';
import { describeStatement, fail, pass, resourceTypeOf, statementEvidence } from '../support/results.ts';

function evaluate(principal: ResolvedPrincipal): RuleResult[] {
  const type = resourceTypeOf(principal.principal.kind);
  const access = adminAccess(principal);
  if (!access.admin) return [pass(principal.arn, type, access.reason)];
  const { conditional, grantedBy } = access;
  return [
    fail(
      principal.arn,
      type,
      `${principal.principal.kind} ${principal.principal.name} can perform every action on every resource ` +
        `(${describeStatement(grantedBy)}${conditional ? ', under some conditions' : ''})`,
      {
        ...statementEvidence(grantedBy),
        servicesAllowed: `${access.servicesAllowed}/${access.servicesProbed}`,
        conditional,
      },
    ),
  ];
}

export const rule: PrincipalRule = {
  id: 'iam-admin-access',
  title: 'Principal has administrator access',
  severity: 'critical',
  resourceType: 'AWS::IAM::Role',
  scope: 'principal',
  principalKinds: ['role', 'user', 'group'],
  evaluator: 'identity-policies',
  rationale:
    'A principal allowed every action on every resource (Action "*", "*:*", a NotAction with a tiny exclusion, or ' +
    'AdministratorAccess) turns any compromise of it — a leaked key, an injected function — into control of the ' +
    'whole account. Workload roles never need it.',
  remediation: {
    summary: 'Replace the administrator grant with the actions and resources the principal uses.',
    cli: 'aws iam detach-role-policy --role-name ROLE --policy-arn arn:aws:iam::aws:policy/AdministratorAccess',
    cdk: 'Grant with resource methods (table.grantReadData(fn)) instead of iam.ManagedPolicy.fromAwsManagedPolicyName("AdministratorAccess").',
  },
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html',
  ],
  triggers: [
    {
      source: 'aws.iam',
      eventNames: [
        'PutRolePolicy',
        'AttachRolePolicy',
        'PutUserPolicy',
        'AttachUserPolicy',
        'PutGroupPolicy',
        'AttachGroupPolicy',
        'AddUserToGroup',
        'CreatePolicyVersion',
        'SetDefaultPolicyVersion',
        'DeleteRolePermissionsBoundary',
        'DeleteUserPermissionsBoundary',
        'PutRolePermissionsBoundary',
        'PutUserPermissionsBoundary',
      ],
    },
  ],
  readActions: [
    'iam:GetRolePolicy',
    'iam:ListRolePolicies',
    'iam:ListAttachedRolePolicies',
    'iam:GetUserPolicy',
    'iam:ListUserPolicies',
    'iam:ListAttachedUserPolicies',
    'iam:ListGroupsForUser',
    'iam:GetGroupPolicy',
    'iam:ListGroupPolicies',
    'iam:ListAttachedGroupPolicies',
    'iam:GetPolicy',
    'iam:GetPolicyVersion',
    'iam:GetRole',
    'iam:GetUser',
  ],
  evaluate,
};
