/**
 * Reads one live account through an AccountReader and shapes it as the two offline inputs `tripline scan`
 * takes: the `get-account-authorization-details` document (pages merged, policy documents decoded as the AWS
 * CLI prints them) and the Lambda inventory (`{"Functions": [...]}` with Policy, FunctionUrlConfig,
 * Invocations90d). A function deleted while collecting is left out; any other failure stops the collection.
 */
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { type AccountReader, FUNCTION_GONE, type FunctionUrl } from './account-reader.ts';

export const INVOCATION_WINDOW_DAYS = 90;

export interface AuthorizationDetailsDocument {
  UserDetailList: unknown[];
  GroupDetailList: unknown[];
  RoleDetailList: unknown[];
  Policies: unknown[];
}

export type InventoryFunction = FunctionConfiguration & {
  Policy?: string;
  FunctionUrlConfig?: FunctionUrl;
  Invocations90d: number;
};

export interface CollectedAccount {
  identity: { account: string; arn: string };
  authorizationDetails: AuthorizationDetailsDocument;
  lambdas: { Functions: InventoryFunction[] };
  /** Functions listed and then gone before their details could be read. */
  vanished: string[];
}

export type CollectEvent =
  | { phase: 'identity'; account: string; arn: string }
  | { phase: 'iam'; pages: number; roles: number; users: number; groups: number; policies: number }
  | { phase: 'list-functions'; functions: number }
  | { phase: 'functions'; done: number; total: number };

export interface CollectOptions {
  now: Date;
  /** Functions read at once (3 calls each). */
  concurrency?: number;
  onProgress?: (event: CollectEvent) => void;
}

/** A policy document as the IAM API returns it (URL-encoded JSON) decoded to an object; left as is if it is not. */
export function decodePolicyDocument(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(decodeURIComponent(value));
  } catch {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function decodeIn(list: unknown, key: string): void {
  if (!Array.isArray(list)) return;
  for (const item of list) {
    const r = record(item);
    if (r && key in r) r[key] = decodePolicyDocument(r[key]);
  }
}

/** Decodes every policy document of a merged authorization-details document in place (and fills a missing PolicyName). */
export function decodeAuthorizationDetails(doc: AuthorizationDetailsDocument): AuthorizationDetailsDocument {
  for (const role of doc.RoleDetailList) {
    const r = record(role);
    if (!r) continue;
    if ('AssumeRolePolicyDocument' in r)
      r.AssumeRolePolicyDocument = decodePolicyDocument(r.AssumeRolePolicyDocument);
    decodeIn(r.RolePolicyList, 'PolicyDocument');
    if (Array.isArray(r.InstanceProfileList)) {
      for (const profile of r.InstanceProfileList)
        decodeIn(record(profile)?.Roles, 'AssumeRolePolicyDocument');
    }
  }
  for (const user of doc.UserDetailList) decodeIn(record(user)?.UserPolicyList, 'PolicyDocument');
  for (const group of doc.GroupDetailList) decodeIn(record(group)?.GroupPolicyList, 'PolicyDocument');
  for (const policy of doc.Policies) {
    const p = record(policy);
    if (!p) continue;
    decodeIn(p.PolicyVersionList, 'Document');
    // AWS always sends PolicyName; moto 5 omits it (and PolicyId). The name is the ARN's last path segment.
    if (typeof p.PolicyName !== 'string' && typeof p.Arn === 'string') p.PolicyName = p.Arn.split('/').at(-1);
  }
  return doc;
}

/** Runs `fn` over `items`, at most `limit` at a time; the first failure rejects (running calls finish). */
export async function mapWithLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i] as T);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

export async function collectAccount(
  reader: AccountReader,
  options: CollectOptions,
): Promise<CollectedAccount> {
  const progress = options.onProgress ?? (() => {});
  const identity = await reader.identity();
  progress({ phase: 'identity', ...identity });

  const details: AuthorizationDetailsDocument = {
    UserDetailList: [],
    GroupDetailList: [],
    RoleDetailList: [],
    Policies: [],
  };
  let pages = 0;
  for await (const page of reader.authorizationDetailsPages()) {
    pages++;
    details.UserDetailList.push(...page.UserDetailList);
    details.GroupDetailList.push(...page.GroupDetailList);
    details.RoleDetailList.push(...page.RoleDetailList);
    details.Policies.push(...page.Policies);
    progress({
      phase: 'iam',
      pages,
      roles: details.RoleDetailList.length,
      users: details.UserDetailList.length,
      groups: details.GroupDetailList.length,
      policies: details.Policies.length,
    });
  }
  decodeAuthorizationDetails(details);

  const listed: FunctionConfiguration[] = [];
  for await (const page of reader.functionPages()) {
    listed.push(...page);
    progress({ phase: 'list-functions', functions: listed.length });
  }
  listed.sort((a, b) => (a.FunctionName ?? '').localeCompare(b.FunctionName ?? ''));

  const end = options.now;
  const start = new Date(end.getTime() - INVOCATION_WINDOW_DAYS * 86_400_000);
  let done = 0;
  const vanished: string[] = [];
  const read = await mapWithLimit(
    listed,
    options.concurrency ?? 4,
    async (fn): Promise<InventoryFunction | undefined> => {
      const arn = fn.FunctionArn ?? fn.FunctionName ?? '';
      const policy = await reader.functionPolicy(arn);
      const url = policy === FUNCTION_GONE ? FUNCTION_GONE : await reader.functionUrlConfig(arn);
      const invocations =
        url === FUNCTION_GONE ? 0 : await reader.invocationSum(fn.FunctionName ?? arn, start, end);
      progress({ phase: 'functions', done: ++done, total: listed.length });
      if (policy === FUNCTION_GONE || url === FUNCTION_GONE) {
        vanished.push(arn);
        return undefined;
      }
      const entry: InventoryFunction = { ...fn, Invocations90d: invocations };
      if (policy !== undefined) entry.Policy = policy;
      if (url !== undefined) entry.FunctionUrlConfig = url;
      return entry;
    },
  );
  const functions = read.filter((f): f is InventoryFunction => f !== undefined);
  return {
    identity,
    authorizationDetails: details,
    lambdas: { Functions: functions },
    vanished: vanished.sort(),
  };
}
