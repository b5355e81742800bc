import { describe, expect, it } from 'vitest';
import cases from './event-pattern-matcher.cases.json' with { type: 'json' };
import { matchesEventPattern, UnsupportedPatternError } from './event-pattern-matcher.ts';

describe('matchesEventPattern', () => {
  it.each(cases.cases)('$name', ({ pattern, event, matches }) => {
    expect(matchesEventPattern(pattern, event)).toBe(matches);
  });

  it.each([
    { name: 'numeric', pattern: { detail: { n: [{ numeric: ['>', 0] }] } } },
    { name: '$or', pattern: { $or: [{ source: ['aws.iam'] }] } },
    { name: 'a scalar field', pattern: { source: 'aws.iam' } },
    { name: 'an empty list', pattern: { source: [] } },
  ])('refuses what it does not implement: $name', ({ pattern }) => {
    expect(() => matchesEventPattern(pattern, { source: 'aws.iam', detail: { n: 1 } })).toThrow(
      UnsupportedPatternError,
    );
  });
});
