/**
 * IAM policy variables and the wildcard patterns they produce. Pure: no I/O, no logging.
 *
 * A policy string (a condition value or a `Resource` entry) may hold, in policy Version `2012-10-17`:
 * - variables `${aws:username}`, `${aws:PrincipalTag/team}`, `${s3:prefix}`: replaced by the value of that
 *   context key (key names are case-insensitive);
 * - defaults `${aws:username, 'guest'}`: used when the key is not in the request;
 * - special characters `${*}`, `${?}`, `${$}`: a literal `*`, `?`, `$`.
 * In Version `2008-10-17` (and in documents without a Version) all of this is literal text.
 * Source: IAM User Guide, "IAM policy elements: Variables and tags".
 *
 * Substitution yields two strings:
 * - `value`: the literal text, for operators without wildcards (`StringEquals`, `Bool`, ...);
 * - `pattern`: a wildcard pattern for `StringLike`, `ArnLike` and `Resource` matching, in which the policy's own
 *   `*` and `?` stay wildcards and every literal `*`, `?` or `$` (from a special character, a context value or a
 *   default) is written as `${*}`, `${?}`, `${$}`. A `*` inside a context value therefore matches only a `*`,
 *   never "anything" (iam-simulate escapes substituted text the same way; a wildcard injected by a request
 *   value would let a caller widen a policy). {@link compileWildcard} reads this pattern language.
 */
import type { NormalizedContext } from './conditions.ts';
import type { PolicyVersion } from './policy-types.ts';
import type { MissingKeyMode } from './request-types.ts';

/**
 * Result of substituting the variables in one policy string.
 * - `value`: every variable resolved.
 * - `missing`: some variable has no value and no default (absent key, or a multivalued key, which cannot be a
 *   variable). AWS treats the text as "effectively null": it equals / is like nothing, so a positive operator
 *   does not match and a negated one (`StringNotEquals`) does; a `Resource` holding it matches nothing.
 * - `unknown`: only with `missingKeys: 'unknown'`: some variable's key is not in the context, so its value is not
 *   known (it could be absent, or hold any value — a default does not settle it).
 * `keys` name the unresolved variables as written in the policy.
 */
export type Substitution =
  | { readonly kind: 'value'; readonly value: string; readonly pattern: string }
  | { readonly kind: 'missing'; readonly keys: readonly string[] }
  | { readonly kind: 'unknown'; readonly keys: readonly string[] };

/** Tests one string against a compiled wildcard pattern. */
export type WildcardMatcher = (value: string) => boolean;

const CACHE_LIMIT = 10_000;
const CURRENT_VERSION: PolicyVersion = '2012-10-17';

/** Insert into a bounded cache, evicting the oldest entry when full (Map keeps insertion order). */
function remember<K, V>(cache: Map<K, V>, key: K, value: V): V {
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  cache.set(key, value);
  return value;
}

/** Write every `$`, `*`, `?` of a literal as the matching special-character variable. */
function escapeLiteral(text: string): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    // $ * ?
    if (ch === 36 || ch === 42 || ch === 63) {
      out += text.slice(start, i) + '${' + text[i] + '}';
      start = i + 1;
    }
  }
  return start === 0 ? text : out + text.slice(start);
}

/** Policy text outside variables keeps its wildcards; only `$` needs escaping so `${` is never ambiguous. */
function escapeDollars(text: string): string {
  return text.includes('$') ? text.replaceAll('$', '${$}') : text;
}

interface TextPart {
  readonly value: string;
  readonly pattern: string;
}

interface VariablePart {
  /** Lower-cased context key. */
  readonly key: string;
  /** The name as written, for explanations. */
  readonly name: string;
  readonly fallback: string | undefined;
}

type TemplatePart = TextPart | VariablePart;

interface Template {
  readonly parts: readonly TemplatePart[];
  /** Set when the text holds no variable: the substitution never depends on the context. */
  readonly constant: Substitution | undefined;
  readonly names: readonly string[];
}

const templates = new Map<string, Template>();
const literalResults = new Map<string, Substitution>();

const DEFAULT_PATTERN = /^'(.*)'$/s;

/**
 * Parse the inside of `${...}`: `name` or `name, 'default'`. Spaces around the name and the default are ignored.
 * A default that is not quoted is ignored (the variable then has no default), as iam-simulate does.
 */
function parseVariable(inner: string): VariablePart {
  const comma = inner.indexOf(',');
  const name = (comma === -1 ? inner : inner.slice(0, comma)).trim();
  let fallback: string | undefined;
  if (comma !== -1) {
    const quoted = DEFAULT_PATTERN.exec(inner.slice(comma + 1).trim());
    if (quoted) fallback = quoted[1];
  }
  return { key: name.toLowerCase(), name, fallback };
}

function parseTemplate(text: string): Template {
  const parts: TemplatePart[] = [];
  const names: string[] = [];
  let value = '';
  let pattern = '';
  let literalStart = 0;
  let i = text.indexOf('${');
  while (i !== -1) {
    const close = text.indexOf('}', i + 2);
    if (close === -1) break; // an unterminated `${` is literal text
    const literal = text.slice(literalStart, i);
    value += literal;
    pattern += escapeDollars(literal);
    const inner = text.slice(i + 2, close);
    if (inner === '*' || inner === '?' || inner === '$') {
      value += inner;
      pattern += '${' + inner + '}';
    } else {
      if (value !== '' || pattern !== '') parts.push({ value, pattern });
      value = '';
      pattern = '';
      const variable = parseVariable(inner);
      parts.push(variable);
      names.push(variable.name);
    }
    literalStart = close + 1;
    i = text.indexOf('${', literalStart);
  }
  const rest = text.slice(literalStart);
  value += rest;
  pattern += escapeDollars(rest);
  if (value !== '' || pattern !== '') parts.push({ value, pattern });
  const constant: Substitution | undefined =
    names.length === 0 ? Object.freeze({ kind: 'value', value, pattern }) : undefined;
  return { parts, constant, names };
}

function templateFor(text: string): Template {
  return templates.get(text) ?? remember(templates, text, parseTemplate(text));
}

function literalResult(text: string): Substitution {
  return (
    literalResults.get(text) ??
    remember(
      literalResults,
      text,
      Object.freeze({ kind: 'value', value: text, pattern: escapeDollars(text) }),
    )
  );
}

/**
 * Substitute the policy variables in `text`.
 *
 * @param ctx the request context, from `normalizeContext`.
 * @param version the policy's `Version`; anything but `2012-10-17` leaves the text literal.
 * @param missingKeys `absent` (default): a key not in `ctx` is absent, so its default applies or the text is
 *   `missing`. `unknown`: a key not in `ctx` makes the text `unknown`, default or not.
 *   A multivalued key (an array in `ctx`) is known and never substitutes: its default applies or the text is
 *   `missing`, in both modes ("you can't use multivalued context keys as policy variables").
 */
export function substituteVariables(
  text: string,
  ctx: NormalizedContext,
  version: PolicyVersion,
  missingKeys: MissingKeyMode = 'absent',
): Substitution {
  if (version !== CURRENT_VERSION) return literalResult(text);
  const template = templateFor(text);
  if (template.constant) return template.constant;
  let value = '';
  let pattern = '';
  let missing: string[] | undefined;
  let unknown: string[] | undefined;
  for (const part of template.parts) {
    if (!('key' in part)) {
      value += part.value;
      pattern += part.pattern;
      continue;
    }
    const found = ctx.get(part.key);
    let resolved: string | undefined;
    if (typeof found === 'string') {
      resolved = found;
    } else if (found === undefined && missingKeys === 'unknown') {
      unknown ??= [];
      unknown.push(part.name);
      continue;
    } else {
      resolved = part.fallback;
    }
    if (resolved === undefined) {
      missing ??= [];
      missing.push(part.name);
      continue;
    }
    value += resolved;
    pattern += escapeLiteral(resolved);
  }
  if (missing) return { kind: 'missing', keys: missing };
  if (unknown) return { kind: 'unknown', keys: unknown };
  return { kind: 'value', value, pattern };
}

/** True when `text` holds at least one context-key variable (special characters alone do not count). */
export function hasPolicyVariables(text: string, version: PolicyVersion): boolean {
  return version === CURRENT_VERSION && text.includes('${') && templateFor(text).names.length > 0;
}

/** The context keys that `text` refers to through variables, as written, in order of appearance. */
export function policyVariableKeys(text: string, version: PolicyVersion): readonly string[] {
  if (version !== CURRENT_VERSION || !text.includes('${')) return [];
  return templateFor(text).names;
}

// ---------------------------------------------------------------------------------------------------------------
// Wildcard patterns

/** A run of characters between two `*`: fixed length, `?` positions match any one character. */
interface Segment {
  readonly text: string;
  /** Positions holding `?`, or undefined when there are none. */
  readonly any: readonly boolean[] | undefined;
}

const wildcards = new Map<string, WildcardMatcher>();

function segmentAt(segment: Segment, value: string, at: number): boolean {
  const { text, any } = segment;
  if (any === undefined) return value.startsWith(text, at);
  for (let i = 0; i < text.length; i++) {
    if (!any[i] && value.charCodeAt(at + i) !== text.charCodeAt(i)) return false;
  }
  return true;
}

/** Leftmost position in [from, limit - length] where the segment matches, or -1. */
function findSegment(segment: Segment, value: string, from: number, limit: number): number {
  const last = limit - segment.text.length;
  if (segment.any === undefined) {
    const at = value.indexOf(segment.text, from);
    return at !== -1 && at <= last ? at : -1;
  }
  for (let at = from; at <= last; at++) {
    if (segmentAt(segment, value, at)) return at;
  }
  return -1;
}

function compileWildcardUncached(pattern: string): WildcardMatcher {
  const segments: Segment[] = [];
  let text = '';
  let any: boolean[] | undefined;
  let stars = 0;
  const endSegment = (): void => {
    segments.push({ text, any });
    text = '';
    any = undefined;
  };
  for (let i = 0; i < pattern.length; ) {
    const ch = pattern[i]!;
    if (ch === '$' && pattern[i + 1] === '{' && pattern[i + 3] === '}') {
      const special = pattern[i + 2];
      if (special === '*' || special === '?' || special === '$') {
        text += special;
        any?.push(false);
        i += 4;
        continue;
      }
    }
    if (ch === '*') {
      endSegment();
      stars++;
      while (pattern[i] === '*') i++;
      continue;
    }
    if (ch === '?') {
      any ??= Array.from({ length: text.length }, () => false);
      any.push(true);
      text += '?';
    } else {
      any?.push(false);
      text += ch;
    }
    i++;
  }
  endSegment();

  if (stars === 0) {
    const only = segments[0]!;
    if (only.any === undefined) {
      const exact = only.text;
      return (value) => value === exact;
    }
    return (value) => value.length === only.text.length && segmentAt(only, value, 0);
  }
  const first = segments[0]!;
  const last = segments[segments.length - 1]!;
  const middle = segments.slice(1, -1);
  if (first.text === '' && last.text === '' && middle.length === 0) return () => true;
  const minLength = segments.reduce((sum, s) => sum + s.text.length, 0);
  return (value) => {
    if (value.length < minLength) return false;
    const end = value.length - last.text.length;
    if (!segmentAt(first, value, 0) || !segmentAt(last, value, end)) return false;
    let at = first.text.length;
    for (const segment of middle) {
      const found = findSegment(segment, value, at, end);
      if (found === -1) return false;
      at = found + segment.text.length;
    }
    return true;
  };
}

/**
 * Compile a wildcard pattern: `*` matches any run of characters (including none, `:` and `/`), `?` exactly one
 * UTF-16 code unit; `${*}`, `${?}`, `${$}` are a literal `*`, `?`, `$`; every other character is literal and
 * case-sensitive. Matching is linear-time in practice (no backtracking regular expression). Compiled matchers
 * are cached, so callers need not keep them.
 */
export function compileWildcard(pattern: string): WildcardMatcher {
  return wildcards.get(pattern) ?? remember(wildcards, pattern, compileWildcardUncached(pattern));
}

/** `compileWildcard(pattern)(value)`. */
export function matchesWildcard(pattern: string, value: string): boolean {
  return compileWildcard(pattern)(value);
}

/** True when the pattern matches every string: it is made only of `*` (and is not empty). */
export function isUniversalWildcard(pattern: string): boolean {
  if (pattern.length === 0) return false;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern.charCodeAt(i) !== 42) return false;
  }
  return true;
}
