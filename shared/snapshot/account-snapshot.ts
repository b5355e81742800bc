/**
 * A typed, parsed snapshot of one account's IAM and Lambda state: what rules evaluate.
 * Built from `get-account-authorization-details` + a Lambda inventory (offline), or from live reads.
 */
import type { Policy, PolicyIssue } from '../engine/policy-types.ts';

/** A policy document as found: parsed, or invalid with its located problems (a `policy-invalid` finding). */
export type PolicyDocument = { ok: true; policy: Policy } | { ok: false; errors: PolicyIssue[] };

export interface InlinePolicy {
  name: string;
  document: PolicyDocument;
}

export interface AttachedPolicyRef {
  arn: string;
  name: string;
}

export interface ManagedPolicyVersion {
  versionId: string;
  isDefault: boolean;
  createDate?: string;
  document: PolicyDocument;
}

export interface ManagedPolicy {
  arn: string;
  name: string;
  path: string;
  awsManaged: boolean;
  defaultVersionId: string;
  attachmentCount?: number;
  versions: ManagedPolicyVersion[];
}

interface PrincipalBase {
  arn: string;
  name: string;
  path: string;
  id: string;
  createDate?: string;
  inlinePolicies: InlinePolicy[];
  attachedPolicies: AttachedPolicyRef[];
  tags: Record<string, string>;
}

export interface Role extends PrincipalBase {
  kind: 'role';
  trustPolicy: PolicyDocument;
  permissionsBoundary?: string;
  /** ARNs of the instance profiles holding the role (EC2 instances can run as it). */
  instanceProfiles: string[];
  /** `undefined` when the snapshot did not say; `{}` when IAM reports no use in its tracking period. */
  lastUsed?: { date?: string; region?: string };
}

export interface User extends PrincipalBase {
  kind: 'user';
  groups: string[];
  permissionsBoundary?: string;
}

export interface Group extends PrincipalBase {
  kind: 'group';
}

export type Principal = Role | User | Group;

export interface LambdaFunction {
  arn: string;
  name: string;
  runtime?: string;
  role: string;
  handler?: string;
  packageType?: string;
  architectures?: string[];
  lastModified?: string;
  /** Environment variable values exactly as read. Evidence must never include them. */
  environment: Record<string, string>;
  vpc?: { subnetIds: string[]; securityGroupIds: string[]; vpcId?: string };
  layers: string[];
  /** The function's resource-based policy, when it has one. */
  policy?: PolicyDocument;
  url?: { authType: string; url?: string; cors?: unknown };
  /** CloudWatch `Invocations` sum over the last 90 days, when read. */
  invocations90d?: number;
}

export interface AccountSnapshot {
  accountId: string;
  partition: string;
  roles: Role[];
  users: User[];
  groups: Group[];
  /** Customer managed and AWS managed policies that the snapshot includes, by ARN. */
  managedPolicies: Map<string, ManagedPolicy>;
  /** `undefined` when no Lambda inventory was given: function rules are then not applicable. */
  functions?: LambdaFunction[];
  /** Where each part came from, for messages (`account.json`). */
  sources: { authorizationDetails?: string; lambdas?: string };
}
