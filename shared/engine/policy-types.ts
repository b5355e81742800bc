/**
 * The normalised form of an IAM policy document, shared by identity, resource and trust policies.
 * Produced by parsePolicy(); every list is an array (never a bare string), every condition value a string.
 */

export type Effect = 'Allow' | 'Deny';
export type PolicyVersion = '2012-10-17' | '2008-10-17';
export type PolicyKind = 'identity' | 'resource' | 'trust' | 'boundary' | 'scp';

/** `Principal` / `NotPrincipal`. `"*"` and `{"AWS": "*"}` both set `any` (and `aws` holds "*"). */
export interface PrincipalSet {
  any: boolean;
  aws: string[];
  service: string[];
  federated: string[];
  canonicalUser: string[];
}

/** One `"Operator": { "key": value(s) }` pair. Operator keeps its qualifiers as written, e.g. `ForAnyValue:StringLikeIfExists`. */
export interface ConditionClause {
  operator: string;
  key: string;
  values: string[];
}

export interface Statement {
  /** Position in the document's Statement array (0 when Statement is a single object). */
  index: number;
  sid?: string;
  effect: Effect;
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
  principal?: PrincipalSet;
  notPrincipal?: PrincipalSet;
  conditions: ConditionClause[];
}

/** Where a policy came from, for explanations and evidence. */
export interface PolicySource {
  /** e.g. `arn:aws:iam::aws:policy/AdministratorAccess`, or `inline:RoleName/PolicyName`. */
  id: string;
  kind: PolicyKind;
  name?: string;
  /** Identity-policy origin: attached to the principal, inherited through a group, or inline. */
  via?: 'inline' | 'managed' | 'group-inline' | 'group-managed' | 'boundary' | 'resource' | 'trust';
  group?: string;
}

export interface Policy {
  version: PolicyVersion;
  /** True when the document had no Version element (IAM then treats it as 2008-10-17: no policy variables). */
  versionDefaulted: boolean;
  id?: string;
  statements: Statement[];
  source?: PolicySource;
}

/** A located grammar problem, rendered as `${path}: ${message}`, e.g. `Statement[2].Effect: expected Allow or Deny`. */
export interface PolicyIssue {
  path: string;
  message: string;
}

export type ParseResult =
  | { ok: true; policy: Policy; warnings: PolicyIssue[] }
  | { ok: false; errors: PolicyIssue[] };
