/**
 * What identity-policy rules watch and read: the CloudTrail events that change a user's, role's or group's
 * permissions (attach, detach, put, delete, group membership, policy versions, boundaries), and the IAM read
 * actions that re-read that state live.
 */
import type { TriggerEvents } from '../rule-types.ts';

export const IDENTITY_POLICY_EVENT_NAMES: readonly string[] = [
  'PutRolePolicy',
  'DeleteRolePolicy',
  'AttachRolePolicy',
  'DetachRolePolicy',
  'PutUserPolicy',
  'DeleteUserPolicy',
  'AttachUserPolicy',
  'DetachUserPolicy',
  'PutGroupPolicy',
  'DeleteGroupPolicy',
  'AttachGroupPolicy',
  'DetachGroupPolicy',
  'AddUserToGroup',
  'RemoveUserFromGroup',
  'CreatePolicyVersion',
  'SetDefaultPolicyVersion',
  'PutRolePermissionsBoundary',
  'DeleteRolePermissionsBoundary',
  'PutUserPermissionsBoundary',
  'DeleteUserPermissionsBoundary',
];

/** Identity-policy events, plus the trust-policy events that make a role a workload role or not. */
export function identityPolicyTriggers(options: { trust?: boolean } = {}): TriggerEvents[] {
  const names = [...IDENTITY_POLICY_EVENT_NAMES];
  if (options.trust) names.push('CreateRole', 'UpdateAssumeRolePolicy');
  return [{ source: 'aws.iam', eventNames: names }];
}

export const IDENTITY_POLICY_READ_ACTIONS: readonly string[] = [
  'iam:GetAccountAuthorizationDetails',
  'iam:GetRole',
  'iam:GetRolePolicy',
  'iam:ListRolePolicies',
  'iam:ListAttachedRolePolicies',
  'iam:GetUser',
  'iam:GetUserPolicy',
  'iam:ListUserPolicies',
  'iam:ListAttachedUserPolicies',
  'iam:ListGroupsForUser',
  'iam:GetGroup',
  'iam:GetGroupPolicy',
  'iam:ListGroupPolicies',
  'iam:ListAttachedGroupPolicies',
  'iam:GetPolicy',
  'iam:GetPolicyVersion',
];
