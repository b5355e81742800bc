/**
 * IAM `Condition` evaluation. Pure: no I/O, no logging, never throws on odd input.
 *
 * Semantics (IAM User Guide, "IAM JSON policy elements: Condition operators", "Single-valued vs. multivalued
 * context keys", "IAM policy elements: Variables and tags"; edge cases checked against @cloud-copilot/iam-simulate):
 * - Clauses are ANDed (several operators, several keys under one operator); the values of one clause are ORed.
 *   A negated operator (`StringNotEquals`, `NotIpAddress`, `ArnNotLike`, `NumericNotEquals`, `DateNotEquals`)
 *   is the negation of "matches any value": true when the request value matches none of them.
 * - Condition keys are case-insensitive; values are case-sensitive except for `...IgnoreCase`, `Bool` and `Null`.
 * - Operator names are case-sensitive: IAM rejects `stringEquals` ("MalformedPolicyDocument: Invalid Condition
 *   type : stringEquals", seen in ministryofjustice/modernisation-platform-environments#8893). iam-simulate
 *   is more lenient here. An unknown operator (misspelt, wrong case, `NullIfExists`, an unknown set qualifier)
 *   can never be satisfied: the clause is `false` in both modes. `isKnownConditionOperator` lets the parser warn.
 * - Key absent from the request (`missingKeys: 'absent'`): positive operators are false, negated operators true
 *   ("If the policy condition requires that the key is not matched ... and the right key is not present, the
 *   condition is true"), `...IfExists` true, `ForAllValues:` true, `ForAnyValue:` false, `Null` per its value.
 *   `IfExists` wins over the set qualifier (`ForAnyValue:StringEqualsIfExists` is true on a missing key, as the
 *   docs describe IfExists; iam-simulate ignores IfExists under a set qualifier).
 * - A multivalued key (array) under an operator without `ForAllValues:`/`ForAnyValue:` is false, negated or not
 *   (iam-simulate, confirmed by AWS at re:Inforce 2025 IAM431). A set qualifier on a single-valued key treats
 *   it as a one-element set. An empty array is present: `ForAllValues:` true, `ForAnyValue:` false, `Null` false.
 * - Policy variables apply to String*, Arn* and Bool values in Version 2012-10-17 only. A variable with no value
 *   and no default makes that value "effectively null": positive operators don't match it, negated ones do
 *   ("Inverted condition operators like StringNotEquals or StringNotLike do match against a null value").
 *   Substituted text is matched literally (a `*` from the context is not a wildcard).
 * - Malformed values never match: a Numeric* value that is not an integer or decimal (`1e3`, `10abc`), an
 *   unparsable date, an invalid CIDR or address, invalid base64, a Bool value other than true/false, an ARN with
 *   fewer than six components. Like a missing variable, such a value does not match, so the negated operator of
 *   its family is true for it (iam-simulate makes the negated clause false; IAM normally rejects such policies
 *   when they are saved, and AWS services send well-formed request values).
 * - `missingKeys: 'unknown'`: a key not in the context might be absent or hold any well-typed value (a single
 *   value for operators without set qualifier). The clause is `true`/`false` only when every possibility agrees
 *   — e.g. `StringLikeIfExists "*"`, `Null ["true","false"]`, `ForAnyValue:StringEquals []` — else `unknown`.
 *   A variable whose key is not in the context makes that value `unknown`.
 *
 * Performance: each clause object is compiled once (operator parse, lower-cased key, parsed numbers, dates,
 * CIDRs, wildcard patterns) and cached in a WeakMap keyed by the clause; clauses are treated as immutable.
 * Request values are parsed at most once per clause evaluation, with bounded caches for dates and addresses.
 */
import type { ConditionClause, PolicyVersion } from './policy-types.ts';
import {
  compileWildcard,
  hasPolicyVariables,
  isUniversalWildcard,
  substituteVariables,
  type WildcardMatcher,
} from './policy-variables.ts';
import type { ContextValue, MissingKeyMode, RequestContext, Tri } from './request-types.ts';

declare const normalizedBrand: unique symbol;

/** A request context with lower-cased keys, built once per request by {@link normalizeContext}. */
export type NormalizedContext = ReadonlyMap<string, ContextValue> & { readonly [normalizedBrand]: true };

export interface ConditionEnv {
  context: NormalizedContext;
  missingKeys: MissingKeyMode;
  /** The Version of the policy holding the conditions: variables are substituted only in 2012-10-17. */
  version: PolicyVersion;
}

export type SetQualifier = 'ForAllValues' | 'ForAnyValue';

export type OperatorFamily =
  | 'String'
  | 'StringIgnoreCase'
  | 'StringLike'
  | 'Numeric'
  | 'Date'
  | 'Bool'
  | 'Binary'
  | 'IpAddress'
  | 'Arn'
  | 'Null';

/** A condition operator taken apart. */
export interface ConditionOperatorInfo {
  /** As written, e.g. `ForAnyValue:StringLikeIfExists`. */
  operator: string;
  setQualifier: SetQualifier | undefined;
  /** The base operator, e.g. `StringLike`. */
  base: string;
  family: OperatorFamily;
  ifExists: boolean;
  /** `StringNotEquals`, `StringNotEqualsIgnoreCase`, `StringNotLike`, `NumericNotEquals`, `DateNotEquals`, `NotIpAddress`, `ArnNotEquals`, `ArnNotLike`. */
  negated: boolean;
  /** Whether policy variables are substituted in the values (String*, Arn*, Bool). */
  supportsVariables: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// Context

/**
 * Lower-case the keys of a request context, once per request. Values that are not strings or arrays of strings
 * (numbers, booleans from hand-written JSON) are turned into strings; `null`/`undefined` mean absent. When two
 * keys differ only in case, the later one wins.
 */
export function normalizeContext(ctx: RequestContext | undefined): NormalizedContext {
  const map = new Map<string, ContextValue>();
  if (ctx !== undefined && ctx !== null && typeof ctx === 'object') {
    for (const [key, raw] of Object.entries(ctx) as [string, unknown][]) {
      if (raw === undefined || raw === null) continue;
      if (typeof raw === 'string') map.set(key.toLowerCase(), raw);
      else if (Array.isArray(raw)) {
        map.set(
          key.toLowerCase(),
          raw
            .filter((v) => v !== undefined && v !== null)
            .map((v) => (typeof v === 'string' ? v : String(v))),
        );
      } else map.set(key.toLowerCase(), String(raw));
    }
  }
  return map as unknown as NormalizedContext;
}

// ---------------------------------------------------------------------------------------------------------------
// Bounded caches

const CACHE_LIMIT = 10_000;

function remember<K, V>(cache: Map<K, V>, key: K, value: V): V {
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  cache.set(key, value);
  return value;
}

// ---------------------------------------------------------------------------------------------------------------
// Value parsers (all return undefined / NaN on malformed input, never throw)

/** An integer or decimal value (Condition operators page); no exponent, no hex, no spaces. */
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

function parseNumber(text: string): number {
  return NUMBER.test(text) ? Number(text) : Number.NaN;
}

const EPOCH = /^-?\d+(?:\.\d+)?$/;
const ISO_DATE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?)?)?$/;
const dates = new Map<string, number>();

/** ISO 8601 as profiled by the W3C (YYYY, YYYY-MM, YYYY-MM-DD, ...Thh:mm[:ss[.s]][TZD]) or epoch seconds, to ms. */
function parseDateUncached(text: string): number {
  if (EPOCH.test(text)) return Math.round(Number(text) * 1000);
  const m = ISO_DATE.exec(text);
  if (!m) return Number.NaN;
  const year = Number(m[1]);
  const month = m[2] === undefined ? 1 : Number(m[2]);
  const day = m[3] === undefined ? 1 : Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return Number.NaN;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  if (date.getUTCDate() !== day) return Number.NaN; // 2023-02-30
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const digits = zone.slice(1).replace(':', '');
    const zoneHours = Number(digits.slice(0, 2));
    const zoneMinutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (zoneHours > 23 || zoneMinutes > 59) return Number.NaN;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (zoneHours * 60 + zoneMinutes);
  }
  return date.getTime() - offsetMinutes * 60_000;
}

function parseDate(text: string): number {
  return dates.get(text) ?? remember(dates, text, parseDateUncached(text));
}

/** An IPv4 address is one 32-bit word, an IPv6 address eight 16-bit words. */
interface IpAddress {
  v6: boolean;
  words: readonly number[];
}

interface Cidr extends IpAddress {
  prefix: number;
}

const DECIMAL_OCTET = /^\d{1,3}$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseIpv4Word(text: string): number | undefined {
  const octets = text.split('.');
  if (octets.length !== 4) return undefined;
  let word = 0;
  for (const octet of octets) {
    if (!DECIMAL_OCTET.test(octet)) return undefined;
    const n = Number(octet);
    if (n > 255) return undefined;
    word = word * 256 + n;
  }
  return word;
}

function parseHexGroups(groups: readonly string[], allowTrailingIpv4: boolean, out: number[]): boolean {
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i]!;
    if (allowTrailingIpv4 && i === groups.length - 1 && group.includes('.')) {
      const v4 = parseIpv4Word(group);
      if (v4 === undefined) return false;
      out.push(Math.floor(v4 / 65536), v4 % 65536);
    } else if (HEX_GROUP.test(group)) {
      out.push(Number.parseInt(group, 16));
    } else return false;
  }
  return true;
}

function parseIpv6Words(text: string): number[] | undefined {
  const gap = text.indexOf('::');
  if (gap === -1) {
    const words: number[] = [];
    return parseHexGroups(text.split(':'), true, words) && words.length === 8 ? words : undefined;
  }
  if (text.indexOf('::', gap + 1) !== -1) return undefined;
  const headText = text.slice(0, gap);
  const tailText = text.slice(gap + 2);
  const head: number[] = [];
  const tail: number[] = [];
  if (headText !== '' && !parseHexGroups(headText.split(':'), false, head)) return undefined;
  if (tailText !== '' && !parseHexGroups(tailText.split(':'), true, tail)) return undefined;
  if (head.length + tail.length > 7) return undefined;
  return [...head, ...Array.from({ length: 8 - head.length - tail.length }, () => 0), ...tail];
}

function parseIpAddress(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const words = parseIpv6Words(text);
    return words && { v6: true, words };
  }
  const word = parseIpv4Word(text);
  return word === undefined ? undefined : { v6: false, words: [word] };
}

const addresses = new Map<string, IpAddress | null>();

function parseRequestIp(text: string): IpAddress | undefined {
  let found = addresses.get(text);
  if (found === undefined) found = remember(addresses, text, parseIpAddress(text) ?? null);
  return found ?? undefined;
}

const PREFIX = /^\d{1,3}$/;

/** `203.0.113.0/24`, `2001:DB8::/32`; without a prefix, the whole address (/32 or /128). */
function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const address = parseIpAddress(slash === -1 ? text : text.slice(0, slash));
  if (!address) return undefined;
  const max = address.v6 ? 128 : 32;
  if (slash === -1) return { ...address, prefix: max };
  const prefixText = text.slice(slash + 1);
  if (!PREFIX.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  return prefix > max ? undefined : { ...address, prefix };
}

function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  if (cidr.v6 !== ip.v6) return false; // IPv4 addresses never fall in IPv6 ranges and vice versa (iam-simulate)
  const bitsPerWord = cidr.v6 ? 16 : 32;
  let remaining = cidr.prefix;
  for (let i = 0; remaining > 0; i++) {
    const a = cidr.words[i]!;
    const b = ip.words[i]!;
    if (remaining >= bitsPerWord) {
      if (a !== b) return false;
      remaining -= bitsPerWord;
    } else {
      const shift = bitsPerWord - remaining;
      if (Math.floor(a / 2 ** shift) !== Math.floor(b / 2 ** shift)) return false;
      remaining = 0;
    }
  }
  return true;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decode base64 to a binary string, or undefined when the text is not base64. */
function decodeBase64(text: string): string | undefined {
  if (!BASE64.test(text) || text.length % 4 === 1) return undefined;
  try {
    return atob(text);
  } catch {
    return undefined;
  }
}

/** Split an ARN into its six components; the sixth (resource) keeps any further colons. */
function splitArn(text: string): string[] | undefined {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < 5; i++) {
    const colon = text.indexOf(':', start);
    if (colon === -1) return undefined;
    parts.push(text.slice(start, colon));
    start = colon + 1;
  }
  parts.push(text.slice(start));
  return parts;
}

interface ArnPattern {
  segments: readonly WildcardMatcher[];
  universal: boolean;
}

const arnPatterns = new Map<string, ArnPattern | null>();

/**
 * Compile an ArnLike pattern: each of the six colon-separated components is matched on its own, so a wildcard
 * never spans a `:` except inside the resource component ("ArnLike ... matches elements between colons").
 */
function compileArnPattern(pattern: string): ArnPattern | undefined {
  let found = arnPatterns.get(pattern);
  if (found === undefined) {
    const parts = splitArn(pattern);
    found = remember(
      arnPatterns,
      pattern,
      parts
        ? {
            segments: parts.map(compileWildcard),
            // Every well-formed ARN starts with `arn`: `arn:*:*:*:*:*` matches them all.
            universal: parts.every((part, i) => isUniversalWildcard(part) || (i === 0 && part === 'arn')),
          }
        : null,
    );
  }
  return found ?? undefined;
}

/** Whether `arn` matches an ArnLike `pattern` (in the wildcard language of `compileWildcard`). */
export function matchesArnPattern(pattern: string, arn: string): boolean {
  const compiled = compileArnPattern(pattern);
  const parts = splitArn(arn);
  return (
    compiled !== undefined && parts !== undefined && compiled.segments.every((match, i) => match(parts[i]!))
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Operator families

/**
 * How one operator family compares: `R` is a parsed request value, `P` a compiled policy value.
 * `compilePolicy` gets the substituted literal `value` and wildcard `pattern`; undefined = malformed, never matches.
 */
interface Family<R, P> {
  prepareRequest(value: string): R;
  compilePolicy(value: string, pattern: string): P | undefined;
  test(policy: P, request: R): boolean;
  /** True when, together, the policy values match every well-typed request value. */
  coversAll(policies: readonly P[]): boolean;
}

type Comparison = 'eq' | 'lt' | 'lte' | 'gt' | 'gte';

function compare(comparison: Comparison, request: number, policy: number): boolean {
  switch (comparison) {
    case 'eq':
      return request === policy;
    case 'lt':
      return request < policy;
    case 'lte':
      return request <= policy;
    case 'gt':
      return request > policy;
    case 'gte':
      return request >= policy;
  }
}

const never = (): boolean => false;

const stringFamily: Family<string, string> = {
  prepareRequest: (v) => v,
  compilePolicy: (value) => value,
  test: (p, r) => p === r,
  coversAll: never,
};

const stringIgnoreCaseFamily: Family<string, string> = {
  prepareRequest: (v) => v.toLowerCase(),
  compilePolicy: (value) => value.toLowerCase(),
  test: (p, r) => p === r,
  coversAll: never,
};

interface LikePolicy {
  match: WildcardMatcher;
  universal: boolean;
}

const likeFamily: Family<string, LikePolicy> = {
  prepareRequest: (v) => v,
  compilePolicy: (_value, pattern) => ({
    match: compileWildcard(pattern),
    universal: isUniversalWildcard(pattern),
  }),
  test: (p, r) => p.match(r),
  coversAll: (policies) => policies.some((p) => p.universal),
};

function numberFamily(comparison: Comparison, parse: (text: string) => number): Family<number, number> {
  return {
    prepareRequest: parse,
    compilePolicy: (value) => {
      const n = parse(value);
      return Number.isNaN(n) ? undefined : n;
    },
    // NaN (malformed request value) compares false with everything.
    test: (p, r) => compare(comparison, r, p),
    coversAll: never,
  };
}

function parseBool(text: string): 'true' | 'false' | undefined {
  const lower = text.toLowerCase();
  return lower === 'true' || lower === 'false' ? lower : undefined;
}

const boolFamily: Family<string | undefined, string> = {
  prepareRequest: parseBool,
  compilePolicy: parseBool,
  test: (p, r) => p === r,
  coversAll: (policies) => policies.includes('true') && policies.includes('false'),
};

const binaryFamily: Family<string | undefined, string> = {
  prepareRequest: decodeBase64,
  compilePolicy: decodeBase64,
  test: (p, r) => p === r,
  coversAll: never,
};

const ipFamily: Family<IpAddress | undefined, Cidr> = {
  prepareRequest: parseRequestIp,
  compilePolicy: parseCidr,
  test: (p, r) => r !== undefined && cidrContains(p, r),
  coversAll: never,
};

const arnFamily: Family<string[] | undefined, ArnPattern> = {
  prepareRequest: splitArn,
  compilePolicy: (_value, pattern) => compileArnPattern(pattern),
  test: (p, r) => r !== undefined && p.segments.every((match, i) => match(r[i]!)),
  coversAll: (policies) => policies.some((p) => p.universal),
};

interface BaseOperator {
  family: OperatorFamily;
  negated: boolean;
  impl: Family<unknown, unknown> | undefined;
}

function base<R, P>(family: OperatorFamily, negated: boolean, impl: Family<R, P> | undefined): BaseOperator {
  return { family, negated, impl: impl as Family<unknown, unknown> | undefined };
}

const NUMERIC_OPERATORS: readonly [string, Comparison, boolean][] = [
  ['Equals', 'eq', false],
  ['NotEquals', 'eq', true],
  ['LessThan', 'lt', false],
  ['LessThanEquals', 'lte', false],
  ['GreaterThan', 'gt', false],
  ['GreaterThanEquals', 'gte', false],
];

const BASE_OPERATORS: ReadonlyMap<string, BaseOperator> = new Map([
  ['StringEquals', base('String', false, stringFamily)],
  ['StringNotEquals', base('String', true, stringFamily)],
  ['StringEqualsIgnoreCase', base('StringIgnoreCase', false, stringIgnoreCaseFamily)],
  ['StringNotEqualsIgnoreCase', base('StringIgnoreCase', true, stringIgnoreCaseFamily)],
  ['StringLike', base('StringLike', false, likeFamily)],
  ['StringNotLike', base('StringLike', true, likeFamily)],
  ...NUMERIC_OPERATORS.flatMap(([suffix, comparison, negated]): [string, BaseOperator][] => [
    [`Numeric${suffix}`, base('Numeric', negated, numberFamily(comparison, parseNumber))],
    [`Date${suffix}`, base('Date', negated, numberFamily(comparison, parseDate))],
  ]),
  ['Bool', base('Bool', false, boolFamily)],
  ['BinaryEquals', base('Binary', false, binaryFamily)],
  ['IpAddress', base('IpAddress', false, ipFamily)],
  ['NotIpAddress', base('IpAddress', true, ipFamily)],
  ['ArnEquals', base('Arn', false, arnFamily)],
  ['ArnLike', base('Arn', false, arnFamily)],
  ['ArnNotEquals', base('Arn', true, arnFamily)],
  ['ArnNotLike', base('Arn', true, arnFamily)],
  ['Null', base('Null', false, undefined)],
]);

const VARIABLE_FAMILIES: ReadonlySet<OperatorFamily> = new Set([
  'String',
  'StringIgnoreCase',
  'StringLike',
  'Arn',
  'Bool',
]);

const IF_EXISTS = 'IfExists';
const operatorInfos = new Map<string, ConditionOperatorInfo | null>();

function parseOperator(operator: string): ConditionOperatorInfo | undefined {
  let setQualifier: SetQualifier | undefined;
  let rest = operator;
  const colon = operator.indexOf(':');
  if (colon !== -1) {
    const qualifier = operator.slice(0, colon);
    if (qualifier !== 'ForAllValues' && qualifier !== 'ForAnyValue') return undefined;
    setQualifier = qualifier;
    rest = operator.slice(colon + 1);
  }
  let ifExists = false;
  let name = rest;
  if (rest.endsWith(IF_EXISTS)) {
    ifExists = true;
    name = rest.slice(0, -IF_EXISTS.length);
  }
  const found = BASE_OPERATORS.get(name);
  if (!found || (ifExists && found.family === 'Null')) return undefined;
  return {
    operator,
    setQualifier,
    base: name,
    family: found.family,
    ifExists,
    negated: found.negated,
    supportsVariables: VARIABLE_FAMILIES.has(found.family),
  };
}

/**
 * Take a condition operator apart; undefined when IAM does not know it. Names are case-sensitive; the set
 * qualifiers are `ForAllValues:` and `ForAnyValue:`; `IfExists` may end any operator but `Null`.
 */
export function describeConditionOperator(operator: string): ConditionOperatorInfo | undefined {
  let found = operatorInfos.get(operator);
  if (found === undefined) found = remember(operatorInfos, operator, parseOperator(operator) ?? null);
  return found ?? undefined;
}

/** Whether IAM knows this condition operator (see {@link describeConditionOperator}). */
export function isKnownConditionOperator(operator: string): boolean {
  return describeConditionOperator(operator) !== undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Compiled clauses

/** One policy value ready to test: a compiled value, a value that can never match, or one not known yet. */
type Resolved = { kind: 'match'; policy: unknown } | { kind: 'never' } | { kind: 'unknown' };

const NEVER: Resolved = { kind: 'never' };
const UNKNOWN: Resolved = { kind: 'unknown' };

interface VersionedValues {
  /** Policy values without variables are compiled once; `undefined` marks a value with variables. */
  compiled: readonly (Resolved | undefined)[];
  /** Set when no value has variables. */
  constant: readonly Resolved[] | undefined;
}

interface CompiledClause {
  operator: string;
  rawKey: string;
  rawValues: readonly string[];
  info: ConditionOperatorInfo | undefined;
  impl: Family<unknown, unknown> | undefined;
  key: string;
  values: readonly string[];
  nullWantsAbsent: boolean;
  nullWantsPresent: boolean;
  current?: VersionedValues;
  legacy?: VersionedValues;
}

const compiledClauses = new WeakMap<ConditionClause, CompiledClause>();
const EMPTY_CONTEXT = normalizeContext({});

function compileClause(clause: ConditionClause): CompiledClause {
  const operator = String(clause.operator);
  const info = describeConditionOperator(operator);
  const rawValues = Array.isArray(clause.values) ? clause.values : [];
  const values = rawValues.map((v) => (typeof v === 'string' ? v : String(v)));
  const lowered = info?.family === 'Null' ? values.map((v) => v.toLowerCase()) : [];
  return {
    operator: clause.operator,
    rawKey: clause.key,
    rawValues,
    info,
    impl: info && BASE_OPERATORS.get(info.base)?.impl,
    key: String(clause.key).toLowerCase(),
    values,
    nullWantsAbsent: lowered.includes('true'),
    nullWantsPresent: lowered.includes('false'),
  };
}

function compiledClause(clause: ConditionClause): CompiledClause {
  const found = compiledClauses.get(clause);
  if (
    found !== undefined &&
    found.operator === clause.operator &&
    found.rawKey === clause.key &&
    found.rawValues === clause.values
  ) {
    return found;
  }
  const compiled = compileClause(clause);
  compiledClauses.set(clause, compiled);
  return compiled;
}

function compileValue(impl: Family<unknown, unknown>, value: string, pattern: string): Resolved {
  const policy = impl.compilePolicy(value, pattern);
  return policy === undefined ? NEVER : { kind: 'match', policy };
}

function versionedValues(
  c: CompiledClause,
  impl: Family<unknown, unknown>,
  version: PolicyVersion,
): VersionedValues {
  const current = version === '2012-10-17';
  const cached = current ? c.current : c.legacy;
  if (cached) return cached;
  const variables = c.info?.supportsVariables === true;
  const compiled = c.values.map((text): Resolved | undefined => {
    if (!variables) return compileValue(impl, text, text);
    if (hasPolicyVariables(text, version)) return undefined;
    const literal = substituteVariables(text, EMPTY_CONTEXT, version);
    return literal.kind === 'value' ? compileValue(impl, literal.value, literal.pattern) : NEVER;
  });
  const result: VersionedValues = {
    compiled,
    constant: compiled.every((r) => r !== undefined) ? (compiled as Resolved[]) : undefined,
  };
  if (current) c.current = result;
  else c.legacy = result;
  return result;
}

function resolveValues(
  c: CompiledClause,
  impl: Family<unknown, unknown>,
  env: ConditionEnv,
): readonly Resolved[] {
  const versioned = versionedValues(c, impl, env.version);
  if (versioned.constant) return versioned.constant;
  return versioned.compiled.map((resolved, i) => {
    if (resolved !== undefined) return resolved;
    const substituted = substituteVariables(c.values[i]!, env.context, env.version, env.missingKeys);
    if (substituted.kind === 'missing') return NEVER;
    if (substituted.kind === 'unknown') return UNKNOWN;
    return compileValue(impl, substituted.value, substituted.pattern);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation

function not(value: Tri): Tri {
  return value === 'true' ? 'false' : value === 'false' ? 'true' : 'unknown';
}

/** Whether one request value matches the clause: OR over the policy values, then negated for `Not` operators. */
function testRequestValue(
  impl: Family<unknown, unknown>,
  negated: boolean,
  policies: readonly Resolved[],
  requestValue: string,
): Tri {
  const request = impl.prepareRequest(requestValue);
  let result: Tri = 'false';
  for (const resolved of policies) {
    if (resolved.kind === 'match') {
      if (impl.test(resolved.policy, request)) {
        result = 'true';
        break;
      }
    } else if (resolved.kind === 'unknown') {
      result = 'unknown';
    }
  }
  return negated ? not(result) : result;
}

/** What testRequestValue would give for an unknown, well-typed request value. */
function testUnknownValue(
  impl: Family<unknown, unknown>,
  negated: boolean,
  policies: readonly Resolved[],
): Tri {
  const compiled: unknown[] = [];
  let unresolved = false;
  for (const resolved of policies) {
    if (resolved.kind === 'match') compiled.push(resolved.policy);
    else if (resolved.kind === 'unknown') unresolved = true;
  }
  let result: Tri;
  if (compiled.length > 0 && impl.coversAll(compiled)) result = 'true';
  else if (compiled.length === 0 && !unresolved) result = 'false';
  else result = 'unknown';
  return negated ? not(result) : result;
}

function evaluateMissingKey(
  info: ConditionOperatorInfo,
  impl: Family<unknown, unknown>,
  policies: () => readonly Resolved[],
  missingKeys: MissingKeyMode,
): Tri {
  let absent: Tri;
  if (info.ifExists) absent = 'true';
  else if (info.setQualifier === 'ForAllValues') absent = 'true';
  else if (info.setQualifier === 'ForAnyValue') absent = 'false';
  else absent = info.negated ? 'true' : 'false';
  if (missingKeys === 'absent') return absent;

  // Unknown: the key may be absent, or present with any value (a set: possibly empty).
  const one = testUnknownValue(impl, info.negated, policies());
  let present: Tri;
  if (info.setQualifier === undefined) present = one;
  else if (info.setQualifier === 'ForAllValues') present = one === 'true' ? 'true' : 'unknown';
  else present = one === 'false' ? 'false' : 'unknown';
  return present === absent ? absent : 'unknown';
}

function evaluateNull(c: CompiledClause, found: ContextValue | undefined, missingKeys: MissingKeyMode): Tri {
  if (found !== undefined) return c.nullWantsPresent ? 'true' : 'false';
  if (missingKeys === 'absent') return c.nullWantsAbsent ? 'true' : 'false';
  if (c.nullWantsAbsent && c.nullWantsPresent) return 'true';
  if (!c.nullWantsAbsent && !c.nullWantsPresent) return 'false';
  return 'unknown';
}

/** Evaluate one `"Operator": { "key": values }` pair. */
export function evaluateClause(clause: ConditionClause, env: ConditionEnv): Tri {
  const c = compiledClause(clause);
  const info = c.info;
  if (info === undefined) return 'false';
  const found = env.context.get(c.key);
  if (info.family === 'Null') return evaluateNull(c, found, env.missingKeys);
  const impl = c.impl;
  if (impl === undefined) return 'false';

  if (found === undefined) {
    return evaluateMissingKey(info, impl, () => resolveValues(c, impl, env), env.missingKeys);
  }
  const policies = resolveValues(c, impl, env);
  if (info.setQualifier === undefined) {
    // A multivalued key needs a set qualifier.
    return typeof found === 'string' ? testRequestValue(impl, info.negated, policies, found) : 'false';
  }
  const requestValues = typeof found === 'string' ? [found] : found;
  if (info.setQualifier === 'ForAllValues') {
    let result: Tri = 'true';
    for (const v of requestValues) {
      const one = testRequestValue(impl, info.negated, policies, v);
      if (one === 'false') return 'false';
      if (one === 'unknown') result = 'unknown';
    }
    return result;
  }
  let result: Tri = 'false';
  for (const v of requestValues) {
    const one = testRequestValue(impl, info.negated, policies, v);
    if (one === 'true') return 'true';
    if (one === 'unknown') result = 'unknown';
  }
  return result;
}

/** AND over a statement's clauses: any false → false; else any unknown → unknown; else true (also when empty). */
export function evaluateConditions(clauses: readonly ConditionClause[], env: ConditionEnv): Tri {
  let result: Tri = 'true';
  for (const clause of clauses) {
    const one = evaluateClause(clause, env);
    if (one === 'false') return 'false';
    if (one === 'unknown') result = 'unknown';
  }
  return result;
}
