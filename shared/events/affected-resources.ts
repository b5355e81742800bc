/**
 * What a CloudTrail event changed, read from the event alone (no state is read): the role, user, group,
 * managed policy, function, layer, trail, EventBridge rule, table, topic, queue or stack, and which aspect of
 * it. Evaluators use this to decide what to re-read; activity rules use it to name the resource.
 *
 * Pure and total: an event it does not know, or one whose parameters are missing, maps to `[]` (an unrelated
 * event changes nothing). Failed calls are mapped like successful ones; callers check `isFailedCall`.
 */
import { parseArn } from '../engine/arn.ts';
import type { CloudTrailEvent } from './cloudtrail-event.ts';
import { isRedacted } from './parse-event.ts';

export type ResourceKind =
  | 'role'
  | 'user'
  | 'group'
  /** The account's root user (its own credentials: CreateAccessKey by root without a user name). */
  | 'root'
  | 'managed-policy'
  | 'function'
  | 'layer'
  | 'trail'
  | 'event-rule'
  | 'table'
  | 'topic'
  | 'queue'
  | 'stack';

/** Which aspect of the resource changed. */
export type ChangeKind =
  | 'created'
  | 'deleted'
  | 'trust-policy'
  | 'inline-policy'
  | 'attached-policy'
  | 'policy-version'
  | 'group-membership'
  | 'permissions-boundary'
  | 'credentials'
  | 'tags'
  | 'configuration'
  | 'code'
  /** A published function version (or a layer version) was deleted; the function itself remains. */
  | 'version'
  | 'resource-policy'
  | 'function-url'
  | 'event-source-mapping'
  | 'concurrency'
  | 'logging'
  | 'targets';

export interface AffectedResource {
  kind: ResourceKind;
  change: ChangeKind;
  /** Bare name: role, user, group, policy, function (no qualifier), layer, trail, rule, table, topic, queue, stack. */
  name?: string;
  /**
   * The exact ARN, only when the event determines it. IAM user, role and group ARNs hold a path the request
   * does not carry, so they are set only from the response (Create*) or a request path; see `resourceArn`.
   */
  arn?: string;
  /** The resource itself no longer exists. */
  deleted?: boolean;
  /**
   * The policy document carried in `requestParameters` (`policyDocument` or `assumeRolePolicyDocument`), as
   * CloudTrail recorded it: usually a JSON string, possibly URL-encoded or an object. Parse it with
   * `parsePolicy`. Absent when the event carries none or CloudTrail redacted it.
   */
  document?: unknown;
  /** What the document is: a role's trust policy, or a permissions policy (inline or managed). */
  documentType?: 'trust' | 'permissions';
  /** Inline policy name (Put/Delete{Role,User,Group}Policy). */
  policyName?: string;
  /** Managed policy attached or detached, or the permissions boundary set. */
  policyArn?: string;
  /** Managed policy version (`v3`) or layer version number (`4`). */
  versionId?: string;
  /** True when the version becomes (or is made) the policy's default: the effective permissions change. */
  defaultVersion?: boolean;
  /** Group membership: on the user, the group; on the group, the user. */
  groupName?: string;
  userName?: string;
  /** Function version or alias named in the request (`orders-api:live`). */
  qualifier?: string;
  /** Statement id added or removed (AddPermission, RemovePermission, layer permissions). */
  statementId?: string;
  /** EventBridge bus of a rule (`default` when the request names none). */
  eventBusName?: string;
}

// -----------------------------------------------------------------------------------------------------------
// Event names

/** IAM write events mapped here (exact CloudTrail eventNames, source aws.iam; delivered in us-east-1 only). */
export const IAM_CHANGE_EVENTS: readonly string[] = [
  'CreateRole',
  'DeleteRole',
  'UpdateAssumeRolePolicy',
  'PutRolePolicy',
  'DeleteRolePolicy',
  'AttachRolePolicy',
  'DetachRolePolicy',
  'PutRolePermissionsBoundary',
  'DeleteRolePermissionsBoundary',
  'TagRole',
  'UntagRole',
  'CreateUser',
  'DeleteUser',
  'PutUserPolicy',
  'DeleteUserPolicy',
  'AttachUserPolicy',
  'DetachUserPolicy',
  'PutUserPermissionsBoundary',
  'DeleteUserPermissionsBoundary',
  'CreateAccessKey',
  'CreateLoginProfile',
  'UpdateLoginProfile',
  'CreateGroup',
  'DeleteGroup',
  'PutGroupPolicy',
  'DeleteGroupPolicy',
  'AttachGroupPolicy',
  'DetachGroupPolicy',
  'AddUserToGroup',
  'RemoveUserFromGroup',
  'CreatePolicy',
  'CreatePolicyVersion',
  'DeletePolicyVersion',
  'SetDefaultPolicyVersion',
  'DeletePolicy',
];

/**
 * Lambda write events mapped here (exact eventNames, source aws.lambda). Lambda records carry API-version
 * suffixes; older clients still produce the v1 names (`AddPermission20150331`), so both are listed. Any other
 * suffix of a known operation is mapped too (see `lambdaOperation`).
 */
export const LAMBDA_CHANGE_EVENTS: readonly string[] = [
  'CreateFunction20150331',
  'UpdateFunctionConfiguration20150331v2',
  'UpdateFunctionConfiguration20150331',
  'UpdateFunctionCode20150331v2',
  'UpdateFunctionCode20150331',
  'DeleteFunction20150331',
  'AddPermission20150331v2',
  'AddPermission20150331',
  'RemovePermission20150331v2',
  'RemovePermission20150331',
  'CreateFunctionUrlConfig20211031',
  'UpdateFunctionUrlConfig20211031',
  'DeleteFunctionUrlConfig20211031',
  'PublishLayerVersion20181031',
  'AddLayerVersionPermission20181031',
  'RemoveLayerVersionPermission20181031',
  'CreateEventSourceMapping20150331',
  'UpdateEventSourceMapping20150331',
  'DeleteEventSourceMapping20150331',
  'PutFunctionConcurrency20171031',
];

/** `AddPermission20150331v2` → `AddPermission`: the Lambda API operation behind a versioned event name. */
export function lambdaOperation(eventName: string): string {
  return eventName.replace(/\d{8}(v\d+)?$/, '');
}

// -----------------------------------------------------------------------------------------------------------
// Helpers

type Params = Record<string, unknown>;

interface Context {
  event: CloudTrailEvent;
  request: Params;
  response: Params;
  account: string;
  region: string;
  partition: string;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' && !isRedacted(value) ? value : undefined;
}

function obj(value: unknown): Params {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Params) : {};
}

/** Partition of a Region: `cn-north-1` → `aws-cn`, `us-gov-west-1` → `aws-us-gov`, else `aws`. */
export function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  return 'aws';
}

/** Drops undefined optional fields so results compare and serialise cleanly. */
function resource(fields: AffectedResource): AffectedResource {
  const out = { ...fields } as Record<string, unknown>;
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out as unknown as AffectedResource;
}

function withDocument(
  ctx: Context,
  field: 'policyDocument' | 'assumeRolePolicyDocument',
  documentType: 'trust' | 'permissions',
): Pick<AffectedResource, 'document' | 'documentType'> {
  const value = ctx.request[field];
  if (value === undefined || value === null || value === '' || isRedacted(value)) return {};
  return { document: value, documentType };
}

/** `/app/` path from a request, normalised to start and end with `/`. */
function iamPath(value: unknown): string | undefined {
  const path = str(value);
  if (!path) return undefined;
  return `${path.startsWith('/') ? '' : '/'}${path}${path.endsWith('/') ? '' : '/'}`;
}

function iamArn(
  ctx: Context,
  type: 'role' | 'user' | 'group' | 'policy',
  name: string,
  path: string,
): string {
  return `arn:${ctx.partition}:iam::${ctx.account}:${type}${path}${name}`;
}

/** Name from a managed policy ARN: `arn:aws:iam::aws:policy/service-role/X` → `X`. */
function lastSegment(value: string): string {
  return value.slice(value.lastIndexOf('/') + 1);
}

// -----------------------------------------------------------------------------------------------------------
// Lambda function names

export interface FunctionReference {
  name: string;
  /** Unqualified function ARN. */
  arn: string;
  qualifier?: string;
}

/**
 * Normalises a Lambda `FunctionName` parameter: a name (`orders-api`, `orders-api:live`), a partial ARN
 * (`111122223333:function:orders-api[:3]`) or a full ARN (`arn:aws:lambda:us-east-1:111122223333:function:
 * orders-api[:$LATEST]`). Region and account default to the event's. Undefined when it is none of these.
 */
export function parseFunctionName(
  value: string,
  defaults: { region: string; account: string; partition?: string },
): FunctionReference | undefined {
  const parts = value.split(':');
  let partition = defaults.partition ?? partitionOfRegion(defaults.region);
  let region = defaults.region;
  let account = defaults.account;
  let rest: string[];
  if (parts[0] === 'arn') {
    // arn:partition:lambda:region:account:function:name[:qualifier]
    if (parts.length < 7 || parts.length > 8 || parts[2] !== 'lambda' || parts[5] !== 'function')
      return undefined;
    partition = parts[1] as string;
    region = parts[3] as string;
    account = parts[4] as string;
    rest = parts.slice(6);
  } else if (parts.length >= 3 && /^\d{12}$/.test(parts[0] as string) && parts[1] === 'function') {
    if (parts.length > 4) return undefined;
    account = parts[0] as string;
    rest = parts.slice(2);
  } else {
    if (parts.length > 2) return undefined;
    rest = parts;
  }
  const [name, qualifier] = rest;
  if (!name || qualifier === '') return undefined;
  const ref: FunctionReference = {
    name,
    arn: `arn:${partition}:lambda:${region}:${account}:function:${name}`,
  };
  if (qualifier !== undefined) ref.qualifier = qualifier;
  return ref;
}

function functionResource(
  ctx: Context,
  change: ChangeKind,
  extra: Partial<AffectedResource> = {},
): AffectedResource[] {
  const named = str(ctx.request['functionName']) ?? str(ctx.response['functionArn']);
  const ref = named ? parseFunctionName(named, ctx) : undefined;
  if (!ref) return [];
  const qualifier = str(ctx.request['qualifier']) ?? ref.qualifier;
  return [resource({ kind: 'function', change, name: ref.name, arn: ref.arn, qualifier, ...extra })];
}

/** `arn:aws:lambda:r:a:layer:name[:version]` or a bare name → `{ name, arn }` (unversioned ARN). */
function layerResource(ctx: Context, change: ChangeKind, versionId?: string): AffectedResource[] {
  const given = str(ctx.request['layerName']);
  if (!given) return [];
  const parsed = parseArn(given);
  let name = given;
  let arn = `arn:${ctx.partition}:lambda:${ctx.region}:${ctx.account}:layer:${given}`;
  if (parsed) {
    const [, layer] = parsed.resource.split(':');
    if (parsed.service !== 'lambda' || !layer) return [];
    name = layer;
    arn = `arn:${parsed.partition}:lambda:${parsed.region}:${parsed.account}:layer:${layer}`;
  }
  return [resource({ kind: 'layer', change, name, arn: str(ctx.response['layerArn']) ?? arn, versionId })];
}

// -----------------------------------------------------------------------------------------------------------
// IAM

function role(ctx: Context, change: ChangeKind, extra: Partial<AffectedResource> = {}): AffectedResource[] {
  const name = str(ctx.request['roleName']);
  return name ? [resource({ kind: 'role', change, name, ...extra })] : [];
}

function group(ctx: Context, change: ChangeKind, extra: Partial<AffectedResource> = {}): AffectedResource[] {
  const name = str(ctx.request['groupName']);
  return name ? [resource({ kind: 'group', change, name, ...extra })] : [];
}

function user(ctx: Context, change: ChangeKind, extra: Partial<AffectedResource> = {}): AffectedResource[] {
  const name = str(ctx.request['userName']);
  return name ? [resource({ kind: 'user', change, name, ...extra })] : [];
}

/**
 * Credential calls without a user name act on the caller: an IAM user's own keys or password, or, for the
 * root user, the root user's own access keys.
 */
function credentialsOwner(ctx: Context, fromResponse: Params): AffectedResource[] {
  const name = str(ctx.request['userName']) ?? str(fromResponse['userName']);
  if (name) return [resource({ kind: 'user', change: 'credentials', name })];
  const identity = ctx.event.detail.userIdentity;
  if (identity.type === 'IAMUser' && identity.userName) {
    return [resource({ kind: 'user', change: 'credentials', name: identity.userName, arn: identity.arn })];
  }
  if (identity.type === 'Root') {
    return [
      resource({
        kind: 'root',
        change: 'credentials',
        arn: identity.arn ?? `arn:${ctx.partition}:iam::${ctx.account}:root`,
      }),
    ];
  }
  return [];
}

function managedPolicy(ctx: Context, change: ChangeKind, extra: Partial<AffectedResource> = {}) {
  const arn = str(ctx.request['policyArn']);
  return arn ? [resource({ kind: 'managed-policy', change, name: lastSegment(arn), arn, ...extra })] : [];
}

function createdPrincipal(
  ctx: Context,
  kind: 'role' | 'user' | 'group',
  nameField: string,
  responseField: string,
): AffectedResource[] {
  const name = str(ctx.request[nameField]);
  if (!name) return [];
  const path = iamPath(ctx.request['path']);
  const arn =
    str(obj(ctx.response[responseField])['arn']) ?? (path ? iamArn(ctx, kind, name, path) : undefined);
  const document = kind === 'role' ? withDocument(ctx, 'assumeRolePolicyDocument', 'trust') : {};
  return [resource({ kind, change: 'created', name, arn, ...document })];
}

type Mapper = (ctx: Context) => AffectedResource[];

const permissions = (ctx: Context) => withDocument(ctx, 'policyDocument', 'permissions');
const inline = (ctx: Context) => ({ policyName: str(ctx.request['policyName']) });
const attached = (ctx: Context) => ({ policyArn: str(ctx.request['policyArn']) });
const boundary = (ctx: Context) => ({ policyArn: str(ctx.request['permissionsBoundary']) });

const IAM: Record<string, Mapper> = {
  CreateRole: (ctx) => createdPrincipal(ctx, 'role', 'roleName', 'role'),
  DeleteRole: (ctx) => role(ctx, 'deleted', { deleted: true }),
  UpdateAssumeRolePolicy: (ctx) => role(ctx, 'trust-policy', withDocument(ctx, 'policyDocument', 'trust')),
  PutRolePolicy: (ctx) => role(ctx, 'inline-policy', { ...inline(ctx), ...permissions(ctx) }),
  DeleteRolePolicy: (ctx) => role(ctx, 'inline-policy', inline(ctx)),
  AttachRolePolicy: (ctx) => role(ctx, 'attached-policy', attached(ctx)),
  DetachRolePolicy: (ctx) => role(ctx, 'attached-policy', attached(ctx)),
  PutRolePermissionsBoundary: (ctx) => role(ctx, 'permissions-boundary', boundary(ctx)),
  DeleteRolePermissionsBoundary: (ctx) => role(ctx, 'permissions-boundary'),
  TagRole: (ctx) => role(ctx, 'tags'),
  UntagRole: (ctx) => role(ctx, 'tags'),

  CreateUser: (ctx) => createdPrincipal(ctx, 'user', 'userName', 'user'),
  DeleteUser: (ctx) => user(ctx, 'deleted', { deleted: true }),
  PutUserPolicy: (ctx) => user(ctx, 'inline-policy', { ...inline(ctx), ...permissions(ctx) }),
  DeleteUserPolicy: (ctx) => user(ctx, 'inline-policy', inline(ctx)),
  AttachUserPolicy: (ctx) => user(ctx, 'attached-policy', attached(ctx)),
  DetachUserPolicy: (ctx) => user(ctx, 'attached-policy', attached(ctx)),
  PutUserPermissionsBoundary: (ctx) => user(ctx, 'permissions-boundary', boundary(ctx)),
  DeleteUserPermissionsBoundary: (ctx) => user(ctx, 'permissions-boundary'),
  CreateAccessKey: (ctx) => credentialsOwner(ctx, obj(ctx.response['accessKey'])),
  CreateLoginProfile: (ctx) => credentialsOwner(ctx, obj(ctx.response['loginProfile'])),
  UpdateLoginProfile: (ctx) => credentialsOwner(ctx, {}),

  CreateGroup: (ctx) => createdPrincipal(ctx, 'group', 'groupName', 'group'),
  DeleteGroup: (ctx) => group(ctx, 'deleted', { deleted: true }),
  PutGroupPolicy: (ctx) => group(ctx, 'inline-policy', { ...inline(ctx), ...permissions(ctx) }),
  DeleteGroupPolicy: (ctx) => group(ctx, 'inline-policy', inline(ctx)),
  AttachGroupPolicy: (ctx) => group(ctx, 'attached-policy', attached(ctx)),
  DetachGroupPolicy: (ctx) => group(ctx, 'attached-policy', attached(ctx)),
  AddUserToGroup: membership,
  RemoveUserFromGroup: membership,

  CreatePolicy: (ctx) => {
    const name = str(ctx.request['policyName']);
    if (!name) return [];
    const created = obj(ctx.response['policy']);
    const arn = str(created['arn']) ?? iamArn(ctx, 'policy', name, iamPath(ctx.request['path']) ?? '/');
    const versionId = str(created['defaultVersionId']) ?? 'v1';
    return [
      resource({
        kind: 'managed-policy',
        change: 'created',
        name,
        arn,
        versionId,
        defaultVersion: true,
        ...permissions(ctx),
      }),
    ];
  },
  CreatePolicyVersion: (ctx) => {
    const version = obj(ctx.response['policyVersion']);
    return managedPolicy(ctx, 'policy-version', {
      versionId: str(version['versionId']),
      defaultVersion: ctx.request['setAsDefault'] === true || version['isDefaultVersion'] === true,
      ...permissions(ctx),
    });
  },
  DeletePolicyVersion: (ctx) =>
    managedPolicy(ctx, 'policy-version', { versionId: str(ctx.request['versionId']) }),
  SetDefaultPolicyVersion: (ctx) =>
    managedPolicy(ctx, 'policy-version', { versionId: str(ctx.request['versionId']), defaultVersion: true }),
  DeletePolicy: (ctx) => managedPolicy(ctx, 'deleted', { deleted: true }),
};

function membership(ctx: Context): AffectedResource[] {
  const userName = str(ctx.request['userName']);
  const groupName = str(ctx.request['groupName']);
  if (!userName || !groupName) return [];
  return [
    resource({ kind: 'user', change: 'group-membership', name: userName, groupName }),
    resource({ kind: 'group', change: 'group-membership', name: groupName, userName }),
  ];
}

// -----------------------------------------------------------------------------------------------------------
// Lambda (keyed by operation: the event name without its API-version suffix)

const LAMBDA: Record<string, Mapper> = {
  CreateFunction: (ctx) => functionResource(ctx, 'created'),
  UpdateFunctionConfiguration: (ctx) => functionResource(ctx, 'configuration'),
  UpdateFunctionCode: (ctx) => functionResource(ctx, 'code'),
  DeleteFunction: (ctx) => {
    const [fn] = functionResource(ctx, 'deleted');
    if (!fn) return [];
    // With a qualifier only that version goes; the function and its other versions remain.
    return [fn.qualifier ? { ...fn, change: 'version' } : { ...fn, deleted: true }];
  },
  AddPermission: (ctx) =>
    functionResource(ctx, 'resource-policy', { statementId: str(ctx.request['statementId']) }),
  RemovePermission: (ctx) =>
    functionResource(ctx, 'resource-policy', { statementId: str(ctx.request['statementId']) }),
  CreateFunctionUrlConfig: (ctx) => functionResource(ctx, 'function-url'),
  UpdateFunctionUrlConfig: (ctx) => functionResource(ctx, 'function-url'),
  DeleteFunctionUrlConfig: (ctx) => functionResource(ctx, 'function-url'),
  CreateEventSourceMapping: (ctx) => functionResource(ctx, 'event-source-mapping'),
  // Update and Delete take the mapping's UUID; the function is named only in the response.
  UpdateEventSourceMapping: (ctx) => functionResource(ctx, 'event-source-mapping'),
  DeleteEventSourceMapping: (ctx) => functionResource(ctx, 'event-source-mapping'),
  PutFunctionConcurrency: (ctx) => functionResource(ctx, 'concurrency'),
  PublishLayerVersion: (ctx) => {
    const version = ctx.response['version'];
    return layerResource(
      ctx,
      'created',
      typeof version === 'number' || typeof version === 'string' ? String(version) : undefined,
    );
  },
  AddLayerVersionPermission: (ctx) => layerPermission(ctx),
  RemoveLayerVersionPermission: (ctx) => layerPermission(ctx),
};

function layerPermission(ctx: Context): AffectedResource[] {
  const version = ctx.request['versionNumber'];
  return layerResource(
    ctx,
    'resource-policy',
    typeof version === 'number' || typeof version === 'string' ? String(version) : undefined,
  ).map((layer) => resource({ ...layer, statementId: str(ctx.request['statementId']) }));
}

// -----------------------------------------------------------------------------------------------------------
// What Tripline depends on: CloudTrail, EventBridge, DynamoDB, SNS, SQS, CloudFormation

function trail(ctx: Context, change: ChangeKind, nameField: 'name' | 'trailName', deleted = false) {
  const given = str(ctx.request[nameField]);
  if (!given) return [];
  const fromResponse = str(ctx.response['trailARN']);
  const isArn = given.startsWith('arn:');
  const name = isArn ? lastSegment(given) : given;
  const arn =
    fromResponse ??
    (isArn ? given : `arn:${ctx.partition}:cloudtrail:${ctx.region}:${ctx.account}:trail/${name}`);
  return [resource({ kind: 'trail', change, name, arn, ...(deleted ? { deleted: true } : {}) })];
}

function eventRule(ctx: Context, change: ChangeKind, nameField: 'name' | 'rule', deleted = false) {
  const name = str(ctx.request[nameField]);
  if (!name) return [];
  const busGiven = str(ctx.request['eventBusName']) ?? 'default';
  const bus = busGiven.startsWith('arn:') ? lastSegment(busGiven) : busGiven;
  const arn =
    str(ctx.response['ruleArn']) ??
    `arn:${ctx.partition}:events:${ctx.region}:${ctx.account}:rule/${bus === 'default' ? '' : `${bus}/`}${name}`;
  return [
    resource({
      kind: 'event-rule',
      change,
      name,
      arn,
      eventBusName: bus,
      ...(deleted ? { deleted: true } : {}),
    }),
  ];
}

const ACTIVITY: Record<string, Mapper> = {
  'cloudtrail:StopLogging': (ctx) => trail(ctx, 'logging', 'name'),
  'cloudtrail:StartLogging': (ctx) => trail(ctx, 'logging', 'name'),
  'cloudtrail:UpdateTrail': (ctx) => trail(ctx, 'logging', 'name'),
  'cloudtrail:PutEventSelectors': (ctx) => trail(ctx, 'logging', 'trailName'),
  'cloudtrail:DeleteTrail': (ctx) => trail(ctx, 'deleted', 'name', true),
  'events:PutRule': (ctx) => eventRule(ctx, 'configuration', 'name'),
  'events:EnableRule': (ctx) => eventRule(ctx, 'configuration', 'name'),
  'events:DisableRule': (ctx) => eventRule(ctx, 'configuration', 'name'),
  'events:DeleteRule': (ctx) => eventRule(ctx, 'deleted', 'name', true),
  'events:PutTargets': (ctx) => eventRule(ctx, 'targets', 'rule'),
  'events:RemoveTargets': (ctx) => eventRule(ctx, 'targets', 'rule'),
  'dynamodb:DeleteTable': (ctx) => {
    const given = str(ctx.request['tableName']);
    if (!given) return [];
    const name = given.startsWith('arn:') ? lastSegment(given) : given;
    const arn = given.startsWith('arn:')
      ? given
      : `arn:${ctx.partition}:dynamodb:${ctx.region}:${ctx.account}:table/${name}`;
    return [resource({ kind: 'table', change: 'deleted', name, arn, deleted: true })];
  },
  'sns:DeleteTopic': (ctx) => {
    const arn = str(ctx.request['topicArn']);
    if (!arn) return [];
    return [resource({ kind: 'topic', change: 'deleted', name: arn.split(':').pop(), arn, deleted: true })];
  },
  'sqs:DeleteQueue': (ctx) => {
    const url = str(ctx.request['queueUrl']);
    const match = url ? /\/(\d{12})\/([^/?#]+)\/?$/.exec(url) : null;
    if (!match) return [];
    const [, account, name] = match;
    const arn = `arn:${ctx.partition}:sqs:${ctx.region}:${account}:${name}`;
    return [resource({ kind: 'queue', change: 'deleted', name, arn, deleted: true })];
  },
  'cloudformation:DeleteStack': (ctx) => {
    const given = str(ctx.request['stackName']);
    if (!given) return [];
    // A stack id is an ARN: arn:aws:cloudformation:r:a:stack/Name/uuid.
    const parsed = parseArn(given);
    if (parsed) {
      const name = parsed.resource.split('/')[1];
      return [resource({ kind: 'stack', change: 'deleted', name, arn: given, deleted: true })];
    }
    return [resource({ kind: 'stack', change: 'deleted', name: given, deleted: true })];
  },
};

// -----------------------------------------------------------------------------------------------------------

/** The resources an event changed, without reading any state. Unknown events map to `[]`. */
export function affectedResources(event: CloudTrailEvent): AffectedResource[] {
  const detail = event.detail;
  const service = detail.eventSource.replace(/\.amazonaws\.com(\.cn)?$/, '');
  const ctx: Context = {
    event,
    request: obj(detail.requestParameters),
    response: obj(detail.responseElements),
    account: detail.recipientAccountId ?? event.account,
    region: detail.awsRegion,
    partition: partitionOfRegion(detail.awsRegion),
  };
  let mapper: Mapper | undefined;
  if (service === 'iam') mapper = IAM[detail.eventName];
  else if (service === 'lambda') mapper = LAMBDA[lambdaOperation(detail.eventName)];
  else mapper = ACTIVITY[`${service}:${detail.eventName}`];
  return mapper ? mapper(ctx) : [];
}

/**
 * The resource's ARN for messages and findings: the exact ARN when known, otherwise one built from its name.
 * For IAM users, roles and groups the built ARN has no path (the event does not carry it).
 */
export function resourceArn(resource: AffectedResource, event: CloudTrailEvent): string {
  if (resource.arn) return resource.arn;
  const account = event.detail.recipientAccountId ?? event.account;
  const partition = partitionOfRegion(event.detail.awsRegion);
  const name = resource.name ?? '';
  switch (resource.kind) {
    case 'role':
    case 'user':
    case 'group':
      return `arn:${partition}:iam::${account}:${resource.kind}/${name}`;
    case 'root':
      return `arn:${partition}:iam::${account}:root`;
    case 'managed-policy':
      return `arn:${partition}:iam::${account}:policy/${name}`;
    case 'stack':
      return `arn:${partition}:cloudformation:${event.detail.awsRegion}:${account}:stack/${name}`;
    default:
      return `arn:${partition}:${resource.kind}:${event.detail.awsRegion}:${account}:${name}`;
  }
}
