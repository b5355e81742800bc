/**
 * The findings store in memory: same transitions, same query plans and paging, same claim semantics as the
 * DynamoDB store (one behavioural suite runs against both). For offline replay of CloudTrail events and tests.
 * Records are copied in and out, so callers never share state with the store.
 */
import { findingId } from '../scan/finding.ts';
import {
  compareKeys,
  type FindingPage,
  type FindingQuery,
  type IndexReader,
  type IndexStream,
  matchesFilter,
  matchesRange,
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
import { FindingNotFoundError } from './findings-errors.ts';
import {
  type ClaimOptions,
  DEFAULT_CLAIM_STALE_SECONDS,
  DEFAULT_CLAIM_TTL_SECONDS,
  type EventClaim,
  type FindingsStore,
  type ManualChange,
  type StoreOptions,
} from './findings-store.ts';
import { findingKey, INDEX_KEYS, indexAttributes } from './table-schema.ts';
import { applyManualStatus, applyObservation, expireSuppression } from './transitions.ts';

interface EventClaimRecord {
  state: 'IN_PROGRESS' | 'COMPLETED';
  claimedAtMs: number;
  expiresAtMs: number;
}

export class MemoryFindingsStore implements FindingsStore, IndexReader {
  readonly #findings = new Map<string, FindingRecord>();
  readonly #suppressions = new Map<string, FindingSuppression>();
  readonly #events = new Map<string, EventClaimRecord>();
  readonly #now: () => Date;

  constructor(options: StoreOptions = {}) {
    this.#now = options.now ?? (() => new Date());
  }

  /** Every record (for offline replay reports and tests). */
  all(): FindingRecord[] {
    return [...this.#findings.values()].map((r) => structuredClone(r));
  }

  async recordObservation(observation: Observation): Promise<Transition | undefined> {
    const id = findingId(observation.ruleId, observation.resource, observation.findingKey);
    const result = applyObservation(
      this.#findings.get(id),
      observation,
      [...this.#suppressions.values()],
      this.#now(),
    );
    if (result.write && result.record) this.#findings.set(result.record.id, structuredClone(result.record));
    return result.transition;
  }

  async get(id: string): Promise<FindingRecord | undefined> {
    const record = this.#findings.get(id);
    return record && structuredClone(record);
  }

  async query(query: FindingQuery = {}): Promise<FindingPage> {
    return this.#page(planQuery(query), query.cursor);
  }

  async listTransitions(query: TransitionQuery): Promise<FindingPage> {
    return this.#page(planTransitions(query, this.#now()), query.cursor);
  }

  async #page(plan: QueryPlan, cursor: string | undefined): Promise<FindingPage> {
    const page = await readPage(this, plan, cursor);
    const items = page.entries
      .map((entry) => this.#findings.get(entry.id))
      .filter((r): r is FindingRecord => r !== undefined && matchesFilter(r, plan.filter))
      .map((r) => structuredClone(r));
    return page.cursor === undefined ? { items } : { items, cursor: page.cursor };
  }

  /** IndexReader over the records, as the table's indexes would hold them. */
  async read(stream: IndexStream, filter: NormalizedFilter, after: StreamPosition | undefined, want: number) {
    const keys = INDEX_KEYS[stream.index];
    const start = after?.[keys.sort];
    const entries = [...this.#findings.values()]
      .map((record) => ({
        record,
        attributes: indexAttributes(record) as Record<string, string | undefined>,
      }))
      .filter(({ record, attributes }) => {
        const sort = attributes[keys.sort];
        return (
          attributes[keys.partition] === stream.partition &&
          sort !== undefined &&
          matchesRange(sort, stream.range) &&
          (start === undefined || compareKeys(sort, start) > 0) &&
          matchesFilter(record, filter)
        );
      })
      .map(({ record, attributes }) => {
        const sort = attributes[keys.sort]!;
        const key = findingKey(record.id);
        return { id: record.id, sort, position: positionOf(stream, key.pk, key.sk, sort) };
      })
      .sort((a, b) => compareKeys(a.sort, b.sort));
    return { entries: entries.slice(0, want), exhausted: entries.length <= want };
  }

  async setStatus(id: string, change: ManualChange): Promise<Transition | undefined> {
    const existing = this.#findings.get(id);
    if (existing === undefined) throw new FindingNotFoundError(`no finding ${id}`);
    const result = applyManualStatus(existing, change, this.#now());
    if (result.write) this.#findings.set(id, structuredClone(result.record));
    return result.transition;
  }

  async putSuppression(input: SuppressionInput): Promise<FindingSuppression> {
    const suppression = buildSuppression(input, this.#now());
    this.#suppressions.set(suppression.id, suppression);
    return structuredClone(suppression);
  }

  async deleteSuppression(id: string): Promise<boolean> {
    return this.#suppressions.delete(id);
  }

  async listSuppressions(): Promise<FindingSuppression[]> {
    return [...this.#suppressions.values()]
      .sort((a, b) => compareKeys(a.id, b.id))
      .map((s) => structuredClone(s));
  }

  async expireSuppressions(): Promise<Transition[]> {
    const now = this.#now();
    const suppressions = [...this.#suppressions.values()];
    const transitions: Transition[] = [];
    for (const record of [...this.#findings.values()].filter((r) => r.status === 'SUPPRESSED')) {
      const result = expireSuppression(record, suppressions, now);
      if (result === undefined) continue;
      this.#findings.set(record.id, structuredClone(result.record));
      if (result.transition) transitions.push(result.transition);
    }
    return transitions;
  }

  async claimEvent(eventId: string, options: ClaimOptions = {}): Promise<EventClaim> {
    const now = this.#now().getTime();
    const ttl = (options.ttlSeconds ?? DEFAULT_CLAIM_TTL_SECONDS) * 1000;
    const stale = (options.staleAfterSeconds ?? DEFAULT_CLAIM_STALE_SECONDS) * 1000;
    const current = this.#events.get(eventId);
    const free =
      current === undefined ||
      current.expiresAtMs <= now ||
      (current.state === 'IN_PROGRESS' && current.claimedAtMs + stale <= now);
    if (!free) return { claimed: false, state: current.state };
    this.#events.set(eventId, { state: 'IN_PROGRESS', claimedAtMs: now, expiresAtMs: now + ttl });
    return { claimed: true };
  }

  async completeEvent(eventId: string, options: Pick<ClaimOptions, 'ttlSeconds'> = {}): Promise<void> {
    const now = this.#now().getTime();
    const ttl = (options.ttlSeconds ?? DEFAULT_CLAIM_TTL_SECONDS) * 1000;
    const current = this.#events.get(eventId);
    this.#events.set(eventId, {
      state: 'COMPLETED',
      claimedAtMs: current?.claimedAtMs ?? now,
      expiresAtMs: now + ttl,
    });
  }

  async releaseEvent(eventId: string): Promise<void> {
    if (this.#events.get(eventId)?.state === 'IN_PROGRESS') this.#events.delete(eventId);
  }
}
