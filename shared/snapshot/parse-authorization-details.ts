/**
 * Turns `aws iam get-account-authorization-details` output into an AccountSnapshot.
 *
 * Accepts the CLI form (documents as JSON objects) and the raw API form (URL-encoded strings), one page or
 * several (a JSON array of pages, or pages concatenated one after another). A structural problem throws a
 * SnapshotInputError naming the file and the location; a bad policy document inside a good file is kept as an
 * invalid PolicyDocument (reported by the `policy-invalid` rule) and the rest goes on.
 */
import { accountOf } from '../engine/arn.ts';
import { parsePolicy } from '../engine/parse-policy.ts';
import type { PolicyKind, PolicySource } from '../engine/policy-types.ts';
import type {
  AccountSnapshot,
  AttachedPolicyRef,
  Group,
  InlinePolicy,
  LambdaFunction,
  ManagedPolicy,
  PolicyDocument,
  Role,
  User,
} from './account-snapshot.ts';

export class SnapshotInputError extends Error {
  override readonly name = 'SnapshotInputError';
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses one JSON value, an array of values, or JSON values concatenated (as paged CLI output can be). */
export function parseJsonValues(text: string, file: string): unknown[] {
  try {
    return [JSON.parse(text)];
  } catch (firstError) {
    const values: unknown[] = [];
    let depth = 0;
    let inString = false;
    let escaped = false;
    let start = -1;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (inString) {
        if (escaped) escaped = false;
        else if (ch === '\\') escaped = true;
        else if (ch === '"') inString = false;
        continue;
      }
      if (ch === '"') inString = true;
      else if (ch === '{' || ch === '[') {
        if (depth === 0) start = i;
        depth++;
      } else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0 && start >= 0) {
          try {
            values.push(JSON.parse(text.slice(start, i + 1)));
          } catch (error) {
            throw new SnapshotInputError(`${file}: ${locate(text, start)}: ${(error as Error).message}`, {
              cause: error,
            });
          }
          start = -1;
        }
      } else if (depth === 0 && ch !== undefined && !/\s/.test(ch)) {
        throw new SnapshotInputError(
          `${file}: ${locate(text, i)}: not valid JSON (${(firstError as Error).message})`,
        );
      }
    }
    if (depth !== 0 || values.length === 0) {
      throw new SnapshotInputError(`${file}: not valid JSON (${(firstError as Error).message})`);
    }
    return values;
  }
}

function locate(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

class Reader {
  constructor(readonly file: string) {}
  fail(path: string, message: string): never {
    throw new SnapshotInputError(`${this.file}: ${path}: ${message}`);
  }
  string(obj: Json, key: string, path: string): string {
    const v = obj[key];
    if (typeof v !== 'string')
      this.fail(`${path}.${key}`, v === undefined ? 'required string is missing' : 'expected a string');
    return v;
  }
  optionalString(obj: Json, key: string, path: string): string | undefined {
    const v = obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') this.fail(`${path}.${key}`, 'expected a string');
    return v;
  }
  list(obj: Json, key: string, path: string): Json[] {
    const v = obj[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) this.fail(`${path}.${key}`, 'expected an array');
    return v.map((item, i) => {
      if (!isRecord(item)) this.fail(`${path}.${key}[${i}]`, 'expected an object');
      return item;
    });
  }
  stringList(obj: Json, key: string, path: string): string[] {
    const v = obj[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
      this.fail(`${path}.${key}`, 'expected an array of strings');
    return v as string[];
  }
}

function document(raw: unknown, kind: PolicyKind, source: PolicySource): PolicyDocument {
  const result = parsePolicy(raw, { kind, source });
  return result.ok ? { ok: true, policy: result.policy } : { ok: false, errors: result.errors };
}

function tags(reader: Reader, obj: Json, path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [i, tag] of reader.list(obj, 'Tags', path).entries()) {
    out[reader.string(tag, 'Key', `${path}.Tags[${i}]`)] = typeof tag.Value === 'string' ? tag.Value : '';
  }
  return out;
}

function inlinePolicies(reader: Reader, obj: Json, key: string, path: string, owner: string): InlinePolicy[] {
  return reader.list(obj, key, path).map((p, i) => {
    const name = reader.string(p, 'PolicyName', `${path}.${key}[${i}]`);
    return {
      name,
      document: document(p.PolicyDocument, 'identity', {
        id: `inline:${owner}/${name}`,
        kind: 'identity',
        name,
        via: 'inline',
      }),
    };
  });
}

function attached(reader: Reader, obj: Json, path: string): AttachedPolicyRef[] {
  return reader.list(obj, 'AttachedManagedPolicies', path).map((p, i) => ({
    arn: reader.string(p, 'PolicyArn', `${path}.AttachedManagedPolicies[${i}]`),
    name: reader.optionalString(p, 'PolicyName', `${path}.AttachedManagedPolicies[${i}]`) ?? '',
  }));
}

function boundary(reader: Reader, obj: Json, path: string): string | undefined {
  const b = obj.PermissionsBoundary;
  if (b === undefined || b === null) return undefined;
  if (!isRecord(b)) reader.fail(`${path}.PermissionsBoundary`, 'expected an object');
  return reader.string(b, 'PermissionsBoundaryArn', `${path}.PermissionsBoundary`);
}

export interface ParsedAuthorizationDetails {
  roles: Role[];
  users: User[];
  groups: Group[];
  managedPolicies: Map<string, ManagedPolicy>;
}

/** Parses the already-decoded JSON pages of one or more GetAccountAuthorizationDetails responses. */
export function parseAuthorizationDetails(pages: unknown[], file: string): ParsedAuthorizationDetails {
  const reader = new Reader(file);
  const flat = pages.flatMap((p) => (Array.isArray(p) ? p : [p]));
  const out: ParsedAuthorizationDetails = { roles: [], users: [], groups: [], managedPolicies: new Map() };
  const known = ['UserDetailList', 'GroupDetailList', 'RoleDetailList', 'Policies'];
  flat.forEach((page, pageIndex) => {
    const at = flat.length > 1 ? `page ${pageIndex + 1}` : '$';
    if (!isRecord(page))
      reader.fail(at, 'expected the JSON object that get-account-authorization-details prints');
    if (!known.some((k) => k in page)) {
      reader.fail(at, `none of ${known.join(', ')} found: is this get-account-authorization-details output?`);
    }
    reader.list(page, 'RoleDetailList', at).forEach((r, i) => {
      const path = `${at}.RoleDetailList[${i}]`;
      const name = reader.string(r, 'RoleName', path);
      const arn = reader.string(r, 'Arn', path);
      const role: Role = {
        kind: 'role',
        arn,
        name,
        path: reader.optionalString(r, 'Path', path) ?? '/',
        id: reader.optionalString(r, 'RoleId', path) ?? '',
        inlinePolicies: inlinePolicies(reader, r, 'RolePolicyList', path, `role/${name}`),
        attachedPolicies: attached(reader, r, path),
        tags: tags(reader, r, path),
        instanceProfiles: reader
          .list(r, 'InstanceProfileList', path)
          .map((ip, j) => reader.string(ip, 'Arn', `${path}.InstanceProfileList[${j}]`)),
        trustPolicy: document(r.AssumeRolePolicyDocument, 'trust', {
          id: `trust:${name}`,
          kind: 'trust',
          via: 'trust',
        }),
      };
      const created = reader.optionalString(r, 'CreateDate', path);
      if (created) role.createDate = created;
      const b = boundary(reader, r, path);
      if (b) role.permissionsBoundary = b;
      if (isRecord(r.RoleLastUsed)) {
        role.lastUsed = {};
        const date = reader.optionalString(r.RoleLastUsed, 'LastUsedDate', `${path}.RoleLastUsed`);
        const region = reader.optionalString(r.RoleLastUsed, 'Region', `${path}.RoleLastUsed`);
        if (date) role.lastUsed.date = date;
        if (region) role.lastUsed.region = region;
      }
      out.roles.push(role);
    });
    reader.list(page, 'UserDetailList', at).forEach((u, i) => {
      const path = `${at}.UserDetailList[${i}]`;
      const name = reader.string(u, 'UserName', path);
      const user: User = {
        kind: 'user',
        arn: reader.string(u, 'Arn', path),
        name,
        path: reader.optionalString(u, 'Path', path) ?? '/',
        id: reader.optionalString(u, 'UserId', path) ?? '',
        inlinePolicies: inlinePolicies(reader, u, 'UserPolicyList', path, `user/${name}`),
        attachedPolicies: attached(reader, u, path),
        tags: tags(reader, u, path),
        groups: reader.stringList(u, 'GroupList', path),
      };
      const created = reader.optionalString(u, 'CreateDate', path);
      if (created) user.createDate = created;
      const b = boundary(reader, u, path);
      if (b) user.permissionsBoundary = b;
      out.users.push(user);
    });
    reader.list(page, 'GroupDetailList', at).forEach((g, i) => {
      const path = `${at}.GroupDetailList[${i}]`;
      const name = reader.string(g, 'GroupName', path);
      const group: Group = {
        kind: 'group',
        arn: reader.string(g, 'Arn', path),
        name,
        path: reader.optionalString(g, 'Path', path) ?? '/',
        id: reader.optionalString(g, 'GroupId', path) ?? '',
        inlinePolicies: inlinePolicies(reader, g, 'GroupPolicyList', path, `group/${name}`),
        attachedPolicies: attached(reader, g, path),
        tags: {},
      };
      const created = reader.optionalString(g, 'CreateDate', path);
      if (created) group.createDate = created;
      out.groups.push(group);
    });
    reader.list(page, 'Policies', at).forEach((p, i) => {
      const path = `${at}.Policies[${i}]`;
      const arn = reader.string(p, 'Arn', path);
      const name = reader.string(p, 'PolicyName', path);
      const defaultVersionId = reader.optionalString(p, 'DefaultVersionId', path) ?? 'v1';
      const policy: ManagedPolicy = {
        arn,
        name,
        path: reader.optionalString(p, 'Path', path) ?? '/',
        awsManaged: arn.includes(':iam::aws:policy/'),
        defaultVersionId,
        versions: reader.list(p, 'PolicyVersionList', path).map((v, j) => {
          const versionId =
            reader.optionalString(v, 'VersionId', `${path}.PolicyVersionList[${j}]`) ?? `v${j + 1}`;
          const version = {
            versionId,
            isDefault: v.IsDefaultVersion === true || versionId === defaultVersionId,
            document: document(v.Document, 'identity', { id: arn, kind: 'identity', name, via: 'managed' }),
          };
          const created = reader.optionalString(v, 'CreateDate', `${path}.PolicyVersionList[${j}]`);
          return created ? { ...version, createDate: created } : version;
        }),
      };
      if (typeof p.AttachmentCount === 'number') policy.attachmentCount = p.AttachmentCount;
      out.managedPolicies.set(arn, policy);
    });
  });
  return out;
}

/** Parses a Lambda inventory: `{"Functions": [GetFunctionConfiguration…, optional Policy, FunctionUrlConfig, Invocations90d]}`. */
export function parseLambdaInventory(value: unknown, file: string): LambdaFunction[] {
  const reader = new Reader(file);
  const values = Array.isArray(value) ? value : [value];
  const functions: LambdaFunction[] = [];
  values.forEach((page, pageIndex) => {
    const at = values.length > 1 ? `page ${pageIndex + 1}` : '$';
    if (!isRecord(page) || !Array.isArray(page.Functions)) reader.fail(at, 'expected {"Functions": [...]}');
    reader.list(page, 'Functions', at).forEach((f, i) => {
      const path = `${at}.Functions[${i}]`;
      const arn = reader.string(f, 'FunctionArn', path);
      const name = reader.string(f, 'FunctionName', path);
      const fn: LambdaFunction = {
        arn,
        name,
        role: reader.string(f, 'Role', path),
        environment: {},
        layers: reader.list(f, 'Layers', path).map((l, j) => reader.string(l, 'Arn', `${path}.Layers[${j}]`)),
      };
      for (const key of ['Runtime', 'Handler', 'PackageType', 'LastModified'] as const) {
        const v = reader.optionalString(f, key, path);
        if (v !== undefined) {
          const field = (key.charAt(0).toLowerCase() + key.slice(1)) as
            | 'runtime'
            | 'handler'
            | 'packageType'
            | 'lastModified';
          fn[field] = v;
        }
      }
      const architectures = reader.stringList(f, 'Architectures', path);
      if (architectures.length) fn.architectures = architectures;
      const vars = isRecord(f.Environment) ? f.Environment.Variables : undefined;
      if (vars !== undefined && vars !== null) {
        if (!isRecord(vars)) reader.fail(`${path}.Environment.Variables`, 'expected an object');
        for (const [k, v] of Object.entries(vars))
          fn.environment[k] = typeof v === 'string' ? v : JSON.stringify(v);
      }
      if (isRecord(f.VpcConfig)) {
        const subnetIds = reader.stringList(f.VpcConfig, 'SubnetIds', `${path}.VpcConfig`);
        const securityGroupIds = reader.stringList(f.VpcConfig, 'SecurityGroupIds', `${path}.VpcConfig`);
        const vpcId = reader.optionalString(f.VpcConfig, 'VpcId', `${path}.VpcConfig`);
        if (subnetIds.length > 0 || vpcId)
          fn.vpc = { subnetIds, securityGroupIds, ...(vpcId ? { vpcId } : {}) };
      }
      if (f.Policy !== undefined && f.Policy !== null) {
        fn.policy = document(f.Policy, 'resource', {
          id: `function-policy:${name}`,
          kind: 'resource',
          via: 'resource',
        });
      }
      if (isRecord(f.FunctionUrlConfig)) {
        const authType = reader.string(f.FunctionUrlConfig, 'AuthType', `${path}.FunctionUrlConfig`);
        const url = reader.optionalString(f.FunctionUrlConfig, 'FunctionUrl', `${path}.FunctionUrlConfig`);
        fn.url = { authType, ...(url ? { url } : {}) };
      }
      const invocations = f.Invocations90d;
      if (invocations !== undefined && invocations !== null) {
        if (typeof invocations !== 'number' || invocations < 0) {
          reader.fail(`${path}.Invocations90d`, 'expected a non-negative number');
        }
        fn.invocations90d = invocations as number;
      }
      functions.push(fn);
    });
  });
  return functions;
}

/** Builds the snapshot; the account id comes from the first ARN that carries one. */
export function buildSnapshot(
  details: ParsedAuthorizationDetails,
  functions: LambdaFunction[] | undefined,
  sources: AccountSnapshot['sources'],
): AccountSnapshot {
  const firstArn = [...details.roles, ...details.users, ...details.groups]
    .map((p) => p.arn)
    .find((arn) => accountOf(arn));
  const accountId =
    (firstArn && accountOf(firstArn)) ??
    (functions?.[0] ? accountOf(functions[0].arn) : undefined) ??
    'unknown';
  const partition = firstArn?.split(':')[1] ?? 'aws';
  const snapshot: AccountSnapshot = { accountId, partition, ...details, sources };
  if (functions) snapshot.functions = functions;
  return snapshot;
}
