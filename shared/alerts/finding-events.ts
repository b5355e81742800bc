/**
 * Every finding transition as an EventBridge event (`source: tripline`, `detail-type: Tripline Finding`,
 * `detail: { finding, transition }`), so other tools can react without reading the table. PutEvents takes at
 * most 10 entries and 256 KB per call: entries are batched by both. Entries EventBridge rejects
 * (`FailedEntryCount`) are retried with backoff; what still fails is reported for the caller to raise.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import type { FindingRecord, Transition } from '../findings/finding-record.ts';
import type { FindingChange } from './alert.ts';
import { utf8Length } from './text-fitting.ts';

export const FINDING_EVENT_SOURCE = 'tripline';
export const FINDING_DETAIL_TYPE = 'Tripline Finding';
export const PUT_EVENTS_MAX_ENTRIES = 10;
export const PUT_EVENTS_MAX_BYTES = 262_144;
/** An entry larger than this gets a slimmer finding (evidence and old history dropped). */
const ENTRY_TARGET_BYTES = 64 * 1024;

export interface FindingEventDetail {
  finding: FindingRecord;
  transition: Transition;
}

export interface FindingEventEntry {
  /** The change's id (deterministic per finding id and version). */
  id: string;
  entry: PutEventsRequestEntry;
  /** Size as EventBridge counts it (time 14 bytes + source + detail type + detail + resources). */
  size: number;
}

function entrySize(entry: PutEventsRequestEntry): number {
  return (
    14 +
    utf8Length(entry.Source ?? '') +
    utf8Length(entry.DetailType ?? '') +
    utf8Length(entry.Detail ?? '') +
    (entry.Resources ?? []).reduce((sum, r) => sum + utf8Length(r), 0) +
    utf8Length(entry.EventBusName ?? '')
  );
}

/** A smaller copy of a finding for an event that would be too large. */
function slimFinding(finding: FindingRecord): FindingRecord {
  const size = utf8Length(JSON.stringify(finding.evidence ?? {}));
  return {
    ...finding,
    evidence: {
      truncated: true,
      size,
      note: 'evidence left out of the event: read the finding from the table',
    },
    history: finding.history.slice(-3),
    message: finding.message.slice(0, 4096),
  };
}

export function findingEventEntry(change: FindingChange, eventBusName: string): FindingEventEntry {
  const { rationale: _rationale, ...finding } = change.finding as FindingRecord & { rationale?: string };
  const build = (record: FindingRecord): PutEventsRequestEntry => {
    const entry: PutEventsRequestEntry = {
      Source: FINDING_EVENT_SOURCE,
      DetailType: FINDING_DETAIL_TYPE,
      Detail: JSON.stringify({ finding: record, transition: change.transition } satisfies FindingEventDetail),
      EventBusName: eventBusName,
      Time: new Date(change.transition.at),
    };
    if (record.resource.startsWith('arn:')) entry.Resources = [record.resource];
    return entry;
  };
  let entry = build(finding);
  if (entrySize(entry) > ENTRY_TARGET_BYTES) entry = build(slimFinding(finding));
  return { id: change.id, entry, size: entrySize(entry) };
}

/** Batches of at most 10 entries and 256 KB, in order. */
export function batchEntries(entries: readonly FindingEventEntry[]): FindingEventEntry[][] {
  const batches: FindingEventEntry[][] = [];
  let current: FindingEventEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    if (
      current.length === PUT_EVENTS_MAX_ENTRIES ||
      (current.length > 0 && bytes + entry.size > PUT_EVENTS_MAX_BYTES)
    ) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += entry.size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export interface PutEventsOptions {
  /** Tries per entry (default 3). */
  maxAttempts?: number;
  backoff?: { baseMs: number; maxMs: number };
  sleep?: (ms: number) => Promise<void>;
}

export interface FailedEntry {
  id: string;
  errorCode: string;
  errorMessage: string;
}

export interface PutEventsOutcome {
  published: string[];
  failed: FailedEntry[];
  calls: number;
}

/** Puts the entries; failed ones (rejected entries or failed calls) are retried, then reported. */
export async function putFindingEvents(
  client: EventBridgeClient,
  entries: readonly FindingEventEntry[],
  options: PutEventsOptions = {},
): Promise<PutEventsOutcome> {
  const maxAttempts = options.maxAttempts ?? 3;
  const backoff = options.backoff ?? { baseMs: 100, maxMs: 2_000 };
  const wait = options.sleep ?? ((ms: number) => sleep(ms));
  const published: string[] = [];
  let pending = [...entries];
  let failed: FailedEntry[] = [];
  let calls = 0;
  for (let attempt = 1; attempt <= maxAttempts && pending.length > 0; attempt++) {
    if (attempt > 1) {
      const cap = Math.min(backoff.maxMs, backoff.baseMs * 2 ** (attempt - 2));
      await wait(Math.random() * cap);
    }
    failed = [];
    const retry: FindingEventEntry[] = [];
    for (const batch of batchEntries(pending)) {
      calls += 1;
      try {
        const out = await client.send(new PutEventsCommand({ Entries: batch.map((e) => e.entry) }));
        batch.forEach((entry, i) => {
          const result = out.Entries?.[i];
          if (result?.ErrorCode) {
            failed.push({
              id: entry.id,
              errorCode: result.ErrorCode,
              errorMessage: result.ErrorMessage ?? '',
            });
            retry.push(entry);
          } else if ((out.FailedEntryCount ?? 0) > 0 && result === undefined) {
            failed.push({ id: entry.id, errorCode: 'Unknown', errorMessage: 'no result for the entry' });
            retry.push(entry);
          } else {
            published.push(entry.id);
          }
        });
      } catch (error) {
        const e = error as { name?: string; message?: string };
        for (const entry of batch) {
          failed.push({
            id: entry.id,
            errorCode: e.name ?? 'Error',
            errorMessage: e.message ?? String(error),
          });
          retry.push(entry);
        }
      }
    }
    pending = retry;
  }
  return { published, failed, calls };
}
