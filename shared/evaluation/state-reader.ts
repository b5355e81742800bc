/**
 * What an evaluator reads about the account when an event arrives: the current state of the principals,
 * policies and functions the event touched. One interface, two implementations: the live account through the
 * AWS SDK (`sdk-state-reader.ts`) and an offline snapshot (`snapshot-state-reader.ts`, for replay and tests).
 *
 * A resource that does not exist is `undefined` (it was deleted: its findings resolve). A read that fails for
 * lack of permission or after exhausted throttling throws a StateReadError naming the IAM action, so the rules
 * that needed it report UNKNOWN — never a FAIL, never a resolution.
 */
import type {
  AccountSnapshot,
  Group,
  LambdaFunction,
  ManagedPolicy,
  Role,
  User,
} from '../snapshot/account-snapshot.ts';

export interface PolicyEntities {
  roles: string[];
  users: string[];
  groups: string[];
}

export interface StateReader {
  /** The account id the reader reads. */
  accountId(): Promise<string>;
  role(name: string): Promise<Role | undefined>;
  user(name: string): Promise<User | undefined>;
  /** The group and the names of its members. */
  group(name: string): Promise<{ group: Group; members: string[] } | undefined>;
  /** A managed policy with every stored version. */
  managedPolicy(arn: string): Promise<ManagedPolicy | undefined>;
  /** Names of the roles, users and groups a managed policy is attached to (or is the boundary of). */
  policyEntities(arn: string): Promise<PolicyEntities>;
  /** A function by name or ARN, with its resource policy and URL configuration. */
  lambdaFunction(nameOrArn: string): Promise<LambdaFunction | undefined>;
  /** Every function whose execution role is `roleArn`. */
  functionsUsingRole(roleArn: string): Promise<LambdaFunction[]>;
  /** The whole account (authorization details and, where readable, the function inventory). */
  account(): Promise<AccountSnapshot>;
}

export type StateReadFailure = 'access-denied' | 'throttled' | 'failed';

export class StateReadError extends Error {
  override readonly name = 'StateReadError';
  constructor(
    message: string,
    /** The IAM action of the call that failed, e.g. `iam:GetRolePolicy`. */
    readonly action: string,
    readonly reason: StateReadFailure,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
