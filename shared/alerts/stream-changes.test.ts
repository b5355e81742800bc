import type { DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { findingItem } from '../findings/table-schema.ts';
import { alertId, isAlerting } from './alert.ts';
import { findingLife, marshallItem, streamRecord } from './alert-fixtures.ts';
import streamBatch from './fixtures/stream-batch.json' with { type: 'json' };
import { changeFromRecord, changesFromStream, unmarshallImage } from './stream-changes.ts';

const steps = findingLife();

describe('changes from the findings table stream', () => {
  it('reads a real-shaped batch (marshalled by @aws-sdk/util-dynamodb): findings only, transitions only, once', () => {
    const { changes, ignored } = changesFromStream(streamBatch as DynamoDBStreamEvent);
    expect(changes).toHaveLength(1);
    expect(changes[0]?.transition.kind).toBe('OPENED');
    expect(changes[0]?.finding).toEqual(steps[0]?.after);
    expect(ignored).toEqual({
      removal: 1,
      'not-a-finding': 2,
      'no-transition': 1,
      duplicate: 1,
      'no-image': 0,
    });
  });

  // One finding's life: the transition each write made, and whether people hear about it.
  const expected: Record<string, { kind: string | null; alert: boolean }> = {
    OPENED: { kind: 'OPENED', alert: true },
    'no transition': { kind: null, alert: false },
    SEVERITY_RAISED: { kind: 'SEVERITY_RAISED', alert: true },
    SEVERITY_LOWERED: { kind: 'SEVERITY_LOWERED', alert: false },
    RESOLVED: { kind: 'RESOLVED', alert: true },
    REOPENED: { kind: 'REOPENED', alert: true },
    SUPPRESSED: { kind: 'SUPPRESSED', alert: false },
    'SEVERITY_RAISED while suppressed': { kind: 'SEVERITY_RAISED', alert: false },
    'RESOLVED while suppressed': { kind: 'RESOLVED', alert: false },
    'REOPENED into a suppression': { kind: 'SUPPRESSED', alert: false },
    UNSUPPRESSED: { kind: 'UNSUPPRESSED', alert: true },
    'RESOLVED by hand': { kind: 'RESOLVED', alert: true },
  };

  it('covers every transition kind', () => {
    expect(steps.map((s) => s.name)).toEqual(Object.keys(expected));
  });

  it.each(steps.map((s) => [s.name, s] as const))('%s', (name, step) => {
    const change = changeFromRecord(streamRecord(step.before, step.after));
    const want = expected[name]!;
    if (want.kind === null) {
      expect(change).toBe('no-transition');
      return;
    }
    if (typeof change === 'string') throw new Error(`expected a change, got ${change}`);
    expect(change.transition.kind).toBe(want.kind);
    expect(change.id).toBe(alertId(step.after.id, step.after.version));
    expect(isAlerting(change)).toBe(want.alert);
  });

  it('keeps one change when a batch carries the same write twice (and each version once)', () => {
    const records = [0, 0, 2, 2, 4].map((i) => streamRecord(steps[i]!.before, steps[i]!.after));
    const { changes, ignored } = changesFromStream({ Records: records });
    expect(changes.map((c) => c.transition.kind)).toEqual(['OPENED', 'SEVERITY_RAISED', 'RESOLVED']);
    expect(new Set(changes.map((c) => c.id)).size).toBe(3);
    expect(ignored.duplicate).toBe(2);
  });

  it('unmarshalls what it marshals (finding items round-trip)', () => {
    for (const step of steps) {
      const item = findingItem(step.after);
      expect(unmarshallImage(marshallItem(item))).toEqual(item);
    }
  });

  it('reads sets, binary and null as lib-dynamodb does', () => {
    expect(
      unmarshallImage({
        a: { SS: ['x', 'y'] },
        b: { NS: ['1', '2.5'] },
        c: { B: Buffer.from('hi').toString('base64') },
        d: { NULL: true },
        e: { L: [{ N: '3' }, { BOOL: false }] },
      }),
    ).toEqual({
      a: new Set(['x', 'y']),
      b: new Set([1, 2.5]),
      c: new Uint8Array(Buffer.from('hi')),
      d: null,
      e: [3, false],
    });
  });
});
