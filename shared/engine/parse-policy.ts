/**
 * Parses and normalises IAM policy documents (identity, resource, trust, boundary, SCP).
 *
 * Accepts a JSON object, a JSON string, or the URL-encoded string the IAM API returns. Never throws:
 * every grammar problem becomes a located issue (`Statement[2].Effect: expected Allow or Deny`).
 */
import { isKnownConditionOperator } from './conditions.ts';
import type {
  ConditionClause,
  Effect,
  ParseResult,
  Policy,
  PolicyIssue,
  PolicyKind,
  PolicySource,
  PolicyVersion,
  PrincipalSet,
  Statement,
} from './policy-types.ts';

const TOP_LEVEL_ELEMENTS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_ELEMENTS = new Set([
  'Sid',
  'Effect',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Principal',
  'NotPrincipal',
  'Condition',
]);
const PRINCIPAL_TYPES: Record<string, keyof Omit<PrincipalSet, 'any'>> = {
  AWS: 'aws',
  Service: 'service',
  Federated: 'federated',
  CanonicalUser: 'canonicalUser',
};
const ACTION_PATTERN = /^(\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?]+)$/;
const ACCOUNT_ID = /^\d{12}$/;

export interface ParseOptions {
  kind?: PolicyKind;
  source?: PolicySource;
}

/** Decodes the document text: JSON, or URL-encoded JSON as the IAM API returns it. */
function decodeDocument(input: string): { value?: unknown; error?: string } {
  const text = input.trim();
  if (text === '') return { error: 'empty document' };
  try {
    return { value: JSON.parse(text) };
  } catch (jsonError) {
    if (text.startsWith('%')) {
      try {
        return { value: JSON.parse(decodeURIComponent(text)) };
      } catch {
        return { error: 'not valid JSON after URL-decoding' };
      }
    }
    return { error: `not valid JSON (${(jsonError as Error).message})` };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class IssueCollector {
  readonly errors: PolicyIssue[] = [];
  readonly warnings: PolicyIssue[] = [];
  error(path: string, message: string): void {
    this.errors.push({ path, message });
  }
  warn(path: string, message: string): void {
    this.warnings.push({ path, message });
  }
}

/** A string-or-array element as a non-empty string array, or undefined with an issue recorded. */
function readStringList(value: unknown, path: string, issues: IssueCollector): string[] | undefined {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) {
    issues.error(path, 'expected a string or a non-empty array of strings');
    return undefined;
  }
  const out: string[] = [];
  list.forEach((item, i) => {
    if (typeof item !== 'string') {
      issues.error(Array.isArray(value) ? `${path}[${i}]` : path, `expected a string, got ${describe(item)}`);
    } else {
      out.push(item);
    }
  });
  return out.length === list.length ? out : undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function readActions(value: unknown, path: string, issues: IssueCollector): string[] | undefined {
  const actions = readStringList(value, path, issues);
  if (!actions) return undefined;
  actions.forEach((action, i) => {
    if (!ACTION_PATTERN.test(action)) {
      issues.error(Array.isArray(value) ? `${path}[${i}]` : path, `invalid action ${JSON.stringify(action)}`);
    }
  });
  return actions;
}

function readResources(value: unknown, path: string, issues: IssueCollector): string[] | undefined {
  const resources = readStringList(value, path, issues);
  if (!resources) return undefined;
  resources.forEach((resource, i) => {
    if (resource !== '*' && !resource.startsWith('arn:')) {
      issues.error(
        Array.isArray(value) ? `${path}[${i}]` : path,
        `expected "*" or an ARN, got ${JSON.stringify(resource)}`,
      );
    }
  });
  return resources;
}

/** Normalises a 12-digit account id in a Principal to the account's root ARN, as IAM stores it. */
function normalizeAwsPrincipal(value: string): string {
  return ACCOUNT_ID.test(value) ? `arn:aws:iam::${value}:root` : value;
}

function readPrincipal(value: unknown, path: string, issues: IssueCollector): PrincipalSet | undefined {
  const set: PrincipalSet = { any: false, aws: [], service: [], federated: [], canonicalUser: [] };
  if (value === '*') {
    set.any = true;
    set.aws.push('*');
    return set;
  }
  if (!isRecord(value)) {
    issues.error(path, `expected "*" or an object such as {"AWS": ...}, got ${describe(value)}`);
    return undefined;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) {
    issues.error(path, 'expected at least one principal type (AWS, Service, Federated, CanonicalUser)');
    return undefined;
  }
  let ok = true;
  for (const key of keys) {
    const field = Object.hasOwn(PRINCIPAL_TYPES, key) ? PRINCIPAL_TYPES[key] : undefined;
    if (!field) {
      issues.error(
        `${path}.${key}`,
        'unknown principal type: expected AWS, Service, Federated or CanonicalUser',
      );
      ok = false;
      continue;
    }
    const list = readStringList(value[key], `${path}.${key}`, issues);
    if (!list) {
      ok = false;
      continue;
    }
    for (const entry of list) {
      if (field === 'aws') {
        if (entry === '*') set.any = true;
        set.aws.push(normalizeAwsPrincipal(entry));
      } else {
        set[field].push(entry);
      }
    }
  }
  return ok ? set : undefined;
}

function readConditions(value: unknown, path: string, issues: IssueCollector): ConditionClause[] | undefined {
  if (!isRecord(value)) {
    issues.error(path, `expected an object of condition operators, got ${describe(value)}`);
    return undefined;
  }
  const clauses: ConditionClause[] = [];
  let ok = true;
  for (const [operator, block] of Object.entries(value)) {
    const opPath = `${path}.${operator}`;
    if (!isKnownConditionOperator(operator)) {
      issues.error(opPath, 'unknown condition operator');
      ok = false;
      continue;
    }
    if (!isRecord(block)) {
      issues.error(opPath, `expected an object of condition keys, got ${describe(block)}`);
      ok = false;
      continue;
    }
    for (const [key, raw] of Object.entries(block)) {
      const list = Array.isArray(raw) ? raw : [raw];
      const values: string[] = [];
      list.forEach((item, i) => {
        if (typeof item === 'string') values.push(item);
        else if (typeof item === 'boolean' || typeof item === 'number') values.push(String(item));
        else {
          issues.error(
            Array.isArray(raw) ? `${opPath}.${key}[${i}]` : `${opPath}.${key}`,
            `expected a string, number or boolean, got ${describe(item)}`,
          );
          ok = false;
        }
      });
      clauses.push({ operator, key, values });
    }
  }
  return ok ? clauses : undefined;
}

function readStatement(raw: unknown, index: number, path: string, kind: PolicyKind, issues: IssueCollector) {
  if (!isRecord(raw)) {
    issues.error(path, `expected a statement object, got ${describe(raw)}`);
    return undefined;
  }
  const before = issues.errors.length;
  for (const key of Object.keys(raw)) {
    if (!STATEMENT_ELEMENTS.has(key)) issues.error(`${path}.${key}`, 'unknown statement element');
  }
  let effect: Effect | undefined;
  if (raw.Effect === 'Allow' || raw.Effect === 'Deny') effect = raw.Effect;
  else if (raw.Effect === undefined) issues.error(`${path}.Effect`, 'required: expected Allow or Deny');
  else issues.error(`${path}.Effect`, 'expected Allow or Deny');

  const statement: Statement = { index, effect: effect ?? 'Deny', conditions: [] };
  if (raw.Sid !== undefined) {
    if (typeof raw.Sid === 'string') statement.sid = raw.Sid;
    else issues.error(`${path}.Sid`, 'expected a string');
  }

  const pairs: [string, string][] = [
    ['Action', 'NotAction'],
    ['Resource', 'NotResource'],
    ['Principal', 'NotPrincipal'],
  ];
  for (const [positive, negative] of pairs) {
    if (raw[positive] !== undefined && raw[negative] !== undefined) {
      issues.error(path, `${positive} and ${negative} cannot both be present`);
    }
  }
  if (raw.Action !== undefined) statement.actions = readActions(raw.Action, `${path}.Action`, issues);
  if (raw.NotAction !== undefined)
    statement.notActions = readActions(raw.NotAction, `${path}.NotAction`, issues);
  if (raw.Action === undefined && raw.NotAction === undefined) {
    issues.error(`${path}.Action`, 'required: Action or NotAction');
  }

  if (raw.Resource !== undefined)
    statement.resources = readResources(raw.Resource, `${path}.Resource`, issues);
  if (raw.NotResource !== undefined) {
    statement.notResources = readResources(raw.NotResource, `${path}.NotResource`, issues);
  }
  const needsResource = kind === 'identity' || kind === 'boundary' || kind === 'scp';
  if (needsResource && raw.Resource === undefined && raw.NotResource === undefined) {
    issues.error(`${path}.Resource`, 'required in an identity policy: Resource or NotResource');
  }

  if (raw.Principal !== undefined)
    statement.principal = readPrincipal(raw.Principal, `${path}.Principal`, issues);
  if (raw.NotPrincipal !== undefined) {
    statement.notPrincipal = readPrincipal(raw.NotPrincipal, `${path}.NotPrincipal`, issues);
  }
  const hasPrincipal = raw.Principal !== undefined || raw.NotPrincipal !== undefined;
  if (needsResource && hasPrincipal) {
    issues.error(
      `${path}.Principal`,
      `not allowed in ${kind === 'identity' ? 'an identity' : `a ${kind}`} policy`,
    );
  }
  if ((kind === 'resource' || kind === 'trust') && !hasPrincipal) {
    issues.error(`${path}.Principal`, `required in a ${kind} policy`);
  }

  if (raw.Condition !== undefined) {
    statement.conditions = readConditions(raw.Condition, `${path}.Condition`, issues) ?? [];
  }
  return issues.errors.length === before ? statement : undefined;
}

/**
 * Parses a policy document. `kind` decides which elements are required or forbidden
 * (identity: Resource required, no Principal; resource/trust: Principal required).
 */
export function parsePolicy(input: unknown, options: ParseOptions = {}): ParseResult {
  const kind = options.kind ?? 'identity';
  const issues = new IssueCollector();
  let document: unknown = input;
  if (typeof input === 'string') {
    const decoded = decodeDocument(input);
    if (decoded.error !== undefined)
      return { ok: false, errors: [{ path: 'Policy', message: decoded.error }] };
    document = decoded.value;
  }
  if (!isRecord(document)) {
    return {
      ok: false,
      errors: [{ path: 'Policy', message: `expected a JSON object, got ${describe(document)}` }],
    };
  }
  for (const key of Object.keys(document)) {
    if (!TOP_LEVEL_ELEMENTS.has(key)) issues.error(key, 'unknown policy element');
  }

  let version: PolicyVersion = '2008-10-17';
  let versionDefaulted = false;
  if (document.Version === undefined) {
    versionDefaulted = true;
    issues.warn('Version', 'missing: treated as 2008-10-17, so policy variables are literal text');
  } else if (document.Version === '2012-10-17' || document.Version === '2008-10-17') {
    version = document.Version;
  } else {
    issues.error('Version', 'expected 2012-10-17 or 2008-10-17');
  }

  let id: string | undefined;
  if (document.Id !== undefined) {
    if (typeof document.Id === 'string') id = document.Id;
    else issues.error('Id', 'expected a string');
  }

  const statements: Statement[] = [];
  const rawStatements = document.Statement;
  if (rawStatements === undefined) {
    issues.error('Statement', 'required');
  } else if (Array.isArray(rawStatements)) {
    if (rawStatements.length === 0) issues.warn('Statement', 'empty: the policy grants nothing');
    rawStatements.forEach((raw, i) => {
      const statement = readStatement(raw, i, `Statement[${i}]`, kind, issues);
      if (statement) statements.push(statement);
    });
  } else {
    const statement = readStatement(rawStatements, 0, 'Statement', kind, issues);
    if (statement) statements.push(statement);
  }

  if (issues.errors.length > 0) return { ok: false, errors: issues.errors };
  const policy: Policy = { version, versionDefaulted, statements };
  if (id !== undefined) policy.id = id;
  if (options.source) policy.source = options.source;
  return { ok: true, policy, warnings: issues.warnings };
}

/** Renders issues as `path: message` lines. */
export function formatPolicyIssues(issues: PolicyIssue[]): string {
  return issues.map((issue) => `${issue.path}: ${issue.message}`).join('\n');
}
