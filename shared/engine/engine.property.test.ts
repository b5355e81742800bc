/**
 * Property-based tests (fast-check, fixed seed) for the policy parser and the evaluation engine:
 * - parsePolicy never throws, whatever it is given (random JSON, mutated policies, wrong types, missing
 *   elements, huge arrays, odd unicode, URL-encoded garbage, deep nesting), and answers in its documented shape;
 * - evaluateRequest never throws on parsed policies and random requests, in both missingKeys modes, and its
 *   answer is well formed;
 * - an explicit `Deny *` anywhere wins; an `Allow *:*` identity policy alone allows every same-account request
 *   that no Deny touches; adding Allow statements never takes an Allow away; evaluation is deterministic.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Decision, evaluateRequest, isAllowed } from './evaluate.ts';
import { parsePolicy } from './parse-policy.ts';
import type { ParseResult, Policy, PolicyKind } from './policy-types.ts';
import type { AuthorizationRequest, MissingKeyMode, PolicySet, RequestContext } from './request-types.ts';

const SEED = 20260502;
const options = (numRuns: number) => ({ seed: SEED, numRuns });

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const HOME = '111122223333';
const OTHER = '444455556666';

// ---- strings ----

const oddStrings = fc.constantFrom(
  '',
  ' ',
  '*',
  '?',
  ':',
  '::::::',
  'arn:',
  'arn:aws',
  'arn:aws:s3:::',
  'arn:aws:*',
  '${',
  '${}',
  '${aws:username',
  '${aws:username}',
  "${aws:username, 'x'}",
  '${*}${?}${$}',
  '%',
  '%7B%22Version',
  '%E0%A4%A',
  '%7B%7D',
  '\u0000',
  '\uD800',
  '\uDFFF\uD800',
  '\u202E',
  'ℵ₀',
  '🙂',
  'e\u0301',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'a*a*a*a*a*a*a*a*a*a*a*a*a*b',
  '*'.repeat(200),
  'x'.repeat(5000),
  '2012-10-17',
  'Allow',
  'Deny',
  'true',
  '1e400',
  'NaN',
  '-0',
);

const anyString = fc.oneof(
  { weight: 3, arbitrary: oddStrings },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);

// ---- realistic policy material ----

const services = ['s3', 'lambda', 'iam', 'sts', 'kms', 'dynamodb', 'sqs', 'ec2'] as const;
const actionNames = [
  'GetObject',
  'PutObject',
  'InvokeFunction',
  'PassRole',
  'AssumeRole',
  'Decrypt',
  'GetItem',
  'SendMessage',
  'DescribeInstances',
  'ListBuckets',
];

const action = fc
  .tuple(fc.constantFrom(...services), fc.constantFrom(...actionNames))
  .map(([s, a]) => `${s}:${a}`);

const actionPattern = fc.oneof(
  { weight: 4, arbitrary: fc.mixedCase(action) },
  { weight: 2, arbitrary: fc.constantFrom(...services).map((s) => `${s}:*`) },
  { weight: 1, arbitrary: fc.constant('*') },
  {
    weight: 2,
    arbitrary: fc
      .tuple(action, fc.nat(12), fc.constantFrom('*', '?'))
      .map(([a, cut, wild]) => `${a.slice(0, Math.max(a.indexOf(':') + 1, a.length - cut))}${wild}`),
  },
);

const accounts = fc.constantFrom(HOME, OTHER);
const regions = fc.constantFrom('us-east-1', 'eu-west-1', '', '*');

const resourceArn = fc.oneof(
  fc
    .tuple(regions, accounts, fc.constantFrom('orders', 'Orders', 'billing-v2'))
    .map(([r, a, f]) => `arn:aws:lambda:${r}:${a}:function:${f}`),
  fc
    .tuple(fc.constantFrom('b', 'logs-bucket'), fc.constantFrom('k', 'home/alice/x', 'a:b/c'))
    .map(([b, k]) => `arn:aws:s3:::${b}/${k}`),
  fc
    .tuple(accounts, fc.constantFrom('app', 'service-role/deployer', 'Admin'))
    .map(([a, r]) => `arn:aws:iam::${a}:role/${r}`),
  fc.tuple(regions, accounts).map(([r, a]) => `arn:aws:kms:${r}:${a}:key/1234abcd`),
);

const resourcePattern = fc.oneof(
  { weight: 4, arbitrary: resourceArn },
  { weight: 2, arbitrary: fc.constant('*') },
  {
    weight: 2,
    arbitrary: fc.tuple(resourceArn, fc.nat(10)).map(([r, cut]) => `${r.slice(0, r.length - cut)}*`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'arn:aws:s3:::*',
      'arn:aws:lambda:*',
      'arn:aws:s3:::b/${aws:username}/*',
      "arn:aws:iam::*:role/${aws:PrincipalTag/team, 'app'}",
    ),
  },
);

const conditionKeys = fc.constantFrom(
  'aws:SourceIp',
  'aws:SecureTransport',
  'aws:MultiFactorAuthAge',
  'aws:CurrentTime',
  'aws:EpochTime',
  'aws:PrincipalTag/team',
  'aws:PrincipalArn',
  'aws:TagKeys',
  'aws:username',
  'sts:ExternalId',
  'AWS:SOURCEIP',
);

const baseOperators = [
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
] as const;

const operator = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(
        fc.constantFrom('', 'ForAnyValue:', 'ForAllValues:'),
        fc.constantFrom(...baseOperators),
        fc.boolean(),
      )
      .map(([q, b, e]) => `${q}${b}${e ? 'IfExists' : ''}`),
  },
  { weight: 1, arbitrary: fc.constant('Null') },
);

const conditionValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(
    '10.0.0.0/8',
    '203.0.113.7',
    '2001:db8::/32',
    'true',
    'false',
    '3600',
    '2025-01-01T00:00:00Z',
    '1735689600',
    'pay*',
    'arn:aws:iam::*:role/*',
    'QUJD',
    '${aws:username}',
    "${aws:PrincipalTag/team, 'x'}",
  ),
  fc.boolean(),
  fc.integer({ min: -5, max: 100_000 }),
  anyString,
);

const conditionBlock: fc.Arbitrary<JsonObject> = fc.dictionary(
  operator,
  fc.dictionary(conditionKeys, fc.oneof(conditionValue, fc.array(conditionValue, { maxLength: 3 })), {
    minKeys: 1,
    maxKeys: 2,
  }),
  { minKeys: 1, maxKeys: 3 },
);

const principalEntry = fc.oneof(
  fc.constantFrom('*', HOME, OTHER, `arn:aws:iam::${HOME}:root`, `arn:aws:iam::${OTHER}:root`),
  fc
    .tuple(accounts, fc.constantFrom('user/alice', 'role/app', 'role/service-role/deployer'))
    .map(([a, p]) => `arn:aws:iam::${a}:${p}`),
  accounts.map((a) => `arn:aws:sts::${a}:assumed-role/app/s1`),
);

const principalElement: fc.Arbitrary<Json> = fc.oneof(
  fc.constant('*'),
  fc.record({ AWS: fc.oneof(principalEntry, fc.array(principalEntry, { minLength: 1, maxLength: 3 })) }),
  fc.record({ Service: fc.constantFrom('lambda.amazonaws.com', 's3.amazonaws.com') }),
  fc.record({ Federated: fc.constant('cognito-identity.amazonaws.com') }),
);

const oneOrMany = <T extends Json>(arb: fc.Arbitrary<T>): fc.Arbitrary<Json> =>
  fc.oneof(arb, fc.array(arb, { minLength: 1, maxLength: 4 }));

/** A statement that the parser should accept for `kind`. */
function validStatement(kind: PolicyKind): fc.Arbitrary<JsonObject> {
  const principalSide = kind === 'resource' || kind === 'trust';
  return fc
    .record(
      {
        Sid: fc.string({ maxLength: 8 }),
        Effect: fc.constantFrom('Allow', 'Deny'),
        useNotAction: fc.boolean(),
        actions: oneOrMany(actionPattern),
        useNotResource: fc.boolean(),
        resources: oneOrMany(resourcePattern),
        omitResource: fc.boolean(),
        principal: principalElement,
        Condition: conditionBlock,
      },
      {
        requiredKeys: [
          'Effect',
          'useNotAction',
          'actions',
          'useNotResource',
          'resources',
          'omitResource',
          'principal',
        ],
      },
    )
    .map((r) => {
      const statement: JsonObject = { Effect: r.Effect };
      if (r.Sid !== undefined) statement.Sid = r.Sid;
      statement[r.useNotAction ? 'NotAction' : 'Action'] = r.actions;
      if (!(principalSide && r.omitResource))
        statement[r.useNotResource ? 'NotResource' : 'Resource'] = r.resources;
      if (principalSide) statement.Principal = r.principal;
      if (r.Condition !== undefined) statement.Condition = r.Condition;
      return statement;
    });
}

function validDocument(kind: PolicyKind): fc.Arbitrary<JsonObject> {
  return fc
    .tuple(
      fc.constantFrom<Json | undefined>('2012-10-17', '2012-10-17', '2008-10-17', undefined),
      fc.array(validStatement(kind), { maxLength: 4 }),
      fc.boolean(),
    )
    .map(([version, statements, single]) => {
      const doc: JsonObject = {};
      if (version !== undefined) doc.Version = version;
      doc.Statement = single && statements.length === 1 ? (statements[0] as Json) : statements;
      return doc;
    });
}

const kinds: readonly PolicyKind[] = ['identity', 'resource', 'trust', 'boundary', 'scp'];
const kindArb = fc.constantFrom(...kinds);

// ---- malformed material ----

/** Every path (as keys) in a JSON tree. */
function paths(
  value: Json,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) paths(v, [...prefix, i], out);
  } else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

function deepNest(depth: number, leaf: Json, asArray: boolean): Json {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { Statement: value };
  return value;
}

type Mutation =
  | { op: 'set'; at: number; value: Json }
  | { op: 'delete'; at: number }
  | { op: 'huge'; at: number; size: number }
  | { op: 'nest'; at: number; depth: number; asArray: boolean }
  | { op: 'proto'; at: number };

const lightMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    op: fc.constant('set' as const),
    at: fc.nat(),
    value: fc.oneof(fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>, anyString),
  }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('proto' as const), at: fc.nat() }),
);

/** A huge array or a deep nest: applied once, last (copying it again would only cost memory). */
const heavyMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('huge' as const), at: fc.nat(), size: fc.integer({ min: 500, max: 5000 }) }),
  fc.record({
    op: fc.constant('nest' as const),
    at: fc.nat(),
    depth: fc.integer({ min: 10, max: 3000 }),
    asArray: fc.boolean(),
  }),
);

const mutations: fc.Arbitrary<Mutation[]> = fc
  .tuple(fc.array(lightMutation, { maxLength: 3 }), fc.option(heavyMutation, { freq: 3 }))
  .map(([light, heavy]) => (heavy ? [...light, heavy] : light))
  .filter((list) => list.length > 0);

function mutate(doc: JsonObject, mutations: Mutation[]): Json {
  let root: Json = structuredClone(doc);
  for (const m of mutations) {
    const all = paths(root);
    const path = all[m.at % all.length] as (string | number)[];
    const replace = (old: Json): Json | undefined => {
      switch (m.op) {
        case 'set':
          return m.value;
        case 'delete':
          return undefined;
        case 'huge':
          return Array.from({ length: m.size }, (_, i) => (typeof old === 'string' ? `${old}${i}` : old));
        case 'nest':
          return deepNest(m.depth, old, m.asArray);
        case 'proto':
          return JSON.parse(
            `{"__proto__": ${JSON.stringify(old) ?? 'null'}, "constructor": {"prototype": {"x": 1}}}`,
          ) as Json;
      }
    };
    if (path.length === 0) {
      root = replace(root) ?? null;
      continue;
    }
    let parent: Json = root;
    for (const key of path.slice(0, -1)) parent = (parent as Record<string, Json>)[key as string] as Json;
    const last = path[path.length - 1] as string | number;
    const container = parent as Record<string | number, Json>;
    const next = replace(container[last] as Json);
    if (next === undefined) {
      if (Array.isArray(container)) container.splice(last as number, 1);
      else delete container[last];
    } else container[last] = next;
  }
  return root;
}

/** Inputs for parsePolicy: objects, JSON text, URL-encoded text, garbage. */
const parserInput: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.tuple(kindArb.chain(validDocument), mutations).map(([d, ms]) => mutate(d, ms)),
  },
  {
    weight: 2,
    arbitrary: fc.anything({
      maxDepth: 4,
      withNullPrototype: true,
      withBoxedValues: true,
      withMap: true,
      withSet: true,
      withTypedArray: true,
      withSparseArray: true,
    }),
  },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 5 }) },
  { weight: 1, arbitrary: anyString },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        kindArb.chain(validDocument),
        fc.array(lightMutation, { maxLength: 2 }),
        fc.constantFrom('json', 'url', 'url-broken', 'truncated', 'padded'),
        fc.nat(),
      )
      .map(([d, ms, encoding, cut]) => {
        const text = JSON.stringify(mutate(d, ms)) ?? 'null';
        switch (encoding) {
          case 'json':
            return text;
          case 'url':
            return encodeURIComponent(text);
          case 'url-broken': {
            const encoded = encodeURIComponent(text);
            const at = cut % Math.max(1, encoded.length);
            return `${encoded.slice(0, at)}%${encoded.slice(at + 1)}`;
          }
          case 'truncated':
            return text.slice(0, cut % Math.max(1, text.length));
          default:
            return `\n\t ${text} \r\n`;
        }
      }),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 20_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  },
);

function expectWellFormedParseResult(result: ParseResult): void {
  if (result.ok) {
    expect(Array.isArray(result.policy.statements)).toBe(true);
    expect(['2012-10-17', '2008-10-17']).toContain(result.policy.version);
    for (const w of result.warnings)
      expect(typeof w.path === 'string' && typeof w.message === 'string').toBe(true);
  } else {
    expect(result.errors.length).toBeGreaterThan(0);
    for (const e of result.errors)
      expect(typeof e.path === 'string' && typeof e.message === 'string').toBe(true);
  }
}

// ---- requests ----

const callerArb = fc.oneof(
  fc
    .tuple(accounts, fc.constantFrom('user/alice', 'role/app', 'role/service-role/deployer', 'root'))
    .map(([a, p]) => `arn:aws:iam::${a}:${p}`),
  fc
    .tuple(accounts, fc.constantFrom('app/s1', 'deployer/ci'))
    .map(([a, p]) => `arn:aws:sts::${a}:assumed-role/${p}`),
  accounts.map((a) => `arn:aws:sts::${a}:federated-user/bob`),
  fc.constantFrom('lambda.amazonaws.com', 's3.amazonaws.com'),
  anyString,
);

const contextValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.oneof(conditionValue.map(String), anyString) },
  {
    weight: 2,
    arbitrary: fc.array(fc.oneof(fc.constantFrom('env', 'team', 'Owner'), anyString), { maxLength: 4 }),
  },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined, 42, true, {}, [null, 1]) },
);

const contextArb: fc.Arbitrary<RequestContext> = fc
  .dictionary(fc.oneof(conditionKeys, anyString), contextValue, { maxKeys: 6 })
  .map((c) => c as RequestContext);

const requestArb = (
  missingKeys: fc.Arbitrary<MissingKeyMode | undefined>,
): fc.Arbitrary<AuthorizationRequest> =>
  fc
    .record(
      {
        principal: callerArb,
        action: fc.oneof(fc.mixedCase(action), anyString),
        resource: fc.oneof(resourceArn, fc.constant('*'), anyString),
        resourceAccount: fc.oneof(accounts, anyString),
        context: contextArb,
        missingKeys,
      },
      { requiredKeys: ['principal', 'action', 'resource'] },
    )
    .map((r) => {
      const request: AuthorizationRequest = {
        principal: r.principal,
        action: r.action,
        resource: r.resource,
      };
      if (r.resourceAccount !== undefined) request.resourceAccount = r.resourceAccount;
      if (r.context !== undefined) request.context = r.context;
      if (r.missingKeys !== undefined) request.missingKeys = r.missingKeys;
      return request;
    });

const anyMode = fc.constantFrom<MissingKeyMode | undefined>('absent', 'unknown', undefined);

// ---- policy sets ----

function parseAs(doc: unknown, kind: PolicyKind, id: string): Policy | undefined {
  const result = parsePolicy(doc, { kind, source: { id, kind } });
  return result.ok ? result.policy : undefined;
}

/** A document for `kind`: usually valid, sometimes mutated (kept only if it still parses). */
const ALLOW_ALL: Json = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

const documentFor = (kind: PolicyKind): fc.Arbitrary<Json> =>
  fc.oneof(
    { weight: 4, arbitrary: validDocument(kind) },
    // Broad grants (AdministratorAccess, FullAWSAccess) are common, and let random requests reach Allow.
    {
      weight: kind === 'identity' || kind === 'scp' || kind === 'boundary' ? 2 : 0,
      arbitrary: fc.constant(ALLOW_ALL),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(validDocument(kind), fc.array(lightMutation, { minLength: 1, maxLength: 2 }))
        .map(([d, ms]) => mutate(d, ms)),
    },
  );

interface PolicySetDocs {
  identity: Json[];
  boundary?: Json;
  scps?: Json[][];
  resource?: { kind: 'resource' | 'trust'; doc: Json };
}

const policySetDocs: fc.Arbitrary<PolicySetDocs> = fc
  .record(
    {
      identity: fc.array(documentFor('identity'), { maxLength: 3 }),
      boundary: documentFor('boundary'),
      scps: fc.array(fc.array(documentFor('scp'), { minLength: 1, maxLength: 2 }), {
        minLength: 1,
        maxLength: 3,
      }),
      resource: fc
        .constantFrom<'resource' | 'trust'>('resource', 'trust')
        .chain((kind) => documentFor(kind).map((doc) => ({ kind, doc }))),
    },
    { requiredKeys: ['identity'] },
  )
  .map((r) => r as PolicySetDocs);

function toPolicySet(docs: PolicySetDocs): PolicySet {
  const set: PolicySet = {
    identity: docs.identity.flatMap((d, i) => parseAs(d, 'identity', `identity-${i}`) ?? []),
  };
  const boundary = docs.boundary === undefined ? undefined : parseAs(docs.boundary, 'boundary', 'boundary');
  if (boundary) set.boundary = boundary;
  if (docs.scps)
    set.scps = docs.scps.map((level, l) => level.flatMap((d, i) => parseAs(d, 'scp', `scp-${l}-${i}`) ?? []));
  const resource = docs.resource ? parseAs(docs.resource.doc, docs.resource.kind, 'resource') : undefined;
  if (resource) set.resource = resource;
  return set;
}

function expectWellFormedEvaluation(request: AuthorizationRequest, set: PolicySet): Decision {
  const result = evaluateRequest(request, set);
  expect(['Allow', 'ExplicitDeny', 'ImplicitDeny', 'ConditionalAllow']).toContain(result.decision);
  expect(['true', 'false', 'unknown']).toContain(result.allowed);
  expect(typeof result.reason).toBe('string');
  expect(result.decision === 'Allow').toBe(result.allowed === 'true');
  if (request.missingKeys !== 'unknown') {
    // At request time every answer is definite.
    expect(result.decision).not.toBe('ConditionalAllow');
    expect(result.allowed).not.toBe('unknown');
  }
  expect(isAllowed(request, set)).toBe(
    evaluateRequest({ ...request, missingKeys: 'absent' }, set).decision === 'Allow',
  );
  return result.decision;
}

// ---- the properties ----

describe('parsePolicy (property)', () => {
  it('never throws, and answers ok with a policy or not ok with located errors', () => {
    fc.assert(
      fc.property(parserInput, kindArb, (input, kind) => {
        expectWellFormedParseResult(parsePolicy(input, { kind }));
      }),
      options(4000),
    );
  });

  it('accepts the valid documents it is meant to accept', () => {
    fc.assert(
      fc.property(
        kindArb.chain((kind) => validDocument(kind).map((doc) => [kind, doc] as const)),
        ([kind, doc]) => {
          const result = parsePolicy(doc, { kind });
          expect(result.ok, JSON.stringify(result.ok ? null : result.errors)).toBe(true);
          // The same document as JSON text and as URL-encoded text parses to the same policy.
          expect(parsePolicy(JSON.stringify(doc), { kind })).toEqual(result);
          expect(parsePolicy(encodeURIComponent(JSON.stringify(doc)), { kind })).toEqual(result);
        },
      ),
      options(1500),
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(parserInput, kindArb, (input, kind) => {
        expect(parsePolicy(input, { kind })).toEqual(parsePolicy(input, { kind }));
      }),
      options(1000),
    );
  });

  it('rejects a Principal type named like an Object.prototype member instead of throwing', () => {
    for (const principal of [{ constructor: 'x' }, JSON.parse('{"__proto__": "*"}') as Json]) {
      const doc = {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: principal, Action: 's3:GetObject' }],
      };
      const result = parsePolicy(doc, { kind: 'resource' });
      expect(result.ok).toBe(false);
    }
  });
});

describe('evaluateRequest (property)', () => {
  it('never throws on parsed policies and random requests, in both missing-key modes', () => {
    const seen: Record<Decision, number> = {
      Allow: 0,
      ExplicitDeny: 0,
      ImplicitDeny: 0,
      ConditionalAllow: 0,
    };
    fc.assert(
      fc.property(
        policySetDocs,
        fc.array(requestArb(anyMode), { minLength: 1, maxLength: 4 }),
        (docs, requests) => {
          const set = toPolicySet(docs);
          for (const request of requests) seen[expectWellFormedEvaluation(request, set)]++;
        },
      ),
      options(2500),
    );
    // Not vacuous: the random material reaches every decision.
    for (const [decision, count] of Object.entries(seen)) expect(count, decision).toBeGreaterThan(20);
  });

  it('an explicit Deny * anywhere makes every request an explicit deny', () => {
    const where = fc.constantFrom('identity', 'boundary', 'scp', 'resource');
    fc.assert(
      fc.property(policySetDocs, requestArb(anyMode), where, (docs, request, location) => {
        const set = toPolicySet(docs);
        const deny = (kind: PolicyKind, principal: boolean): Policy =>
          parseAs(
            {
              Version: '2012-10-17',
              Statement: [
                principal
                  ? { Effect: 'Deny', Principal: '*', Action: '*' }
                  : { Effect: 'Deny', Action: '*', Resource: '*' },
              ],
            },
            kind,
            'deny-all',
          ) as Policy;
        const withDeny: PolicySet = { ...set };
        if (location === 'identity' || (location === 'boundary' && !set.boundary))
          withDeny.identity = [...set.identity, deny('identity', false)];
        else if (location === 'boundary' && set.boundary) {
          withDeny.boundary = {
            ...set.boundary,
            statements: [...set.boundary.statements, ...deny('boundary', false).statements],
          };
        } else if (location === 'scp') withDeny.scps = [...(set.scps ?? []), [deny('scp', false)]];
        else {
          const kind = set.resource?.source?.kind === 'trust' ? 'trust' : 'resource';
          const extra = deny(kind, true);
          withDeny.resource = set.resource
            ? { ...set.resource, statements: [...set.resource.statements, ...extra.statements] }
            : extra;
        }
        const result = evaluateRequest(request, withDeny);
        expect(result.decision).toBe('ExplicitDeny');
        expect(result.allowed).toBe('false');
        expect(result.deniedBy.some((ref) => ref.applies === 'true')).toBe(true);
        expect(isAllowed(request, withDeny)).toBe(false);
      }),
      options(2000),
    );
  });

  it('Allow *:* alone allows every same-account request that no Deny touches', () => {
    const sameAccountCaller = fc.constantFrom(
      `arn:aws:iam::${HOME}:user/alice`,
      `arn:aws:iam::${HOME}:role/app`,
      `arn:aws:sts::${HOME}:assumed-role/app/s1`,
    );
    const sameAccountResource = fc.oneof(
      fc.constant('*'),
      resourceArn.map((r) => r.replace(OTHER, HOME)),
    );
    fc.assert(
      fc.property(
        fc.array(documentFor('identity'), { maxLength: 3 }),
        requestArb(anyMode),
        sameAccountCaller,
        sameAccountResource,
        (docs, base, principal, resource) => {
          const identity = docs.flatMap((d, i) => parseAs(d, 'identity', `identity-${i}`) ?? []);
          identity.push(parseAs(ALLOW_ALL, 'identity', 'allow-all') as Policy);
          const request: AuthorizationRequest = { ...base, principal, resource, resourceAccount: HOME };
          const result = evaluateRequest(request, { identity });
          expect(result.decision).not.toBe('ImplicitDeny');
          if (result.decision === 'ExplicitDeny')
            expect(result.deniedBy.some((r) => r.applies === 'true')).toBe(true);
          if (result.decision === 'ConditionalAllow')
            expect(result.deniedBy.some((r) => r.applies === 'unknown')).toBe(true);
          if (result.deniedBy.length === 0) expect(result.decision).toBe('Allow');
        },
      ),
      options(2000),
    );
  });

  it('adding Allow-only identity statements never takes an Allow away', () => {
    const allowOnly = validDocument('identity').map((doc) => {
      const statements = (Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]) as JsonObject[];
      return { ...doc, Statement: statements.map((s) => ({ ...s, Effect: 'Allow' })) } as Json;
    });
    fc.assert(
      fc.property(policySetDocs, allowOnly, requestArb(fc.constant('absent')), (docs, extra, request) => {
        const set = toPolicySet(docs);
        const before = evaluateRequest(request, set);
        const added = parseAs(extra, 'identity', 'extra');
        if (!added) return;
        const after = evaluateRequest(request, { ...set, identity: [...set.identity, added] });
        if (before.decision === 'Allow') expect(after.decision).toBe('Allow');
        if (before.decision === 'ExplicitDeny') expect(after.decision).toBe('ExplicitDeny');
      }),
      options(1500),
    );
  });

  it('is deterministic: same inputs, same answer, whatever was evaluated in between', () => {
    fc.assert(
      fc.property(policySetDocs, requestArb(anyMode), requestArb(anyMode), (docs, request, other) => {
        const set = toPolicySet(docs);
        const first = evaluateRequest(request, set);
        evaluateRequest(other, set);
        const again = evaluateRequest(structuredClone(request), toPolicySet(structuredClone(docs)));
        expect(again).toEqual(first);
      }),
      options(1500),
    );
  });
});
