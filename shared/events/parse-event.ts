/**
 * Validates what reaches an evaluator: an EventBridge event of detail-type "AWS API Call via CloudTrail", or a
 * raw CloudTrail record (a log file's `Records` entry, for replay) which is wrapped in the same envelope.
 * Never throws: a bad input yields `{ ok: false, reason }` naming the first problems by path
 * (`detail.userIdentity.type: missing (expected string)`).
 *
 * Also: who made a call (`actorOf`, `actorArn`), whether it failed (`isFailedCall`) and whether a value is
 * CloudTrail's redaction marker (`isRedacted`).
 */
import { z } from 'zod';
import { CLOUDTRAIL_DETAIL_TYPE, type CloudTrailEvent, type CloudTrailRecord } from './cloudtrail-event.ts';

/** The literal CloudTrail writes in place of a sensitive value: the whole value, never a substring. */
export const REDACTED = 'HIDDEN_DUE_TO_SECURITY_REASONS';

export type ParseResult =
  | {
      ok: true;
      event: CloudTrailEvent;
      /** `record` when the input was a raw CloudTrail record wrapped by `toEnvelope`. */
      origin: 'eventbridge' | 'record';
    }
  | { ok: false; reason: string };

// Optional metadata Tripline never decides on: a malformed value is dropped rather than failing the event.
const lenient = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

const sessionIssuerSchema = z.looseObject({
  type: z.string().optional(),
  principalId: z.string().optional(),
  arn: z.string().optional(),
  accountId: z.string().optional(),
  userName: z.string().optional(),
});

const userIdentitySchema = z.looseObject({
  type: z.string().min(1),
  principalId: z.string().optional(),
  arn: z.string().optional(),
  accountId: z.string().optional(),
  accessKeyId: z.string().optional(),
  userName: z.string().optional(),
  invokedBy: z.string().optional(),
  sessionContext: z
    .looseObject({
      sessionIssuer: sessionIssuerSchema.optional(),
      attributes: z
        .looseObject({ creationDate: z.string().optional(), mfaAuthenticated: z.string().optional() })
        .optional(),
      webIdFederationData: lenient(
        z.looseObject({
          federatedProvider: z.string().optional(),
          attributes: z.record(z.string(), z.unknown()).optional(),
        }),
      ),
      sourceIdentity: lenient(z.string()),
    })
    .optional(),
  onBehalfOf: lenient(
    z.looseObject({ userId: z.string().optional(), identityStoreArn: z.string().optional() }),
  ),
});

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO 8601 time');
const objectOrNull = z.record(z.string(), z.unknown()).nullable().optional();

const detailSchema = z.looseObject({
  eventVersion: z.string().min(1),
  userIdentity: userIdentitySchema,
  eventTime: isoTime,
  eventSource: z.string().min(1),
  eventName: z.string().min(1),
  awsRegion: z.string().min(1),
  sourceIPAddress: z.string().optional(),
  userAgent: z.string().optional(),
  requestParameters: objectOrNull,
  responseElements: objectOrNull,
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
  requestID: z.string().optional(),
  eventID: z.string().min(1),
  readOnly: z.boolean().optional(),
  eventType: z.string().min(1),
  managementEvent: z.boolean().optional(),
  recipientAccountId: z.string().optional(),
  eventCategory: z.string().optional(),
  sharedEventID: lenient(z.string()),
  resources: lenient(
    z.array(
      z.looseObject({
        ARN: z.string().optional(),
        accountId: z.string().optional(),
        type: z.string().optional(),
      }),
    ),
  ),
  additionalEventData: lenient(z.record(z.string(), z.unknown())),
  sessionCredentialFromConsole: lenient(z.string()),
  tlsDetails: lenient(
    z.looseObject({
      tlsVersion: z.string().optional(),
      cipherSuite: z.string().optional(),
      clientProvidedHostHeader: z.string().optional(),
    }),
  ),
  vpcEndpointId: lenient(z.string()),
});

const envelopeSchema = z.looseObject({
  version: z.string(),
  id: z.string().min(1),
  'detail-type': z.literal(CLOUDTRAIL_DETAIL_TYPE),
  source: z.string().regex(/^aws\.[a-z0-9-]+$/, 'expected an AWS source such as aws.iam'),
  account: z.string().regex(/^\d{12}$/, 'expected a 12-digit account id'),
  time: isoTime,
  region: z.string().min(1),
  resources: z.array(z.string()).default([]),
  detail: detailSchema,
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

const MAX_ISSUES = 3;

function explain(error: z.ZodError): string {
  const lines = error.issues.slice(0, MAX_ISSUES).map((issue) => {
    const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    const where = path.replace(/^\./, '') || '(root)';
    if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) {
      return `${where}: missing (expected ${issue.expected})`;
    }
    return `${where}: ${issue.message}`;
  });
  const more = error.issues.length - MAX_ISSUES;
  return lines.join('; ') + (more > 0 ? `; and ${more} more` : '');
}

/** `iam.amazonaws.com` → `aws.iam`: the EventBridge `source` of a service's CloudTrail events. */
export function eventBridgeSource(eventSource: string): string {
  return `aws.${eventSource.replace(/\.amazonaws\.com(\.cn)?$/, '')}`;
}

/**
 * Wraps a raw CloudTrail record in the envelope EventBridge would have delivered, for replay. The envelope id
 * is the record's eventID, so replaying the same record twice yields the same event.
 */
export function toEnvelope(record: CloudTrailRecord): CloudTrailEvent {
  return {
    version: '0',
    id: record.eventID,
    'detail-type': CLOUDTRAIL_DETAIL_TYPE,
    source: eventBridgeSource(record.eventSource),
    account: record.recipientAccountId ?? record.userIdentity.accountId ?? '',
    time: record.eventTime,
    region: record.awsRegion,
    resources: [],
    detail: record,
  };
}

function parseRecord(input: Record<string, unknown>): ParseResult {
  const parsed = detailSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: `CloudTrail record: ${explain(parsed.error)}` };
  const record: CloudTrailRecord = parsed.data;
  const account = record.recipientAccountId ?? record.userIdentity.accountId;
  if (account === undefined || !/^\d{12}$/.test(account)) {
    return {
      ok: false,
      reason:
        'CloudTrail record: recipientAccountId: missing, and userIdentity.accountId does not name the account',
    };
  }
  return { ok: true, event: toEnvelope(record), origin: 'record' };
}

/**
 * Validates an EventBridge CloudTrail event, or a raw CloudTrail record (wrapped with `toEnvelope`).
 * Unknown fields are kept; optional metadata that is malformed is dropped; anything Tripline decides on
 * (identity, names, ids, time, request and response) must be well-formed.
 */
export function parseEvent(input: unknown): ParseResult {
  if (!isRecord(input)) return { ok: false, reason: `expected a JSON object, got ${describe(input)}` };
  if ('detail-type' in input || 'detail' in input) {
    const detailType = input['detail-type'];
    if (typeof detailType === 'string' && detailType !== CLOUDTRAIL_DETAIL_TYPE) {
      return {
        ok: false,
        reason: `detail-type is ${JSON.stringify(detailType)}, expected ${JSON.stringify(CLOUDTRAIL_DETAIL_TYPE)}`,
      };
    }
    const parsed = envelopeSchema.safeParse(input);
    if (!parsed.success) return { ok: false, reason: explain(parsed.error) };
    return { ok: true, event: parsed.data, origin: 'eventbridge' };
  }
  if ('eventVersion' in input || 'eventSource' in input || 'eventName' in input) return parseRecord(input);
  if ('Records' in input) {
    return { ok: false, reason: 'a CloudTrail log file (Records array): parse it with parseLogFile' };
  }
  return {
    ok: false,
    reason:
      'neither an EventBridge event (no detail-type) nor a CloudTrail record (no eventVersion or eventSource)',
  };
}

/** Parses every record of a CloudTrail log file (`{ "Records": [...] }`), one result per record, in order. */
export function parseLogFile(input: unknown): ParseResult[] {
  if (!isRecord(input) || !Array.isArray(input['Records'])) {
    return [{ ok: false, reason: 'expected a CloudTrail log file: an object with a Records array' }];
  }
  return input['Records'].map((record, i) => {
    const result = isRecord(record)
      ? parseRecord(record)
      : ({ ok: false, reason: `expected a JSON object, got ${describe(record)}` } as const);
    return result.ok ? result : { ok: false, reason: `Records[${i}]: ${result.reason}` };
  });
}

// -----------------------------------------------------------------------------------------------------------
// Reading an event

/** True when CloudTrail replaced the value with its redaction marker: treat it as unknown, never as a value. */
export function isRedacted(value: unknown): boolean {
  return value === REDACTED;
}

/** A call that AWS refused or that failed (AccessDenied, NoSuchEntity, ...) changed nothing. */
export function isFailedCall(event: CloudTrailEvent): boolean {
  const code = event.detail.errorCode;
  return code !== undefined && code !== '';
}

/** Who made a call. */
export interface Actor {
  /** `userIdentity.type`: Root, IAMUser, AssumedRole, FederatedUser, AWSService, AWSAccount, ... */
  type: string;
  /**
   * The caller as an ARN: the user, the role session (`arn:aws:sts::A:assumed-role/Role/Session`), the root
   * user (`arn:aws:iam::A:root`), or for AWSService the service principal (`cloudformation.amazonaws.com`).
   * Undefined when the record does not say (an Identity Center user without a session ARN, Unknown).
   */
  arn?: string;
  /** AssumedRole and FederatedUser: the role or user that issued the session (`arn:aws:iam::A:role/path/Role`). */
  issuerArn?: string;
  accountId?: string;
  /** The AWS service that made the call on the principal's behalf, if any. */
  invokedBy?: string;
}

/** `arn:aws:sts::A:assumed-role/Role/Session` → `arn:aws:iam::A:role/Role` (path unknown, so none). */
function roleArnFromSession(sessionArn: string): string | undefined {
  const match = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(sessionArn);
  return match ? `arn:${match[1]}:iam::${match[2]}:role/${match[3]}` : undefined;
}

/** Who made the call, with the session issuer for temporary credentials. */
export function actorOf(event: CloudTrailEvent): Actor {
  const identity = event.detail.userIdentity;
  const accountId = identity.accountId ?? event.detail.recipientAccountId ?? event.account;
  const actor: Actor = { type: identity.type, accountId };
  if (identity.invokedBy) actor.invokedBy = identity.invokedBy;
  const issuer = identity.sessionContext?.sessionIssuer?.arn;
  switch (identity.type) {
    case 'Root':
      actor.arn = identity.arn ?? `arn:aws:iam::${accountId}:root`;
      break;
    case 'IAMUser':
      actor.arn =
        identity.arn ??
        (identity.userName ? `arn:aws:iam::${accountId}:user/${identity.userName}` : undefined);
      break;
    case 'AssumedRole': {
      actor.arn = identity.arn;
      const issuerArn = issuer ?? (identity.arn ? roleArnFromSession(identity.arn) : undefined);
      if (issuerArn) actor.issuerArn = issuerArn;
      break;
    }
    case 'FederatedUser':
      actor.arn = identity.arn;
      if (issuer) actor.issuerArn = issuer;
      break;
    case 'AWSService':
      actor.arn = identity.invokedBy ?? identity.arn;
      break;
    case 'AWSAccount':
      actor.arn =
        identity.arn ?? (identity.accountId ? `arn:aws:iam::${identity.accountId}:root` : undefined);
      break;
    default:
      actor.arn = identity.arn;
      if (issuer) actor.issuerArn = issuer;
  }
  if (actor.arn === undefined) delete actor.arn;
  return actor;
}

/** The caller's ARN (see `Actor.arn`), or undefined when the record does not name it. */
export function actorArn(event: CloudTrailEvent): string | undefined {
  return actorOf(event).arn;
}

/** One line naming the caller for messages: `role session arn:... (role arn:...)`. */
export function describeActor(actor: Actor): string {
  const who = actor.arn ?? `an unidentified ${actor.type} caller`;
  const label = actor.type === 'Root' ? `the root user (${who})` : who;
  return actor.issuerArn && actor.issuerArn !== actor.arn ? `${label} (issued by ${actor.issuerArn})` : label;
}
