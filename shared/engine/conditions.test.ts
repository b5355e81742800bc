// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables (`${aws:username}`) are the subject of these tests.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import cases from './conditions.cases.json' with { type: 'json' };
import {
  type ConditionEnv,
  describeConditionOperator,
  evaluateClause,
  evaluateConditions,
  isKnownConditionOperator,
  matchesArnPattern,
  normalizeContext,
} from './conditions.ts';
import type { ConditionClause, PolicyVersion } from './policy-types.ts';
import type { MissingKeyMode, RequestContext, Tri } from './request-types.ts';

/** One row of conditions.cases.json: a clause (or several, ANDed), a context, and the result per mode. */
interface ConditionCase {
  name: string;
  operator?: string;
  key?: string;
  values?: string[];
  clauses?: ConditionClause[];
  context: RequestContext;
  version?: PolicyVersion;
  /** Expected with missingKeys 'absent' (AWS request-time semantics). */
  absent?: Tri;
  /** Expected with missingKeys 'unknown' (analysis). */
  unknown?: Tri;
  /** Where the expected answer comes from, when it is not obvious. */
  note?: string;
}

const table = cases as unknown as ConditionCase[];

function env(
  context: RequestContext,
  missingKeys: MissingKeyMode,
  version: PolicyVersion = '2012-10-17',
): ConditionEnv {
  return { context: normalizeContext(context), missingKeys, version };
}

describe('evaluateConditions (conditions.cases.json)', () => {
  it('has a substantial, uniquely named table', () => {
    expect(table.length).toBeGreaterThanOrEqual(120);
    expect(new Set(table.map((c) => c.name)).size).toBe(table.length);
  });

  it.each(table)('$name', (c) => {
    const clauses = c.clauses ?? [{ operator: c.operator ?? '', key: c.key ?? '', values: c.values ?? [] }];
    expect(c.absent ?? c.unknown, 'a case needs an expectation').toBeDefined();
    if (c.absent !== undefined) {
      expect(evaluateConditions(clauses, env(c.context, 'absent', c.version))).toBe(c.absent);
    }
    if (c.unknown !== undefined) {
      expect(evaluateConditions(clauses, env(c.context, 'unknown', c.version))).toBe(c.unknown);
    }
  });
});

const DOCUMENTED_BASE_OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
];

describe('isKnownConditionOperator / describeConditionOperator', () => {
  it('knows every documented operator, with IfExists and set qualifiers', () => {
    for (const base of DOCUMENTED_BASE_OPERATORS) {
      for (const op of [base, `${base}IfExists`, `ForAllValues:${base}`, `ForAnyValue:${base}IfExists`]) {
        expect(isKnownConditionOperator(op), op).toBe(true);
      }
    }
    expect(isKnownConditionOperator('Null')).toBe(true);
  });

  it.each([
    'stringequals',
    'STRINGEQUALS',
    'StringEqualsFoo',
    'NullIfExists',
    'IfExists',
    '',
    'ForAllValues:',
    'ForSomeValues:StringEquals',
    'forallvalues:StringEquals',
    'ForAllValues:ForAnyValue:StringEquals',
    'StringEqualsIfExistsIfExists',
    'StringEqualsifexists',
    'BinaryNotEquals',
    'constructor',
    'toString',
  ])('rejects %j', (op) => {
    expect(isKnownConditionOperator(op)).toBe(false);
    expect(describeConditionOperator(op)).toBeUndefined();
  });

  it('takes an operator apart', () => {
    expect(describeConditionOperator('ForAnyValue:StringNotLikeIfExists')).toEqual({
      operator: 'ForAnyValue:StringNotLikeIfExists',
      setQualifier: 'ForAnyValue',
      base: 'StringNotLike',
      family: 'StringLike',
      ifExists: true,
      negated: true,
      supportsVariables: true,
    });
    expect(describeConditionOperator('NumericLessThan')).toMatchObject({
      family: 'Numeric',
      negated: false,
      supportsVariables: false,
      setQualifier: undefined,
      ifExists: false,
    });
    for (const negated of [
      'NotIpAddress',
      'ArnNotLike',
      'ArnNotEquals',
      'DateNotEquals',
      'NumericNotEquals',
    ]) {
      expect(describeConditionOperator(negated)?.negated, negated).toBe(true);
    }
  });
});

describe('normalizeContext', () => {
  it('lower-cases keys, keeps values, coerces scalars and drops null', () => {
    const ctx = normalizeContext({
      'AWS:UserName': 'Alice',
      'aws:TagKeys': ['A', 'b'],
      'app:count': 3 as unknown as string,
      'app:none': null as unknown as string,
    });
    expect([...ctx.entries()]).toEqual([
      ['aws:username', 'Alice'],
      ['aws:tagkeys', ['A', 'b']],
      ['app:count', '3'],
    ]);
  });

  it('accepts an undefined context', () => {
    expect(normalizeContext(undefined).size).toBe(0);
  });
});

describe('evaluateClause', () => {
  it('notices a clause whose values were replaced after a first evaluation', () => {
    const clause: ConditionClause = { operator: 'StringEquals', key: 'aws:username', values: ['alice'] };
    const e = env({ 'aws:username': 'bob' }, 'absent');
    expect(evaluateClause(clause, e)).toBe('false');
    clause.values = ['bob'];
    expect(evaluateClause(clause, e)).toBe('true');
  });

  it('compiles per policy version', () => {
    const clause: ConditionClause = {
      operator: 'StringEquals',
      key: 's3:prefix',
      values: ['${aws:username}'],
    };
    const ctx = { 'aws:username': 'alice', 's3:prefix': 'alice' };
    expect(evaluateClause(clause, env(ctx, 'absent', '2012-10-17'))).toBe('true');
    expect(evaluateClause(clause, env(ctx, 'absent', '2008-10-17'))).toBe('false');
    expect(evaluateClause(clause, env(ctx, 'absent', '2012-10-17'))).toBe('true');
  });

  it('matches hostile StringLike patterns in linear time', () => {
    const clause: ConditionClause = { operator: 'StringLike', key: 'k', values: [`${'a*'.repeat(40)}b`] };
    const started = performance.now();
    expect(evaluateClause(clause, env({ k: 'a'.repeat(20_000) }, 'absent'))).toBe('false');
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('never throws on odd input', () => {
    const operators = [
      ...DOCUMENTED_BASE_OPERATORS,
      'Null',
      'StringEqualsIfExists',
      'ForAllValues:IpAddress',
      'ForAnyValue:DateLessThanIfExists',
      'Nonsense',
    ];
    const text = fc.string({
      unit: fc.constantFrom('a', '*', '?', '$', '{', '}', ':', '/', '.', '1', ' ', '='),
    });
    fc.assert(
      fc.property(
        fc.constantFrom(...operators),
        fc.array(text, { maxLength: 3 }),
        fc.option(fc.oneof(text, fc.array(text, { maxLength: 3 })), { nil: undefined }),
        fc.constantFrom<MissingKeyMode>('absent', 'unknown'),
        fc.constantFrom<PolicyVersion>('2012-10-17', '2008-10-17'),
        (operator, values, value, missingKeys, version) => {
          const context: RequestContext = value === undefined ? {} : { k: value, 'aws:username': 'a*' };
          const result = evaluateClause({ operator, key: 'k', values }, env(context, missingKeys, version));
          expect(['true', 'false', 'unknown']).toContain(result);
        },
      ),
    );
    const odd = { operator: 42, key: null, values: 'not-an-array' } as unknown as ConditionClause;
    expect(evaluateClause(odd, env({}, 'absent'))).toBe('false');
  });

  it('gives a negated operator the negation of its positive form on a present single value', () => {
    const pairs: [string, string][] = [
      ['StringEquals', 'StringNotEquals'],
      ['StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase'],
      ['StringLike', 'StringNotLike'],
      ['NumericEquals', 'NumericNotEquals'],
      ['DateEquals', 'DateNotEquals'],
      ['IpAddress', 'NotIpAddress'],
      ['ArnLike', 'ArnNotLike'],
      ['ArnEquals', 'ArnNotEquals'],
    ];
    const text = fc.string({ unit: fc.constantFrom('a', 'A', '*', '?', ':', '1', '0', '.', '/') });
    fc.assert(
      fc.property(
        fc.constantFrom(...pairs),
        fc.array(text, { maxLength: 3 }),
        text,
        ([pos, neg], values, value) => {
          const e = env({ k: value }, 'absent');
          const positive = evaluateClause({ operator: pos, key: 'k', values }, e);
          const negative = evaluateClause({ operator: neg, key: 'k', values }, e);
          expect(negative).toBe(positive === 'true' ? 'false' : 'true');
        },
      ),
    );
  });

  it('agrees with an equivalent regular expression for StringLike', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '*', '?'), maxLength: 8 });
    const value = fc.string({ unit: fc.constantFrom('a', 'b'), maxLength: 10 });
    fc.assert(
      fc.property(text, value, (pattern, v) => {
        const regex = new RegExp(`^${pattern.replaceAll('?', '.').replaceAll('*', '.*')}$`, 's');
        const result = evaluateClause(
          { operator: 'StringLike', key: 'k', values: [pattern] },
          env({ k: v }, 'absent'),
        );
        expect(result).toBe(regex.test(v) ? 'true' : 'false');
      }),
    );
  });

  it('matches a substituted context value only literally', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const clause: ConditionClause = {
          operator: 'StringLike',
          key: 'k',
          values: ['${aws:PrincipalTag/p}'],
        };
        expect(evaluateClause(clause, env({ 'aws:PrincipalTag/p': value, k: value }, 'absent'))).toBe('true');
        expect(evaluateClause(clause, env({ 'aws:PrincipalTag/p': value, k: `${value}x` }, 'absent'))).toBe(
          'false',
        );
      }),
    );
  });

  it('never answers unknown in absent mode, and unknown mode agrees with absent mode on a full context', () => {
    const text = fc.string({ unit: fc.constantFrom('a', '*', '1', 'true', '10.0.0.1') });
    fc.assert(
      fc.property(
        fc.constantFrom(
          ...DOCUMENTED_BASE_OPERATORS,
          'Null',
          'ForAllValues:StringLike',
          'StringLikeIfExists',
        ),
        fc.array(text, { maxLength: 3 }),
        text,
        (operator, values, value) => {
          const clause: ConditionClause = { operator, key: 'k', values };
          const present = { k: value };
          expect(evaluateClause(clause, env(present, 'absent'))).toBe(
            evaluateClause(clause, env(present, 'unknown')),
          );
          expect(evaluateClause(clause, env({}, 'absent'))).not.toBe('unknown');
        },
      ),
    );
  });

  it('answers unknown on a missing key only when absent and present answers could differ', () => {
    const text = fc.string({ unit: fc.constantFrom('a', '*', 'b') });
    fc.assert(
      fc.property(
        fc.constantFrom(
          'StringLike',
          'StringNotLike',
          'StringLikeIfExists',
          'ForAllValues:StringLike',
          'ForAnyValue:StringLike',
        ),
        fc.array(text, { maxLength: 3 }),
        text,
        (operator, values, value) => {
          const clause: ConditionClause = { operator, key: 'k', values };
          const unknown = evaluateClause(clause, env({}, 'unknown'));
          if (unknown === 'unknown') return;
          // A definite answer must hold when the key is absent and whatever value it takes.
          expect(evaluateClause(clause, env({}, 'absent'))).toBe(unknown);
          expect(evaluateClause(clause, env({ k: value }, 'absent'))).toBe(unknown);
        },
      ),
    );
  });
});

describe('matchesArnPattern', () => {
  it('compares the six components separately', () => {
    expect(matchesArnPattern('arn:aws:iam::*:role/*', 'arn:aws:iam::111122223333:role/a/b')).toBe(true);
    expect(matchesArnPattern('arn:aws:*:us-east-1:111122223333:x', 'arn:aws:s3:eu:west:111122223333:x')).toBe(
      false,
    );
    expect(matchesArnPattern('arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/a:b')).toBe(true);
    expect(matchesArnPattern('arn:aws:s3:::b', 'arn:aws:s3::b')).toBe(false);
  });
});
