/**
 * The StateReader over an AccountSnapshot, for offline replay and tests. It answers every question the live
 * reader answers, from the snapshot alone:
 *
 * - `role` / `user` / `group` find a principal by name (exact first, then ignoring case: IAM names are unique
 *   regardless of case). `group` lists as members the users whose group list names it.
 * - `managedPolicy` is the snapshot's policy with that ARN. A snapshot built from
 *   get-account-authorization-details holds every customer managed policy and the attached AWS managed ones.
 * - `policyEntities` scans attachments and permissions boundaries.
 * - Lambda functions come from `snapshot.functions`. When the snapshot has no Lambda inventory,
 *   `functionsUsingRole` answers `[]` (role rules still run; "used by a function" is then never true), and
 *   `lambdaFunction` throws a StateReadError: "absent" would mean "deleted" and resolve findings, which a
 *   snapshot without functions cannot say.
 *
 * Principals, policies and functions returned are the snapshot's own objects (not copies): treat them as
 * read-only. `account()` copies the containers, so a caller may patch its snapshot.
 */
import { nameFromArn, parseArn } from '../engine/arn.ts';
import type {
  AccountSnapshot,
  Group,
  LambdaFunction,
  ManagedPolicy,
  Role,
  User,
} from '../snapshot/account-snapshot.ts';
import { type PolicyEntities, StateReadError, type StateReader } from './state-reader.ts';

/**
 * True when two role ARNs name the same role. Role names are unique in an account regardless of case and of
 * path, so `role/x` and `role/service/X` in the same account are one role; other ARNs compare exactly.
 */
export function sameRoleArn(a: string, b: string): boolean {
  if (a === b) return true;
  const left = parseArn(a);
  const right = parseArn(b);
  if (!left || !right) return false;
  if (left.service !== 'iam' || right.service !== 'iam') return false;
  if (!left.resource.startsWith('role/') || !right.resource.startsWith('role/')) return false;
  return (
    left.partition === right.partition &&
    left.account === right.account &&
    nameFromArn(a).toLowerCase() === nameFromArn(b).toLowerCase()
  );
}

/**
 * The function a Lambda `FunctionName` parameter designates: a name, `name:qualifier`, a partial ARN
 * (`111122223333:function:name`) or a full ARN, qualified or not.
 */
export function parseFunctionReference(nameOrArn: string): { name: string; account?: string } {
  const parts = nameOrArn.split(':');
  const at = parts.indexOf('function');
  if (at >= 1 && parts[at + 1]) {
    const account = parts[at - 1];
    return account && /^\d{12}$/.test(account)
      ? { name: parts[at + 1] as string, account }
      : { name: parts[at + 1] as string };
  }
  return { name: parts[0] ?? nameOrArn };
}

class NameIndex<T extends { name: string }> {
  private readonly exact = new Map<string, T>();
  private readonly folded = new Map<string, T>();
  constructor(items: readonly T[]) {
    for (const item of items) {
      if (!this.exact.has(item.name)) this.exact.set(item.name, item);
      const key = item.name.toLowerCase();
      if (!this.folded.has(key)) this.folded.set(key, item);
    }
  }
  get(name: string): T | undefined {
    return this.exact.get(name) ?? this.folded.get(name.toLowerCase());
  }
}

/** Names deduplicated and sorted (code-unit order, independent of locale). */
export function sortedUnique(names: Iterable<string>): string[] {
  return [...new Set(names)].sort();
}

/** Functions in ARN order (code-unit order), as both readers return them. */
export function sortByArn<T extends { arn: string }>(items: T[]): T[] {
  return items.sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
}

export class SnapshotStateReader implements StateReader {
  private readonly roles: NameIndex<Role>;
  private readonly users: NameIndex<User>;
  private readonly groups: NameIndex<Group>;

  constructor(readonly snapshot: AccountSnapshot) {
    this.roles = new NameIndex(snapshot.roles);
    this.users = new NameIndex(snapshot.users);
    this.groups = new NameIndex(snapshot.groups);
  }

  async accountId(): Promise<string> {
    return this.snapshot.accountId;
  }

  async role(name: string): Promise<Role | undefined> {
    return this.roles.get(name);
  }

  async user(name: string): Promise<User | undefined> {
    return this.users.get(name);
  }

  async group(name: string): Promise<{ group: Group; members: string[] } | undefined> {
    const group = this.groups.get(name);
    if (!group) return undefined;
    const members = this.snapshot.users
      .filter((u) => u.groups.some((g) => g.toLowerCase() === group.name.toLowerCase()))
      .map((u) => u.name);
    return { group, members: sortedUnique(members) };
  }

  async managedPolicy(arn: string): Promise<ManagedPolicy | undefined> {
    return this.snapshot.managedPolicies.get(arn);
  }

  async policyEntities(arn: string): Promise<PolicyEntities> {
    const uses = (p: { attachedPolicies: { arn: string }[]; permissionsBoundary?: string }) =>
      p.permissionsBoundary === arn || p.attachedPolicies.some((a) => a.arn === arn);
    return {
      roles: sortedUnique(this.snapshot.roles.filter(uses).map((r) => r.name)),
      users: sortedUnique(this.snapshot.users.filter(uses).map((u) => u.name)),
      groups: sortedUnique(this.snapshot.groups.filter(uses).map((g) => g.name)),
    };
  }

  async lambdaFunction(nameOrArn: string): Promise<LambdaFunction | undefined> {
    const functions = this.snapshot.functions;
    if (functions === undefined) {
      throw new StateReadError(
        `cannot read function ${nameOrArn}: the snapshot has no Lambda inventory`,
        'lambda:GetFunctionConfiguration',
        'failed',
      );
    }
    const ref = parseFunctionReference(nameOrArn);
    return functions.find(
      (f) => f.name === ref.name && (ref.account === undefined || parseArn(f.arn)?.account === ref.account),
    );
  }

  async functionsUsingRole(roleArn: string): Promise<LambdaFunction[]> {
    return sortByArn((this.snapshot.functions ?? []).filter((f) => sameRoleArn(f.role, roleArn)));
  }

  /**
   * The snapshot with its lists and policy map copied: callers may patch what they get (the account context
   * cache does) without changing what this reader answers. The principals and policies inside are shared.
   */
  async account(): Promise<AccountSnapshot> {
    const s = this.snapshot;
    const copy: AccountSnapshot = {
      ...s,
      roles: [...s.roles],
      users: [...s.users],
      groups: [...s.groups],
      managedPolicies: new Map(s.managedPolicies),
      sources: { ...s.sources },
    };
    if (s.functions) copy.functions = [...s.functions];
    return copy;
  }
}
