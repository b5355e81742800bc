/**
 * What an authorisation request looks like to the engine.
 */
import type { Policy } from './policy-types.ts';

/** A condition-context value: a single-valued key holds a string, a multivalued key an array. */
export type ContextValue = string | string[];

export interface RequestContext {
  /** Keys are matched case-insensitively, as IAM does (`aws:SourceIp` == `AWS:sourceip`). */
  [key: string]: ContextValue;
}

/**
 * How to treat a condition key that the request context does not contain.
 * - `absent`: as AWS does at request time — the key is missing (condition false, except `...IfExists`, `Null`, `ForAllValues`).
 * - `unknown`: the analysis does not know the value; the clause is neither true nor false. Used to ask
 *   "allowed under some context" vs "allowed under every context".
 */
export type MissingKeyMode = 'absent' | 'unknown';

export interface AuthorizationRequest {
  /** The calling principal's ARN (`arn:aws:iam::111122223333:role/x`, `arn:aws:sts::...:assumed-role/x/s`), or a service principal (`lambda.amazonaws.com`). */
  principal: string;
  /** `service:Action`, any case. */
  action: string;
  /** Resource ARN, or `*` for actions that take no resource. */
  resource: string;
  /** Account that owns the resource; defaults to the account in the resource ARN. */
  resourceAccount?: string;
  context?: RequestContext;
  missingKeys?: MissingKeyMode;
}

/** Every policy that bears on one request. Absent means "not in play"; an empty array means "present and empty". */
export interface PolicySet {
  identity: Policy[];
  /** Permissions boundary of the principal, if any: the effective permissions are the intersection. */
  boundary?: Policy;
  /** Service control policies, each an organisational level (all levels must allow). Optional. */
  scps?: Policy[][];
  /** Resource-based policy (bucket policy, function policy, trust policy for sts:AssumeRole). */
  resource?: Policy;
}

/** Three-valued truth for analysis with unknown context. */
export type Tri = 'true' | 'false' | 'unknown';
