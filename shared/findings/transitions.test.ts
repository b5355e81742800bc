import { describe, expect, it } from 'vitest';
import type { ResultStatus, Severity } from '../rules/rule-types.ts';
import { findingId } from '../scan/finding.ts';
import {
  buildSuppression,
  type FindingRecord,
  type FindingSuppression,
  HISTORY_LIMIT,
  type Observation,
  observationFromResult,
  RECENT_EVENT_LIMIT,
  type SuppressionInput,
  type Transition,
} from './finding-record.ts';
import cases from './transitions.cases.json' with { type: 'json' };
import {
  applyManualStatus,
  applyObservation,
  expireSuppression,
  MAX_EVIDENCE_CHARS,
  type ManualChange,
  transitionFromImages,
} from './transitions.ts';

const RESOURCE = 'arn:aws:iam::111122223333:role/break-glass';
const DEFAULT_NOW = '2026-12-01T00:00:00.000Z';

interface ObserveStep {
  status: ResultStatus;
  observedAt: string;
  severity?: Severity;
  eventId?: string;
  eventTime?: string;
  actor?: string;
  findingKey?: string;
  resourceDeleted?: boolean;
}

interface Expectation {
  outcome?: string;
  transition?: string | null;
  from?: string | null;
  fromSeverity?: string | null;
  status?: string;
  exists?: boolean;
  severity?: string;
  occurrences?: number;
  version?: number;
  firstSeen?: string;
  lastSeen?: string;
  lastObservedAt?: string;
  resolvedAt?: string | null;
  actorArn?: string | null;
  detectionLatencyMs?: number;
  historyLength?: number;
  reasonContains?: string;
  suppression?: 'rule' | 'manual' | null;
  suppressionReason?: string;
}

interface Step {
  now?: string;
  suppressions?: SuppressionInput[];
  observe?: ObserveStep;
  manual?: ManualChange;
  expire?: boolean;
  expect?: Expectation;
}

interface TransitionCase {
  name: string;
  steps: Step[];
}

function observation(step: ObserveStep): Observation {
  const obs = observationFromResult(
    {
      id: 'iam-admin-access',
      title: 'Principal with administrator access',
      severity: 'high',
      remediation: { summary: 'Scope the policy down.' },
    },
    {
      status: step.status,
      resource: RESOURCE,
      resourceType: 'AWS::IAM::Role',
      message: `role break-glass: ${step.status}`,
      evidence: { policy: 'AdministratorAccess', statement: 0 },
      ...(step.findingKey === undefined ? {} : { findingKey: step.findingKey }),
    },
    {
      accountId: '111122223333',
      region: 'us-east-1',
      observedAt: step.observedAt,
      ...(step.severity === undefined ? {} : { severity: step.severity }),
      ...(step.resourceDeleted ? { resourceDeleted: true } : {}),
      ...(step.eventId === undefined
        ? {}
        : {
            trigger: {
              eventId: step.eventId,
              eventName: 'AttachRolePolicy',
              eventTime: step.eventTime ?? step.observedAt,
              ...(step.actor === undefined ? {} : { actorArn: step.actor }),
              sourceIp: '198.51.100.7',
              userAgent: 'aws-cli/2.22.0',
            },
          }),
    },
  );
  return obs;
}

function check(
  expected: Expectation,
  outcome: string,
  record: FindingRecord | undefined,
  transition: Transition | undefined,
) {
  if (expected.outcome !== undefined) expect(outcome).toBe(expected.outcome);
  if (expected.transition !== undefined) expect(transition?.kind ?? null).toBe(expected.transition);
  if (expected.from !== undefined) expect(transition?.from).toBe(expected.from);
  if (expected.fromSeverity !== undefined) expect(transition?.fromSeverity).toBe(expected.fromSeverity);
  if (expected.reasonContains !== undefined) expect(transition?.reason).toContain(expected.reasonContains);
  if (expected.exists !== undefined) expect(record !== undefined).toBe(expected.exists);
  if (record === undefined) return;
  if (transition !== undefined) {
    expect(transition.to).toBe(record.status);
    expect(transition.findingId).toBe(record.id);
    expect(record.history.at(-1)?.kind).toBe(transition.kind);
    expect(record.lastTransition).toBe(transition.kind);
  }
  const fields = [
    'status',
    'severity',
    'occurrences',
    'version',
    'firstSeen',
    'lastSeen',
    'lastObservedAt',
    'detectionLatencyMs',
  ] as const;
  for (const field of fields) {
    if (expected[field] !== undefined) expect(record[field], field).toBe(expected[field]);
  }
  if (expected.resolvedAt !== undefined) expect(record.resolvedAt ?? null).toBe(expected.resolvedAt);
  if (expected.actorArn !== undefined) expect(record.actorArn ?? null).toBe(expected.actorArn);
  if (expected.historyLength !== undefined) expect(record.history).toHaveLength(expected.historyLength);
  if (expected.suppression !== undefined) expect(record.suppression?.kind ?? null).toBe(expected.suppression);
  if (expected.suppressionReason !== undefined)
    expect(record.suppression?.reason).toBe(expected.suppressionReason);
}

describe('applyObservation, applyManualStatus, expireSuppression', () => {
  it.each(cases as TransitionCase[])('$name', ({ steps }) => {
    let record: FindingRecord | undefined;
    let suppressions: FindingSuppression[] = [];
    for (const step of steps) {
      const now = new Date(step.now ?? step.observe?.observedAt ?? DEFAULT_NOW);
      if (step.suppressions) suppressions = step.suppressions.map((s) => buildSuppression(s, now));
      let outcome = '';
      let transition: Transition | undefined;
      if (step.observe) {
        const before = structuredClone(record);
        const result = applyObservation(record, observation(step.observe), suppressions, now);
        expect(record, 'input is not mutated').toEqual(before);
        outcome = result.outcome;
        transition = result.transition;
        if (result.write) record = result.record;
        else expect(result.record).toBe(record);
      } else if (step.manual) {
        const result = applyManualStatus(record!, step.manual, now);
        outcome = result.write ? 'written' : 'unchanged';
        transition = result.transition;
        record = result.record;
      } else if (step.expire) {
        const result = expireSuppression(record!, suppressions, now);
        outcome = result ? 'written' : 'unchanged';
        transition = result?.transition;
        if (result) record = result.record;
      }
      if (step.expect) check(step.expect, outcome, record, transition);
    }
  });

  it('uses the scan id, keeps the finding key, and redacts evidence', () => {
    const obs = observation({
      status: 'FAIL',
      observedAt: '2026-12-01T10:00:00.000Z',
      findingKey: 'Statement[0]',
    });
    obs.evidence = { note: 'key AKIAIOSFODNN7EXAMPLE leaked', statement: 0 };
    const { record } = applyObservation(undefined, obs, [], new Date('2026-12-01T10:00:00.000Z'));
    expect(record?.id).toBe(findingId('iam-admin-access', RESOURCE, 'Statement[0]'));
    expect(record?.findingKey).toBe('Statement[0]');
    expect(record?.evidence).toEqual({ note: 'key [REDACTED:aws-access-key-id] leaked', statement: 0 });
    expect(record?.trigger).toBeUndefined();
    expect(record?.detectionLatencyMs).toBeUndefined();
  });

  it('keeps the last HISTORY_LIMIT transitions and RECENT_EVENT_LIMIT event ids', () => {
    let record: FindingRecord | undefined;
    for (let i = 0; i < 30; i++) {
      const at = new Date(Date.parse('2026-12-01T00:00:00.000Z') + i * 60_000).toISOString();
      const result = applyObservation(
        record,
        observation({ status: i % 2 === 0 ? 'FAIL' : 'PASS', observedAt: at, eventId: `event-${i}` }),
        [],
        new Date(at),
      );
      expect(result.transition?.kind).toBe(i === 0 ? 'OPENED' : i % 2 === 0 ? 'REOPENED' : 'RESOLVED');
      record = result.record;
    }
    expect(record?.history).toHaveLength(HISTORY_LIMIT);
    expect(record?.history[0]?.eventId).toBe(`event-${30 - HISTORY_LIMIT}`);
    expect(record?.history.at(-1)?.eventId).toBe('event-29');
    expect(record?.recentEventIds).toHaveLength(RECENT_EVENT_LIMIT);
    expect(record?.version).toBe(30);
    expect(record?.occurrences).toBe(15);
  });

  it('rejects an observation without a valid state-read time', () => {
    const obs = observation({ status: 'FAIL', observedAt: '2026-12-01T10:00:00.000Z' });
    obs.observedAt = 'yesterday';
    expect(() => applyObservation(undefined, obs, [], new Date())).toThrow(RangeError);
  });
});

describe('transitionFromImages', () => {
  it('recovers each write’s transition from the old and new images, and nothing for plain updates', () => {
    let record: FindingRecord | undefined;
    const statuses: ResultStatus[] = ['FAIL', 'FAIL', 'PASS', 'PASS', 'FAIL'];
    statuses.forEach((status, i) => {
      const at = new Date(Date.parse('2026-12-01T00:00:00.000Z') + i * 60_000).toISOString();
      const result = applyObservation(record, observation({ status, observedAt: at }), [], new Date(at));
      expect(transitionFromImages(record, result.record)).toEqual(result.transition);
      record = result.record;
    });
    expect(transitionFromImages(record, undefined)).toBeUndefined();
  });

  it('caps oversized evidence', () => {
    const obs = observation({ status: 'FAIL', observedAt: '2026-12-01T10:00:00.000Z' });
    obs.evidence = { actions: Array.from({ length: 5000 }, (_, i) => `service:Action${i}`) };
    const { record } = applyObservation(undefined, obs, [], new Date('2026-12-01T10:00:00.000Z'));
    expect(record?.evidence).toMatchObject({ truncated: true, keys: ['actions'] });
    expect(JSON.stringify(record?.evidence).length).toBeLessThan(MAX_EVIDENCE_CHARS);
  });
});
