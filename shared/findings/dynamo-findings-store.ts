/**
 * The findings store on DynamoDB (one table, see table-schema.ts). Every finding change is one conditional
 * PutItem on the finding's item, conditioned on the `version` read: when another evaluator wrote first
 * (ConditionalCheckFailed), the item is read again and the observation re-applied, a bounded number of times
 * with jittered backoff. No transactions (so it also runs against dynalite). Lists are Query (+ BatchGetItem for
 * the full records), never Scan. SDK and network failures propagate as FindingsStoreError with `cause`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DescribeTableCommandOutput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { findingId } from '../scan/finding.ts';
import {
  type FindingPage,
  type FindingQuery,
  type IndexEntry,
  type IndexReader,
  type IndexReadResult,
  type IndexStream,
  matchesFilter,
  type NormalizedFilter,
  planQuery,
  planTransitions,
  positionOf,
  type QueryPlan,
  readPage,
  type StreamPosition,
  type TransitionQuery,
} from './finding-query.ts';
import {
  buildSuppression,
  type FindingRecord,
  type FindingSuppression,
  type Observation,
  type SuppressionInput,
  type Transition,
} from './finding-record.ts';
import { FindingConflictError, FindingNotFoundError, FindingsStoreError } from './findings-errors.ts';
import {
  type ClaimOptions,
  DEFAULT_CLAIM_STALE_SECONDS,
  DEFAULT_CLAIM_TTL_SECONDS,
  type EventClaim,
  type FindingsStore,
  type ManualChange,
  type StoreOptions,
} from './findings-store.ts';
import {
  ATTR,
  eventKey,
  FINDING_PREFIX,
  FINDINGS_TABLE_SCHEMA,
  findingItem,
  findingKey,
  INDEX,
  INDEX_KEYS,
  recordFromItem,
  SUPPRESSION_PK,
} from './table-schema.ts';
import { applyManualStatus, applyObservation, expireSuppression, type ManualResult } from './transitions.ts';

export interface DynamoFindingsStoreOptions extends StoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Attempts of one read-apply-conditional-write cycle under contention (default 12). */
  maxAttempts?: number;
  /** Backoff between attempts: random in [0, min(maxMs, baseMs × 2^attempt)] (default 10 ms and 250 ms). */
  backoff?: { baseMs: number; maxMs: number };
  /** How long the suppression list is reused between observations (default 30 s; 0 reads it every time). */
  suppressionCacheMs?: number;
}

type Item = Record<string, unknown>;

interface Mutation {
  record: FindingRecord | undefined;
  transition: Transition | undefined;
  write: boolean;
}

function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

function errorName(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function fromFindingItem(item: Item): FindingRecord {
  const record = recordFromItem(item);
  if (record === undefined) throw new FindingsStoreError(`item ${String(item['pk'])} is not a finding`);
  return record;
}

function toSuppressionItem(suppression: FindingSuppression): Item {
  return { ...suppression, pk: SUPPRESSION_PK, sk: suppression.id, itemType: 'suppression' };
}

function fromSuppressionItem(item: Item): FindingSuppression {
  const { pk: _pk, sk: _sk, itemType: _type, ...suppression } = item;
  return suppression as unknown as FindingSuppression;
}

/** Builds a Query's expressions from a stream (key condition) and the filter (everything else). */
function queryExpressions(
  stream: IndexStream,
  filter: NormalizedFilter,
): Pick<
  QueryCommandInput,
  'KeyConditionExpression' | 'FilterExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
> {
  const keys = INDEX_KEYS[stream.index];
  const names: Record<string, string> = { '#p': keys.partition, '#s': keys.sort };
  const values: Record<string, unknown> = { ':p': stream.partition };
  let keyCondition = '#p = :p';
  const range = stream.range;
  if (range?.kind === 'begins_with') {
    keyCondition += ' AND begins_with(#s, :r)';
    values[':r'] = range.value;
  } else if (range?.kind === 'less_than') {
    keyCondition += ' AND #s < :r';
    values[':r'] = range.value;
  } else if (range?.kind === 'between') {
    keyCondition += ' AND #s BETWEEN :rlo AND :rhi';
    values[':rlo'] = range.low;
    values[':rhi'] = range.high;
  }
  const conditions: string[] = [];
  const inList = (attribute: string, placeholder: string, list: readonly string[]) => {
    names[`#${placeholder}`] = attribute;
    const holders = list.map((value, i) => {
      values[`:${placeholder}${i}`] = value;
      return `:${placeholder}${i}`;
    });
    conditions.push(`#${placeholder} IN (${holders.join(', ')})`);
  };
  const equals = (attribute: string, placeholder: string, value: string) => {
    names[`#${placeholder}`] = attribute;
    values[`:${placeholder}`] = value;
    conditions.push(`#${placeholder} = :${placeholder}`);
  };
  if (keys.partition !== ATTR.status && filter.statuses.length < 3) inList('status', 'st', filter.statuses);
  if (filter.minSeverity !== undefined) {
    const order = ['info', 'low', 'medium', 'high', 'critical'];
    inList('severity', 'sev', order.slice(order.indexOf(filter.minSeverity)));
  }
  if (filter.ruleId !== undefined && keys.partition !== ATTR.ruleId) equals('ruleId', 'rule', filter.ruleId);
  if (filter.actorArn !== undefined && keys.partition !== ATTR.actorArn)
    equals('actorArn', 'actor', filter.actorArn);
  if (filter.resourceExact !== undefined) equals('resource', 'res', filter.resourceExact);
  if (filter.resourcePrefix !== undefined) {
    names['#res'] = 'resource';
    values[':res'] = filter.resourcePrefix;
    conditions.push('begins_with(#res, :res)');
  }
  if (filter.since !== undefined || filter.until !== undefined) names['#lta'] = 'lastTransitionAt';
  if (filter.since !== undefined) {
    values[':since'] = filter.since;
    conditions.push('#lta >= :since');
  }
  if (filter.until !== undefined) {
    values[':until'] = filter.until;
    conditions.push('#lta <= :until');
  }
  const expressions: ReturnType<typeof queryExpressions> = {
    KeyConditionExpression: keyCondition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
  if (conditions.length > 0) expressions.FilterExpression = conditions.join(' AND ');
  return expressions;
}

export class DynamoFindingsStore implements FindingsStore, IndexReader {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #now: () => Date;
  readonly #maxAttempts: number;
  readonly #backoff: { baseMs: number; maxMs: number };
  readonly #suppressionCacheMs: number;
  #suppressionCache: { at: number; list: FindingSuppression[] } | undefined;

  constructor(options: DynamoFindingsStoreOptions) {
    this.#doc = DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.#table = options.tableName;
    this.#now = options.now ?? (() => new Date());
    this.#maxAttempts = options.maxAttempts ?? 12;
    this.#backoff = options.backoff ?? { baseMs: 10, maxMs: 250 };
    this.#suppressionCacheMs = options.suppressionCacheMs ?? 30_000;
  }

  // ---- SDK calls: every failure but the expected condition failure becomes FindingsStoreError ----

  async #call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw new FindingsStoreError(
        `DynamoDB ${operation} on table ${this.#table} failed: ${errorName(error)}`,
        {
          cause: error,
        },
      );
    }
  }

  /** A conditional write: false when the condition failed, throws on anything else. */
  async #conditional(operation: string, run: () => Promise<unknown>): Promise<boolean> {
    try {
      await run();
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw new FindingsStoreError(
        `DynamoDB ${operation} on table ${this.#table} failed: ${errorName(error)}`,
        {
          cause: error,
        },
      );
    }
  }

  async #pause(attempt: number): Promise<void> {
    const cap = Math.min(this.#backoff.maxMs, this.#backoff.baseMs * 2 ** attempt);
    await sleep(Math.floor(Math.random() * cap));
  }

  // ---- Findings ----

  async #getFinding(id: string): Promise<FindingRecord | undefined> {
    const out = await this.#call('GetItem', () =>
      this.#doc.send(new GetCommand({ TableName: this.#table, Key: findingKey(id), ConsistentRead: true })),
    );
    return out.Item ? fromFindingItem(out.Item) : undefined;
  }

  /** Writes the record if the item still has `expectedVersion` (or does not exist yet). */
  async #putFinding(record: FindingRecord, expectedVersion: number | undefined): Promise<boolean> {
    return this.#conditional('PutItem', () =>
      this.#doc.send(
        new PutCommand({
          TableName: this.#table,
          Item: findingItem(record),
          ...(expectedVersion === undefined
            ? {
                ConditionExpression: 'attribute_not_exists(#pk)',
                ExpressionAttributeNames: { '#pk': ATTR.pk },
              }
            : {
                ConditionExpression: '#version = :version',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':version': expectedVersion },
              }),
        }),
      ),
    );
  }

  /** Read, apply, conditional write; again on a concurrent write, at most `maxAttempts` times. */
  async #mutate(
    id: string,
    apply: (existing: FindingRecord | undefined, now: Date) => Promise<Mutation> | Mutation,
    initial?: FindingRecord,
  ): Promise<Mutation> {
    let existing: FindingRecord | undefined = initial;
    let fresh = initial === undefined;
    for (let attempt = 0; attempt < this.#maxAttempts; attempt++) {
      if (fresh) existing = await this.#getFinding(id);
      fresh = true;
      const result = await apply(existing, this.#now());
      if (!result.write || result.record === undefined) return result;
      if (await this.#putFinding(result.record, existing?.version)) return result;
      await this.#pause(attempt);
    }
    throw new FindingConflictError(
      `finding ${id} changed concurrently on each of ${this.#maxAttempts} attempts; not recorded`,
    );
  }

  async recordObservation(observation: Observation): Promise<Transition | undefined> {
    // UNKNOWN and ERROR change nothing: no need to read.
    if (observation.status === 'UNKNOWN' || observation.status === 'ERROR') return undefined;
    const id = findingId(observation.ruleId, observation.resource, observation.findingKey);
    const result = await this.#mutate(id, async (existing, now) =>
      applyObservation(existing, observation, await this.#suppressions(), now),
    );
    return result.transition;
  }

  async get(id: string): Promise<FindingRecord | undefined> {
    return this.#getFinding(id);
  }

  async setStatus(id: string, change: ManualChange): Promise<Transition | undefined> {
    const result = await this.#mutate(id, (existing, now) => {
      if (existing === undefined) throw new FindingNotFoundError(`no finding ${id}`);
      return applyManualStatus(existing, change, now);
    });
    return result.transition;
  }

  // ---- Lists ----

  async query(query: FindingQuery = {}): Promise<FindingPage> {
    return this.#page(planQuery(query), query.cursor);
  }

  async listTransitions(query: TransitionQuery): Promise<FindingPage> {
    return this.#page(planTransitions(query, this.#now()), query.cursor);
  }

  async #page(plan: QueryPlan, cursor: string | undefined): Promise<FindingPage> {
    const page = await readPage(this, plan, cursor);
    const records = await this.#batchGet(page.entries.map((e) => e.id));
    // Indexes are eventually consistent: drop a record that no longer matches (it changed since).
    const items = page.entries
      .map((entry) => records.get(entry.id))
      .filter((r): r is FindingRecord => r !== undefined && matchesFilter(r, plan.filter));
    return page.cursor === undefined ? { items } : { items, cursor: page.cursor };
  }

  /** IndexReader: Query one index partition until `want` matching entries or the end. */
  async read(
    stream: IndexStream,
    filter: NormalizedFilter,
    after: StreamPosition | undefined,
    want: number,
  ): Promise<IndexReadResult> {
    const keys = INDEX_KEYS[stream.index];
    const expressions = queryExpressions(stream, filter);
    const names = { ...expressions.ExpressionAttributeNames, '#pk': ATTR.pk, '#sk': ATTR.sk };
    const entries: IndexEntry[] = [];
    // With a filter, evaluate more items per call (small projected items) rather than make many calls.
    const limit = expressions.FilterExpression === undefined ? want : Math.max(want, 100);
    let start: Record<string, unknown> | undefined = after;
    do {
      const out = await this.#call('Query', () =>
        this.#doc.send(
          new QueryCommand({
            TableName: this.#table,
            IndexName: stream.index,
            ...expressions,
            ExpressionAttributeNames: names,
            ProjectionExpression: '#pk, #sk, #p, #s',
            ExclusiveStartKey: start,
            Limit: limit,
          }),
        ),
      );
      for (const item of out.Items ?? []) {
        const pk = String(item[ATTR.pk]);
        const sort = String(item[keys.sort]);
        entries.push({
          id: pk.slice(FINDING_PREFIX.length),
          sort,
          position: positionOf(stream, pk, String(item[ATTR.sk]), sort),
        });
      }
      start = out.LastEvaluatedKey;
    } while (start !== undefined && entries.length < want);
    return { entries, exhausted: start === undefined };
  }

  async #batchGet(ids: readonly string[]): Promise<Map<string, FindingRecord>> {
    const records = new Map<string, FindingRecord>();
    let keys = [...new Set(ids)].map((id) => findingKey(id));
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt >= this.#maxAttempts) {
        throw new FindingsStoreError(
          `DynamoDB BatchGetItem on table ${this.#table} left ${keys.length} keys unprocessed after ${attempt} attempts`,
        );
      }
      if (attempt > 0) await this.#pause(attempt);
      const request = keys;
      const out = await this.#call('BatchGetItem', () =>
        this.#doc.send(
          new BatchGetCommand({ RequestItems: { [this.#table]: { Keys: request, ConsistentRead: true } } }),
        ),
      );
      for (const item of out.Responses?.[this.#table] ?? []) {
        const record = fromFindingItem(item);
        records.set(record.id, record);
      }
      keys = (out.UnprocessedKeys?.[this.#table]?.Keys ?? []) as { pk: string; sk: string }[];
    }
    return records;
  }

  // ---- Suppressions ----

  async #suppressions(): Promise<FindingSuppression[]> {
    const now = Date.now();
    const cached = this.#suppressionCache;
    if (cached !== undefined && now - cached.at < this.#suppressionCacheMs) return cached.list;
    const list = await this.listSuppressions();
    this.#suppressionCache = { at: now, list };
    return list;
  }

  async putSuppression(input: SuppressionInput): Promise<FindingSuppression> {
    const suppression = buildSuppression(input, this.#now());
    await this.#call('PutItem', () =>
      this.#doc.send(new PutCommand({ TableName: this.#table, Item: toSuppressionItem(suppression) })),
    );
    this.#suppressionCache = undefined;
    return suppression;
  }

  async deleteSuppression(id: string): Promise<boolean> {
    const out = await this.#call('DeleteItem', () =>
      this.#doc.send(
        new DeleteCommand({
          TableName: this.#table,
          Key: { pk: SUPPRESSION_PK, sk: id },
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    this.#suppressionCache = undefined;
    return out.Attributes !== undefined;
  }

  async listSuppressions(): Promise<FindingSuppression[]> {
    const list: FindingSuppression[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.#call('Query', () =>
        this.#doc.send(
          new QueryCommand({
            TableName: this.#table,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': ATTR.pk },
            ExpressionAttributeValues: { ':pk': SUPPRESSION_PK },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        ),
      );
      list.push(...(out.Items ?? []).map(fromSuppressionItem));
      start = out.LastEvaluatedKey;
    } while (start !== undefined);
    return list;
  }

  async expireSuppressions(): Promise<Transition[]> {
    this.#suppressionCache = undefined;
    const suppressions = await this.#suppressions();
    const plan: QueryPlan = {
      mode: 'merge',
      streams: [{ index: INDEX.byStatus, partition: 'SUPPRESSED' }],
      filter: { statuses: ['SUPPRESSED'] },
      limit: 100,
    };
    const transitions: Transition[] = [];
    let cursor: string | undefined;
    do {
      const page = await readPage(this, plan, cursor);
      const records = await this.#batchGet(page.entries.map((e) => e.id));
      for (const entry of page.entries) {
        const record = records.get(entry.id);
        if (record === undefined) continue;
        const result = await this.#mutate(
          record.id,
          (existing, now): ManualResult | Mutation =>
            existing === undefined
              ? { record: undefined, transition: undefined, write: false }
              : (expireSuppression(existing, suppressions, now) ?? {
                  record: existing,
                  transition: undefined,
                  write: false,
                }),
          record,
        );
        if (result.transition) transitions.push(result.transition);
      }
      cursor = page.cursor;
    } while (cursor !== undefined);
    return transitions;
  }

  // ---- Processed-event idempotency ----

  async claimEvent(eventId: string, options: ClaimOptions = {}): Promise<EventClaim> {
    const key = eventKey(eventId);
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = this.#now().getTime();
      const ttlSeconds = options.ttlSeconds ?? DEFAULT_CLAIM_TTL_SECONDS;
      const staleMs = (options.staleAfterSeconds ?? DEFAULT_CLAIM_STALE_SECONDS) * 1000;
      const claimed = await this.#conditional('PutItem', () =>
        this.#doc.send(
          new PutCommand({
            TableName: this.#table,
            Item: {
              ...key,
              itemType: 'event',
              eventId,
              state: 'IN_PROGRESS',
              claimedAt: new Date(now).toISOString(),
              claimedAtMs: now,
              [ATTR.ttl]: Math.floor(now / 1000) + ttlSeconds,
            },
            // Free: never claimed, past its TTL (DynamoDB deletes lazily), or an abandoned claim.
            ConditionExpression:
              'attribute_not_exists(#pk) OR #ttl <= :nowSeconds OR (#state = :inProgress AND #claimedAtMs <= :staleBefore)',
            ExpressionAttributeNames: {
              '#pk': ATTR.pk,
              '#ttl': ATTR.ttl,
              '#state': 'state',
              '#claimedAtMs': 'claimedAtMs',
            },
            ExpressionAttributeValues: {
              ':nowSeconds': Math.floor(now / 1000),
              ':inProgress': 'IN_PROGRESS',
              ':staleBefore': now - staleMs,
            },
          }),
        ),
      );
      if (claimed) return { claimed: true };
      const out = await this.#call('GetItem', () =>
        this.#doc.send(new GetCommand({ TableName: this.#table, Key: key, ConsistentRead: true })),
      );
      const state = out.Item?.['state'];
      if (state === 'IN_PROGRESS' || state === 'COMPLETED') return { claimed: false, state };
      // Deleted (released) between the two calls: try again.
    }
    return { claimed: false, state: 'IN_PROGRESS' };
  }

  async completeEvent(eventId: string, options: Pick<ClaimOptions, 'ttlSeconds'> = {}): Promise<void> {
    const now = this.#now().getTime();
    await this.#call('UpdateItem', () =>
      this.#doc.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: eventKey(eventId),
          UpdateExpression:
            'SET #state = :completed, #completedAt = :completedAt, #ttl = :ttl, #itemType = :event, #eventId = :eventId',
          ExpressionAttributeNames: {
            '#state': 'state',
            '#completedAt': 'completedAt',
            '#ttl': ATTR.ttl,
            '#itemType': 'itemType',
            '#eventId': 'eventId',
          },
          ExpressionAttributeValues: {
            ':completed': 'COMPLETED',
            ':completedAt': new Date(now).toISOString(),
            ':ttl': Math.floor(now / 1000) + (options.ttlSeconds ?? DEFAULT_CLAIM_TTL_SECONDS),
            ':event': 'event',
            ':eventId': eventId,
          },
        }),
      ),
    );
  }

  async releaseEvent(eventId: string): Promise<void> {
    await this.#conditional('DeleteItem', () =>
      this.#doc.send(
        new DeleteCommand({
          TableName: this.#table,
          Key: eventKey(eventId),
          ConditionExpression: '#state = :inProgress',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':inProgress': 'IN_PROGRESS' },
        }),
      ),
    );
  }
}

// ---- Table creation (local endpoints, tests) --------------------------------------------------------------

export interface CreateTableOptions {
  /** How long to wait for the table and its indexes to become ACTIVE (default 60 s). */
  timeoutMs?: number;
  /** Longest pause between DescribeTable polls (they start at 10 ms and double; default 1 s). */
  pollMs?: number;
}

function notFound(error: unknown): boolean {
  return error instanceof Error && error.name === 'ResourceNotFoundException';
}

/** What an existing table lacks compared with the schema (index names and key schemas). */
export function schemaDifferences(table: DescribeTableCommandOutput['Table']): string[] {
  const differences: string[] = [];
  const keyText = (
    keys: readonly { AttributeName?: string | undefined; KeyType?: string | undefined }[] = [],
  ) => keys.map((k) => `${k.AttributeName}:${k.KeyType}`).join(',');
  if (keyText(table?.KeySchema) !== keyText(FINDINGS_TABLE_SCHEMA.KeySchema))
    differences.push('table key schema');
  for (const index of FINDINGS_TABLE_SCHEMA.GlobalSecondaryIndexes) {
    const found = table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === index.IndexName);
    if (found === undefined) differences.push(`missing index ${index.IndexName}`);
    else if (keyText(found.KeySchema) !== keyText(index.KeySchema)) {
      differences.push(`index ${index.IndexName} key schema`);
    }
  }
  return differences;
}

/**
 * Creates the findings table with the stack's exact schema when it does not exist yet, and waits until it and
 * its indexes are ACTIVE. Throws FindingsStoreError when a table of that name exists with other keys or indexes.
 */
export async function createTableIfMissing(
  client: DynamoDBClient,
  tableName: string,
  options: CreateTableOptions = {},
): Promise<'created' | 'exists'> {
  const describe = async () => {
    try {
      return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
    } catch (error) {
      if (notFound(error)) return undefined;
      throw new FindingsStoreError(`DynamoDB DescribeTable ${tableName} failed: ${errorName(error)}`, {
        cause: error,
      });
    }
  };
  let outcome: 'created' | 'exists' = 'exists';
  let table = await describe();
  if (table === undefined) {
    const input: CreateTableCommandInput = {
      TableName: tableName,
      ...structuredClone(FINDINGS_TABLE_SCHEMA),
    };
    try {
      await client.send(new CreateTableCommand(input));
      outcome = 'created';
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ResourceInUseException')) {
        throw new FindingsStoreError(`DynamoDB CreateTable ${tableName} failed: ${errorName(error)}`, {
          cause: error,
        });
      }
    }
  } else {
    const differences = schemaDifferences(table);
    if (differences.length > 0) {
      throw new FindingsStoreError(
        `table ${tableName} exists with another schema (${differences.join('; ')}): not the findings table`,
      );
    }
  }
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (let poll = 0; ; poll++) {
    table = await describe();
    const active =
      table?.TableStatus === 'ACTIVE' &&
      (table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
    if (active) return outcome;
    if (Date.now() > deadline) {
      throw new FindingsStoreError(`table ${tableName} not ACTIVE after ${options.timeoutMs ?? 60_000} ms`);
    }
    await sleep(Math.min(options.pollMs ?? 1000, 10 * 2 ** poll));
  }
}
