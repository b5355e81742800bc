/**
 * Case-insensitive IAM wildcard matching of action strings (`Action` / `NotAction` values).
 *
 * `*` matches any run of characters (including none and including `:`), `?` exactly one character;
 * everything else matches itself, ignoring case. The whole string must match. This is the single
 * implementation used by the policy engine and by the action catalogue.
 *
 * Patterns are compiled once and cached (they repeat millions of times in a scan). A compiled
 * pattern never builds a RegExp and never backtracks: literal runs between stars are found
 * left to right, which is O(text × pattern) at worst, so `a*a*a*a*b` cannot blow up.
 */

export interface CompiledActionPattern {
  /** The pattern, lower-cased. */
  readonly pattern: string;
  /** True when the pattern contains `*` or `?`. */
  readonly hasWildcard: boolean;
  /** Case-insensitive test of any action string. */
  readonly matches: (action: string) => boolean;
  /** The same test for a string the caller has already lower-cased (saves one allocation). */
  readonly matchesLowerCase: (lowerCaseAction: string) => boolean;
}

const MAX_CACHED_PATTERNS = 65_536;
const patternCache = new Map<string, CompiledActionPattern>();

const QUESTION_MARK = 63; // '?'

/** Compiles (or returns the cached compilation of) an IAM action pattern. */
export function compileActionPattern(pattern: string): CompiledActionPattern {
  const cached = patternCache.get(pattern);
  if (cached !== undefined) return cached;
  const lower = pattern.toLowerCase();
  const matchesLowerCase = buildLowerCaseMatcher(lower);
  const compiled: CompiledActionPattern = {
    pattern: lower,
    hasWildcard: hasActionWildcard(lower),
    matches: (action) => matchesLowerCase(action.toLowerCase()),
    matchesLowerCase,
  };
  if (patternCache.size >= MAX_CACHED_PATTERNS) {
    const oldest = patternCache.keys().next();
    if (oldest.done !== true) patternCache.delete(oldest.value);
  }
  patternCache.set(pattern, compiled);
  return compiled;
}

/** True when `action` matches the IAM wildcard `pattern`, ignoring case. */
export function matchesActionPattern(pattern: string, action: string): boolean {
  return compileActionPattern(pattern).matches(action);
}

/** True when `action` matches at least one of `patterns` (an `Action` list), ignoring case. */
export function matchesAnyActionPattern(patterns: readonly string[], action: string): boolean {
  const lower = action.toLowerCase();
  for (const pattern of patterns) {
    if (compileActionPattern(pattern).matchesLowerCase(lower)) return true;
  }
  return false;
}

/** True when the string contains an IAM wildcard character (`*` or `?`). */
export function hasActionWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

interface Segment {
  text: string;
  hasQuestionMark: boolean;
}

function toSegment(text: string): Segment {
  return { text, hasQuestionMark: text.includes('?') };
}

function buildLowerCaseMatcher(pattern: string): (text: string) => boolean {
  const star = pattern.indexOf('*');
  const hasQuestionMark = pattern.includes('?');
  if (star < 0) {
    if (!hasQuestionMark) return (text) => text === pattern;
    const only = toSegment(pattern);
    return (text) => text.length === pattern.length && segmentMatchesAt(text, 0, only);
  }
  if (/^\*+$/.test(pattern)) return () => true;
  if (!hasQuestionMark && star === pattern.length - 1) {
    const prefix = pattern.slice(0, -1);
    return (text) => text.startsWith(prefix);
  }
  if (!hasQuestionMark && star === 0 && pattern.lastIndexOf('*') === 0) {
    const suffix = pattern.slice(1);
    return (text) => text.endsWith(suffix);
  }

  const parts = pattern.split('*');
  const head = toSegment(parts[0] ?? '');
  const tail = toSegment(parts[parts.length - 1] ?? '');
  const middle = parts
    .slice(1, -1)
    .filter((part) => part.length > 0)
    .map(toSegment);
  const minLength = parts.reduce((sum, part) => sum + part.length, 0);
  return (text) => {
    if (text.length < minLength) return false;
    const tailStart = text.length - tail.text.length;
    if (!segmentMatchesAt(text, 0, head) || !segmentMatchesAt(text, tailStart, tail)) return false;
    let position = head.text.length;
    for (const segment of middle) {
      const found = findSegment(text, segment, position, tailStart);
      if (found < 0) return false;
      position = found + segment.text.length;
    }
    return true;
  };
}

function segmentMatchesAt(text: string, start: number, segment: Segment): boolean {
  if (!segment.hasQuestionMark) return text.startsWith(segment.text, start);
  const pattern = segment.text;
  if (start + pattern.length > text.length) return false;
  for (let i = 0; i < pattern.length; i++) {
    const code = pattern.charCodeAt(i);
    if (code !== QUESTION_MARK && code !== text.charCodeAt(start + i)) return false;
  }
  return true;
}

/** Leftmost start in [from, end - length] where `segment` matches, or -1. */
function findSegment(text: string, segment: Segment, from: number, end: number): number {
  const last = end - segment.text.length;
  if (!segment.hasQuestionMark) {
    const found = text.indexOf(segment.text, from);
    return found >= 0 && found <= last ? found : -1;
  }
  for (let start = from; start <= last; start++) {
    if (segmentMatchesAt(text, start, segment)) return start;
  }
  return -1;
}
