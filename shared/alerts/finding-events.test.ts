import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { transitionFromImages } from '../findings/transitions.ts';
import { changeOf, type FindingChange } from './alert.ts';
import { findingLife, openedBatch } from './alert-fixtures.ts';
import {
  batchEntries,
  FINDING_DETAIL_TYPE,
  FINDING_EVENT_SOURCE,
  findingEventEntry,
  PUT_EVENTS_MAX_BYTES,
  putFindingEvents,
} from './finding-events.ts';
import { changesFromStream } from './stream-changes.ts';

const eventBridge = mockClient(EventBridgeClient);
const client = () => new EventBridgeClient({ region: 'us-east-1', maxAttempts: 1 });
const noWait = { sleep: async () => undefined };

function changes(count: number): FindingChange[] {
  return changesFromStream({ Records: openedBatch(count) }).changes;
}

beforeEach(() => {
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_, i) => ({ EventId: `e-${i}` })),
  }));
});

describe('finding events on EventBridge', () => {
  it('an entry is source tripline, detail-type Tripline Finding, detail { finding, transition }', () => {
    const step = findingLife()[0]!;
    const change = changeOf(step.after, transitionFromImages(step.before, step.after)!);
    const { entry } = findingEventEntry(change, 'default');
    expect(entry.Source).toBe(FINDING_EVENT_SOURCE);
    expect(entry.DetailType).toBe(FINDING_DETAIL_TYPE);
    expect(entry.EventBusName).toBe('default');
    expect(entry.Resources).toEqual([step.after.resource]);
    expect(entry.Time?.toISOString()).toBe(change.transition.at);
    expect(JSON.parse(entry.Detail!)).toEqual({ finding: step.after, transition: change.transition });
  });

  it('puts 25 changes in batches of 10', async () => {
    const entries = changes(25).map((c) => findingEventEntry(c, 'tripline-bus'));
    const outcome = await putFindingEvents(client(), entries, noWait);
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls.map((c) => c.args[0].input.Entries?.length)).toEqual([10, 10, 5]);
    expect(outcome.published).toHaveLength(25);
    expect(outcome.failed).toEqual([]);
  });

  it('also batches by size: no call over 256 KB', () => {
    const big = changes(10).map((c) => {
      const entry = findingEventEntry(c, 'default');
      return { ...entry, size: 60_000 };
    });
    const batches = batchEntries(big);
    expect(batches.map((b) => b.length)).toEqual([4, 4, 2]);
    for (const batch of batches)
      expect(batch.reduce((n, e) => n + e.size, 0)).toBeLessThanOrEqual(PUT_EVENTS_MAX_BYTES);
  });

  it('slims a finding whose event would be too large', () => {
    const [change] = changes(1);
    change!.finding.evidence = { blob: 'x'.repeat(200_000) };
    const entry = findingEventEntry(change!, 'default');
    expect(entry.size).toBeLessThan(64 * 1024);
    expect(JSON.parse(entry.entry.Detail!).finding.evidence).toMatchObject({ truncated: true });
  });

  it('retries the entries EventBridge rejected (FailedEntryCount), and only those', async () => {
    let call = 0;
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      call += 1;
      if (call === 1) {
        return {
          FailedEntryCount: 2,
          Entries: input.Entries.map((_, i) =>
            i === 1 || i === 3
              ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }
              : { EventId: `e-${i}` },
          ),
        };
      }
      return { FailedEntryCount: 0, Entries: input.Entries.map((_, i) => ({ EventId: `r-${i}` })) };
    });
    const entries = changes(5).map((c) => findingEventEntry(c, 'default'));
    const outcome = await putFindingEvents(client(), entries, noWait);
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls.map((c) => c.args[0].input.Entries?.length)).toEqual([5, 2]);
    expect(outcome.published.sort()).toEqual(entries.map((e) => e.id).sort());
    expect(outcome.failed).toEqual([]);
  });

  it('reports what still fails after the retries (the caller raises)', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({
      FailedEntryCount: 1,
      Entries: input.Entries.map((_, i) =>
        i === 0 ? { ErrorCode: 'InternalFailure', ErrorMessage: 'boom' } : { EventId: 'ok' },
      ),
    }));
    const entries = changes(3).map((c) => findingEventEntry(c, 'default'));
    const outcome = await putFindingEvents(client(), entries, { ...noWait, maxAttempts: 3 });
    expect(outcome.failed).toHaveLength(1);
    expect(outcome.failed[0]?.errorCode).toBe('InternalFailure');
    expect(outcome.published).toHaveLength(2);
    expect(outcome.calls).toBe(3);
  });

  it('treats a failed call as every entry of it failing', async () => {
    eventBridge
      .on(PutEventsCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const entries = changes(2).map((c) => findingEventEntry(c, 'default'));
    const outcome = await putFindingEvents(client(), entries, { ...noWait, maxAttempts: 2 });
    expect(outcome.published).toEqual([]);
    expect(outcome.failed.map((f) => f.errorCode)).toEqual([
      'AccessDeniedException',
      'AccessDeniedException',
    ]);
  });
});
