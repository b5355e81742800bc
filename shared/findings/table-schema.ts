/**
 * The findings table, as plain data shared by the CDK stack and `createTableIfMissing` (local endpoints), and
 * the pure functions that derive each item's key attributes. One table, three item kinds:
 *
 * | item          | pk                  | sk          |
 * |---------------|---------------------|-------------|
 * | finding       | `FINDING#<id>`      | `FINDING`   |
 * | suppression   | `SUPPRESSION`       | `<sp-id>`   |
 * | event claim   | `EVENT#<eventId>`   | `EVENT`     |
 *
 * One finding is one item: every transition is a single conditional PutItem on it (no transactions), and the
 * stream (NEW_AND_OLD_IMAGES) carries the old and new record to the notifier.
 *
 * Access patterns (all are Query or GetItem; nothing lists the table with Scan):
 * - Finding by id: GetItem `pk = FINDING#<id>`.
 * - Open (resolved, suppressed) findings by severity, newest first: `by-status`, pk `status`, sk
 *   `severityOrder` = `<4 - severity rank>#<inverted last-transition millis>#<id>`, read ascending: critical
 *   first, then newest first. Minimum severity is a key condition (`severityOrder < "<5 - rank>"`).
 *   "All statuses" merges the three partitions by the same sort key.
 * - By rule: `by-rule`, pk `ruleId`, sk `severityOrder` (same order and severity condition); status is a filter.
 * - By actor: `by-actor`, pk `actorArn` (who caused the last transition; sparse: sweeps set none), sk
 *   `severityOrder`.
 * - By resource ARN, exact or prefix: `by-resource`, pk `resourceAccount` (the ARN's account field, `aws` for
 *   AWS managed policies, else the finding's account), sk `resourceOrder` = `<ARN> <severityOrder>`. Exact:
 *   `begins_with(resourceOrder, "<ARN> ")` (a space never occurs in IAM or Lambda ARNs, and a filter on
 *   `resource` keeps it exact for any other resource string), ordered by severity then recency. Prefix:
 *   `begins_with(resourceOrder, "<prefix>")`, ordered by ARN, then severity and recency within each ARN. The
 *   account comes from the ARN or prefix (or the query's `accountId`).
 * - Recent transitions by day: `by-day`, pk `transitionDay` (`YYYY-MM-DD` of the last transition, UTC), sk
 *   `transitionOrder` = `<inverted millis>#<id>`: one Query per day, newest first. A finding appears under the
 *   day of its latest transition; earlier ones are in its `history` (and in the stream).
 * - Suppressions: Query `pk = SUPPRESSION`.
 * - Processed-event idempotency: conditional PutItem on `pk = EVENT#<eventId>`; TTL attribute `ttl`.
 *
 * Projection: INCLUDE of the few attributes lists filter on (status, severity, rule, resource, actor,
 * last-transition time), which change only when the finding transitions; lists then fetch full records with
 * BatchGetItem (consistent reads, so a list never shows a state older than the index). ALL would copy every
 * record (evidence and 20 history entries: several KB) into five indexes, and each unchanged re-evaluation
 * (lastSeen, occurrences, lastObservedAt, version) would be rewritten in all of them: with INCLUDE, a write that
 * changes no key or projected attribute does not write the index, so a sweep costs one write per finding.
 *
 * Hot keys: the OPEN partition of `by-status` and today's `by-day` partition take a write per transition;
 * transitions are rare (account changes), far below a partition's 1,000 writes per second.
 */
import { SEVERITIES, type Severity } from '../rules/rule-types.ts';
import type { FindingRecord } from './finding-record.ts';

export interface KeySchemaElement {
  AttributeName: string;
  KeyType: 'HASH' | 'RANGE';
}
export interface AttributeDefinition {
  AttributeName: string;
  AttributeType: 'S' | 'N' | 'B';
}
export interface Projection {
  ProjectionType: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  NonKeyAttributes?: string[];
}
export interface GlobalSecondaryIndex {
  IndexName: string;
  KeySchema: KeySchemaElement[];
  Projection: Projection;
}

/** Attribute names of the key and index attributes. */
export const ATTR = {
  pk: 'pk',
  sk: 'sk',
  status: 'status',
  severityOrder: 'severityOrder',
  ruleId: 'ruleId',
  actorArn: 'actorArn',
  resourceAccount: 'resourceAccount',
  resourceOrder: 'resourceOrder',
  transitionDay: 'transitionDay',
  transitionOrder: 'transitionOrder',
  /** DynamoDB TTL attribute (epoch seconds) of event claims: configure it on the table. */
  ttl: 'ttl',
} as const;

export const INDEX = {
  byStatus: 'by-status',
  byRule: 'by-rule',
  byActor: 'by-actor',
  byResource: 'by-resource',
  byDay: 'by-day',
} as const;
export type IndexName = (typeof INDEX)[keyof typeof INDEX];

export const TIME_TO_LIVE_ATTRIBUTE = ATTR.ttl;

export const KEY_SCHEMA: KeySchemaElement[] = [
  { AttributeName: ATTR.pk, KeyType: 'HASH' },
  { AttributeName: ATTR.sk, KeyType: 'RANGE' },
];

export const ATTRIBUTE_DEFINITIONS: AttributeDefinition[] = [
  ATTR.pk,
  ATTR.sk,
  ATTR.status,
  ATTR.severityOrder,
  ATTR.ruleId,
  ATTR.actorArn,
  ATTR.resourceAccount,
  ATTR.resourceOrder,
  ATTR.transitionDay,
  ATTR.transitionOrder,
].map((name) => ({ AttributeName: name, AttributeType: 'S' }));

/** Attributes that query filters read (besides each index's keys). */
const FILTERED_ATTRIBUTES = ['status', 'severity', 'ruleId', 'resource', 'actorArn', 'lastTransitionAt'];

/** Each index: partition and sort attribute. */
export const INDEX_KEYS: Record<IndexName, { partition: string; sort: string }> = {
  [INDEX.byStatus]: { partition: ATTR.status, sort: ATTR.severityOrder },
  [INDEX.byRule]: { partition: ATTR.ruleId, sort: ATTR.severityOrder },
  [INDEX.byActor]: { partition: ATTR.actorArn, sort: ATTR.severityOrder },
  [INDEX.byResource]: { partition: ATTR.resourceAccount, sort: ATTR.resourceOrder },
  [INDEX.byDay]: { partition: ATTR.transitionDay, sort: ATTR.transitionOrder },
};

export const GLOBAL_SECONDARY_INDEXES: GlobalSecondaryIndex[] = Object.entries(INDEX_KEYS).map(
  ([name, keys]) => ({
    IndexName: name,
    KeySchema: [
      { AttributeName: keys.partition, KeyType: 'HASH' },
      { AttributeName: keys.sort, KeyType: 'RANGE' },
    ],
    Projection: {
      ProjectionType: 'INCLUDE',
      NonKeyAttributes: FILTERED_ATTRIBUTES.filter((a) => a !== keys.partition && a !== keys.sort),
    },
  }),
);

export const BILLING_MODE = 'PAY_PER_REQUEST' as const;
export const STREAM_SPECIFICATION = { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } as const;

/** Everything CreateTable needs except the table name. */
export const FINDINGS_TABLE_SCHEMA = {
  KeySchema: KEY_SCHEMA,
  AttributeDefinitions: ATTRIBUTE_DEFINITIONS,
  GlobalSecondaryIndexes: GLOBAL_SECONDARY_INDEXES,
  BillingMode: BILLING_MODE,
  StreamSpecification: STREAM_SPECIFICATION,
};

// ---- Keys of each item kind -------------------------------------------------------------------------------

export const FINDING_PREFIX = 'FINDING#';
export const FINDING_SK = 'FINDING';
export const SUPPRESSION_PK = 'SUPPRESSION';
export const EVENT_PREFIX = 'EVENT#';
export const EVENT_SK = 'EVENT';

export function findingKey(id: string): { pk: string; sk: string } {
  return { pk: FINDING_PREFIX + id, sk: FINDING_SK };
}

export function eventKey(eventId: string): { pk: string; sk: string } {
  return { pk: EVENT_PREFIX + eventId, sk: EVENT_SK };
}

const MAX_MILLIS = 9_999_999_999_999;

/** Newer times sort first when read ascending. */
export function invertedMillis(iso: string): string {
  return String(MAX_MILLIS - Date.parse(iso)).padStart(13, '0');
}

/** `4 - rank`: critical `0`, info `4`. */
export function severityDigit(severity: Severity): string {
  return String(SEVERITIES.length - 1 - SEVERITIES.indexOf(severity));
}

/** Exclusive upper bound of `severityOrder` for "at least this severity". */
export function severityUpperBound(minimum: Severity): string {
  return String(SEVERITIES.length - SEVERITIES.indexOf(minimum));
}

/** Separates the resource from the rest of `resourceOrder`: never part of an IAM or Lambda ARN. */
export const RESOURCE_SEPARATOR = ' ';
/** Sort keys are at most 1,024 bytes: longer resource strings are cut (a filter on `resource` stays exact). */
const MAX_RESOURCE_IN_KEY = 900;

export function resourceKeyPart(resource: string): string {
  return resource.length > MAX_RESOURCE_IN_KEY ? resource.slice(0, MAX_RESOURCE_IN_KEY) : resource;
}

/** The account field of an ARN (`111122223333`, or `aws` for AWS managed policies), when it has one. */
export function arnAccount(arn: string): string | undefined {
  if (!arn.startsWith('arn:')) return undefined;
  const account = arn.split(':')[4];
  return account !== undefined && /^(?:\d{12}|aws)$/.test(account) ? account : undefined;
}

export type IndexAttributes = {
  status: string;
  severityOrder: string;
  ruleId: string;
  resourceAccount: string;
  resourceOrder: string;
  transitionDay: string;
  transitionOrder: string;
  actorArn?: string;
};

/** The index key attributes of a finding item, derived from the record. */
export function indexAttributes(record: FindingRecord): IndexAttributes {
  const inverted = invertedMillis(record.lastTransitionAt);
  const severityOrder = `${severityDigit(record.severity)}#${inverted}#${record.id}`;
  const attributes: IndexAttributes = {
    status: record.status,
    severityOrder,
    ruleId: record.ruleId,
    resourceAccount: arnAccount(record.resource) ?? record.accountId,
    resourceOrder: resourceKeyPart(record.resource) + RESOURCE_SEPARATOR + severityOrder,
    transitionDay: record.lastTransitionAt.slice(0, 10),
    transitionOrder: `${inverted}#${record.id}`,
  };
  if (record.actorArn !== undefined && record.actorArn !== '') attributes.actorArn = record.actorArn;
  return attributes;
}

/** Marks finding items (suppression and event items have their own `itemType`). */
export const FINDING_ITEM_TYPE = 'finding';

/** Item attributes that are keys, not record fields. */
const KEY_ATTRIBUTES = [
  ATTR.pk,
  ATTR.sk,
  ATTR.severityOrder,
  ATTR.resourceAccount,
  ATTR.resourceOrder,
  ATTR.transitionDay,
  ATTR.transitionOrder,
  'itemType',
] as const;

/** The table item of a record (document form: plain values, as lib-dynamodb marshals them). */
export function findingItem(record: FindingRecord): Record<string, unknown> {
  return { ...record, ...indexAttributes(record), ...findingKey(record.id), itemType: FINDING_ITEM_TYPE };
}

/**
 * The record of a finding item (document form), e.g. a stream image after `unmarshall`; undefined for the
 * table's other items (suppressions, event claims).
 */
export function recordFromItem(item: Record<string, unknown> | undefined): FindingRecord | undefined {
  if (item === undefined || item['itemType'] !== FINDING_ITEM_TYPE) return undefined;
  const record: Record<string, unknown> = { ...item };
  for (const key of KEY_ATTRIBUTES) delete record[key];
  return record as unknown as FindingRecord;
}
