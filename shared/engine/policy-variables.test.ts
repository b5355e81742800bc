// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables (`${aws:username}`) are the subject of these tests.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeContext } from './conditions.ts';
import {
  compileWildcard,
  hasPolicyVariables,
  isUniversalWildcard,
  matchesWildcard,
  policyVariableKeys,
  substituteVariables,
} from './policy-variables.ts';

const ctx = normalizeContext({
  'aws:username': 'alice',
  'aws:PrincipalTag/team': 'dev*ops?',
  'aws:PrincipalTag/cost': 'a$b',
  'aws:TagKeys': ['a', 'b'],
  'aws:PrincipalTag/empty': '',
});

describe('substituteVariables', () => {
  it.each([
    ['plain text', 'arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/*'],
    ['a variable', 'home/${aws:username}/*', 'home/alice/*', 'home/alice/*'],
    ['a variable name in any case', '${AWS:UserName}', 'alice', 'alice'],
    ['spaces around the name', '${ aws:username }', 'alice', 'alice'],
    ['a default ignored when the key has a value', "${aws:username, 'guest'}", 'alice', 'alice'],
    ['a default for an absent key', "${aws:userid, 'anonymous'}", 'anonymous', 'anonymous'],
    ['a default with spaces inside', "${aws:userid , 'no one' }", 'no one', 'no one'],
    ['a default for a multivalued key', "${aws:TagKeys, 'none'}", 'none', 'none'],
    ['an empty value', 'x${aws:PrincipalTag/empty}y', 'xy', 'xy'],
    ['special characters', 'a${*}b${?}c${$}d', 'a*b?c$d', 'a${*}b${?}c${$}d'],
    [
      'wildcards in a value stay literal',
      'team/${aws:PrincipalTag/team}/*',
      'team/dev*ops?/*',
      'team/dev${*}ops${?}/*',
    ],
    ['a dollar in a value', '${aws:PrincipalTag/cost}', 'a$b', 'a${$}b'],
    ['a default is literal', "${aws:userid, 'a*'}", 'a*', 'a${*}'],
    ['a lone dollar in policy text', 'cost$5', 'cost$5', 'cost${$}5'],
    ['an unterminated variable', 'a${aws:username', 'a${aws:username', 'a${$}{aws:username'],
    ['two variables', '${aws:username}-${aws:username}', 'alice-alice', 'alice-alice'],
  ])('resolves %s', (_name, text, value, pattern) => {
    expect(substituteVariables(text, ctx, '2012-10-17')).toEqual({ kind: 'value', value, pattern });
  });

  it('matches the pattern it returns against the literal value', () => {
    for (const text of ['team/${aws:PrincipalTag/team}', 'a${*}b${?}c${$}d', '${aws:PrincipalTag/cost}']) {
      const result = substituteVariables(text, ctx, '2012-10-17');
      if (result.kind !== 'value') throw new Error(text);
      expect(matchesWildcard(result.pattern, result.value)).toBe(true);
    }
  });

  it('reports a variable without value as missing', () => {
    expect(substituteVariables('home/${aws:userid}/${aws:PrincipalTag/x}', ctx, '2012-10-17')).toEqual({
      kind: 'missing',
      keys: ['aws:userid', 'aws:PrincipalTag/x'],
    });
  });

  it('reports a multivalued key as missing in both modes', () => {
    for (const mode of ['absent', 'unknown'] as const) {
      expect(substituteVariables('${aws:TagKeys}', ctx, '2012-10-17', mode)).toEqual({
        kind: 'missing',
        keys: ['aws:TagKeys'],
      });
    }
  });

  it('reports a key not in the context as unknown in unknown mode, default or not', () => {
    expect(
      substituteVariables("${aws:userid, 'anonymous'}/${aws:username}", ctx, '2012-10-17', 'unknown'),
    ).toEqual({ kind: 'unknown', keys: ['aws:userid'] });
    expect(substituteVariables('${aws:username}', ctx, '2012-10-17', 'unknown')).toEqual({
      kind: 'value',
      value: 'alice',
      pattern: 'alice',
    });
  });

  it('prefers missing over unknown: the text can never resolve', () => {
    expect(substituteVariables('${aws:userid}${aws:TagKeys}', ctx, '2012-10-17', 'unknown')).toEqual({
      kind: 'missing',
      keys: ['aws:TagKeys'],
    });
  });

  it('leaves text literal in Version 2008-10-17', () => {
    expect(substituteVariables('home/${aws:username}/${*}', ctx, '2008-10-17')).toEqual({
      kind: 'value',
      value: 'home/${aws:username}/${*}',
      pattern: 'home/${$}{aws:username}/${$}{*}',
    });
    expect(matchesWildcard('home/${$}{aws:username}/${$}{*}', 'home/${aws:username}/${anything}')).toBe(true);
  });

  it('treats an empty or unquoted default as documented', () => {
    expect(substituteVariables('${}', ctx, '2012-10-17')).toEqual({ kind: 'missing', keys: [''] });
    expect(substituteVariables('${aws:userid, anonymous}', ctx, '2012-10-17')).toEqual({
      kind: 'missing',
      keys: ['aws:userid'],
    });
    expect(substituteVariables("${aws:userid, ''}", ctx, '2012-10-17')).toEqual({
      kind: 'value',
      value: '',
      pattern: '',
    });
  });

  it('never throws', () => {
    const text = fc.string({ unit: fc.constantFrom('$', '{', '}', '*', '?', ',', "'", ' ', 'a', ':') });
    fc.assert(
      fc.property(text, (t) => {
        for (const mode of ['absent', 'unknown'] as const) {
          const result = substituteVariables(t, ctx, '2012-10-17', mode);
          expect(['value', 'missing', 'unknown']).toContain(result.kind);
          if (result.kind === 'value') expect(matchesWildcard(result.pattern, result.value)).toBe(true);
        }
      }),
    );
  });
});

describe('hasPolicyVariables / policyVariableKeys', () => {
  it('finds context-key variables only', () => {
    expect(hasPolicyVariables('home/${aws:username}', '2012-10-17')).toBe(true);
    expect(hasPolicyVariables('home/${aws:username}', '2008-10-17')).toBe(false);
    expect(hasPolicyVariables('a${*}b', '2012-10-17')).toBe(false);
    expect(hasPolicyVariables('plain', '2012-10-17')).toBe(false);
    expect(policyVariableKeys("${aws:PrincipalTag/team}/${aws:userid, 'x'}/${?}", '2012-10-17')).toEqual([
      'aws:PrincipalTag/team',
      'aws:userid',
    ]);
    expect(policyVariableKeys('${aws:username}', '2008-10-17')).toEqual([]);
  });
});

describe('compileWildcard / matchesWildcard', () => {
  it.each([
    ['*', '', true],
    ['*', 'anything:at/all', true],
    ['', '', true],
    ['', 'a', false],
    ['abc', 'abc', true],
    ['abc', 'abd', false],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['a*', 'a', true],
    ['*c', 'abc', true],
    ['*c', 'abd', false],
    ['a*b*c', 'a-b-c', true],
    ['a*b*c', 'a-c-b', false],
    ['a*b*b', 'abb', true],
    ['a*ab', 'aab', true],
    ['*a?b*', 'xxaZbyy', true],
    ['*a?b*', 'xxabyy', false],
    ['??', 'ab', true],
    ['??', 'abc', false],
    ['a${*}', 'a*', true],
    ['a${*}', 'ab', false],
    ['${?}', '?', true],
    ['${?}', 'x', false],
    ['${$}{x}', '${x}', true],
    ['${x}', '${x}', true],
    ['Case', 'case', false],
  ])('%j against %j is %s', (pattern, value, expected) => {
    expect(matchesWildcard(pattern, value)).toBe(expected);
    expect(compileWildcard(pattern)(value)).toBe(expected);
  });

  it('runs in linear time on hostile patterns', () => {
    const started = performance.now();
    expect(matchesWildcard(`${'*a'.repeat(50)}*b`, 'a'.repeat(50_000))).toBe(false);
    expect(matchesWildcard(`${'a?'.repeat(30)}*`, 'a'.repeat(50_000))).toBe(true);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('agrees with an equivalent regular expression', () => {
    const pattern = fc.string({ unit: fc.constantFrom('a', 'b', '*', '?', '${*}', '${?}'), maxLength: 8 });
    const value = fc.string({ unit: fc.constantFrom('a', 'b', '*', '?'), maxLength: 10 });
    fc.assert(
      fc.property(pattern, value, (p, v) => {
        const source = p
          .split(/(\$\{\*\}|\$\{\?\}|\*|\?)/)
          .map((token) => {
            if (token === '*') return '.*';
            if (token === '?') return '.';
            if (token === '${*}') return '\\*';
            if (token === '${?}') return '\\?';
            return token;
          })
          .join('');
        expect(matchesWildcard(p, v)).toBe(new RegExp(`^${source}$`, 's').test(v));
      }),
    );
  });

  it('recognises patterns that match everything', () => {
    expect(isUniversalWildcard('*')).toBe(true);
    expect(isUniversalWildcard('***')).toBe(true);
    expect(isUniversalWildcard('')).toBe(false);
    expect(isUniversalWildcard('*?')).toBe(false);
    expect(isUniversalWildcard('${*}')).toBe(false);
  });
});
