/**
 * The findings store: where evaluators record observations (and get back the transition, if any), where the CLI
 * lists findings, and where suppressions and processed-event claims live. Two implementations with the same
 * behaviour: `DynamoFindingsStore` (the table) and `MemoryFindingsStore` (offline replay, unit tests).
 */

import type { FindingPage, FindingQuery, TransitionQuery } from './finding-query.ts';
import type {
  FindingRecord,
  FindingSuppression,
  Observation,
  SuppressionInput,
  Transition,
} from './finding-record.ts';
import type { ManualChange } from './transitions.ts';

export type { FindingPage, FindingQuery, TransitionQuery } from './finding-query.ts';
export type { ManualChange } from './transitions.ts';

export interface ClaimOptions {
  /** How long the claim record is kept (DynamoDB TTL), default 7 days: longer than any redelivery. */
  ttlSeconds?: number;
  /** A claim still IN_PROGRESS after this long is considered abandoned and can be claimed again (default 900). */
  staleAfterSeconds?: number;
}

export type EventClaim =
  | { claimed: true }
  /** Another delivery processed the event (COMPLETED) or is processing it (IN_PROGRESS and not stale). */
  | { claimed: false; state: 'IN_PROGRESS' | 'COMPLETED' };

export interface FindingsStore {
  /** Applies one observation; returns the transition it caused, if any (retries on concurrent writes). */
  recordObservation(observation: Observation): Promise<Transition | undefined>;
  get(id: string): Promise<FindingRecord | undefined>;
  /** Findings by severity then recency (resource prefixes: by ARN first). Query only, never Scan. */
  query(query?: FindingQuery): Promise<FindingPage>;
  /** Findings whose last transition falls in [since, until], newest first (one Query per day). */
  listTransitions(query: TransitionQuery): Promise<FindingPage>;
  /** A person resolves, suppresses or reopens a finding. Throws FindingNotFoundError for an unknown id. */
  setStatus(id: string, change: ManualChange): Promise<Transition | undefined>;

  /** Adds or replaces (same rule, pattern and key) a suppression rule; it applies from the next observation. */
  putSuppression(input: SuppressionInput): Promise<FindingSuppression>;
  /** Removes a suppression rule; findings it covered reopen at their next observation or suppression sweep. */
  deleteSuppression(id: string): Promise<boolean>;
  listSuppressions(): Promise<FindingSuppression[]>;
  /** The suppression sweep: reopens SUPPRESSED findings whose suppression expired or was removed. */
  expireSuppressions(): Promise<Transition[]>;

  /** Claims a CloudTrail event id before processing it; a duplicate delivery gets `claimed: false`. */
  claimEvent(eventId: string, options?: ClaimOptions): Promise<EventClaim>;
  /** Marks a claimed event done: later deliveries are duplicates until the claim's TTL. */
  completeEvent(eventId: string, options?: Pick<ClaimOptions, 'ttlSeconds'>): Promise<void>;
  /** Drops an IN_PROGRESS claim after a failure, so the retried delivery is processed at once. */
  releaseEvent(eventId: string): Promise<void>;
}

export interface StoreOptions {
  /** The clock (record time); default `() => new Date()`. */
  now?: () => Date;
}

export const DEFAULT_CLAIM_TTL_SECONDS = 7 * 24 * 3600;
export const DEFAULT_CLAIM_STALE_SECONDS = 900;
