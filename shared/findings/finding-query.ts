/**
 * Finding lists as index queries: a filter is planned into one or more index streams (each a Query on one
 * index partition, in that index's sort order), paged with an opaque cursor. The planning, the merge of several
 * streams and the cursor are shared by both stores through the small `IndexReader` interface, so the memory
 * store pages exactly like DynamoDB. Pure apart from the reader's I/O.
 */
import { createHash } from 'node:crypto';
import { SEVERITIES, type Severity, severityRank } from '../rules/rule-types.ts';
import type { FindingRecord, FindingStatus } from './finding-record.ts';
import { toIso } from './finding-record.ts';
import { FindingsQueryError } from './findings-errors.ts';
import {
  ATTR,
  arnAccount,
  INDEX,
  INDEX_KEYS,
  type IndexName,
  RESOURCE_SEPARATOR,
  resourceKeyPart,
  severityUpperBound,
} from './table-schema.ts';

export type StatusFilter = 'open' | 'resolved' | 'suppressed' | 'all';

export interface FindingQuery {
  /** Default `open`. */
  status?: StatusFilter;
  minSeverity?: Severity;
  ruleId?: string;
  /** An exact resource ARN, or an ARN prefix (ordered by ARN, then severity and recency). */
  resource?: { exact: string } | { prefix: string };
  /** The account to search when the resource ARN or prefix does not name one. */
  accountId?: string;
  /** Who caused the last transition. */
  actorArn?: string;
  /** Last transition at or after this time. */
  since?: string | Date;
  /** Page size, 1–100 (default 50). */
  limit?: number;
  cursor?: string;
}

export interface TransitionQuery {
  /** Last transition at or after this time (at most 366 days before `until`). */
  since: string | Date;
  /** Default: now. */
  until?: string | Date;
  /** Default `all`. */
  status?: StatusFilter;
  minSeverity?: Severity;
  limit?: number;
  cursor?: string;
}

export interface FindingPage {
  items: FindingRecord[];
  /** Pass back for the next page; absent on the last page. */
  cursor?: string;
}

export interface NormalizedFilter {
  statuses: FindingStatus[];
  minSeverity?: Severity;
  ruleId?: string;
  actorArn?: string;
  resourceExact?: string;
  resourcePrefix?: string;
  since?: string;
  until?: string;
}

export type KeyRange =
  | { kind: 'begins_with'; value: string }
  | { kind: 'less_than'; value: string }
  | { kind: 'between'; low: string; high: string };

export interface IndexStream {
  index: IndexName;
  partition: string;
  range?: KeyRange;
}

export interface QueryPlan {
  /** `merge`: streams interleave by sort key; `sequence`: streams are read one after the other. */
  mode: 'merge' | 'sequence';
  streams: IndexStream[];
  filter: NormalizedFilter;
  limit: number;
}

/** Where a stream stopped: the key attributes of its last item (a DynamoDB ExclusiveStartKey). */
export type StreamPosition = Record<string, string>;

export interface IndexEntry {
  id: string;
  /** The index sort key value. */
  sort: string;
  position: StreamPosition;
}

export interface IndexReadResult {
  /** In index order; every entry matches the plan's filter. At least `want` unless exhausted. */
  entries: IndexEntry[];
  /** No entries after the last one returned. */
  exhausted: boolean;
}

/** Reads one index stream: entries after `after` that match `filter`, at least `want` of them if there are. */
export interface IndexReader {
  read(
    stream: IndexStream,
    filter: NormalizedFilter,
    after: StreamPosition | undefined,
    want: number,
  ): Promise<IndexReadResult>;
}

export const DEFAULT_PAGE_SIZE = 50;
/** BatchGetItem reads at most 100 keys. */
export const MAX_PAGE_SIZE = 100;
export const MAX_TRANSITION_DAYS = 366;

const STATUS_OF: Record<Exclude<StatusFilter, 'all'>, FindingStatus> = {
  open: 'OPEN',
  resolved: 'RESOLVED',
  suppressed: 'SUPPRESSED',
};

function statuses(filter: StatusFilter | undefined, fallback: StatusFilter): FindingStatus[] {
  const value = filter ?? fallback;
  if (value === 'all') return ['OPEN', 'RESOLVED', 'SUPPRESSED'];
  const status = STATUS_OF[value];
  if (status === undefined) throw new FindingsQueryError(`unknown status filter: ${String(value)}`);
  return [status];
}

function pageSize(limit: number | undefined): number {
  const value = limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE_SIZE) {
    throw new FindingsQueryError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${value}`);
  }
  return value;
}

function checkSeverity(severity: Severity | undefined): void {
  if (severity !== undefined && !SEVERITIES.includes(severity)) {
    throw new FindingsQueryError(`unknown severity: ${String(severity)}`);
  }
}

function isoOrThrow(value: string | Date, field: string): string {
  try {
    return toIso(value);
  } catch (error) {
    throw new FindingsQueryError(`${field} is not a date: ${String(value)}`, { cause: error });
  }
}

function severityRange(minimum: Severity | undefined): { kind: 'less_than'; value: string } | undefined {
  if (minimum === undefined || severityRank(minimum) === 0) return undefined;
  return { kind: 'less_than', value: severityUpperBound(minimum) };
}

/** Plans a finding list: the most selective index for the filter, everything else as a filter. */
export function planQuery(query: FindingQuery): QueryPlan {
  checkSeverity(query.minSeverity);
  const filter: NormalizedFilter = { statuses: statuses(query.status, 'open') };
  if (query.minSeverity !== undefined) filter.minSeverity = query.minSeverity;
  if (query.ruleId !== undefined) filter.ruleId = query.ruleId;
  if (query.actorArn !== undefined) filter.actorArn = query.actorArn;
  if (query.since !== undefined) filter.since = isoOrThrow(query.since, 'since');
  const limit = pageSize(query.limit);
  const bySeverity = severityRange(query.minSeverity);
  const plan = (streams: IndexStream[], mode: QueryPlan['mode'] = 'merge'): QueryPlan => ({
    mode,
    streams,
    filter,
    limit,
  });

  if (query.resource !== undefined) {
    const exact = 'exact' in query.resource ? query.resource.exact : undefined;
    const value = exact ?? ('prefix' in query.resource ? query.resource.prefix : '');
    if (value === '') throw new FindingsQueryError('resource: an ARN or a non-empty prefix is required');
    const account = arnAccount(value) ?? query.accountId;
    if (account === undefined) {
      throw new FindingsQueryError(
        `resource ${exact !== undefined ? 'ARN' : 'prefix'} "${value}" does not name an account: ` +
          'include the account id in the ARN or pass accountId',
      );
    }
    let range: KeyRange;
    if (exact !== undefined) {
      filter.resourceExact = exact;
      const head = resourceKeyPart(exact) + RESOURCE_SEPARATOR;
      range = bySeverity
        ? { kind: 'between', low: `${head}0`, high: `${head}${Number(bySeverity.value) - 1}$` }
        : { kind: 'begins_with', value: head };
    } else {
      filter.resourcePrefix = value;
      range = { kind: 'begins_with', value: resourceKeyPart(value) };
    }
    return plan([{ index: INDEX.byResource, partition: account, range }]);
  }
  const withRange = (stream: IndexStream): IndexStream =>
    bySeverity ? { ...stream, range: bySeverity } : stream;
  if (query.ruleId !== undefined) return plan([withRange({ index: INDEX.byRule, partition: query.ruleId })]);
  if (query.actorArn !== undefined)
    return plan([withRange({ index: INDEX.byActor, partition: query.actorArn })]);
  return plan(filter.statuses.map((status) => withRange({ index: INDEX.byStatus, partition: status })));
}

/** Plans a recent-transitions list: one `by-day` stream per day, newest day first. */
export function planTransitions(query: TransitionQuery, now: Date): QueryPlan {
  checkSeverity(query.minSeverity);
  const since = isoOrThrow(query.since, 'since');
  const until = query.until === undefined ? now.toISOString() : isoOrThrow(query.until, 'until');
  const filter: NormalizedFilter = { statuses: statuses(query.status, 'all'), since, until };
  if (query.minSeverity !== undefined) filter.minSeverity = query.minSeverity;
  const days: string[] = [];
  const first = Date.parse(`${since.slice(0, 10)}T00:00:00.000Z`);
  for (let day = Date.parse(`${until.slice(0, 10)}T00:00:00.000Z`); day >= first; day -= 86_400_000) {
    days.push(new Date(day).toISOString().slice(0, 10));
    if (days.length > MAX_TRANSITION_DAYS) {
      throw new FindingsQueryError(`since must be at most ${MAX_TRANSITION_DAYS} days before until`);
    }
  }
  return {
    mode: 'sequence',
    streams: days.map((day) => ({ index: INDEX.byDay, partition: day })),
    filter,
    limit: pageSize(query.limit),
  };
}

/** Does the record satisfy the filter (the whole filter, key conditions included)? */
export function matchesFilter(record: FindingRecord, filter: NormalizedFilter): boolean {
  if (!filter.statuses.includes(record.status)) return false;
  if (filter.minSeverity !== undefined && severityRank(record.severity) < severityRank(filter.minSeverity)) {
    return false;
  }
  if (filter.ruleId !== undefined && record.ruleId !== filter.ruleId) return false;
  if (filter.actorArn !== undefined && record.actorArn !== filter.actorArn) return false;
  if (filter.resourceExact !== undefined && record.resource !== filter.resourceExact) return false;
  if (filter.resourcePrefix !== undefined && !record.resource.startsWith(filter.resourcePrefix)) return false;
  if (filter.since !== undefined && record.lastTransitionAt < filter.since) return false;
  if (filter.until !== undefined && record.lastTransitionAt > filter.until) return false;
  return true;
}

/** DynamoDB orders string keys by their UTF-8 bytes. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function matchesRange(value: string, range: KeyRange | undefined): boolean {
  if (range === undefined) return true;
  switch (range.kind) {
    case 'begins_with':
      return value.startsWith(range.value);
    case 'less_than':
      return compareKeys(value, range.value) < 0;
    case 'between':
      return compareKeys(value, range.low) >= 0 && compareKeys(value, range.high) <= 0;
  }
}

/** The position of an entry in an index: its base key and index key attributes. */
export function positionOf(stream: IndexStream, pk: string, sk: string, sort: string): StreamPosition {
  const keys = INDEX_KEYS[stream.index];
  return { [ATTR.pk]: pk, [ATTR.sk]: sk, [keys.partition]: stream.partition, [keys.sort]: sort };
}

// ---- Cursor --------------------------------------------------------------------------------------------------

type MergeState = { after?: StreamPosition; done: boolean }[];
type SequenceState = { stream: number; after?: StreamPosition };
interface CursorBody {
  v: 1;
  plan: string;
  merge?: MergeState;
  sequence?: SequenceState;
}

function planSignature(plan: QueryPlan): string {
  return createHash('sha256')
    .update(JSON.stringify([plan.mode, plan.streams, plan.filter]))
    .digest('hex')
    .slice(0, 16);
}

function encodeCursor(body: CursorBody): string {
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, plan: QueryPlan): CursorBody {
  let body: CursorBody;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorBody;
  } catch (error) {
    throw new FindingsQueryError('invalid cursor', { cause: error });
  }
  if (body === null || typeof body !== 'object' || body.v !== 1)
    throw new FindingsQueryError('invalid cursor');
  if (body.plan !== planSignature(plan)) {
    throw new FindingsQueryError('the cursor belongs to another query: repeat the same filter to page on');
  }
  const shapeOk =
    plan.mode === 'merge'
      ? Array.isArray(body.merge) && body.merge.length === plan.streams.length
      : body.sequence !== undefined &&
        Number.isInteger(body.sequence.stream) &&
        body.sequence.stream >= 0 &&
        body.sequence.stream < plan.streams.length;
  if (!shapeOk) throw new FindingsQueryError('invalid cursor');
  const positions =
    plan.mode === 'merge'
      ? body.merge!.map((state, i) => [state.after, plan.streams[i]!] as const)
      : [[body.sequence!.after, plan.streams[body.sequence!.stream]!] as const];
  for (const [position, stream] of positions) {
    if (position !== undefined && !isPositionIn(position, stream))
      throw new FindingsQueryError('invalid cursor');
  }
  return body;
}

/** A position of this stream: exactly its base and index key attributes, as strings, in its partition. */
function isPositionIn(position: unknown, stream: IndexStream): boolean {
  if (position === null || typeof position !== 'object') return false;
  const keys = INDEX_KEYS[stream.index];
  const expected = [ATTR.pk, ATTR.sk, keys.partition, keys.sort].sort();
  const entries = Object.entries(position);
  return (
    entries.length === expected.length &&
    entries.every(([key, value]) => expected.includes(key) && typeof value === 'string') &&
    (position as StreamPosition)[keys.partition] === stream.partition
  );
}

// ---- Paging --------------------------------------------------------------------------------------------------

export interface EntryPage {
  entries: IndexEntry[];
  cursor?: string;
}

/** One page of index entries for a plan. */
export async function readPage(reader: IndexReader, plan: QueryPlan, cursor?: string): Promise<EntryPage> {
  const body = cursor === undefined ? undefined : decodeCursor(cursor, plan);
  return plan.mode === 'merge'
    ? readMerged(reader, plan, body?.merge)
    : readSequence(reader, plan, body?.sequence);
}

async function readMerged(
  reader: IndexReader,
  plan: QueryPlan,
  state: MergeState | undefined,
): Promise<EntryPage> {
  const streams: MergeState = state ?? plan.streams.map(() => ({ done: false }));
  // Each open stream yields its next `limit + 1` entries: the page's entries are among them.
  const fetched = await Promise.all(
    plan.streams.map((stream, i) => {
      const current = streams[i]!;
      return current.done
        ? Promise.resolve({ entries: [], exhausted: true })
        : reader.read(stream, plan.filter, current.after, plan.limit + 1);
    }),
  );
  const candidates = fetched.flatMap((result, stream) => result.entries.map((entry) => ({ stream, entry })));
  candidates.sort((a, b) => compareKeys(a.entry.sort, b.entry.sort) || compareKeys(a.entry.id, b.entry.id));
  const taken = candidates.slice(0, plan.limit);
  const next: MergeState = streams.map((current, i) => {
    const result = fetched[i]!;
    const mine = taken.filter((c) => c.stream === i);
    const last = mine[mine.length - 1];
    const done = current.done || (result.exhausted && mine.length === result.entries.length);
    const after = last?.entry.position ?? current.after;
    return after === undefined ? { done } : { after, done };
  });
  const page: EntryPage = { entries: taken.map((c) => c.entry) };
  if (next.some((s) => !s.done)) page.cursor = encodeCursor({ v: 1, plan: planSignature(plan), merge: next });
  return page;
}

async function readSequence(
  reader: IndexReader,
  plan: QueryPlan,
  state: SequenceState | undefined,
): Promise<EntryPage> {
  let stream = state?.stream ?? 0;
  let after = state?.after;
  const entries: IndexEntry[] = [];
  while (stream < plan.streams.length && entries.length < plan.limit) {
    const room = plan.limit - entries.length;
    const result = await reader.read(plan.streams[stream]!, plan.filter, after, room + 1);
    const taken = result.entries.slice(0, room);
    entries.push(...taken);
    if (taken.length < result.entries.length || !result.exhausted) {
      after = taken[taken.length - 1]?.position ?? after;
      if (taken.length < result.entries.length) break;
    } else {
      stream += 1;
      after = undefined;
    }
  }
  const page: EntryPage = { entries };
  if (stream < plan.streams.length) {
    const sequence: SequenceState = after === undefined ? { stream } : { stream, after };
    page.cursor = encodeCursor({ v: 1, plan: planSignature(plan), sequence });
  }
  return page;
}
