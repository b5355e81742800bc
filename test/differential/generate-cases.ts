/**
 * Seeded generator of realistic (policy set, request) pairs for the differential test against
 * @cloud-copilot/iam-simulate and for the engine benchmark.
 *
 * Everything is plain JSON (policy documents as IAM stores them, requests as the engine takes them), so one
 * case can be printed, pasted into a fixture or replayed by hand. The same seed always yields the same cases.
 *
 * The material stays where AWS semantics are well defined: valid policies, valid ARNs, no wildcard inside
 * the "product" prefix of a resource (`function:`, `role/`, `table/`), context values of the right type and
 * cardinality (single-valued keys get a string, multivalued keys an array), request context keys that the
 * action supports, and context keys that AWS derives from the caller (`aws:PrincipalArn`,
 * `aws:PrincipalAccount`, `aws:username`) consistent with the calling principal.
 */

// ---- seeded PRNG ----

/** sfc32: small, fast, good enough for test-data generation; seeded from one 32-bit integer. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }

  /** A float in [0, 1). */
  next(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)] as T;
  }

  /** Picks by weight: `[[weight, value], ...]`. */
  weighted<T>(choices: readonly (readonly [number, T])[]): T {
    const total = choices.reduce((sum, [w]) => sum + w, 0);
    let r = this.next() * total;
    for (const [w, value] of choices) {
      r -= w;
      if (r < 0) return value;
    }
    return (choices[choices.length - 1] as readonly [number, T])[1];
  }

  /** `n` distinct items (fewer if the list is shorter). */
  sample<T>(items: readonly T[], n: number): T[] {
    const copy = [...items];
    const out: T[] = [];
    while (out.length < n && copy.length > 0) out.push(copy.splice(this.int(copy.length), 1)[0] as T);
    return out;
  }
}

// ---- the generated material ----

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type PolicyDocument = { [key: string]: JsonValue };
export type ContextValues = Record<string, string | string[]>;

export interface GeneratedRequest {
  principal: string;
  action: string;
  resource: string;
  /** The account that owns the resource (S3 ARNs carry none). */
  resourceAccount: string;
  context: ContextValues;
}

export interface GeneratedCase {
  /** Position in the generated sequence, for replay. */
  index: number;
  /** Features used, for summaries and failure reports (`cross-account`, `trust`, `boundary`, `scp`, ...). */
  tags: string[];
  request: GeneratedRequest;
  identity: PolicyDocument[];
  boundary?: PolicyDocument;
  /** Service control policies, root level first. */
  scps?: PolicyDocument[][];
  /** A resource-based policy, or the role trust policy for `sts:AssumeRole`. */
  resourcePolicy?: { kind: 'resource' | 'trust'; document: PolicyDocument };
}

// ---- the universe ----

export const HOME_ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';
export const ORG_ID = 'o-a1b2c3d4e5';
const ACCOUNTS = [HOME_ACCOUNT, OTHER_ACCOUNT] as const;
const REGIONS = ['us-east-1', 'eu-west-1'] as const;

type CallerKind = 'user' | 'role' | 'session' | 'service';

interface Caller {
  kind: CallerKind;
  arn: string;
  account?: string;
  /** For sessions, the role ARN (with its path) behind the session. */
  roleArn?: string;
  userName?: string;
}

const USERS = ['alice', 'dev/bob'] as const;
const ROLES = ['app', 'service-role/deployer'] as const;
const SESSION_NAMES = ['i-0abc123', 'ci-build'] as const;
const SERVICES = ['lambda.amazonaws.com', 's3.amazonaws.com', 'events.amazonaws.com'] as const;

function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function makeCaller(rng: Rng, kind: CallerKind, account: string): Caller {
  switch (kind) {
    case 'user': {
      const path = rng.pick(USERS);
      return { kind, arn: `arn:aws:iam::${account}:user/${path}`, account, userName: lastSegment(path) };
    }
    case 'role': {
      const path = rng.pick(ROLES);
      return {
        kind,
        arn: `arn:aws:iam::${account}:role/${path}`,
        account,
        roleArn: `arn:aws:iam::${account}:role/${path}`,
      };
    }
    case 'session': {
      const path = rng.pick(ROLES);
      return {
        kind,
        arn: `arn:aws:sts::${account}:assumed-role/${lastSegment(path)}/${rng.pick(SESSION_NAMES)}`,
        account,
        roleArn: `arn:aws:iam::${account}:role/${path}`,
      };
    }
    case 'service':
      return { kind, arn: rng.pick(SERVICES) };
  }
}

/** One kind of resource with the actions that act on it. */
interface ResourceFamily {
  name: string;
  /** `arn:aws:lambda:us-east-1:111122223333:function:orders`; `*` for actions that take no resource. */
  make: (rng: Rng, account: string) => { arn: string; prefix: string };
  actions: readonly string[];
  /** The policy held by the resource itself, if this kind of resource has one. */
  resourcePolicy?: 'resource' | 'trust';
  /** Service principals that plausibly call it through a resource policy. */
  services?: readonly string[];
  /** Context keys that only this family's actions support. */
  extraKeys?: readonly string[];
  /** The resource always carries its policy (a KMS key always has a key policy). */
  alwaysHasPolicy?: boolean;
}

const LAMBDA_FUNCTIONS = ['orders', 'orders-worker', 'Billing', 'billing-v2'] as const;
const BUCKETS = ['orders-bucket', 'logs-bucket'] as const;
const OBJECT_KEYS = ['home/alice/report.csv', 'home/bob/a.txt', 'public/index.html'] as const;
const TABLES = ['Orders', 'sessions'] as const;
const QUEUES = ['jobs', 'jobs-dlq'] as const;

/** ARN of `kind` with the resource part starting at `prefix.length` after the fifth colon. */
function arn(service: string, region: string, account: string, prefix: string, rest: string) {
  return { arn: `arn:aws:${service}:${region}:${account}:${prefix}${rest}`, prefix };
}

const FAMILIES: readonly ResourceFamily[] = [
  {
    name: 'lambda-function',
    make: (rng, account) => {
      const name = rng.pick(LAMBDA_FUNCTIONS);
      return arn('lambda', rng.pick(REGIONS), account, 'function:', rng.chance(0.15) ? `${name}:prod` : name);
    },
    actions: [
      'lambda:InvokeFunction',
      'lambda:GetFunction',
      'lambda:UpdateFunctionCode',
      'lambda:DeleteFunction',
      'lambda:GetPolicy',
    ],
    resourcePolicy: 'resource',
    services: ['s3.amazonaws.com', 'events.amazonaws.com'],
  },
  {
    name: 's3-object',
    make: (rng) => ({ arn: `arn:aws:s3:::${rng.pick(BUCKETS)}/${rng.pick(OBJECT_KEYS)}`, prefix: '' }),
    actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:GetObjectTagging'],
    resourcePolicy: 'resource',
    services: ['lambda.amazonaws.com'],
  },
  {
    name: 's3-bucket',
    make: (rng) => ({ arn: `arn:aws:s3:::${rng.pick(BUCKETS)}`, prefix: '' }),
    actions: ['s3:ListBucket', 's3:GetBucketPolicy', 's3:PutBucketPolicy'],
    resourcePolicy: 'resource',
    extraKeys: ['s3:prefix'],
  },
  {
    name: 'role-trust',
    make: (rng, account) => arn('iam', '', account, 'role/', rng.pick(ROLES)),
    actions: ['sts:AssumeRole'],
    resourcePolicy: 'trust',
    services: ['lambda.amazonaws.com', 'events.amazonaws.com'],
    extraKeys: ['sts:ExternalId'],
  },
  {
    name: 'iam-role',
    make: (rng, account) => arn('iam', '', account, 'role/', rng.pick([...ROLES, 'Admin'])),
    actions: ['iam:PassRole', 'iam:GetRole', 'iam:UpdateAssumeRolePolicy', 'iam:AttachRolePolicy'],
  },
  {
    name: 'iam-user',
    make: (rng, account) => arn('iam', '', account, 'user/', rng.pick(USERS)),
    actions: ['iam:GetUser', 'iam:CreateAccessKey', 'iam:DeleteUser'],
  },
  {
    name: 'dynamodb-table',
    make: (rng, account) => arn('dynamodb', rng.pick(REGIONS), account, 'table/', rng.pick(TABLES)),
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:DeleteTable'],
  },
  {
    name: 'sqs-queue',
    make: (rng, account) => arn('sqs', rng.pick(REGIONS), account, '', rng.pick(QUEUES)),
    actions: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteQueue'],
    resourcePolicy: 'resource',
    services: ['events.amazonaws.com', 's3.amazonaws.com'],
  },
  {
    name: 'sns-topic',
    make: (rng, account) => arn('sns', rng.pick(REGIONS), account, '', rng.pick(['alerts', 'Alerts-prod'])),
    actions: ['sns:Publish', 'sns:Subscribe'],
    resourcePolicy: 'resource',
    services: ['events.amazonaws.com'],
  },
  {
    name: 'secret',
    make: (rng, account) =>
      arn(
        'secretsmanager',
        rng.pick(REGIONS),
        account,
        'secret:',
        rng.pick(['db-password-AbCdEf', 'api-key-Zz09Yy']),
      ),
    actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
    resourcePolicy: 'resource',
  },
  {
    name: 'kms-key',
    make: (rng, account) =>
      arn(
        'kms',
        rng.pick(REGIONS),
        account,
        'key/',
        rng.pick(['1234abcd-12ab-34cd-56ef-1234567890ab', 'mrk-0f1e2d3c4b5a69788796a5b4c3d2e1f0']),
      ),
    actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
    resourcePolicy: 'resource',
    alwaysHasPolicy: true,
  },
  {
    name: 'log-stream',
    make: (rng, account) =>
      arn(
        'logs',
        rng.pick(REGIONS),
        account,
        'log-group:',
        `/aws/lambda/${rng.pick(LAMBDA_FUNCTIONS)}:log-stream:2025/06/01/abc`,
      ),
    actions: ['logs:PutLogEvents'],
  },
  {
    name: 'no-resource',
    make: () => ({ arn: '*', prefix: '' }),
    actions: ['lambda:ListFunctions', 's3:ListAllMyBuckets', 'iam:ListRoles', 'ec2:DescribeInstances'],
  },
];

// ---- context keys ----

interface ContextKeySpec {
  key: string;
  multi: boolean;
  /** Values a request may carry. */
  values: readonly (string | readonly string[])[];
}

const GLOBAL_KEYS: readonly ContextKeySpec[] = [
  { key: 'aws:SourceIp', multi: false, values: ['10.1.2.3', '203.0.113.77', '198.51.100.1', '2001:db8::1'] },
  { key: 'aws:SecureTransport', multi: false, values: ['true', 'false'] },
  { key: 'aws:MultiFactorAuthPresent', multi: false, values: ['true', 'false'] },
  { key: 'aws:MultiFactorAuthAge', multi: false, values: ['30', '3600', '86400'] },
  {
    key: 'aws:CurrentTime',
    multi: false,
    values: ['2025-06-01T12:00:00Z', '2023-01-01T00:00:00Z', '2026-12-31T23:59:59Z'],
  },
  { key: 'aws:EpochTime', multi: false, values: ['1748779200', '1672531200'] },
  { key: 'aws:RequestedRegion', multi: false, values: ['us-east-1', 'eu-west-1', 'ap-southeast-2'] },
  { key: 'aws:PrincipalTag/team', multi: false, values: ['payments', 'Payments', 'search'] },
  { key: 'aws:PrincipalTag/env', multi: false, values: ['prod', 'dev'] },
  { key: 'aws:PrincipalOrgID', multi: false, values: [ORG_ID, 'o-zzzzzzzzzz'] },
  {
    key: 'aws:TagKeys',
    multi: true,
    values: [['env'], ['env', 'team'], ['owner'], ['Env', 'cost-center'], []],
  },
  { key: 'aws:SourceAccount', multi: false, values: [HOME_ACCOUNT, OTHER_ACCOUNT] },
  {
    key: 'aws:SourceArn',
    multi: false,
    values: ['arn:aws:s3:::orders-bucket', `arn:aws:events:us-east-1:${HOME_ACCOUNT}:rule/nightly`],
  },
];

const FAMILY_KEYS: Record<string, ContextKeySpec> = {
  's3:prefix': { key: 's3:prefix', multi: false, values: ['home/alice/', 'public/', 'home/bob/'] },
  'sts:ExternalId': { key: 'sts:ExternalId', multi: false, values: ['ext-7f3a', 'wrong-id'] },
};

// ---- condition blocks ----

/** Writes a key in a random case (condition keys are case-insensitive). */
function mangleKeyCase(rng: Rng, key: string): string {
  if (!rng.chance(0.1)) return key;
  return rng.chance(0.5) ? key.toUpperCase() : key.toLowerCase();
}

type ConditionBlock = { [operator: string]: { [key: string]: JsonValue } };

function ifExists(rng: Rng, operator: string, p = 0.2): string {
  return rng.chance(p) ? `${operator}IfExists` : operator;
}

/** One or two condition values (a list is ORed). */
function values(rng: Rng, pool: readonly JsonValue[]): JsonValue {
  return rng.chance(0.3) ? rng.sample(pool, 2) : rng.pick(pool);
}

/** A single `operator: {key: values}` condition over keys the request may carry. */
function makeClause(rng: Rng, caller: Caller, family: ResourceFamily): [string, string, JsonValue] {
  const choices: (readonly [number, () => [string, string, JsonValue]])[] = [
    [
      3,
      () => [
        rng.pick(['IpAddress', 'NotIpAddress', 'IpAddressIfExists']),
        'aws:SourceIp',
        values(rng, ['10.0.0.0/8', '203.0.113.0/24', '192.0.2.10', '2001:db8::/32']),
      ],
    ],
    [
      2,
      () => [
        ifExists(rng, 'Bool'),
        'aws:SecureTransport',
        rng.pick<JsonValue>(['true', 'false', true, false]),
      ],
    ],
    [
      2,
      () => [
        ifExists(rng, 'Bool', 0.4),
        'aws:MultiFactorAuthPresent',
        rng.pick<JsonValue>(['true', 'false', true]),
      ],
    ],
    [
      2,
      () => [
        ifExists(
          rng,
          rng.pick(['NumericLessThan', 'NumericGreaterThanEquals', 'NumericEquals', 'NumericNotEquals']),
        ),
        'aws:MultiFactorAuthAge',
        values(rng, ['3600', 300, '86400']),
      ],
    ],
    [
      2,
      () => [
        ifExists(
          rng,
          rng.pick(['DateGreaterThan', 'DateLessThan', 'DateGreaterThanEquals', 'DateNotEquals']),
        ),
        'aws:CurrentTime',
        values(rng, ['2024-01-01T00:00:00Z', '2026-01-01', '2025-06-01T12:00:00Z']),
      ],
    ],
    [
      3,
      () => [
        ifExists(rng, rng.pick(['StringEquals', 'StringNotEquals', 'StringLike', 'StringNotLike'])),
        'aws:RequestedRegion',
        values(rng, ['us-east-1', 'eu-west-1', 'eu-*', 'us-?ast-1']),
      ],
    ],
    [
      4,
      () => [
        ifExists(
          rng,
          rng.pick([
            'StringEquals',
            'StringNotEquals',
            'StringEqualsIgnoreCase',
            'StringNotEqualsIgnoreCase',
            'StringLike',
            'StringNotLike',
          ]),
        ),
        rng.pick(['aws:PrincipalTag/team', 'aws:PrincipalTag/env']),
        values(rng, ['payments', 'PAYMENTS', 'pay*', 'prod', 's?arch', '*', 'pay${*}']),
      ],
    ],
    [3, () => ['StringEquals', 'aws:PrincipalOrgID', ORG_ID]],
    [
      3,
      () => [
        rng.weighted([
          [3, 'ForAnyValue:StringEquals'],
          [3, 'ForAllValues:StringEquals'],
          [2, 'ForAnyValue:StringLike'],
          [2, 'ForAllValues:StringLike'],
          [1, 'ForAllValues:StringNotEquals'],
          [1, 'ForAnyValue:StringNotLike'],
          [1, 'ForAnyValue:StringEqualsIgnoreCase'],
          [1, 'ForAnyValue:StringLikeIfExists'],
          [1, 'ForAllValues:StringEqualsIfExists'],
        ] as const),
        'aws:TagKeys',
        values(rng, ['env', 'team', 'owner', 'cost-*']),
      ],
    ],
    [
      3,
      () => [
        ifExists(rng, rng.pick(['ArnLike', 'ArnNotLike', 'ArnEquals', 'ArnNotEquals', 'StringLike'])),
        'aws:PrincipalArn',
        values(rng, [
          `arn:aws:iam::${HOME_ACCOUNT}:role/*`,
          `arn:aws:iam::*:user/alice`,
          `arn:aws:iam::${HOME_ACCOUNT}:role/service-role/deployer`,
          caller.roleArn ?? caller.arn,
        ]),
      ],
    ],
    [
      2,
      () => [
        rng.pick(['StringEquals', 'StringNotEquals']),
        'aws:PrincipalAccount',
        values(rng, [HOME_ACCOUNT, OTHER_ACCOUNT]),
      ],
    ],
    [
      2,
      () => [
        'Null',
        rng.pick(['aws:PrincipalTag/team', 'aws:SourceIp', 'aws:MultiFactorAuthAge', 'aws:TagKeys']),
        rng.pick<JsonValue>(['true', 'false', true]),
      ],
    ],
    [1, () => [rng.pick(['StringEquals', 'StringLike']), 'aws:PrincipalTag/team', '${aws:PrincipalTag/env}']],
    [
      1,
      () => [ifExists(rng, 'StringEquals'), 'aws:PrincipalTag/team', "${aws:PrincipalTag/env, 'payments'}"],
    ],
    [
      1,
      () => [
        ifExists(rng, rng.pick(['DateGreaterThan', 'DateLessThanEquals'])),
        'aws:EpochTime',
        values(rng, ['1735689600', '1767225600', '2025-06-01T12:00:00Z']),
      ],
    ],
    [
      1,
      () => [
        ifExists(rng, rng.pick(['NumericLessThan', 'NumericGreaterThan'])),
        'aws:EpochTime',
        values(rng, ['1735689600', '1767225600']),
      ],
    ],
  ];
  if (caller.kind === 'service' || rng.chance(0.1)) {
    choices.push([
      4,
      () => [ifExists(rng, 'StringEquals'), 'aws:SourceAccount', values(rng, [HOME_ACCOUNT, OTHER_ACCOUNT])],
    ]);
    choices.push([
      4,
      () => [
        ifExists(rng, rng.pick(['ArnLike', 'ArnEquals', 'ArnNotLike'])),
        'aws:SourceArn',
        values(rng, [
          'arn:aws:s3:::orders-*',
          `arn:aws:events:us-east-1:${HOME_ACCOUNT}:rule/*`,
          'arn:aws:s3:::logs-bucket',
        ]),
      ],
    ]);
  }
  if (family.extraKeys?.includes('s3:prefix')) {
    choices.push([
      4,
      () => [
        ifExists(rng, 'StringLike'),
        's3:prefix',
        values(rng, ['home/${aws:username}/*', 'public/*', '']),
      ],
    ]);
  }
  if (family.extraKeys?.includes('sts:ExternalId')) {
    choices.push([8, () => ['StringEquals', 'sts:ExternalId', 'ext-7f3a']]);
  }
  if (caller.userName !== undefined) {
    choices.push([1, () => ['StringLike', 'aws:PrincipalArn', `arn:aws:iam::*:user/*\${aws:username}`]]);
  }
  const [operator, key, value] = rng.weighted(choices)();
  return [operator, mangleKeyCase(rng, key), value];
}

function makeCondition(rng: Rng, caller: Caller, family: ResourceFamily): ConditionBlock {
  const block: ConditionBlock = {};
  const count = rng.weighted([
    [6, 1],
    [3, 2],
    [1, 3],
  ] as const);
  for (let i = 0; i < count; i++) {
    const [operator, key, value] = makeClause(rng, caller, family);
    const existing = block[operator] ?? {};
    // One key once per operator: a repeated JSON key would silently replace the first.
    if (Object.keys(existing).some((k) => k.toLowerCase() === key.toLowerCase())) continue;
    existing[key] = value;
    block[operator] = existing;
  }
  return block;
}

// ---- actions ----

function mangleCase(rng: Rng, text: string): string {
  const style = rng.weighted([
    [8, 'asis'],
    [1, 'lower'],
    [1, 'upper'],
    [1, 'random'],
  ] as const);
  if (style === 'asis') return text;
  if (style === 'lower') return text.toLowerCase();
  if (style === 'upper') return text.toUpperCase();
  return [...text].map((ch) => (rng.chance(0.5) ? ch.toUpperCase() : ch.toLowerCase())).join('');
}

const ALL_ACTIONS = FAMILIES.flatMap((f) => f.actions);

/** An Action pattern: near the requested action most of the time. */
function actionPattern(rng: Rng, action: string): string {
  const [service, name] = action.split(':') as [string, string];
  const pattern = rng.weighted<() => string>([
    [6, () => action],
    [3, () => `${service}:*`],
    [1, () => '*'],
    [2, () => `${service}:${name.slice(0, rng.between(1, Math.max(1, name.length - 1)))}*`],
    [1, () => `${service}:*${name.slice(rng.between(1, name.length - 1))}`],
    [1, () => `${service}:?${name.slice(1)}`],
    [1, () => `${service}:${name.slice(0, 2)}*${name.slice(-2)}`],
    [
      3,
      () =>
        rng.pick(
          ALL_ACTIONS.filter((a) => a.startsWith(`${service}:`) && a !== action).concat(['s3:GetObject']),
        ),
    ],
    [2, () => rng.pick(ALL_ACTIONS)],
  ])();
  return pattern === '*' ? pattern : mangleCase(rng, pattern);
}

function actionElement(rng: Rng, action: string): JsonValue {
  if (rng.chance(0.6)) return actionPattern(rng, action);
  const count = rng.between(1, 3);
  const list = Array.from({ length: count }, () => actionPattern(rng, action));
  return [...new Set(list)];
}

// ---- resources ----

/** A Resource pattern: near the requested resource most of the time. Wildcards never touch the product prefix. */
function resourcePattern(
  rng: Rng,
  caseInfo: { arn: string; prefix: string; family: ResourceFamily },
  account: string,
): string {
  const { arn: target, prefix, family } = caseInfo;
  if (target === '*') return rng.chance(0.8) ? '*' : `arn:aws:iam::${account}:role/*`;
  const parts = target.split(':');
  const head = parts.slice(0, 5).join(':');
  const rest = parts.slice(5).join(':');
  const id = rest.slice(prefix.length);
  const withHead = (h: string, r: string) => `${h}:${prefix}${r}`;
  return rng.weighted<() => string>([
    [6, () => target],
    [4, () => '*'],
    [4, () => withHead(head, `${id.slice(0, rng.between(0, id.length - 1))}*`)],
    [2, () => withHead(head, `*${id.slice(rng.between(1, id.length - 1))}`)],
    [2, () => withHead(head, id.replace(/[a-z0-9]/, '?'))],
    [2, () => withHead(head, id.length > 1 ? id[0]!.toUpperCase() + id.slice(1) : id.toUpperCase())],
    [2, () => withHead(`${parts.slice(0, 3).join(':')}:*:${parts[4]}`, id)],
    [
      1,
      () =>
        withHead(`${parts.slice(0, 3).join(':')}:${(parts[3] ?? '').replace(/-\d$/, '-?')}:${parts[4]}`, id),
    ],
    [2, () => withHead(`${parts.slice(0, 3).join(':')}:${parts[3]}:*`, id)],
    [
      1,
      () =>
        withHead(
          `${parts.slice(0, 3).join(':')}:${parts[3]}:${parts[4] === HOME_ACCOUNT ? OTHER_ACCOUNT : HOME_ACCOUNT}`,
          id,
        ),
    ],
    [2, () => family.make(rng, account).arn],
    [1, () => rng.pick(FAMILIES).make(rng, account).arn],
    [1, () => `arn:aws:${parts[2]}:*`],
    [
      1,
      () =>
        family.name === 's3-object'
          ? `arn:aws:s3:::${rng.pick(BUCKETS)}/home/\${aws:username${rng.chance(0.3) ? ", 'alice'" : ''}}/*`
          : withHead(head, `\${aws:PrincipalTag/team}*`),
    ],
  ])();
}

function resourceElement(
  rng: Rng,
  caseInfo: { arn: string; prefix: string; family: ResourceFamily },
  account: string,
): JsonValue {
  if (rng.chance(0.7)) return resourcePattern(rng, caseInfo, account);
  const list = Array.from({ length: rng.between(1, 3) }, () => resourcePattern(rng, caseInfo, account));
  return [...new Set(list)];
}

// ---- statements and policies ----

interface StatementEnv {
  rng: Rng;
  caller: Caller;
  action: string;
  target: { arn: string; prefix: string; family: ResourceFamily };
  resourceAccount: string;
}

function identityStatement(env: StatementEnv, effect: 'Allow' | 'Deny'): PolicyDocument {
  const { rng } = env;
  const statement: PolicyDocument = { Effect: effect };
  if (rng.chance(0.2)) statement.Sid = `S${rng.int(1000)}`;
  if (rng.chance(0.15)) statement.NotAction = actionElement(rng, env.action);
  else statement.Action = actionElement(rng, env.action);
  if (rng.chance(0.12)) statement.NotResource = resourceElement(rng, env.target, env.resourceAccount);
  else statement.Resource = resourceElement(rng, env.target, env.resourceAccount);
  if (rng.chance(0.35)) statement.Condition = makeCondition(rng, env.caller, env.target.family);
  return statement;
}

function document(rng: Rng, statements: PolicyDocument[]): PolicyDocument {
  // A few documents without a Version (treated as 2008-10-17) or with the old one.
  const version = rng.weighted([
    [30, '2012-10-17'],
    [1, '2008-10-17'],
    [1, undefined],
  ] as const);
  const doc: PolicyDocument = {};
  if (version !== undefined) doc.Version = version;
  doc.Statement = statements.length === 1 && rng.chance(0.3) ? (statements[0] as PolicyDocument) : statements;
  return doc;
}

function identityPolicy(env: StatementEnv, denyShare: number): PolicyDocument {
  const count = env.rng.weighted([
    [5, 1],
    [3, 2],
    [2, 3],
  ] as const);
  const statements = Array.from({ length: count }, () =>
    identityStatement(env, env.rng.chance(denyShare) ? 'Deny' : 'Allow'),
  );
  return document(env.rng, statements);
}

/** SCP: Allow statements use Action lists on Resource "*" without conditions; Deny statements may use anything. */
function scpPolicy(env: StatementEnv): PolicyDocument {
  const { rng } = env;
  const kind = rng.weighted([
    [5, 'full-access'],
    [3, 'allow-services'],
    [3, 'deny-guard'],
    [2, 'region-guard'],
  ] as const);
  const [service] = env.action.split(':') as [string];
  switch (kind) {
    case 'full-access':
      return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
    case 'allow-services': {
      const actions = rng.sample(
        [
          `${service}:*`,
          's3:*',
          'lambda:*',
          'sts:*',
          'iam:Get*',
          'dynamodb:*',
          actionPattern(rng, env.action),
        ],
        rng.between(1, 3),
      );
      return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] };
    }
    case 'deny-guard':
      return document(rng, [identityStatement(env, 'Deny')]);
    case 'region-guard':
      return {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: '*', Resource: '*' },
          {
            Effect: 'Deny',
            NotAction: ['iam:*', 'sts:*', 's3:ListAllMyBuckets'],
            Resource: '*',
            Condition: {
              StringNotEquals: {
                'aws:RequestedRegion': rng.sample(['us-east-1', 'eu-west-1'], rng.between(1, 2)),
              },
            },
          },
        ],
      };
  }
}

/** A Principal element value for a resource or trust policy. */
function principalEntry(
  rng: Rng,
  caller: Caller,
  target: StatementEnv['target'],
  resourceAccount: string,
): JsonValue {
  const callerAccount = caller.account ?? resourceAccount;
  const otherAccount = callerAccount === HOME_ACCOUNT ? OTHER_ACCOUNT : HOME_ACCOUNT;
  const service = rng.pick(target.family.services ?? SERVICES);
  const aws = (value: JsonValue): JsonValue => ({ AWS: value });
  return rng.weighted<() => JsonValue>([
    [6, () => (caller.kind === 'service' ? { Service: caller.arn } : aws(caller.arn))],
    [caller.roleArn !== undefined ? 4 : 0, () => aws(caller.roleArn as string)],
    [3, () => aws(callerAccount)],
    [3, () => aws(`arn:aws:iam::${callerAccount}:root`)],
    [2, () => '*'],
    [1, () => aws('*')],
    [3, () => aws(makeCaller(rng, rng.pick(['user', 'role', 'session'] as const), callerAccount).arn)],
    [2, () => aws(`arn:aws:iam::${otherAccount}:root`)],
    [2, () => ({ Service: service })],
    [
      2,
      () =>
        aws([
          makeCaller(rng, 'role', otherAccount).arn,
          rng.chance(0.5) ? (caller.kind === 'service' ? otherAccount : caller.arn) : callerAccount,
        ]),
    ],
  ])();
}

function resourceStatement(env: StatementEnv, effect: 'Allow' | 'Deny', trust: boolean): PolicyDocument {
  const { rng } = env;
  const statement: PolicyDocument = { Effect: effect };
  if (rng.chance(0.2)) statement.Sid = `R${rng.int(1000)}`;
  // NotPrincipal only with Deny, as AWS recommends.
  if (effect === 'Deny' && rng.chance(0.2)) {
    const spared = [`arn:aws:iam::${HOME_ACCOUNT}:root`];
    if (env.caller.kind === 'service') {
      statement.NotPrincipal = rng.chance(0.5) ? { Service: env.caller.arn, AWS: spared } : { AWS: spared };
    } else {
      if (rng.chance(0.7)) spared.unshift(env.caller.roleArn ?? env.caller.arn);
      statement.NotPrincipal = { AWS: spared };
    }
  } else {
    statement.Principal = principalEntry(rng, env.caller, env.target, env.resourceAccount);
  }
  if (trust) {
    statement.Action = rng.weighted<JsonValue>([
      [6, 'sts:AssumeRole'],
      [2, ['sts:AssumeRole', 'sts:TagSession']],
      [1, 'sts:*'],
      [1, 'sts:AssumeRoleWithWebIdentity'],
    ]);
  } else if (rng.chance(0.1)) {
    statement.NotAction = actionElement(rng, env.action);
  } else {
    statement.Action = actionElement(rng, env.action);
  }
  if (!trust) {
    if (env.target.family.name === 's3-object' && rng.chance(0.3)) {
      statement.Resource = `arn:aws:s3:::${env.target.arn.split(':::')[1]?.split('/')[0]}/*`;
    } else
      statement.Resource = rng.chance(0.8)
        ? env.target.arn
        : resourceElement(rng, env.target, env.resourceAccount);
  }
  if (rng.chance(trust ? 0.4 : 0.3)) statement.Condition = makeCondition(rng, env.caller, env.target.family);
  return statement;
}

function resourcePolicy(env: StatementEnv, trust: boolean): PolicyDocument {
  const count = env.rng.weighted([
    [5, 1],
    [3, 2],
    [1, 3],
  ] as const);
  const statements = Array.from({ length: count }, () =>
    resourceStatement(env, env.rng.chance(0.2) ? 'Deny' : 'Allow', trust),
  );
  if (env.target.family.name === 'kms-key' && env.rng.chance(0.5)) {
    // The default key policy: the key's account delegates to its IAM policies.
    statements.unshift({
      Sid: 'Enable IAM User Permissions',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${env.resourceAccount}:root` },
      Action: 'kms:*',
      Resource: '*',
    });
  }
  return { Version: '2012-10-17', Statement: statements };
}

// ---- requests ----

function makeContext(rng: Rng, caller: Caller, family: ResourceFamily): ContextValues {
  const context: ContextValues = {};
  // Keys AWS derives from the caller: present in almost every real request.
  if (caller.kind !== 'service' && rng.chance(0.95)) {
    context['aws:PrincipalArn'] = caller.roleArn ?? caller.arn;
    context['aws:PrincipalAccount'] = caller.account as string;
    if (caller.userName !== undefined) context['aws:username'] = caller.userName;
  }
  const keys = [...GLOBAL_KEYS, ...(family.extraKeys ?? []).map((k) => FAMILY_KEYS[k] as ContextKeySpec)];
  for (const spec of keys) {
    if (spec.key === 'aws:SourceAccount' || spec.key === 'aws:SourceArn') {
      if (caller.kind !== 'service' || !rng.chance(0.7)) continue;
    } else if (caller.kind === 'service' && spec.key.startsWith('aws:Principal')) {
      continue;
    }
    if (!rng.chance(0.55)) continue;
    const value = rng.pick(spec.values);
    context[spec.key] = typeof value === 'string' ? value : [...value];
  }
  return context;
}

export interface GenerateOptions {
  seed: number;
  count: number;
}

/** Generates `count` cases from `seed`. Deterministic. */
export function generateCases({ seed, count }: GenerateOptions): GeneratedCase[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, (_, index) => generateCase(rng, index));
}

function generateCase(rng: Rng, index: number): GeneratedCase {
  const tags: string[] = [];
  const family = rng.weighted(
    FAMILIES.map((f) => [f.name === 'role-trust' ? 3 : f.resourcePolicy ? 2 : 1, f] as const),
  );
  const action = family.actions.length === 1 ? (family.actions[0] as string) : rng.pick(family.actions);
  const resourceAccount = rng.chance(0.85) ? HOME_ACCOUNT : OTHER_ACCOUNT;
  const callerKind: CallerKind = rng.weighted([
    [3, 'user'],
    [2, 'role'],
    [3, 'session'],
    [family.services && family.resourcePolicy ? 1.5 : 0, 'service'],
  ] as const);
  const callerAccount = rng.chance(0.75)
    ? resourceAccount
    : rng.pick(ACCOUNTS.filter((a) => a !== resourceAccount));
  const caller = makeCaller(rng, callerKind, callerAccount);
  const target = { ...family.make(rng, resourceAccount), family };
  // Actions without a resource are evaluated in the caller's account.
  const owner = target.arn === '*' ? (caller.account ?? resourceAccount) : resourceAccount;
  const env: StatementEnv = { rng, caller, action: mangleCase(rng, action), target, resourceAccount: owner };
  tags.push(`family:${family.name}`, `caller:${caller.kind}`);
  if (caller.account !== undefined && caller.account !== owner) tags.push('cross-account');

  const generated: GeneratedCase = {
    index,
    tags,
    request: {
      principal: caller.arn,
      action: env.action,
      resource: target.arn,
      resourceAccount: owner,
      context: makeContext(rng, caller, family),
    },
    identity: [],
  };

  if (caller.kind !== 'service') {
    const count = rng.weighted([
      [1, 0],
      [5, 1],
      [3, 2],
      [1, 3],
    ] as const);
    generated.identity = Array.from({ length: count }, () => identityPolicy(env, 0.25));
    if (rng.chance(0.25)) {
      generated.boundary = identityPolicy(env, 0.15);
      tags.push('boundary');
    }
    if (rng.chance(0.3)) {
      const levels = rng.between(1, 3);
      generated.scps = Array.from({ length: levels }, () =>
        Array.from({ length: rng.between(1, 2) }, () => scpPolicy(env)),
      );
      tags.push('scp');
    }
  }
  const trust = family.resourcePolicy === 'trust';
  if (
    trust ||
    family.alwaysHasPolicy ||
    caller.kind === 'service' ||
    (family.resourcePolicy && rng.chance(0.6))
  ) {
    generated.resourcePolicy = { kind: trust ? 'trust' : 'resource', document: resourcePolicy(env, trust) };
    tags.push(trust ? 'trust' : 'resource-policy');
  }
  if (JSON.stringify(generated).includes('${')) tags.push('variables');
  if (
    JSON.stringify([
      generated.identity,
      generated.boundary,
      generated.scps,
      generated.resourcePolicy,
    ]).includes('"Condition"')
  ) {
    tags.push('conditions');
  }
  return generated;
}
