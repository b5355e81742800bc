/**
 * A small EventBridge event-pattern matcher for the operators Tripline's patterns use, so tests can check the
 * generated patterns against real-shaped events offline. Semantics (from the EventBridge documentation):
 *
 * - every field of the pattern must match; fields the pattern does not name are ignored;
 * - a pattern object descends into the event's object; a pattern array lists alternatives for a leaf;
 * - an event array matches when any of its elements matches any alternative;
 * - exact values (string, number, boolean, null) compare by type and value; `{prefix}`, `{suffix}`,
 *   `{"equals-ignore-case"}`, `{"anything-but": value | [values] | {prefix}}`, `{exists: true | false}`.
 *
 * Anything else (`numeric`, `cidr`, `wildcard`, `$or`) throws: this is not a general implementation.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export class UnsupportedPatternError extends Error {
  override readonly name = 'UnsupportedPatternError';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is string | number | boolean | null {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function matchesAlternative(alternative: unknown, value: unknown): boolean {
  if (isScalar(alternative)) return value !== undefined && value === alternative;
  if (!isObject(alternative))
    throw new UnsupportedPatternError(`unsupported alternative ${JSON.stringify(alternative)}`);
  const keys = Object.keys(alternative);
  if (keys.length !== 1)
    throw new UnsupportedPatternError(`one operator per alternative: ${JSON.stringify(alternative)}`);
  const operator = keys[0] as string;
  const operand = alternative[operator];
  switch (operator) {
    case 'exists':
      if (typeof operand !== 'boolean') throw new UnsupportedPatternError('exists takes true or false');
      // `exists` looks at leaves: an object is not a leaf.
      return operand ? value !== undefined && !isObject(value) : value === undefined;
    case 'prefix':
      if (typeof operand !== 'string') throw new UnsupportedPatternError('prefix takes a string');
      return typeof value === 'string' && value.startsWith(operand);
    case 'suffix':
      if (typeof operand !== 'string') throw new UnsupportedPatternError('suffix takes a string');
      return typeof value === 'string' && value.endsWith(operand);
    case 'equals-ignore-case':
      if (typeof operand !== 'string') throw new UnsupportedPatternError('equals-ignore-case takes a string');
      return typeof value === 'string' && value.toLowerCase() === operand.toLowerCase();
    case 'anything-but': {
      if (value === undefined || isObject(value)) return false;
      if (isObject(operand)) {
        const inner = Object.keys(operand);
        if (inner.length !== 1 || inner[0] !== 'prefix' || typeof operand.prefix !== 'string')
          throw new UnsupportedPatternError('anything-but takes values or {prefix}');
        return typeof value === 'string' && !value.startsWith(operand.prefix);
      }
      const excluded = Array.isArray(operand) ? operand : [operand];
      if (!excluded.every(isScalar)) throw new UnsupportedPatternError('anything-but takes scalar values');
      return !excluded.includes(value as string | number | boolean | null);
    }
    default:
      throw new UnsupportedPatternError(`unsupported operator ${operator}`);
  }
}

function matchesLeaf(alternatives: unknown[], value: unknown): boolean {
  if (alternatives.length === 0)
    throw new UnsupportedPatternError('an empty list matches nothing: not allowed');
  const candidates = Array.isArray(value) ? (value.length > 0 ? value : [undefined]) : [value];
  return alternatives.some((alt) => candidates.some((candidate) => matchesAlternative(alt, candidate)));
}

function matchesObject(pattern: Record<string, unknown>, event: unknown): boolean {
  for (const [key, sub] of Object.entries(pattern)) {
    if (key.startsWith('$')) throw new UnsupportedPatternError(`unsupported ${key}`);
    const value = isObject(event) ? event[key] : undefined;
    if (Array.isArray(sub)) {
      if (!matchesLeaf(sub, value)) return false;
    } else if (isObject(sub)) {
      if (!matchesObject(sub, value)) return false;
    } else {
      throw new UnsupportedPatternError(`pattern field ${key} must be an array or an object`);
    }
  }
  return true;
}

/** Whether EventBridge would deliver `event` to a rule with `pattern`. */
export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  if (!isObject(pattern)) throw new UnsupportedPatternError('a pattern is a JSON object');
  return matchesObject(pattern, event as Json);
}
