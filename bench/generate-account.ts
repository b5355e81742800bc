/**
 * A seeded synthetic AWS account, in the exact shapes the offline scan reads:
 * `aws iam get-account-authorization-details` output and a `{"Functions": [...]}` Lambda inventory.
 *
 * Sized by counts (presets `small` and `max` = the IAM quotas of a fully grown account), deterministic for a seed
 * (mulberry32, fixed reference date: never `Math.random` or the clock), and a realistic mix: most principals follow
 * good practice (one scoped role per function, boundaries, external ids, source conditions), ~10–20 % carry one of
 * the risky patterns Tripline's rules look for. AWS managed policies use real action names from the action
 * catalogue and vary in size like AWS's own (typical 1–5 KB, a few 100–200 KB).
 *
 *   npx tsx bench/generate-account.ts --preset max --out bench/results/accounts/max
 *   npx tsx bench/generate-account.ts --preset small --seed 7 --url-encoded --out /tmp/small
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type CatalogueAction,
  expandActionPattern,
  listServices,
} from '../shared/catalogue/action-catalogue.ts';

// ---------------------------------------------------------------------------------------------
// Output shapes (what the AWS CLI prints)

export type StringOrList = string | string[];

export interface PolicyStatementJson {
  Sid?: string;
  Effect: string;
  Action?: StringOrList;
  NotAction?: StringOrList;
  Resource?: StringOrList;
  NotResource?: StringOrList;
  Principal?: '*' | Record<string, StringOrList>;
  Condition?: Record<string, Record<string, StringOrList>>;
}

export interface PolicyDocumentJson {
  Version: string;
  Statement: PolicyStatementJson[];
}

/** A JSON object (CLI form) or the URL-encoded string the IAM API returns. */
export type DocumentField = PolicyDocumentJson | string;

export interface InlinePolicyJson {
  PolicyName: string;
  PolicyDocument: DocumentField;
}

export interface AttachedPolicyJson {
  PolicyName: string;
  PolicyArn: string;
}

export interface TagJson {
  Key: string;
  Value: string;
}

export interface BoundaryJson {
  PermissionsBoundaryType: 'Policy';
  PermissionsBoundaryArn: string;
}

export interface RoleDetailJson {
  Path: string;
  RoleName: string;
  RoleId: string;
  Arn: string;
  CreateDate: string;
  AssumeRolePolicyDocument: DocumentField;
  InstanceProfileList: unknown[];
  RolePolicyList: InlinePolicyJson[];
  AttachedManagedPolicies: AttachedPolicyJson[];
  PermissionsBoundary?: BoundaryJson;
  Tags: TagJson[];
  RoleLastUsed: { LastUsedDate?: string; Region?: string };
}

export interface UserDetailJson {
  Path: string;
  UserName: string;
  UserId: string;
  Arn: string;
  CreateDate: string;
  UserPolicyList?: InlinePolicyJson[];
  GroupList: string[];
  AttachedManagedPolicies: AttachedPolicyJson[];
  PermissionsBoundary?: BoundaryJson;
  Tags: TagJson[];
}

export interface GroupDetailJson {
  Path: string;
  GroupName: string;
  GroupId: string;
  Arn: string;
  CreateDate: string;
  GroupPolicyList: InlinePolicyJson[];
  AttachedManagedPolicies: AttachedPolicyJson[];
}

export interface PolicyVersionJson {
  Document: DocumentField;
  VersionId: string;
  IsDefaultVersion: boolean;
  CreateDate: string;
}

export interface ManagedPolicyJson {
  PolicyName: string;
  PolicyId: string;
  Arn: string;
  Path: string;
  DefaultVersionId: string;
  AttachmentCount: number;
  PermissionsBoundaryUsageCount: number;
  IsAttachable: boolean;
  Description?: string;
  CreateDate: string;
  UpdateDate: string;
  PolicyVersionList: PolicyVersionJson[];
}

export interface AuthorizationDetailsJson {
  UserDetailList: UserDetailJson[];
  GroupDetailList: GroupDetailJson[];
  RoleDetailList: RoleDetailJson[];
  Policies: ManagedPolicyJson[];
}

export interface FunctionJson {
  FunctionName: string;
  FunctionArn: string;
  Runtime?: string;
  Role: string;
  Handler?: string;
  CodeSize: number;
  Description: string;
  Timeout: number;
  MemorySize: number;
  LastModified: string;
  CodeSha256: string;
  Version: string;
  VpcConfig?: {
    SubnetIds: string[];
    SecurityGroupIds: string[];
    VpcId: string;
    Ipv6AllowedForDualStack: boolean;
  };
  Environment?: { Variables: Record<string, string> };
  TracingConfig: { Mode: string };
  RevisionId: string;
  Layers?: { Arn: string; CodeSize: number }[];
  PackageType: string;
  Architectures: string[];
  EphemeralStorage: { Size: number };
  LoggingConfig: { LogFormat: string; LogGroup: string };
  /** The function policy as `lambda get-policy` returns it: one JSON string. */
  Policy?: string;
  FunctionUrlConfig?: {
    FunctionUrl: string;
    FunctionArn: string;
    AuthType: string;
    CreationTime: string;
    InvokeMode: string;
  };
  Invocations90d?: number;
}

export interface LambdaInventoryJson {
  Functions: FunctionJson[];
}

export interface GeneratedAccount {
  authorizationDetails: AuthorizationDetailsJson;
  lambdas: LambdaInventoryJson;
}

export interface GenerateAccountOptions {
  seed: number;
  roles: number;
  users: number;
  groups: number;
  customerPolicies: number;
  awsManagedPolicies: number;
  functions: number;
  /** Share of principals, policies and functions given a risky pattern (default 0.15). */
  riskyShare?: number;
  /** `url-encoded`: documents as the IAM API returns them (SDK form) instead of JSON objects (CLI form). */
  documents?: 'json' | 'url-encoded';
  /** Dates are spread before this instant (default 2026-12-01T00:00:00Z). */
  referenceDate?: string;
}

export type PresetName = 'small' | 'max';

/** `max` = AWS maximum quotas: 5,000 roles, 5,000 users, 500 groups, 5,000 customer managed policies. */
export const PRESETS: Record<PresetName, Omit<GenerateAccountOptions, 'seed'>> = {
  small: {
    roles: 260,
    users: 120,
    groups: 30,
    customerPolicies: 220,
    awsManagedPolicies: 140,
    functions: 150,
  },
  max: {
    roles: 5000,
    users: 5000,
    groups: 500,
    customerPolicies: 5000,
    awsManagedPolicies: 1400,
    functions: 2000,
  },
};

export const ACCOUNT_ID = '111122223333';
export const ORGANIZATION_ID = 'o-a1b2c3d4e5';
const REFERENCE_DATE = '2026-12-01T00:00:00Z';
/** IAM quotas the generator respects. */
export const QUOTAS = {
  managedPerRole: 20,
  managedPerUser: 20,
  managedPerGroup: 10,
  groupsPerUser: 10,
  versionsPerPolicy: 5,
};

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

/** mulberry32: a tiny, fast 32-bit PRNG. Same seed, same sequence. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const HEX = '0123456789abcdef';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

class Random {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
  /** Picks by weight: `[[value, weight], ...]`. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of entries) total += w;
    let r = this.next() * total;
    for (const [value, w] of entries) {
      r -= w;
      if (r < 0) return value;
    }
    const last = entries[entries.length - 1];
    if (last === undefined) throw new Error('weighted pick from an empty list');
    return last[0];
  }
  /** Up to `count` distinct items. */
  sample<T>(items: readonly T[], count: number): T[] {
    const n = Math.min(count, items.length);
    const chosen = new Set<number>();
    while (chosen.size < n) chosen.add(Math.floor(this.next() * items.length));
    return [...chosen].map((i) => items[i] as T);
  }
  chars(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }
  /** Unique ids as IAM prints them: 4-letter prefix + 17 base32 characters (21 in all). */
  iamId(prefix: 'AROA' | 'AIDA' | 'AGPA' | 'ANPA' | 'AIPA'): string {
    return prefix + this.chars(BASE32, 17);
  }
  uuid(): string {
    const h = this.chars(HEX, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
  /** A date `minDays`–`maxDays` before the reference date, as the IAM CLI prints it. */
  dateBefore(reference: number, minDays: number, maxDays: number): string {
    const ms = reference - (minDays + this.next() * (maxDays - minDays)) * 86_400_000;
    return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}+00:00`;
  }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

const DOMAINS = [
  'orders',
  'payments',
  'inventory',
  'shipping',
  'catalog',
  'search',
  'checkout',
  'cart',
  'pricing',
  'promotions',
  'loyalty',
  'accounts',
  'auth',
  'profiles',
  'notifications',
  'emails',
  'reporting',
  'analytics',
  'billing',
  'invoices',
  'ledger',
  'fraud',
  'risk',
  'kyc',
  'media',
  'images',
  'video',
  'ingest',
  'etl',
  'exports',
  'imports',
  'webhooks',
  'partners',
  'support',
  'tickets',
  'chat',
  'feeds',
  'recommendations',
  'reviews',
  'subscriptions',
  'onboarding',
  'audit',
  'compliance',
  'backups',
  'scheduler',
  'workflows',
  'gateway',
  'sync',
  'returns',
  'tax',
] as const;
const COMPONENTS = [
  'api',
  'worker',
  'consumer',
  'producer',
  'handler',
  'processor',
  'cron',
  'resolver',
  'authorizer',
  'stream',
  'trigger',
  'sync',
  'export',
  'import',
  'validator',
  'enricher',
  'router',
  'dispatcher',
  'aggregator',
  'indexer',
  'cleanup',
  'migrator',
  'webhook',
  'notifier',
  'reader',
  'writer',
  'scorer',
  'renderer',
  'poller',
  'archiver',
] as const;
const ENVIRONMENTS = [
  ['prod', 5],
  ['staging', 3],
  ['dev', 2],
] as const;
const REGIONS = [
  ['us-east-1', 8],
  ['eu-west-1', 2],
] as const;
const FIRST_NAMES = [
  'alice',
  'bob',
  'carol',
  'dan',
  'erin',
  'frank',
  'grace',
  'heidi',
  'ivan',
  'judy',
  'kim',
  'leo',
  'maria',
  'nina',
  'omar',
  'pat',
  'quinn',
  'rosa',
  'sam',
  'tara',
  'uma',
  'victor',
  'wendy',
  'xavier',
  'yara',
  'zane',
  'amir',
  'bea',
  'chen',
  'dara',
  'elif',
  'femi',
  'gio',
  'hana',
  'ines',
  'jon',
  'kofi',
  'lena',
  'mei',
  'nico',
] as const;
const LAST_NAMES = [
  'nguyen',
  'martins',
  'silva',
  'walsh',
  'okafor',
  'lee',
  'garcia',
  'smith',
  'kowalski',
  'haddad',
  'tanaka',
  'singh',
  'muller',
  'rossi',
  'dubois',
  'novak',
  'jensen',
  'costa',
  'ahmed',
  'kim',
  'lopez',
  'brown',
  'ivanova',
  'schmidt',
  'moreau',
  'yilmaz',
  'park',
  'oconnor',
  'fischer',
  'santos',
] as const;
const GOOD_RUNTIMES = [
  ['nodejs22.x', 40],
  ['nodejs24.x', 20],
  ['python3.12', 18],
  ['python3.13', 10],
  ['java21', 5],
  ['provided.al2023', 4],
  ['dotnet8', 3],
] as const;
const DEPRECATED_RUNTIMES = [
  'nodejs16.x',
  'nodejs14.x',
  'nodejs18.x',
  'python3.8',
  'python3.9',
  'go1.x',
  'java8',
  'ruby2.7',
];

/** Least-privilege building blocks for workload roles: actions per access pattern and the resource they scope to. */
interface ServiceBlock {
  read: readonly string[];
  write: readonly string[];
  resource: (name: string, region: string, random: Random) => string[];
}
const WORKLOAD_SERVICES: Record<string, ServiceBlock> = {
  dynamodb: {
    read: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem'],
    write: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
    resource: (n, r) => [
      `arn:aws:dynamodb:${r}:${ACCOUNT_ID}:table/${n}`,
      `arn:aws:dynamodb:${r}:${ACCOUNT_ID}:table/${n}/index/*`,
    ],
  },
  s3: {
    read: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging'],
    write: ['s3:PutObject', 's3:DeleteObject', 's3:PutObjectTagging'],
    resource: (n, _r, random) => [
      `arn:aws:s3:::${n}-${ACCOUNT_ID}/${random.pick(['*', 'incoming/*', 'exports/*', 'data/*'])}`,
    ],
  },
  sqs: {
    read: [
      'sqs:ReceiveMessage',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ChangeMessageVisibility',
    ],
    write: ['sqs:SendMessage', 'sqs:GetQueueUrl'],
    resource: (n, r) => [`arn:aws:sqs:${r}:${ACCOUNT_ID}:${n}`],
  },
  sns: {
    read: ['sns:GetTopicAttributes'],
    write: ['sns:Publish'],
    resource: (n, r) => [`arn:aws:sns:${r}:${ACCOUNT_ID}:${n}`],
  },
  events: {
    read: ['events:DescribeEventBus'],
    write: ['events:PutEvents'],
    resource: (n, r) => [`arn:aws:events:${r}:${ACCOUNT_ID}:event-bus/${n}`],
  },
  states: {
    read: ['states:DescribeExecution'],
    write: ['states:StartExecution', 'states:StartSyncExecution'],
    resource: (n, r) => [`arn:aws:states:${r}:${ACCOUNT_ID}:stateMachine:${n}`],
  },
  secretsmanager: {
    read: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
    write: ['secretsmanager:PutSecretValue'],
    resource: (n, r, random) => [
      `arn:aws:secretsmanager:${r}:${ACCOUNT_ID}:secret:${n.replace('-', '/')}-${random.chars(LOWER_ALNUM, 6)}`,
    ],
  },
  ssm: {
    read: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
    write: ['ssm:PutParameter'],
    resource: (n, r) => [`arn:aws:ssm:${r}:${ACCOUNT_ID}:parameter/${n.replaceAll('-', '/')}/*`],
  },
  kms: {
    read: ['kms:Decrypt', 'kms:DescribeKey'],
    write: ['kms:Encrypt', 'kms:GenerateDataKey'],
    resource: (_n, r, random) => [`arn:aws:kms:${r}:${ACCOUNT_ID}:key/${random.uuid()}`],
  },
  kinesis: {
    read: ['kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:DescribeStream', 'kinesis:ListShards'],
    write: ['kinesis:PutRecord', 'kinesis:PutRecords'],
    resource: (n, r) => [`arn:aws:kinesis:${r}:${ACCOUNT_ID}:stream/${n}`],
  },
  firehose: {
    read: ['firehose:DescribeDeliveryStream'],
    write: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
    resource: (n, r) => [`arn:aws:firehose:${r}:${ACCOUNT_ID}:deliverystream/${n}`],
  },
  lambda: {
    read: ['lambda:GetFunctionConfiguration'],
    write: ['lambda:InvokeFunction'],
    resource: (n, r) => [`arn:aws:lambda:${r}:${ACCOUNT_ID}:function:${n}`],
  },
  ses: {
    read: ['ses:GetTemplate'],
    write: ['ses:SendEmail', 'ses:SendRawEmail', 'ses:SendTemplatedEmail'],
    resource: (_n, r) => [`arn:aws:ses:${r}:${ACCOUNT_ID}:identity/example.com`],
  },
  athena: {
    read: ['athena:GetQueryExecution', 'athena:GetQueryResults'],
    write: ['athena:StartQueryExecution', 'athena:StopQueryExecution'],
    resource: (n, r) => [`arn:aws:athena:${r}:${ACCOUNT_ID}:workgroup/${n}`],
  },
  bedrock: {
    read: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
    write: ['bedrock:InvokeModel'],
    resource: (_n, r, random) => [
      `arn:aws:bedrock:${r}::foundation-model/${random.pick(['anthropic.claude-3-5-haiku-20241022-v1:0', 'amazon.titan-embed-text-v2:0', 'amazon.nova-lite-v1:0'])}`,
    ],
  },
};
const WORKLOAD_SERVICE_KEYS = Object.keys(WORKLOAD_SERVICES);
const THINGS = [
  'table',
  'events',
  'queue',
  'topic',
  'bucket',
  'stream',
  'state',
  'jobs',
  'cache',
  'archive',
  'index',
  'dlq',
];

// ---------------------------------------------------------------------------------------------
// Risky statements (identity policies): one per pattern the rules look for

type RiskKind =
  | 'admin'
  | 'service-wildcard'
  | 'unscoped-resource'
  | 'not-action'
  | 'passrole-wildcard'
  | 'discovery'
  | 'invoke-wildcard'
  | 'data-wildcard'
  | 'credentials'
  | 'escalation';

const RISKS: readonly (readonly [RiskKind, number])[] = [
  ['admin', 4],
  ['service-wildcard', 14],
  ['unscoped-resource', 14],
  ['not-action', 4],
  ['passrole-wildcard', 10],
  ['discovery', 14],
  ['invoke-wildcard', 10],
  ['data-wildcard', 12],
  ['credentials', 8],
  ['escalation', 10],
];

function riskyStatement(kind: RiskKind, random: Random, self: string): PolicyStatementJson {
  switch (kind) {
    case 'admin':
      return { Effect: 'Allow', Action: random.pick(['*', '*:*']), Resource: '*' };
    case 'service-wildcard': {
      const service = random.pick([
        's3',
        'dynamodb',
        'sqs',
        'sns',
        'lambda',
        'kms',
        'secretsmanager',
        'ec2',
        'logs',
      ]);
      return {
        Sid: 'FullServiceAccess',
        Effect: 'Allow',
        Action: `${service}:*`,
        Resource: random.chance(0.5) ? '*' : `arn:aws:${service}:*:${ACCOUNT_ID}:*`,
      };
    }
    case 'unscoped-resource':
      return {
        Effect: 'Allow',
        Action: random.sample(
          [
            'sns:Publish',
            'sqs:SendMessage',
            'dynamodb:PutItem',
            'events:PutEvents',
            'kinesis:PutRecord',
            's3:PutObject',
          ],
          2,
        ),
        Resource: '*',
      };
    case 'not-action':
      return {
        Sid: 'EverythingButIam',
        Effect: 'Allow',
        NotAction: random.pick([
          ['iam:*'],
          ['iam:*', 'organizations:*'],
          ['iam:*', 'organizations:*', 'account:*'],
        ]),
        Resource: '*',
      };
    case 'passrole-wildcard':
      return {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: random.pick(['*', `arn:aws:iam::${ACCOUNT_ID}:role/*`]),
      };
    case 'discovery':
      return {
        Sid: 'Inventory',
        Effect: 'Allow',
        Action: random.sample(
          [
            's3:ListAllMyBuckets',
            'iam:ListRoles',
            'iam:ListUsers',
            'lambda:ListFunctions',
            'dynamodb:ListTables',
            'ec2:DescribeInstances',
            'secretsmanager:ListSecrets',
            'iam:List*',
            'lambda:List*',
            'ec2:Describe*',
          ],
          3,
        ),
        Resource: '*',
      };
    case 'invoke-wildcard':
      return {
        Effect: 'Allow',
        Action: random.pick(['lambda:InvokeFunction', ['lambda:InvokeFunction', 'lambda:InvokeAsync']]),
        Resource: random.pick(['*', `arn:aws:lambda:*:${ACCOUNT_ID}:function:*`]),
      };
    case 'data-wildcard':
      return random.pick<PolicyStatementJson>([
        { Effect: 'Allow', Action: ['dynamodb:Scan', 'dynamodb:Query', 'dynamodb:GetItem'], Resource: '*' },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::*/*' },
        { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' },
        { Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' },
      ]);
    case 'credentials':
      return random.pick<PolicyStatementJson>([
        {
          Effect: 'Allow',
          Action: ['iam:CreateAccessKey', 'iam:UpdateAccessKey'],
          Resource: `arn:aws:iam::${ACCOUNT_ID}:user/*`,
        },
        { Effect: 'Allow', Action: ['iam:CreateLoginProfile', 'iam:UpdateLoginProfile'], Resource: '*' },
        { Effect: 'Allow', Action: 'sts:GetFederationToken', Resource: '*' },
        { Effect: 'Allow', Action: ['lambda:GetFunction', 'lambda:GetFunctionConfiguration'], Resource: '*' },
      ]);
    case 'escalation':
      return random.pick<PolicyStatementJson>([
        {
          Effect: 'Allow',
          Action: ['iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion'],
          Resource: `arn:aws:iam::${ACCOUNT_ID}:policy/*`,
        },
        { Effect: 'Allow', Action: ['iam:AttachRolePolicy', 'iam:PutRolePolicy'], Resource: self },
        {
          Effect: 'Allow',
          Action: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'],
          Resource: '*',
        },
        {
          Effect: 'Allow',
          Action: 'iam:UpdateAssumeRolePolicy',
          Resource: `arn:aws:iam::${ACCOUNT_ID}:role/*`,
        },
        {
          Effect: 'Allow',
          Action: ['iam:PutUserPolicy', 'iam:AttachUserPolicy'],
          Resource: `arn:aws:iam::${ACCOUNT_ID}:user/*`,
        },
      ]);
  }
}

/** A broken document, as a hand-edited or legacy policy can be: one per ~500. */
function malformedStatement(random: Random): PolicyStatementJson {
  return random.pick<PolicyStatementJson>([
    {
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: '*',
      Condition: { StringEqual: { 'aws:PrincipalTag/team': 'data' } },
    },
    { Effect: 'Permit', Action: 'dynamodb:GetItem', Resource: '*' },
    { Effect: 'Allow', Action: 'sqs:SendMessage' },
    { Effect: 'Allow', Action: 'lambda InvokeFunction', Resource: '*' },
  ]);
}

// ---------------------------------------------------------------------------------------------
// The generator

/** Data-plane reads (contents, not metadata): in broad read-only grants they are the risky part. */
const DATA_READ =
  /^(s3:GetObject|dynamodb:(BatchGetItem|GetItem|Query|Scan|PartiQLSelect|GetRecords)|secretsmanager:GetSecretValue|ssm:GetParameters?$|ssm:GetParametersByPath|kinesis:GetRecords|sqs:ReceiveMessage|lambda:GetFunction$)/i;

const doc = (statements: PolicyStatementJson[]): PolicyDocumentJson => ({
  Version: '2012-10-17',
  Statement: statements,
});

interface PolicyEntry {
  json: ManagedPolicyJson;
  kind:
    | 'lambda-basic'
    | 'lambda-vpc'
    | 'xray'
    | 'admin'
    | 'poweruser'
    | 'readonly'
    | 'readonly-broad'
    | 'full'
    | 'service-role'
    | 'job-function'
    | 'workload'
    | 'team'
    | 'ci'
    | 'boundary';
  domain?: string;
}

class AccountGenerator {
  private readonly random: Random;
  private readonly reference: number;
  private readonly riskyShare: number;
  private readonly urlEncoded: boolean;
  private readonly usedNames = new Set<string>();
  private readonly policies: PolicyEntry[] = [];
  private readonly byArn = new Map<string, PolicyEntry>();

  constructor(private readonly options: GenerateAccountOptions) {
    this.random = new Random(options.seed);
    this.reference = Date.parse(options.referenceDate ?? REFERENCE_DATE);
    this.riskyShare = options.riskyShare ?? 0.15;
    this.urlEncoded = options.documents === 'url-encoded';
  }

  private document(value: PolicyDocumentJson): DocumentField {
    return this.urlEncoded ? encodeURIComponent(JSON.stringify(value)) : value;
  }

  private unique(base: string, max = 64): string {
    let name = base.slice(0, max);
    for (let i = 2; this.usedNames.has(name); i++) name = `${base.slice(0, max - 4)}-${i}`;
    this.usedNames.add(name);
    return name;
  }

  private env(): string {
    return this.random.weighted(ENVIRONMENTS);
  }

  private region(): string {
    return this.random.weighted(REGIONS);
  }

  private risky(): boolean {
    return this.random.chance(this.riskyShare);
  }

  private tags(extra: Record<string, string> = {}): TagJson[] {
    const tags: Record<string, string> = { ...extra };
    if (this.random.chance(0.7))
      tags['managed-by'] = this.random.pick(['cdk', 'terraform', 'sam', 'console']);
    if (this.random.chance(0.5)) tags['cost-center'] = `cc-${this.random.int(1000, 9999)}`;
    return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  }

  private addPolicy(
    entry: Omit<PolicyEntry, 'json'> & {
      name: string;
      path: string;
      aws: boolean;
      versions: PolicyDocumentJson[];
      description?: string;
    },
  ): PolicyEntry {
    const arn = entry.aws
      ? `arn:aws:iam::aws:policy${entry.path}${entry.name}`
      : `arn:aws:iam::${ACCOUNT_ID}:policy${entry.path}${entry.name}`;
    const created = this.random.dateBefore(this.reference, 200, 3000);
    const count = entry.versions.length;
    const latest = count > 1 || entry.aws ? this.random.dateBefore(this.reference, 5, 200) : created;
    const firstVersion = entry.aws ? this.random.int(1, 40) : 1;
    const versions = entry.versions.map((document, i) => ({
      Document: this.document(document),
      VersionId: `v${firstVersion + count - 1 - i}`,
      IsDefaultVersion: i === 0,
      CreateDate: i === 0 ? latest : created,
    }));
    const json: ManagedPolicyJson = {
      PolicyName: entry.name,
      PolicyId: this.random.iamId('ANPA'),
      Arn: arn,
      Path: entry.path,
      DefaultVersionId: versions[0]?.VersionId ?? 'v1',
      AttachmentCount: 0,
      PermissionsBoundaryUsageCount: 0,
      IsAttachable: true,
      CreateDate: created,
      UpdateDate: latest,
      PolicyVersionList: versions,
    };
    if (entry.description) json.Description = entry.description;
    const policy: PolicyEntry = { json, kind: entry.kind };
    if (entry.domain) policy.domain = entry.domain;
    this.policies.push(policy);
    this.byArn.set(arn, policy);
    return policy;
  }

  // --- AWS managed policies ----------------------------------------------------------------

  private buildAwsManaged(count: number): void {
    const services = listServices();
    const actionsOf = new Map<string, readonly CatalogueAction[]>();
    const actions = (service: string) => {
      let list = actionsOf.get(service);
      if (!list) {
        list = expandActionPattern(`${service}:*`);
        actionsOf.set(service, list);
      }
      return list;
    };
    const isRead = (a: CatalogueAction) => a.accessLevels.every((l) => l === 'Read' || l === 'List');
    // AWS's read-only and service policies avoid data-plane reads (object contents, items, secret values).
    const isMetadataRead = (a: CatalogueAction) => isRead(a) && !DATA_READ.test(a.id);
    const readActions = (service: string) => actions(service).filter(isMetadataRead);
    /** `svc:Get*`-style patterns where every match is a read, explicit read actions otherwise. */
    const readOnlyActions = (service: string, dataReads: boolean) =>
      ['Describe', 'Get', 'List', 'BatchGet'].flatMap((verb) => {
        const matching = actions(service).filter((a) => a.name.startsWith(verb));
        const ok = dataReads ? isRead : isMetadataRead;
        if (matching.length === 0) return [];
        return matching.every(ok) ? [`${service}:${verb}*`] : matching.filter(ok).map((a) => a.id);
      });

    // The real ones first (documents as AWS publishes them).
    const fixed: [string, string, PolicyEntry['kind'], PolicyDocumentJson][] = [
      ['AdministratorAccess', '/', 'admin', doc([{ Effect: 'Allow', Action: '*', Resource: '*' }])],
      [
        'PowerUserAccess',
        '/',
        'poweruser',
        doc([
          { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' },
          {
            Effect: 'Allow',
            Action: [
              'account:GetAccountInformation',
              'account:GetPrimaryEmail',
              'account:ListRegions',
              'iam:CreateServiceLinkedRole',
              'iam:DeleteServiceLinkedRole',
              'iam:ListRoles',
              'organizations:DescribeOrganization',
            ],
            Resource: '*',
          },
        ]),
      ],
      [
        'AWSLambdaBasicExecutionRole',
        '/service-role/',
        'lambda-basic',
        doc([
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: '*',
          },
        ]),
      ],
      [
        'AWSLambdaVPCAccessExecutionRole',
        '/service-role/',
        'lambda-vpc',
        doc([
          {
            Sid: 'AWSLambdaVPCAccessExecutionPermissions',
            Effect: 'Allow',
            Action: [
              'logs:CreateLogGroup',
              'logs:CreateLogStream',
              'logs:PutLogEvents',
              'ec2:CreateNetworkInterface',
              'ec2:DescribeNetworkInterfaces',
              'ec2:DescribeSubnets',
              'ec2:DeleteNetworkInterface',
              'ec2:AssignPrivateIpAddresses',
              'ec2:UnassignPrivateIpAddresses',
            ],
            Resource: '*',
          },
        ]),
      ],
      [
        'AWSXRayDaemonWriteAccess',
        '/',
        'xray',
        doc([
          {
            Effect: 'Allow',
            Action: [
              'xray:PutTraceSegments',
              'xray:PutTelemetryRecords',
              'xray:GetSamplingRules',
              'xray:GetSamplingTargets',
              'xray:GetSamplingStatisticSummaries',
            ],
            Resource: ['*'],
          },
        ]),
      ],
      [
        'AmazonS3ReadOnlyAccess',
        '/',
        'readonly-broad',
        doc([
          {
            Effect: 'Allow',
            Action: [
              's3:Get*',
              's3:List*',
              's3:Describe*',
              's3-object-lambda:Get*',
              's3-object-lambda:List*',
            ],
            Resource: '*',
          },
        ]),
      ],
      // ReadOnlyAccess: the reads of every service, data included (as the real one: it reads every object).
      [
        'ReadOnlyAccess',
        '/',
        'readonly-broad',
        doc([
          {
            Sid: 'ReadOnlyActions',
            Effect: 'Allow',
            Action: services.flatMap((s) => readOnlyActions(s.key, true)),
            Resource: '*',
          },
        ]),
      ],
    ];
    for (const [name, path, kind, document] of fixed.slice(0, count)) {
      this.usedNames.add(name);
      this.addPolicy({ name, path, kind, aws: true, versions: [document] });
    }
    let awsCount = Math.min(count, fixed.length);

    // The rest: FullAccess / ReadOnlyAccess / service-role policies named after real services, sized like AWS's.
    const giantNames = [
      'AWSSupportServiceRolePolicy',
      'SecurityAudit',
      'ViewOnlyAccess',
      'AWSTrustedAdvisorServiceRolePolicy',
      'AWSConfigServiceRolePolicy',
      'AmazonInspector2ServiceRolePolicy',
      'AWSResourceExplorerServiceRolePolicy',
    ];
    // About one policy in 250 is a giant (100–200 KB): 5 at the quota of ~1,400, like AWS's largest.
    const giantCount = Math.min(giantNames.length, Math.floor(count / 250));
    const giantEvery =
      giantCount > 0 ? Math.floor((count - awsCount) / giantCount) : Number.POSITIVE_INFINITY;
    let giants = 0;
    for (const name of giantNames.slice(0, giantCount)) this.usedNames.add(name);
    const byName = services.map((s) => ({
      key: s.key,
      stem: s.name.replace(/^(AWS|Amazon)\s+/, '').replace(/[^A-Za-z0-9]/g, ''),
      aws: s.name.startsWith('Amazon') ? 'Amazon' : 'AWS',
    }));
    let round = 0;
    while (awsCount < count) {
      const service = byName[round % byName.length];
      if (!service) break;
      const variant = Math.floor(round / byName.length);
      round++;
      const { kind, name, path } = (() => {
        const suffix = variant > 3 ? `V${variant - 2}` : '';
        switch (variant % 4) {
          case 0:
            return {
              kind: 'full' as const,
              name: `${service.aws}${service.stem}FullAccess${suffix}`,
              path: '/',
            };
          case 1:
            return {
              kind: 'readonly' as const,
              name: `${service.aws}${service.stem}ReadOnlyAccess${suffix}`,
              path: '/',
            };
          case 2:
            return {
              kind: 'service-role' as const,
              name: `${service.aws}${service.stem}ServiceRolePolicy${suffix}`,
              path: '/aws-service-role/',
            };
          default:
            return {
              kind: 'job-function' as const,
              name: `${service.aws}${service.stem}ServiceRole${suffix}`,
              path: '/service-role/',
            };
        }
      })();
      const giant =
        giants < giantCount && (awsCount - fixed.length) % giantEvery === Math.floor(giantEvery / 2);
      const finalName = giant ? (giantNames[giants++] as string) : name;
      if (!giant) {
        if (this.usedNames.has(finalName)) continue;
        this.usedNames.add(finalName);
      }
      awsCount++;
      // Size in bytes of compact JSON: typical 1–5 KB, some 5–30 KB, rare 30–100 KB, giants 100–200 KB.
      const [low, high] = giant
        ? [100_000, 200_000]
        : this.random.weighted<[number, number]>([
            [[400, 1_000], 15],
            [[1_000, 5_000], 65],
            [[5_000, 30_000], 17],
            [[30_000, 100_000], 3],
          ]);
      const target = this.random.int(low, high);
      const statements: PolicyStatementJson[] = [];
      if (kind === 'full') {
        statements.push({
          Sid: `${service.stem}FullAccess`.slice(0, 60),
          Effect: 'Allow',
          Action: `${service.key}:*`,
          Resource: '*',
        });
        statements.push({
          Sid: 'PassRoleToService',
          Effect: 'Allow',
          Action: 'iam:PassRole',
          Resource: '*',
          Condition: { StringEquals: { 'iam:PassedToService': `${service.key}.amazonaws.com` } },
        });
        statements.push({
          Sid: 'CreateServiceLinkedRole',
          Effect: 'Allow',
          Action: 'iam:CreateServiceLinkedRole',
          Resource: `arn:aws:iam::*:role/aws-service-role/${service.key}.amazonaws.com/*`,
          Condition: { StringLike: { 'iam:AWSServiceName': `${service.key}.amazonaws.com` } },
        });
      } else if (kind === 'readonly') {
        const read = readOnlyActions(service.key, false);
        if (read.length) statements.push({ Effect: 'Allow', Action: read, Resource: '*' });
      }
      let size = JSON.stringify(statements).length + 40;
      // Pad with explicit read actions of this and related services, in statements of up to ~400 actions.
      let pool = readActions(service.key);
      let sid = 0;
      while (size < target) {
        if (pool.length === 0) pool = readActions(this.random.pick(services).key);
        const take = Math.min(pool.length, 400, Math.ceil((target - size) / 30));
        const chosen = pool.slice(0, take).map((a) => a.id);
        pool = pool.slice(take);
        if (chosen.length === 0) continue;
        const statement: PolicyStatementJson = {
          Sid: `Read${sid++}`,
          Effect: 'Allow',
          Action: chosen,
          Resource: '*',
        };
        if (kind === 'service-role' && this.random.chance(0.3))
          statement.Condition = { StringEquals: { 'aws:ResourceAccount': '${aws:PrincipalAccount}' } };
        statements.push(statement);
        size += JSON.stringify(statement).length + 1;
      }
      this.addPolicy({
        name: finalName,
        path,
        kind,
        aws: true,
        versions: [doc(statements)],
        description: `Provides ${kind} access to ${service.stem}`,
      });
    }
  }

  // --- Customer managed policies -----------------------------------------------------------

  private workloadStatements(domain: string, region: string, count: number): PolicyStatementJson[] {
    const statements: PolicyStatementJson[] = [];
    for (const key of this.random.sample(WORKLOAD_SERVICE_KEYS, count)) {
      const block = WORKLOAD_SERVICES[key] as ServiceBlock;
      const mode = this.random.weighted<'read' | 'write' | 'both'>([
        ['read', 4],
        ['write', 3],
        ['both', 3],
      ]);
      const actions =
        mode === 'both'
          ? [...block.read, ...block.write]
          : this.random.sample(block[mode], this.random.int(1, block[mode].length));
      const name = `${domain}-${this.random.pick(THINGS)}-${this.env()}`;
      const statement: PolicyStatementJson = {
        Sid: `${key.replace(/[^A-Za-z0-9]/g, '')}${mode}`,
        Effect: 'Allow',
        Action: [...new Set(actions)],
        Resource: block.resource(name, region, this.random),
      };
      if (key === 'kms')
        statement.Condition = {
          StringEquals: {
            'kms:ViaService': `${this.random.pick(['dynamodb', 's3', 'sqs', 'secretsmanager'])}.${region}.amazonaws.com`,
          },
        };
      statements.push(statement);
    }
    return statements;
  }

  private buildCustomerPolicies(count: number): void {
    for (let i = 0; i < count; i++) {
      const domain = this.random.pick(DOMAINS);
      const region = this.region();
      const kind = this.random.weighted<PolicyEntry['kind']>([
        ['workload', 78],
        ['team', 12],
        ['ci', 6],
        ['boundary', 4],
      ]);
      let name: string;
      let statements: PolicyStatementJson[];
      if (kind === 'boundary') {
        name = this.unique(`${domain}-workload-boundary`, 128);
        statements = [
          {
            Sid: 'AllowWorkloadServices',
            Effect: 'Allow',
            Action: this.random
              .sample(WORKLOAD_SERVICE_KEYS, 8)
              .map((s) => `${s}:*`)
              .concat(['logs:*', 'xray:*']),
            Resource: '*',
          },
          {
            Sid: 'DenyIdentityChanges',
            Effect: 'Deny',
            Action: ['iam:*', 'organizations:*', 'account:*'],
            Resource: '*',
          },
        ];
      } else if (kind === 'team') {
        name = this.unique(
          `${domain}-team-${this.random.pick(['developers', 'operators', 'analysts', 'oncall'])}`,
          128,
        );
        statements = this.workloadStatements(domain, region, this.random.int(2, 6));
        statements.push({
          Sid: 'ReadLogs',
          Effect: 'Allow',
          Action: ['logs:FilterLogEvents', 'logs:GetLogEvents', 'logs:StartQuery', 'logs:GetQueryResults'],
          Resource: `arn:aws:logs:${region}:${ACCOUNT_ID}:log-group:/aws/lambda/${domain}-*`,
        });
      } else if (kind === 'ci') {
        name = this.unique(`${domain}-deploy-${this.env()}`, 128);
        statements = [
          {
            Sid: 'Stacks',
            Effect: 'Allow',
            Action: [
              'cloudformation:CreateChangeSet',
              'cloudformation:ExecuteChangeSet',
              'cloudformation:DescribeStacks',
              'cloudformation:DescribeChangeSet',
            ],
            Resource: `arn:aws:cloudformation:${region}:${ACCOUNT_ID}:stack/${domain}-*/*`,
          },
          {
            Sid: 'Code',
            Effect: 'Allow',
            Action: ['lambda:UpdateFunctionCode', 'lambda:PublishVersion', 'lambda:UpdateAlias'],
            Resource: `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:${domain}-*`,
          },
          {
            Sid: 'PassDomainRoles',
            Effect: 'Allow',
            Action: 'iam:PassRole',
            Resource: `arn:aws:iam::${ACCOUNT_ID}:role/${domain}-*`,
            Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
          },
        ];
      } else {
        name = this.unique(`${domain}-${this.random.pick(COMPONENTS)}-${this.env()}-policy`, 128);
        statements = this.workloadStatements(
          domain,
          region,
          this.random.chance(0.06) ? this.random.int(8, 14) : this.random.int(1, 5),
        );
      }
      // Shared policies fan out to every holder: a third of the principals' risk rate.
      if (kind !== 'boundary' && this.random.chance(this.riskyShare / 3))
        statements.push(
          riskyStatement(
            this.random.weighted(RISKS),
            this.random,
            `arn:aws:iam::${ACCOUNT_ID}:role/${domain}-*`,
          ),
        );
      const versions = [doc(statements)];
      const older = this.random.weighted<number>([
        [0, 75],
        [1, 15],
        [2, 7],
        [4, 3],
      ]);
      for (let v = 0; v < older; v++)
        versions.push(doc(statements.slice(0, Math.max(1, statements.length - 1 - v))));
      if (this.random.chance(0.002)) versions[0] = doc([...statements, malformedStatement(this.random)]);
      this.addPolicy({
        name,
        path: this.random.pick(['/', `/${domain}/`, '/workloads/']),
        kind,
        domain,
        aws: false,
        versions,
        description: `${kind} policy for ${domain}`,
      });
    }
  }

  // --- Attachments -------------------------------------------------------------------------

  private attach(list: AttachedPolicyJson[], policy: PolicyEntry | undefined, limit: number): void {
    if (!policy || list.length >= limit || list.some((p) => p.PolicyArn === policy.json.Arn)) return;
    list.push({ PolicyName: policy.json.PolicyName, PolicyArn: policy.json.Arn });
    policy.json.AttachmentCount++;
  }

  private boundaryFor(policy: PolicyEntry | undefined): { PermissionsBoundary?: BoundaryJson } {
    if (!policy) return {};
    policy.json.PermissionsBoundaryUsageCount++;
    return {
      PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: policy.json.Arn },
    };
  }

  generate(): GeneratedAccount {
    const o = this.options;
    this.buildAwsManaged(o.awsManagedPolicies);
    this.buildCustomerPolicies(o.customerPolicies);
    const ofKind = (kind: PolicyEntry['kind']) => this.policies.filter((p) => p.kind === kind);
    const first = (kind: PolicyEntry['kind']) => this.policies.find((p) => p.kind === kind);
    const basic = first('lambda-basic');
    const vpc = first('lambda-vpc');
    const xray = first('xray');
    const admin = first('admin');
    const poweruser = first('poweruser');
    const workload = ofKind('workload');
    const boundaries = ofKind('boundary');
    const team = ofKind('team');
    const ci = ofKind('ci');
    const readonlyAws = ofKind('readonly');
    const readonlyBroad = ofKind('readonly-broad');
    const fullAws = ofKind('full');
    const serviceRole = ofKind('service-role');
    const serviceAws = [...serviceRole, ...ofKind('job-function')];
    /** One policy from weighted pools, skipping empty ones. */
    const pickPolicy = (pools: [PolicyEntry[], number][]): PolicyEntry | undefined => {
      const usable = pools.filter(([pool]) => pool.length > 0);
      return usable.length ? this.random.pick(this.random.weighted(usable)) : undefined;
    };
    // Humans get team policies and read-only AWS managed policies; FullAccess ones are rare (and risky).
    const humanPolicy = () =>
      pickPolicy([
        [team, 50],
        [readonlyAws, 45],
        [fullAws, 2],
      ]);
    const workloadByDomain = new Map<string, PolicyEntry[]>();
    for (const p of workload) {
      const list = workloadByDomain.get(p.domain ?? '') ?? [];
      list.push(p);
      workloadByDomain.set(p.domain ?? '', list);
    }

    // --- groups
    const groups: GroupDetailJson[] = [];
    for (let i = 0; i < o.groups; i++) {
      const domain = this.random.pick(DOMAINS);
      const name = this.unique(
        `${domain[0]?.toUpperCase()}${domain.slice(1)}${this.random.pick(['Developers', 'Operators', 'Analysts', 'OnCall', 'ReadOnly', 'Admins', 'Support'])}`,
        128,
      );
      const attached: AttachedPolicyJson[] = [];
      const n = this.random.int(1, 8);
      for (let k = 0; k < n; k++) this.attach(attached, humanPolicy(), QUOTAS.managedPerGroup);
      if (this.random.chance(this.riskyShare / 2))
        this.attach(
          attached,
          this.random.weighted([
            [admin, 2],
            [poweruser, 4],
            [readonlyBroad[0], 4],
          ]),
          QUOTAS.managedPerGroup,
        );
      const inline: InlinePolicyJson[] = [];
      if (this.random.chance(0.4))
        inline.push({
          PolicyName: `${name}-inline`,
          PolicyDocument: this.document(
            doc(this.workloadStatements(domain, this.region(), this.random.int(1, 3))),
          ),
        });
      groups.push({
        Path: this.random.chance(0.2) ? `/${domain}/` : '/',
        GroupName: name,
        GroupId: this.random.iamId('AGPA'),
        Arn: '',
        CreateDate: this.random.dateBefore(this.reference, 100, 2500),
        GroupPolicyList: inline,
        AttachedManagedPolicies: attached,
      });
    }
    for (const g of groups) g.Arn = `arn:aws:iam::${ACCOUNT_ID}:group${g.Path}${g.GroupName}`;

    // --- roles: functions need one Lambda role each (some shared), the rest is a mix of the other kinds
    type RoleKind =
      | 'lambda'
      | 'ecs'
      | 'ec2'
      | 'service'
      | 'cross-account'
      | 'oidc'
      | 'sso'
      | 'service-linked'
      | 'account';
    const roleKinds: RoleKind[] = [];
    const lambdaRoles = Math.min(o.roles, Math.max(Math.ceil(o.functions * 0.92), Math.round(o.roles * 0.6)));
    for (let i = 0; i < o.roles; i++) {
      roleKinds.push(
        i < lambdaRoles
          ? 'lambda'
          : this.random.weighted<RoleKind>([
              ['ecs', 20],
              ['ec2', 10],
              ['service', 15],
              ['cross-account', 12],
              ['oidc', 8],
              ['sso', 12],
              ['service-linked', 15],
              ['account', 8],
            ]),
      );
    }
    const roles: RoleDetailJson[] = [];
    const serviceLikeRoles: RoleDetailJson[] = [];
    const ssoRoles: RoleDetailJson[] = [];
    const lambdaRoleArns: { arn: string; domain: string; name: string }[] = [];
    for (const kind of roleKinds) {
      const domain = this.random.pick(DOMAINS);
      const component = this.random.pick(COMPONENTS);
      const env = this.env();
      const region = this.region();
      let path = '/';
      let name: string;
      let trust: PolicyDocumentJson;
      const attached: AttachedPolicyJson[] = [];
      const inline: InlinePolicyJson[] = [];
      let boundary: PolicyEntry | undefined;
      const service = (s: string | string[]): PolicyDocumentJson =>
        doc([{ Effect: 'Allow', Principal: { Service: s }, Action: 'sts:AssumeRole' }]);
      switch (kind) {
        case 'lambda': {
          name = this.random.chance(0.5)
            ? this.unique(`${domain}-${component}-${env}-role`)
            : this.unique(
                `${cap(domain)}Stack-${cap(component)}FnServiceRole${this.random.chars(HEX, 8).toUpperCase()}-${this.random.chars(BASE32, 12)}`,
              );
          trust = service('lambda.amazonaws.com');
          this.attach(attached, this.random.chance(0.15) ? vpc : basic, QUOTAS.managedPerRole);
          if (this.random.chance(0.3)) this.attach(attached, xray, QUOTAS.managedPerRole);
          const domainPolicies = workloadByDomain.get(domain) ?? [];
          if (domainPolicies.length && this.random.chance(0.5))
            this.attach(attached, this.random.pick(domainPolicies), QUOTAS.managedPerRole);
          inline.push({
            PolicyName: `${name.slice(0, 80)}DefaultPolicy${this.random.chars(HEX, 8).toUpperCase()}`,
            PolicyDocument: this.document(
              doc(this.workloadStatements(domain, region, this.random.int(1, 5))),
            ),
          });
          if (boundaries.length && this.random.chance(0.3)) boundary = this.random.pick(boundaries);
          break;
        }
        case 'ecs':
          name = this.unique(`${domain}-${component}-${env}-task-role`);
          trust = doc([
            {
              Effect: 'Allow',
              Principal: { Service: 'ecs-tasks.amazonaws.com' },
              Action: 'sts:AssumeRole',
              Condition: {
                ArnLike: { 'aws:SourceArn': `arn:aws:ecs:${region}:${ACCOUNT_ID}:*` },
                StringEquals: { 'aws:SourceAccount': ACCOUNT_ID },
              },
            },
          ]);
          inline.push({
            PolicyName: 'task-permissions',
            PolicyDocument: this.document(
              doc(this.workloadStatements(domain, region, this.random.int(1, 4))),
            ),
          });
          break;
        case 'ec2':
          name = this.unique(`${domain}-${component}-instance-role`);
          trust = service('ec2.amazonaws.com');
          this.attach(attached, pickPolicy([[serviceAws, 1]]), QUOTAS.managedPerRole);
          break;
        case 'service': {
          const principal = this.random.pick([
            'states.amazonaws.com',
            'events.amazonaws.com',
            'codebuild.amazonaws.com',
            'cloudformation.amazonaws.com',
            'glue.amazonaws.com',
            'apigateway.amazonaws.com',
            'scheduler.amazonaws.com',
          ]);
          name = this.unique(`${domain}-${principal.split('.')[0]}-${env}-role`);
          trust = service(principal);
          if (this.random.chance(0.4))
            this.attach(attached, pickPolicy([[serviceAws, 1]]), QUOTAS.managedPerRole);
          inline.push({
            PolicyName: 'service-permissions',
            PolicyDocument: this.document(
              doc(this.workloadStatements(domain, region, this.random.int(1, 3))),
            ),
          });
          break;
        }
        case 'cross-account': {
          path = '/vendors/';
          name = this.unique(
            `${this.random.pick(['metrics', 'billing', 'backup', 'siem', 'bi', 'ci'])}-vendor-${domain}-role`,
          );
          const external = this.random.chars(LOWER_ALNUM, 8);
          const other = `${this.random.int(100000, 999999)}${this.random.int(100000, 999999)}`;
          trust = doc([
            {
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${other}:root` },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'sts:ExternalId': `${external}-${this.random.uuid()}` } },
            },
          ]);
          this.attach(attached, pickPolicy([[readonlyAws, 1]]), QUOTAS.managedPerRole);
          break;
        }
        case 'oidc':
          path = '/ci/';
          name = this.unique(`github-${domain}-${env}-deployer`);
          trust = doc([
            {
              Effect: 'Allow',
              Principal: {
                Federated: `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/token.actions.githubusercontent.com`,
              },
              Action: 'sts:AssumeRoleWithWebIdentity',
              Condition: {
                StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
                StringLike: {
                  'token.actions.githubusercontent.com:sub': `repo:example-org/${domain}-service:ref:refs/heads/main`,
                },
              },
            },
          ]);
          if (ci.length) this.attach(attached, this.random.pick(ci), QUOTAS.managedPerRole);
          break;
        case 'sso': {
          path = `/aws-reserved/sso.amazonaws.com/${region}/`;
          name = this.unique(
            `AWSReservedSSO_${cap(domain)}${this.random.pick(['Developer', 'ReadOnly', 'Operator', 'Admin'])}_${this.random.chars(HEX, 16)}`,
          );
          trust = doc([
            {
              Effect: 'Allow',
              Principal: {
                Federated: `arn:aws:iam::${ACCOUNT_ID}:saml-provider/AWSSSO_${this.random.chars(HEX, 16)}_DO_NOT_DELETE`,
              },
              Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'],
              Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
            },
          ]);
          const n = this.random.int(1, 6);
          for (let k = 0; k < n; k++)
            this.attach(
              attached,
              pickPolicy([
                [readonlyAws, 50],
                [fullAws, 30],
                [team, 20],
              ]),
              QUOTAS.managedPerRole,
            );
          break;
        }
        case 'service-linked': {
          const principal = `${this.random.pick(['elasticloadbalancing', 'rds', 'ecs', 'autoscaling', 'support', 'trustedadvisor', 'organizations', 'config', 'guardduty', 'securityhub', 'sso', 'lambda.replicator'])}.amazonaws.com`;
          path = `/aws-service-role/${principal}/`;
          name = this.unique(
            `AWSServiceRoleFor${cap(principal.split('.')[0] ?? 'Service')}${this.random.chance(0.5) ? '' : `_${this.random.chars(BASE32, 6)}`}`,
          );
          trust = service(principal);
          if (serviceRole.length) this.attach(attached, this.random.pick(serviceRole), QUOTAS.managedPerRole);
          break;
        }
        default:
          name = this.unique(`${domain}-${component}-${env}-operator`);
          trust = doc([
            {
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` },
              Action: 'sts:AssumeRole',
              Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
            },
          ]);
          if (team.length) this.attach(attached, this.random.pick(team), QUOTAS.managedPerRole);
      }
      const arn = `arn:aws:iam::${ACCOUNT_ID}:role${path}${name}`;
      // A few heavy roles carry many managed policies (up to the quota of 20).
      if (kind !== 'service-linked' && this.random.chance(0.04)) {
        const n = this.random.int(8, QUOTAS.managedPerRole);
        for (let tries = 0; attached.length < n && tries < n * 5; tries++)
          this.attach(
            attached,
            pickPolicy([
              [workload, 85],
              [readonlyAws, 15],
            ]),
            QUOTAS.managedPerRole,
          );
      }
      if (kind !== 'service-linked' && kind !== 'sso' && this.risky()) {
        const risk = this.random.weighted(RISKS);
        if (risk === 'admin' && this.random.chance(0.5)) this.attach(attached, admin, QUOTAS.managedPerRole);
        else
          inline.push({
            PolicyName: `${risk}-${this.random.chars(LOWER_ALNUM, 4)}`,
            PolicyDocument: this.document(doc([riskyStatement(risk, this.random, arn)])),
          });
        // Risky trust: public principal, cross-account without external id, a Lambda role also trusted by EC2.
        if (this.random.chance(0.25)) {
          trust = this.random.pick([
            doc([{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }]),
            doc([
              {
                Effect: 'Allow',
                Principal: {
                  AWS: `arn:aws:iam::${this.random.int(100000, 999999)}${this.random.int(100000, 999999)}:root`,
                },
                Action: 'sts:AssumeRole',
              },
            ]),
            ...(kind === 'lambda'
              ? [
                  doc([
                    {
                      Effect: 'Allow',
                      Principal: { Service: ['lambda.amazonaws.com', 'ec2.amazonaws.com'] },
                      Action: 'sts:AssumeRole',
                    },
                  ]),
                ]
              : []),
          ]);
        }
      }
      if (this.random.chance(0.001))
        inline.push({
          PolicyName: 'legacy-hand-edited',
          PolicyDocument: this.document(doc([malformedStatement(this.random)])),
        });
      const created = this.random.dateBefore(this.reference, 30, 2400);
      const lastUsed = this.random.weighted<RoleDetailJson['RoleLastUsed']>([
        [{ LastUsedDate: this.random.dateBefore(this.reference, 0, 30), Region: region }, 88],
        [{ LastUsedDate: this.random.dateBefore(this.reference, 91, 700), Region: region }, 8],
        [{}, 4],
      ]);
      const role: RoleDetailJson = {
        Path: path,
        RoleName: name,
        RoleId: this.random.iamId('AROA'),
        Arn: arn,
        CreateDate: created,
        AssumeRolePolicyDocument: this.document(trust),
        InstanceProfileList: [],
        RolePolicyList: inline,
        AttachedManagedPolicies: attached,
        ...this.boundaryFor(boundary),
        Tags: kind === 'service-linked' ? [] : this.tags({ team: domain, env }),
        RoleLastUsed: lastUsed,
      };
      roles.push(role);
      if (kind === 'service' || kind === 'ec2') serviceLikeRoles.push(role);
      if (kind === 'sso') ssoRoles.push(role);
      if (kind === 'lambda') lambdaRoleArns.push({ arn, domain, name });
    }

    // --- users: humans in groups, and service users with their own policies
    const users: UserDetailJson[] = [];
    for (let i = 0; i < o.users; i++) {
      const human = this.random.chance(0.7);
      const attached: AttachedPolicyJson[] = [];
      const inline: InlinePolicyJson[] = [];
      const domain = this.random.pick(DOMAINS);
      const name = human
        ? this.unique(`${this.random.pick(FIRST_NAMES)}.${this.random.pick(LAST_NAMES)}`)
        : this.unique(`svc-${domain}-${this.random.pick(COMPONENTS)}`);
      const groupList =
        human && groups.length
          ? this.random
              .sample(
                groups,
                this.random.weighted<number>([
                  [1, 50],
                  [2, 30],
                  [3, 12],
                  [4, 6],
                  [QUOTAS.groupsPerUser, 2],
                ]),
              )
              .map((g) => g.GroupName)
          : [];
      if (human && this.random.chance(0.1))
        for (let k = this.random.int(1, 3); k > 0; k--)
          this.attach(attached, humanPolicy(), QUOTAS.managedPerUser);
      if (!human) {
        inline.push({
          PolicyName: `${name}-access`,
          PolicyDocument: this.document(
            doc(this.workloadStatements(domain, this.region(), this.random.int(1, 3))),
          ),
        });
        if (this.random.chance(0.3) && workload.length)
          this.attach(attached, this.random.pick(workload), QUOTAS.managedPerUser);
      }
      const arn = `arn:aws:iam::${ACCOUNT_ID}:user${human ? '/humans/' : '/service-accounts/'}${name}`;
      if (this.random.chance(this.riskyShare / 2))
        inline.push({
          PolicyName: `legacy-${this.random.chars(LOWER_ALNUM, 5)}`,
          PolicyDocument: this.document(doc([riskyStatement(this.random.weighted(RISKS), this.random, arn)])),
        });
      const user: UserDetailJson = {
        Path: human ? '/humans/' : '/service-accounts/',
        UserName: name,
        UserId: this.random.iamId('AIDA'),
        Arn: arn,
        CreateDate: this.random.dateBefore(this.reference, 10, 2500),
        GroupList: groupList,
        AttachedManagedPolicies: attached,
        ...this.boundaryFor(
          human && boundaries.length && this.random.chance(0.1) ? this.random.pick(boundaries) : undefined,
        ),
        Tags: this.tags(human ? { team: domain } : { purpose: `${domain}-integration` }),
      };
      if (inline.length) user.UserPolicyList = inline;
      users.push(user);
    }

    // --- every AWS managed policy attached somewhere (get-account-authorization-details lists only attached ones):
    // FullAccess policies to Identity Center roles (permission sets), read-only ones to groups, service-role
    // policies to service roles.
    const holdersOf = (kind: PolicyEntry['kind']) => {
      const groupHolders = groups.map((g) => ({
        list: g.AttachedManagedPolicies,
        limit: QUOTAS.managedPerGroup,
      }));
      const roleHolders = (list: RoleDetailJson[]) =>
        list.map((r) => ({ list: r.AttachedManagedPolicies, limit: QUOTAS.managedPerRole }));
      if (kind === 'full') return ssoRoles.length ? roleHolders(ssoRoles) : groupHolders;
      if (kind === 'service-role' || kind === 'job-function') {
        return serviceLikeRoles.length ? roleHolders(serviceLikeRoles) : groupHolders;
      }
      return groupHolders.length ? groupHolders : roleHolders(ssoRoles);
    };
    for (const policy of this.policies) {
      if (!policy.json.Arn.includes(':iam::aws:') || policy.json.AttachmentCount > 0) continue;
      const holders = holdersOf(policy.kind);
      for (let tries = 0; tries < 20 && holders.length > 0 && policy.json.AttachmentCount === 0; tries++) {
        const holder = this.random.pick(holders);
        this.attach(holder.list, policy, holder.limit);
      }
    }

    // --- functions
    const functions: FunctionJson[] = [];
    let nextRole = 0;
    const shared: { arn: string; domain: string; name: string }[] = [];
    for (let i = 0; i < o.functions; i++) {
      let role = lambdaRoleArns[nextRole];
      if (role === undefined || (shared.length > 0 && this.random.chance(0.08)))
        role = this.random.pick(shared.length ? shared : lambdaRoleArns);
      else {
        nextRole++;
        if (this.random.chance(0.05)) shared.push(role);
      }
      if (role === undefined) throw new Error('no Lambda role to assign: raise roles');
      const region = 'us-east-1';
      const name = this.unique(`${role.domain}-${this.random.pick(COMPONENTS)}-${this.env()}`);
      const arn = `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:${name}`;
      const risky = this.risky();
      const riskKind = risky
        ? this.random.weighted<string>([
            ['runtime', 25],
            ['secret', 10],
            ['public', 8],
            ['cross-account', 10],
            ['no-source', 15],
            ['url-none', 10],
            ['layer', 10],
            ['orphaned', 12],
          ])
        : '';
      const image = this.random.chance(0.05);
      const runtime =
        riskKind === 'runtime' ? this.random.pick(DEPRECATED_RUNTIMES) : this.random.weighted(GOOD_RUNTIMES);
      const env: Record<string, string> = {
        POWERTOOLS_SERVICE_NAME: role.domain,
        LOG_LEVEL: this.random.pick(['INFO', 'WARN', 'DEBUG']),
      };
      for (let k = this.random.int(0, 6); k > 0; k--)
        env[
          `${this.random.pick(THINGS).toUpperCase()}_${this.random.pick(['NAME', 'ARN', 'URL', 'PREFIX'])}`
        ] = `${role.domain}-${this.random.pick(THINGS)}-${this.random.chars(LOWER_ALNUM, 6)}`;
      if (riskKind === 'secret') {
        if (this.random.chance(0.5))
          env['DB_PASSWORD'] =
            `${this.random.pick(['Winter', 'Summer', 'Spring'])}${this.random.int(2019, 2026)}!${this.random.chars(LOWER_ALNUM, 4)}`;
        else {
          env['PARTNER_AWS_ACCESS_KEY_ID'] = `AKIA${this.random.chars(BASE32, 9)}EXAMPLE`;
          env['PARTNER_AWS_SECRET_ACCESS_KEY'] = `${this.random.chars(B64, 33)}EXAMPLEKEY`.replace(
            /\+/g,
            '/',
          );
        }
      }
      const statements: PolicyStatementJson[] = [];
      if (
        this.random.chance(0.5) ||
        ['public', 'cross-account', 'no-source', 'url-none'].includes(riskKind)
      ) {
        const source = this.random.pick([
          [
            'apigateway.amazonaws.com',
            `arn:aws:execute-api:${region}:${ACCOUNT_ID}:${this.random.chars(LOWER_ALNUM, 10)}/*/*/${role.domain}`,
          ],
          ['events.amazonaws.com', `arn:aws:events:${region}:${ACCOUNT_ID}:rule/${name}-schedule`],
          ['s3.amazonaws.com', `arn:aws:s3:::${role.domain}-uploads-${ACCOUNT_ID}`],
          ['sns.amazonaws.com', `arn:aws:sns:${region}:${ACCOUNT_ID}:${role.domain}-events`],
        ] as const);
        const statement: PolicyStatementJson = {
          Sid: `${source[0].split('.')[0]}-invoke`,
          Effect: 'Allow',
          Principal: { Service: source[0] },
          Action: 'lambda:InvokeFunction',
          Resource: arn,
        };
        if (riskKind !== 'no-source')
          statement.Condition = {
            ArnLike: { 'AWS:SourceArn': source[1] },
            ...(source[0] === 's3.amazonaws.com'
              ? { StringEquals: { 'AWS:SourceAccount': ACCOUNT_ID } }
              : {}),
          };
        statements.push(statement);
      }
      if (riskKind === 'public')
        statements.push({
          Sid: 'public-invoke',
          Effect: 'Allow',
          Principal: '*',
          Action: 'lambda:InvokeFunction',
          Resource: arn,
        });
      if (riskKind === 'cross-account')
        statements.push({
          Sid: 'partner-invoke',
          Effect: 'Allow',
          Principal: {
            AWS: `arn:aws:iam::${this.random.int(100000, 999999)}${this.random.int(100000, 999999)}:root`,
          },
          Action: 'lambda:InvokeFunction',
          Resource: arn,
        });
      const url = riskKind === 'url-none' || this.random.chance(0.03);
      const authType = riskKind === 'url-none' ? 'NONE' : 'AWS_IAM';
      if (url && authType === 'NONE') {
        statements.push({
          Sid: 'FunctionURLAllowPublicAccess',
          Effect: 'Allow',
          Principal: '*',
          Action: 'lambda:InvokeFunctionUrl',
          Resource: arn,
          Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } },
        });
        statements.push({
          Sid: 'FunctionURLAllowInvokeAction',
          Effect: 'Allow',
          Principal: '*',
          Action: 'lambda:InvokeFunction',
          Resource: arn,
          Condition: { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } },
        });
      }
      const layers: { Arn: string; CodeSize: number }[] = [];
      for (
        let k = this.random.weighted<number>([
          [0, 6],
          [1, 3],
          [2, 1],
        ]);
        k > 0;
        k--
      )
        layers.push({
          Arn: `arn:aws:lambda:${region}:${ACCOUNT_ID}:layer:${role.domain}-shared-${this.random.pick(['libs', 'deps', 'utils'])}:${this.random.int(1, 40)}`,
          CodeSize: this.random.int(10_000, 40_000_000),
        });
      if (riskKind === 'layer')
        layers.push({
          Arn: `arn:aws:lambda:${region}:${this.random.int(100000, 999999)}${this.random.int(100000, 999999)}:layer:${this.random.pick(['pandas', 'sharp', 'chromium', 'ffmpeg'])}-${this.random.int(1, 9)}:${this.random.int(1, 30)}`,
          CodeSize: this.random.int(1_000_000, 50_000_000),
        });
      const vpc = this.random.chance(0.15);
      const fn: FunctionJson = {
        FunctionName: name,
        FunctionArn: arn,
        ...(image
          ? {}
          : {
              Runtime: runtime,
              Handler: runtime.startsWith('python')
                ? 'app.handler'
                : runtime.startsWith('java')
                  ? 'com.example.Handler::handleRequest'
                  : 'index.handler',
            }),
        Role: role.arn,
        CodeSize: image ? 0 : this.random.int(2_000, 50_000_000),
        Description: '',
        Timeout: this.random.pick([3, 10, 30, 60, 300, 900]),
        MemorySize: this.random.pick([128, 256, 512, 1024, 1769, 3008]),
        LastModified: `${(riskKind === 'orphaned' ? this.random.dateBefore(this.reference, 120, 900) : this.random.dateBefore(this.reference, 1, 400)).slice(0, 19)}.000+0000`,
        CodeSha256: this.random.chars(B64, 43) + '=',
        Version: '$LATEST',
        ...(vpc
          ? {
              VpcConfig: {
                SubnetIds: [`subnet-${this.random.chars(HEX, 17)}`, `subnet-${this.random.chars(HEX, 17)}`],
                SecurityGroupIds: [`sg-${this.random.chars(HEX, 17)}`],
                VpcId: `vpc-${this.random.chars(HEX, 17)}`,
                Ipv6AllowedForDualStack: false,
              },
            }
          : {}),
        Environment: { Variables: env },
        TracingConfig: { Mode: this.random.chance(0.4) ? 'Active' : 'PassThrough' },
        RevisionId: this.random.uuid(),
        ...(layers.length ? { Layers: layers } : {}),
        PackageType: image ? 'Image' : 'Zip',
        Architectures: [this.random.chance(0.6) ? 'arm64' : 'x86_64'],
        EphemeralStorage: { Size: 512 },
        LoggingConfig: {
          LogFormat: this.random.chance(0.5) ? 'JSON' : 'Text',
          LogGroup: `/aws/lambda/${name}`,
        },
      };
      if (statements.length)
        fn.Policy = JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements });
      if (url)
        fn.FunctionUrlConfig = {
          FunctionUrl: `https://${this.random.chars(LOWER_ALNUM, 32)}.lambda-url.${region}.on.aws/`,
          FunctionArn: arn,
          AuthType: authType,
          CreationTime: `${this.random.dateBefore(this.reference, 1, 400).slice(0, 19)}.000Z`,
          InvokeMode: 'BUFFERED',
        };
      fn.Invocations90d = riskKind === 'orphaned' ? 0 : Math.floor(Math.exp(this.random.next() * 16));
      functions.push(fn);
    }

    return {
      authorizationDetails: {
        UserDetailList: users,
        GroupDetailList: groups,
        RoleDetailList: roles,
        Policies: this.policies.map((p) => p.json),
      },
      lambdas: { Functions: functions },
    };
  }
}

function cap(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** Generates a synthetic account; the same options (seed included) always give the same output. */
export function generateAccount(options: GenerateAccountOptions): GeneratedAccount {
  for (const key of [
    'roles',
    'users',
    'groups',
    'customerPolicies',
    'awsManagedPolicies',
    'functions',
  ] as const) {
    if (!Number.isInteger(options[key]) || options[key] < 0)
      throw new RangeError(`${key} must be a non-negative integer`);
  }
  if (options.functions > 0 && options.roles === 0) throw new RangeError('functions need at least one role');
  return new AccountGenerator(options).generate();
}

/** Serialises like the AWS CLI prints (4-space indent) or compactly. */
export function serializeAccount(
  account: GeneratedAccount,
  indent = 4,
): { authorizationDetails: string; lambdas: string } {
  return {
    authorizationDetails: `${JSON.stringify(account.authorizationDetails, null, indent || undefined)}\n`,
    lambdas: `${JSON.stringify(account.lambdas, null, indent || undefined)}\n`,
  };
}

/** A preset with every count multiplied by `factor` (rounded; at least one role). */
export function scalePreset<T extends Omit<GenerateAccountOptions, 'seed'>>(preset: T, factor: number): T {
  if (!(factor > 0)) throw new RangeError('scale must be a positive number');
  const n = (value: number) => Math.round(value * factor);
  return {
    ...preset,
    roles: Math.max(1, n(preset.roles)),
    users: n(preset.users),
    groups: n(preset.groups),
    customerPolicies: n(preset.customerPolicies),
    awsManagedPolicies: n(preset.awsManagedPolicies),
    functions: n(preset.functions),
  };
}

// ---------------------------------------------------------------------------------------------
// CLI

function main(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      preset: { type: 'string', default: 'small' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string' },
      indent: { type: 'string', default: '4' },
      'url-encoded': { type: 'boolean', default: false },
      'risky-share': { type: 'string' },
      scale: { type: 'string', default: '1' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || !values.out) {
    process.stdout.write(
      'Usage: npx tsx bench/generate-account.ts --preset small|max [--seed N] --out DIR [--scale F] [--indent 4|0] [--url-encoded] [--risky-share 0.15]\n' +
        '--scale multiplies the preset counts (0.25 = a quarter of max).\n' +
        'Writes DIR/authorization-details.json (get-account-authorization-details output) and DIR/lambdas.json.\n',
    );
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const preset = PRESETS[values.preset as PresetName];
  if (!preset) throw new Error(`unknown preset ${values.preset}: small or max`);
  const started = performance.now();
  const account = generateAccount({
    ...scalePreset(preset, Number(values.scale)),
    seed: Number(values.seed),
    documents: values['url-encoded'] ? 'url-encoded' : 'json',
    ...(values['risky-share'] ? { riskyShare: Number(values['risky-share']) } : {}),
  });
  const generated = performance.now();
  const text = serializeAccount(account, Number(values.indent));
  mkdirSync(values.out, { recursive: true });
  writeFileSync(join(values.out, 'authorization-details.json'), text.authorizationDetails);
  writeFileSync(join(values.out, 'lambdas.json'), text.lambdas);
  const mb = (s: string) => (Buffer.byteLength(s) / 1e6).toFixed(1);
  const d = account.authorizationDetails;
  process.stdout.write(
    `${values.preset} seed ${values.seed}: ${d.RoleDetailList.length} roles, ${d.UserDetailList.length} users, ${d.GroupDetailList.length} groups, ` +
      `${d.Policies.length} managed policies, ${account.lambdas.Functions.length} functions; ` +
      `${mb(text.authorizationDetails)} MB + ${mb(text.lambdas)} MB; generated in ${((generated - started) / 1000).toFixed(1)} s, ` +
      `serialised in ${((performance.now() - generated) / 1000).toFixed(1)} s → ${values.out}\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href)
  main(process.argv.slice(2));
