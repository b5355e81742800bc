import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import cases from './action-match.cases.json' with { type: 'json' };
import {
  compileActionPattern,
  hasActionWildcard,
  matchesActionPattern,
  matchesAnyActionPattern,
} from './action-match.ts';

interface MatchCase {
  name: string;
  pattern: string;
  action: string;
  expected: boolean;
}

/** Oracle: textbook dynamic programme over the lower-cased strings (no shortcuts, no caching). */
function referenceMatch(pattern: string, action: string): boolean {
  const p = pattern.toLowerCase();
  const t = action.toLowerCase();
  // row[j]: does p[0..i) match t[0..j)?
  let row = Array.from({ length: t.length + 1 }, (_, j) => j === 0);
  for (let i = 1; i <= p.length; i++) {
    const c = p[i - 1];
    const next = new Array<boolean>(t.length + 1).fill(false);
    next[0] = c === '*' && row[0] === true;
    for (let j = 1; j <= t.length; j++) {
      if (c === '*') next[j] = row[j] === true || next[j - 1] === true;
      else next[j] = row[j - 1] === true && (c === '?' || c === t[j - 1]);
    }
    row = next;
  }
  return row[t.length] === true;
}

describe('matchesActionPattern', () => {
  it.each(cases as MatchCase[])('$name: $pattern vs $action → $expected', ({ pattern, action, expected }) => {
    expect(matchesActionPattern(pattern, action)).toBe(expected);
    expect(referenceMatch(pattern, action)).toBe(expected);
  });

  it('returns the same compiled pattern for a repeated pattern', () => {
    expect(compileActionPattern('lambda:List*')).toBe(compileActionPattern('lambda:List*'));
    expect(compileActionPattern('Lambda:List*').pattern).toBe('lambda:list*');
  });

  it('reports wildcards', () => {
    expect(compileActionPattern('iam:PassRole').hasWildcard).toBe(false);
    expect(compileActionPattern('iam:Pass?ole').hasWildcard).toBe(true);
    expect(hasActionWildcard('iam:*')).toBe(true);
  });

  it('matches a list of patterns', () => {
    expect(matchesAnyActionPattern(['s3:Get*', 'IAM:PassRole'], 'iam:passrole')).toBe(true);
    expect(matchesAnyActionPattern(['s3:Get*', 'iam:PassRole'], 'iam:GetRole')).toBe(false);
    expect(matchesAnyActionPattern([], 'iam:GetRole')).toBe(false);
  });

  it('answers star-heavy patterns against long strings (no catastrophic backtracking)', () => {
    const pattern = `${'a*'.repeat(50)}b`;
    const text = 'a'.repeat(20_000);
    expect(matchesActionPattern(pattern, text)).toBe(false);
    expect(matchesActionPattern(`${'?*'.repeat(20)}b`, text)).toBe(false);
    expect(matchesActionPattern(`${'a*'.repeat(50)}`, text)).toBe(true);
  });
});

describe('matchesActionPattern properties', () => {
  // A small alphabet makes matches likely; upper case, wildcards and the colon exercise the rules.
  const char = fc.constantFrom('a', 'A', 'b', 'B', ':', '*', '?', '.', 'İ', 'ß');
  const pattern = fc.string({ unit: char, maxLength: 12 });
  const text = fc.string({ unit: char, maxLength: 16 });
  const asciiChar = fc.constantFrom('a', 'A', 'b', 'B', 'z', ':', '*', '?');

  it('agrees with the reference implementation', () => {
    fc.assert(
      fc.property(pattern, text, (p, t) => {
        expect(matchesActionPattern(p, t)).toBe(referenceMatch(p, t));
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees with the reference implementation on a tiny alphabet (many near-misses)', () => {
    const tiny = fc.constantFrom('a', 'b', '*', '?');
    fc.assert(
      fc.property(
        fc.string({ unit: tiny, maxLength: 8 }),
        fc.string({ unit: tiny, maxLength: 10 }),
        (p, t) => {
          expect(matchesActionPattern(p, t)).toBe(referenceMatch(p, t));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('never throws on arbitrary strings, and * matches everything', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (p, t) => {
        expect(typeof matchesActionPattern(p, t)).toBe('boolean');
        expect(matchesActionPattern('*', t)).toBe(true);
        expect(
          matchesActionPattern(
            t.replaceAll('*', '').replaceAll('?', ''),
            t.replaceAll('*', '').replaceAll('?', ''),
          ),
        ).toBe(true);
      }),
    );
  });

  it('ignores case on both sides', () => {
    // ASCII only: 'ß'.toUpperCase() is 'SS', so full Unicode case mapping is not symmetric.
    const asciiPattern = fc.string({ unit: asciiChar, maxLength: 12 });
    const asciiText = fc.string({ unit: asciiChar, maxLength: 16 });
    fc.assert(
      fc.property(asciiPattern, asciiText, (p, t) => {
        expect(matchesActionPattern(p.toUpperCase(), t)).toBe(matchesActionPattern(p, t.toUpperCase()));
      }),
    );
  });

  it('a pattern with a trailing * matches every extension of what it matches', () => {
    fc.assert(
      fc.property(pattern, text, text, (p, t, extra) => {
        fc.pre(matchesActionPattern(p, t));
        expect(matchesActionPattern(`${p}*`, t + extra)).toBe(true);
      }),
    );
  });
});
