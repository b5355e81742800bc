/**
 * The StateReader backed by the AWS SDK v3: what an evaluator reads about the live account when an event
 * arrives. Every answer is built the way the offline scan builds its snapshot: the targeted API responses are
 * shaped as get-account-authorization-details entries (or Lambda inventory entries) and parsed by
 * `shared/snapshot/parse-authorization-details.ts`, so a live Role equals the Role a scan of the same state
 * produces (dates excepted: the SDK's dates come back as ISO strings, `2026-11-30T11:14:52.000Z`).
 *
 * - **Deleted** (IAM NoSuchEntity, Lambda ResourceNotFoundException on the function) → `undefined`, also when the
 *   principal disappears between two calls of one read. An inline policy or policy version that vanishes while
 *   its owner still exists (confirmed with one more Get) is left out instead: the owner's state without it is
 *   the current state.
 * - **AccessDenied** → StateReadError `access-denied` naming the action (`iam:GetRolePolicy`).
 * - **Throttling** is retried by the SDK (adaptive retry mode, `maxAttempts`), then StateReadError `throttled`.
 * - **Anything else** (network, credentials, a malformed response) → StateReadError `failed` with `cause`.
 *   Nothing but "not found" ever becomes `undefined`. When a read fails and also finds the entity gone, the
 *   failure wins: findings never resolve on incomplete evidence.
 * - `account()` reads the Lambda inventory where it can: AccessDenied on any Lambda call gives a snapshot with
 *   `functions: undefined` (function rules then do not apply) rather than a partial or failed snapshot. Other
 *   Lambda failures (throttling, network) fail the read.
 * - CloudWatch invocation counts are not read (`invocations90d` stays undefined).
 *
 * `SDK_STATE_READER_ACTIONS` lists the IAM actions each method may call, for the CDK stack to grant exactly.
 */
import {
  type EntityType,
  GetGroupCommand,
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  type PolicyUsageType,
  paginateGetAccountAuthorizationDetails,
  paginateGetGroup,
  paginateListAttachedGroupPolicies,
  paginateListAttachedRolePolicies,
  paginateListAttachedUserPolicies,
  paginateListEntitiesForPolicy,
  paginateListGroupPolicies,
  paginateListGroupsForUser,
  paginateListInstanceProfilesForRole,
  paginateListPolicyVersions,
  paginateListRolePolicies,
  paginateListUserPolicies,
} from '@aws-sdk/client-iam';
import {
  type FunctionConfiguration,
  GetFunctionConfigurationCommand,
  GetPolicyCommand as GetFunctionPolicyCommand,
  GetFunctionUrlConfigCommand,
  LambdaClient,
  type LambdaClientConfig,
  paginateListFunctions,
} from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describeReadError, type FunctionUrl, type SdkErrorShape } from '../adapters/account-reader.ts';
import {
  type AuthorizationDetailsDocument,
  decodeAuthorizationDetails,
  mapWithLimit,
} from '../adapters/collect-account.ts';
import type {
  AccountSnapshot,
  Group,
  LambdaFunction,
  ManagedPolicy,
  Role,
  User,
} from '../snapshot/account-snapshot.ts';
import {
  buildSnapshot,
  type ParsedAuthorizationDetails,
  parseAuthorizationDetails,
  parseLambdaInventory,
  SnapshotInputError,
} from '../snapshot/parse-authorization-details.ts';
import { sameRoleArn, sortByArn, sortedUnique } from './snapshot-state-reader.ts';
import { type PolicyEntities, StateReadError, type StateReader } from './state-reader.ts';

const ACTIONS = {
  /** `sts:GetCallerIdentity` needs no permission: nothing to grant. */
  accountId: [],
  role: [
    'iam:GetRole',
    'iam:ListRolePolicies',
    'iam:GetRolePolicy',
    'iam:ListAttachedRolePolicies',
    'iam:ListInstanceProfilesForRole',
  ],
  user: [
    'iam:GetUser',
    'iam:ListUserPolicies',
    'iam:GetUserPolicy',
    'iam:ListAttachedUserPolicies',
    'iam:ListGroupsForUser',
  ],
  group: ['iam:GetGroup', 'iam:ListGroupPolicies', 'iam:GetGroupPolicy', 'iam:ListAttachedGroupPolicies'],
  managedPolicy: ['iam:GetPolicy', 'iam:ListPolicyVersions', 'iam:GetPolicyVersion'],
  policyEntities: ['iam:ListEntitiesForPolicy'],
  lambdaFunction: ['lambda:GetFunctionConfiguration', 'lambda:GetPolicy', 'lambda:GetFunctionUrlConfig'],
  functionsUsingRole: ['lambda:ListFunctions', 'lambda:GetPolicy', 'lambda:GetFunctionUrlConfig'],
  account: [
    'iam:GetAccountAuthorizationDetails',
    'lambda:ListFunctions',
    'lambda:GetPolicy',
    'lambda:GetFunctionUrlConfig',
  ],
} as const satisfies Record<keyof StateReader, readonly string[]>;

/** An IAM action the SDK reader calls (`sts:GetCallerIdentity` aside, which needs no grant). */
export type SdkStateReaderAction = (typeof ACTIONS)[keyof typeof ACTIONS][number];

/** The IAM actions each StateReader method of SdkStateReader may call: grant exactly these. */
export const SDK_STATE_READER_ACTIONS: Readonly<Record<keyof StateReader, readonly SdkStateReaderAction[]>> =
  ACTIONS;

/** The actions to grant a role whose code calls `methods` (sorted, deduplicated). */
export function sdkStateReaderActions(methods: readonly (keyof StateReader)[]): SdkStateReaderAction[] {
  return sortedUnique(methods.flatMap((m) => SDK_STATE_READER_ACTIONS[m])) as SdkStateReaderAction[];
}

type CallAction = SdkStateReaderAction | 'sts:GetCallerIdentity';

/**
 * Attempts per call, retries included. The SDK backs off throttled calls by up to 0.5 s × 2^retry (jittered):
 * five attempts wait at most about 15 s, so an evaluator's timeout should stay well above that.
 */
export const DEFAULT_STATE_READ_MAX_ATTEMPTS = 5;
/** Calls one read runs at once (inline policies, policy versions, functions). */
export const DEFAULT_STATE_READ_CONCURRENCY = 4;
const IAM_PAGE_SIZE = 1000;
const LAMBDA_PAGE_SIZE = 50;
const ALL_ENTITY_TYPES: EntityType[] = ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'];
const POLICY_USAGES: PolicyUsageType[] = ['PermissionsPolicy', 'PermissionsBoundary'];

export interface SdkStateReaderOptions {
  iam: IAMClient;
  lambda: LambdaClient;
  /** For `accountId()`; created for `region` when absent (and only when needed). */
  sts?: STSClient;
  region: string;
  /** The account id when the caller already knows it (a Lambda does, from its ARN): no STS call then. */
  accountId?: string;
  /** Calls one read runs at once; default DEFAULT_STATE_READ_CONCURRENCY. */
  concurrency?: number;
}

export interface SdkStateReaderClientOptions {
  region: string;
  /** Emulator endpoint (moto): every client talks to it. */
  endpoint?: string;
  /** Attempts per call, retries included; default DEFAULT_STATE_READ_MAX_ATTEMPTS. */
  maxAttempts?: number;
  accountId?: string;
  concurrency?: number;
  /** Replaces the HTTP layer (tests drive the SDK's real retry logic with canned responses). */
  requestHandler?: LambdaClientConfig['requestHandler'];
}

/** An SdkStateReader with IAM, Lambda and STS clients on the default credential chain and adaptive retries. */
export function createSdkStateReader(options: SdkStateReaderClientOptions): SdkStateReader {
  const config = {
    region: options.region,
    maxAttempts: options.maxAttempts ?? DEFAULT_STATE_READ_MAX_ATTEMPTS,
    retryMode: 'adaptive',
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.requestHandler ? { requestHandler: options.requestHandler } : {}),
  };
  return new SdkStateReader({
    iam: new IAMClient(config),
    lambda: new LambdaClient(config),
    sts: new STSClient(config),
    region: options.region,
    ...(options.accountId ? { accountId: options.accountId } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
  });
}

/** An SDK error as a StateReadError naming the action (classification shared with `tripline collect`). */
export function toStateReadError(error: unknown, action: string, target?: string): StateReadError {
  if (error instanceof StateReadError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const name = e.name ?? 'Error';
  const detail = e.message ? `${name}: ${e.message}` : typeof error === 'string' ? error : name;
  const on = target ? ` on ${target}` : '';
  const { reason } = describeReadError(error, action, target);
  if (reason === 'access-denied') {
    return new StateReadError(
      `access denied: the reader may not call ${action}${on} (${detail})`,
      action,
      reason,
      {
        cause: error,
      },
    );
  }
  if (reason === 'throttled') {
    const attempts = e.$metadata?.attempts;
    return new StateReadError(
      `${action}${on} was still throttled${attempts ? ` after ${attempts} attempts` : ''} (${detail})`,
      action,
      reason,
      { cause: error },
    );
  }
  return new StateReadError(`${action}${on} failed: ${detail}`, action, 'failed', { cause: error });
}

/** The entity a read was about does not exist (any more). Never leaves this module. */
class EntityGoneError extends Error {
  override readonly name = 'EntityGoneError';
}

function errorName(error: unknown): string | undefined {
  return (error as SdkErrorShape | undefined)?.name;
}

function isNoSuchEntity(error: unknown): boolean {
  const name = errorName(error);
  return name === 'NoSuchEntityException' || name === 'NoSuchEntity';
}

function isResourceNotFound(error: unknown): boolean {
  return errorName(error) === 'ResourceNotFoundException';
}

/**
 * Lambda says "Function not found: arn…" when the function is gone, and "The resource you requested does not
 * exist." when only its policy or URL is (the check `tripline collect` makes too).
 */
function isFunctionGone(error: unknown): boolean {
  return isResourceNotFound(error) && /function not found/i.test((error as SdkErrorShape).message ?? '');
}

/**
 * Waits for every task to settle (so the outcome does not depend on which call answers first), then: the
 * first failure that is not "gone" wins, else the first "gone", else the results.
 */
async function settle<T extends readonly unknown[] | []>(
  tasks: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const results = await Promise.allSettled(tasks);
  let gone: EntityGoneError | undefined;
  for (const result of results) {
    if (result.status === 'fulfilled') continue;
    if (!(result.reason instanceof EntityGoneError)) throw result.reason;
    gone ??= result.reason;
  }
  if (gone) throw gone;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as {
    -readonly [K in keyof T]: Awaited<T[K]>;
  };
}

function defined<T>(value: T | undefined): value is T {
  return value !== undefined;
}

/** SDK responses as the JSON the parsers read: Dates become ISO strings, undefined members disappear. */
function jsonShape(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

function parseDetails(
  doc: Partial<AuthorizationDetailsDocument>,
  source: string,
): ParsedAuthorizationDetails {
  const full = jsonShape({
    UserDetailList: [],
    GroupDetailList: [],
    RoleDetailList: [],
    Policies: [],
    ...doc,
  }) as AuthorizationDetailsDocument;
  return parseAuthorizationDetails([decodeAuthorizationDetails(full)], source);
}

interface FunctionExtras {
  policy: string | undefined;
  url: FunctionUrl | undefined;
}

export class SdkStateReader implements StateReader {
  readonly iam: IAMClient;
  readonly lambda: LambdaClient;
  private stsClient: STSClient | undefined;
  private readonly concurrency: number;
  private accountIdRead: Promise<string> | undefined;

  constructor(private readonly options: SdkStateReaderOptions) {
    this.iam = options.iam;
    this.lambda = options.lambda;
    this.stsClient = options.sts;
    this.concurrency = Math.max(1, options.concurrency ?? DEFAULT_STATE_READ_CONCURRENCY);
  }

  get sts(): STSClient {
    this.stsClient ??= new STSClient({ region: this.options.region });
    return this.stsClient;
  }

  async accountId(): Promise<string> {
    if (this.options.accountId) return this.options.accountId;
    this.accountIdRead ??= this.send('sts:GetCallerIdentity', 'the caller', () =>
      this.sts.send(new GetCallerIdentityCommand({})),
    ).then((out) => required(out.Account, 'sts:GetCallerIdentity', 'the caller'));
    try {
      return await this.accountIdRead;
    } catch (error) {
      this.accountIdRead = undefined;
      throw error;
    }
  }

  async role(name: string): Promise<Role | undefined> {
    const target = `role ${name}`;
    const { iam } = this;
    const getRole = () =>
      this.send('iam:GetRole', target, () => iam.send(new GetRoleCommand({ RoleName: name })));
    return this.unlessGone(async () => {
      const [got, policies, attached, profiles] = await settle([
        getRole(),
        this.inlinePolicies(
          target,
          'iam:ListRolePolicies',
          paginateListRolePolicies({ client: iam, pageSize: IAM_PAGE_SIZE }, { RoleName: name }),
          'iam:GetRolePolicy',
          (policyName) => iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policyName })),
          getRole,
        ),
        this.pages(
          'iam:ListAttachedRolePolicies',
          target,
          paginateListAttachedRolePolicies({ client: iam, pageSize: IAM_PAGE_SIZE }, { RoleName: name }),
          (page) => page.AttachedPolicies,
        ),
        this.pages(
          'iam:ListInstanceProfilesForRole',
          target,
          paginateListInstanceProfilesForRole({ client: iam, pageSize: IAM_PAGE_SIZE }, { RoleName: name }),
          (page) => page.InstanceProfiles,
        ),
      ]);
      const role = required(got.Role, 'iam:GetRole', target);
      const detail = {
        ...role,
        RolePolicyList: policies,
        AttachedManagedPolicies: attached,
        InstanceProfileList: profiles.map((p) => ({
          Arn: p.Arn,
          InstanceProfileName: p.InstanceProfileName,
        })),
      };
      return this.parse('iam:GetRole', target, () =>
        required(
          parseDetails({ RoleDetailList: [detail] }, `GetRole ${name}`).roles[0],
          'iam:GetRole',
          target,
        ),
      );
    });
  }

  async user(name: string): Promise<User | undefined> {
    const target = `user ${name}`;
    const { iam } = this;
    const getUser = () =>
      this.send('iam:GetUser', target, () => iam.send(new GetUserCommand({ UserName: name })));
    return this.unlessGone(async () => {
      const [got, policies, attached, groups] = await settle([
        getUser(),
        this.inlinePolicies(
          target,
          'iam:ListUserPolicies',
          paginateListUserPolicies({ client: iam, pageSize: IAM_PAGE_SIZE }, { UserName: name }),
          'iam:GetUserPolicy',
          (policyName) => iam.send(new GetUserPolicyCommand({ UserName: name, PolicyName: policyName })),
          getUser,
        ),
        this.pages(
          'iam:ListAttachedUserPolicies',
          target,
          paginateListAttachedUserPolicies({ client: iam, pageSize: IAM_PAGE_SIZE }, { UserName: name }),
          (page) => page.AttachedPolicies,
        ),
        this.pages(
          'iam:ListGroupsForUser',
          target,
          paginateListGroupsForUser({ client: iam, pageSize: IAM_PAGE_SIZE }, { UserName: name }),
          (page) => page.Groups,
        ),
      ]);
      const user = required(got.User, 'iam:GetUser', target);
      const detail = {
        ...user,
        UserPolicyList: policies,
        AttachedManagedPolicies: attached,
        GroupList: groups.map((g) => g.GroupName).filter(defined),
      };
      return this.parse('iam:GetUser', target, () =>
        required(
          parseDetails({ UserDetailList: [detail] }, `GetUser ${name}`).users[0],
          'iam:GetUser',
          target,
        ),
      );
    });
  }

  async group(name: string): Promise<{ group: Group; members: string[] } | undefined> {
    const target = `group ${name}`;
    const { iam } = this;
    const getGroup = () =>
      this.send('iam:GetGroup', target, () =>
        iam.send(new GetGroupCommand({ GroupName: name, MaxItems: 1 })),
      );
    return this.unlessGone(async () => {
      const [pages, policies, attached] = await settle([
        this.pages(
          'iam:GetGroup',
          target,
          paginateGetGroup({ client: iam, pageSize: IAM_PAGE_SIZE }, { GroupName: name }),
          (page) => [page],
        ),
        this.inlinePolicies(
          target,
          'iam:ListGroupPolicies',
          paginateListGroupPolicies({ client: iam, pageSize: IAM_PAGE_SIZE }, { GroupName: name }),
          'iam:GetGroupPolicy',
          (policyName) => iam.send(new GetGroupPolicyCommand({ GroupName: name, PolicyName: policyName })),
          getGroup,
        ),
        this.pages(
          'iam:ListAttachedGroupPolicies',
          target,
          paginateListAttachedGroupPolicies({ client: iam, pageSize: IAM_PAGE_SIZE }, { GroupName: name }),
          (page) => page.AttachedPolicies,
        ),
      ]);
      const group = required(pages[0]?.Group, 'iam:GetGroup', target);
      const members = pages.flatMap((page) => page.Users ?? []).map((u) => u.UserName);
      const detail = { ...group, GroupPolicyList: policies, AttachedManagedPolicies: attached };
      const parsed = this.parse('iam:GetGroup', target, () =>
        required(
          parseDetails({ GroupDetailList: [detail] }, `GetGroup ${name}`).groups[0],
          'iam:GetGroup',
          target,
        ),
      );
      return { group: parsed, members: sortedUnique(members.filter(defined)) };
    });
  }

  async managedPolicy(arn: string): Promise<ManagedPolicy | undefined> {
    const target = `policy ${arn}`;
    const { iam } = this;
    const getPolicy = () =>
      this.send('iam:GetPolicy', target, () => iam.send(new GetPolicyCommand({ PolicyArn: arn })));
    return this.unlessGone(async () => {
      const [got, listed] = await settle([
        getPolicy(),
        this.pages(
          'iam:ListPolicyVersions',
          target,
          paginateListPolicyVersions({ client: iam, pageSize: IAM_PAGE_SIZE }, { PolicyArn: arn }),
          (page) => page.Versions,
        ),
      ]);
      const policy = required(got.Policy, 'iam:GetPolicy', target);
      const versionIds = listed.map((v) => v.VersionId).filter(defined);
      const read = await mapWithLimit(versionIds, this.concurrency, async (versionId) => {
        try {
          const out = await this.send('iam:GetPolicyVersion', `${target} version ${versionId}`, () =>
            iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: versionId })),
          );
          return required(out.PolicyVersion, 'iam:GetPolicyVersion', `${target} version ${versionId}`);
        } catch (error) {
          if (error instanceof EntityGoneError) return undefined;
          throw error;
        }
      });
      // A version deleted since the listing: gone with its policy, or just pruned.
      if (read.some((v) => v === undefined)) await getPolicy();
      const versions = read.filter(defined);
      const detail = {
        ...policy,
        // The versions read carry the default flag as of their read; GetPolicy may be a moment older.
        DefaultVersionId: versions.find((v) => v.IsDefaultVersion)?.VersionId ?? policy.DefaultVersionId,
        PolicyVersionList: versions,
      };
      return this.parse('iam:GetPolicy', target, () =>
        required(
          parseDetails({ Policies: [detail] }, `GetPolicy ${arn}`).managedPolicies.get(policy.Arn ?? arn),
          'iam:GetPolicy',
          target,
        ),
      );
    });
  }

  async policyEntities(arn: string): Promise<PolicyEntities> {
    const target = `policy ${arn}`;
    try {
      const byUsage = await settle(
        POLICY_USAGES.map((usage) =>
          this.pages(
            'iam:ListEntitiesForPolicy',
            target,
            paginateListEntitiesForPolicy(
              { client: this.iam, pageSize: IAM_PAGE_SIZE },
              { PolicyArn: arn, PolicyUsageFilter: usage },
            ),
            (page) => [page],
          ),
        ),
      );
      const pages = byUsage.flat();
      return {
        roles: sortedUnique(
          pages
            .flatMap((p) => p.PolicyRoles ?? [])
            .map((r) => r.RoleName)
            .filter(defined),
        ),
        users: sortedUnique(
          pages
            .flatMap((p) => p.PolicyUsers ?? [])
            .map((u) => u.UserName)
            .filter(defined),
        ),
        groups: sortedUnique(
          pages
            .flatMap((p) => p.PolicyGroups ?? [])
            .map((g) => g.GroupName)
            .filter(defined),
        ),
      };
    } catch (error) {
      if (error instanceof EntityGoneError) return { roles: [], users: [], groups: [] };
      throw error;
    }
  }

  async lambdaFunction(nameOrArn: string): Promise<LambdaFunction | undefined> {
    const target = `function ${nameOrArn}`;
    return this.unlessGone(async () => {
      const [config, extras] = await settle([
        this.send('lambda:GetFunctionConfiguration', target, () =>
          this.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: nameOrArn })),
        ),
        this.functionExtras(nameOrArn, target),
      ]);
      return this.parseFunction(config, extras, 'lambda:GetFunctionConfiguration', target);
    });
  }

  async functionsUsingRole(roleArn: string): Promise<LambdaFunction[]> {
    const listed = await this.listFunctions();
    const used = listed.filter((f) => f.Role !== undefined && sameRoleArn(f.Role, roleArn));
    return sortByArn(await this.withExtras(used));
  }

  async account(): Promise<AccountSnapshot> {
    const [pages, functions] = await settle([
      this.pages(
        'iam:GetAccountAuthorizationDetails',
        'the account',
        paginateGetAccountAuthorizationDetails(
          { client: this.iam, pageSize: IAM_PAGE_SIZE },
          { Filter: ALL_ENTITY_TYPES },
        ),
        (page) => [page],
      ),
      this.functionInventory(),
    ]);
    const doc: AuthorizationDetailsDocument = {
      UserDetailList: pages.flatMap((p) => p.UserDetailList ?? []),
      GroupDetailList: pages.flatMap((p) => p.GroupDetailList ?? []),
      RoleDetailList: pages.flatMap((p) => p.RoleDetailList ?? []),
      Policies: pages.flatMap((p) => p.Policies ?? []),
    };
    const details = this.parse('iam:GetAccountAuthorizationDetails', 'the account', () =>
      parseDetails(doc, 'GetAccountAuthorizationDetails'),
    );
    const snapshot = buildSnapshot(details, functions, {
      authorizationDetails: 'live: iam:GetAccountAuthorizationDetails',
      ...(functions ? { lambdas: 'live: lambda:ListFunctions' } : {}),
    });
    // An account with no principal and no function carries its id in no ARN.
    if (snapshot.accountId === 'unknown') snapshot.accountId = await this.accountId();
    return snapshot;
  }

  // ---------------------------------------------------------------------------------------------------------

  /** One call: its failure as EntityGoneError (the subject does not exist) or StateReadError. */
  private async send<T>(action: CallAction, target: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw classify(error, action, target);
    }
  }

  /** Every page of a paginated call, flattened through `pick`. */
  private async pages<P, T>(
    action: CallAction,
    target: string,
    pages: AsyncIterable<P>,
    pick: (page: P) => readonly T[] | undefined,
  ): Promise<T[]> {
    const out: T[] = [];
    const iterator = pages[Symbol.asyncIterator]();
    for (;;) {
      const next = await this.send(action, target, () => iterator.next());
      if (next.done) return out;
      out.push(...(pick(next.value) ?? []));
    }
  }

  /** Inline policies by name, then each document. A policy deleted in between is dropped once `confirm` shows its owner still exists. */
  private async inlinePolicies(
    target: string,
    listAction: CallAction,
    list: AsyncIterable<{ PolicyNames?: string[] | undefined }>,
    getAction: CallAction,
    get: (policyName: string) => Promise<{ PolicyDocument?: string | undefined }>,
    confirm: () => Promise<unknown>,
  ): Promise<{ PolicyName: string; PolicyDocument: string | undefined }[]> {
    const names = await this.pages(listAction, target, list, (page) => page.PolicyNames);
    const read = await mapWithLimit(names, this.concurrency, async (policyName) => {
      try {
        const out = await this.send(getAction, `${target} policy ${policyName}`, () => get(policyName));
        return { PolicyName: policyName, PolicyDocument: out.PolicyDocument };
      } catch (error) {
        if (error instanceof EntityGoneError) return undefined;
        throw error;
      }
    });
    if (read.some((p) => p === undefined)) await confirm();
    return read.filter(defined);
  }

  private async listFunctions(): Promise<FunctionConfiguration[]> {
    return this.pages(
      'lambda:ListFunctions',
      'the functions',
      paginateListFunctions({ client: this.lambda, pageSize: LAMBDA_PAGE_SIZE }, {}),
      (page) => page.Functions,
    );
  }

  /** The functions' policies and URLs; a function deleted since the listing is left out. */
  private async withExtras(configs: FunctionConfiguration[]): Promise<LambdaFunction[]> {
    const read = await mapWithLimit(configs, this.concurrency, async (config) => {
      const ref = config.FunctionArn ?? config.FunctionName ?? '';
      const target = `function ${config.FunctionName ?? ref}`;
      try {
        const extras = await this.functionExtras(ref, target);
        return this.parseFunction(config, extras, 'lambda:ListFunctions', target);
      } catch (error) {
        if (error instanceof EntityGoneError) return undefined;
        throw error;
      }
    });
    return read.filter(defined);
  }

  /** The Lambda inventory, or `undefined` when the reader may not read it (see the module comment). */
  private async functionInventory(): Promise<LambdaFunction[] | undefined> {
    try {
      return await this.withExtras(await this.listFunctions());
    } catch (error) {
      if (error instanceof StateReadError && error.reason === 'access-denied') return undefined;
      throw error;
    }
  }

  private async functionExtras(functionRef: string, target: string): Promise<FunctionExtras> {
    const [policy, url] = await settle([
      this.optionalFunctionPart('lambda:GetPolicy', target, async () => {
        const out = await this.lambda.send(new GetFunctionPolicyCommand({ FunctionName: functionRef }));
        return out.Policy;
      }),
      this.optionalFunctionPart('lambda:GetFunctionUrlConfig', target, async () => {
        const out = await this.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: functionRef }));
        if (!out.AuthType || !out.FunctionUrl) return undefined;
        const url: FunctionUrl = { AuthType: out.AuthType, FunctionUrl: out.FunctionUrl };
        if (out.InvokeMode) url.InvokeMode = out.InvokeMode;
        if (out.Cors) url.Cors = out.Cors;
        return url;
      }),
    ]);
    return { policy, url };
  }

  /** A part a function may lack: ResourceNotFoundException is "none", unless it says the function is gone. */
  private async optionalFunctionPart<T>(
    action: CallAction,
    target: string,
    run: () => Promise<T | undefined>,
  ): Promise<T | undefined> {
    try {
      return await run();
    } catch (error) {
      if (isResourceNotFound(error) && !isFunctionGone(error)) return undefined;
      throw classify(error, action, target);
    }
  }

  private parseFunction(
    config: FunctionConfiguration,
    extras: FunctionExtras,
    action: CallAction,
    target: string,
  ): LambdaFunction {
    const entry = {
      ...config,
      ...(extras.policy !== undefined ? { Policy: extras.policy } : {}),
      ...(extras.url !== undefined ? { FunctionUrlConfig: extras.url } : {}),
    };
    return this.parse(action, target, () =>
      required(parseLambdaInventory(jsonShape({ Functions: [entry] }), target)[0], action, target),
    );
  }

  /** Runs a parser over API responses: a response the parser rejects is a failed read, not a bad snapshot. */
  private parse<T>(action: CallAction, target: string, run: () => T): T {
    try {
      return run();
    } catch (error) {
      if (error instanceof SnapshotInputError) {
        throw new StateReadError(
          `${action} on ${target} returned an unexpected response: ${error.message}`,
          action,
          'failed',
          {
            cause: error,
          },
        );
      }
      throw error;
    }
  }

  private async unlessGone<T>(read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      if (error instanceof EntityGoneError) return undefined;
      throw error;
    }
  }
}

function classify(error: unknown, action: CallAction, target: string): Error {
  if (error instanceof StateReadError || error instanceof EntityGoneError) return error;
  const gone = action.startsWith('iam:')
    ? isNoSuchEntity(error)
    : action.startsWith('lambda:') && isResourceNotFound(error);
  // Only reads about one entity can find it gone; for listings "not found" is a plain failure.
  if (gone && action !== 'lambda:ListFunctions' && action !== 'iam:GetAccountAuthorizationDetails') {
    return new EntityGoneError(`${target} does not exist (${action})`, { cause: error });
  }
  return toStateReadError(error, action, target);
}

function required<T>(value: T | undefined | null, action: CallAction, target: string): T {
  if (value === undefined || value === null) {
    throw new StateReadError(`${action} on ${target} returned no data`, action, 'failed');
  }
  return value;
}
