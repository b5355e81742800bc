import { describe, expect, it } from 'vitest';
import { SEVERITIES } from '../rules/rule-types.ts';
import { planQuery, planTransitions } from './finding-query.ts';
import type { FindingRecord } from './finding-record.ts';
import { FindingsQueryError } from './findings-errors.ts';
import {
  ATTRIBUTE_DEFINITIONS,
  arnAccount,
  FINDINGS_TABLE_SCHEMA,
  findingItem,
  GLOBAL_SECONDARY_INDEXES,
  INDEX,
  indexAttributes,
  invertedMillis,
  recordFromItem,
  severityUpperBound,
} from './table-schema.ts';

function record(overrides: Partial<FindingRecord> = {}): FindingRecord {
  return {
    id: 'tl-0123456789abcdef0123',
    ruleId: 'iam-admin-access',
    severity: 'high',
    status: 'OPEN',
    resource: 'arn:aws:iam::111122223333:role/app',
    resourceType: 'AWS::IAM::Role',
    accountId: '111122223333',
    region: 'us-east-1',
    title: 'Principal with administrator access',
    message: 'role app has AdministratorAccess',
    evidence: {},
    remediation: { summary: 'Scope it down.' },
    firstSeen: '2026-12-01T10:00:00.000Z',
    lastSeen: '2026-12-01T10:00:00.000Z',
    occurrences: 1,
    lastTransitionAt: '2026-12-01T10:00:01.000Z',
    lastTransition: 'OPENED',
    history: [],
    lastObservedAt: '2026-12-01T10:00:00.000Z',
    recentEventIds: [],
    version: 1,
    updatedAt: '2026-12-01T10:00:01.000Z',
    ...overrides,
  };
}

describe('table schema', () => {
  it('defines exactly the attributes its keys use (DynamoDB rejects unused definitions)', () => {
    const used = new Set([
      ...FINDINGS_TABLE_SCHEMA.KeySchema.map((k) => k.AttributeName),
      ...GLOBAL_SECONDARY_INDEXES.flatMap((i) => i.KeySchema.map((k) => k.AttributeName)),
    ]);
    expect(new Set(ATTRIBUTE_DEFINITIONS.map((a) => a.AttributeName))).toEqual(used);
    expect(ATTRIBUTE_DEFINITIONS.every((a) => a.AttributeType === 'S')).toBe(true);
  });

  it('projects the filtered attributes into every index, never an index key, at most 100 in all', () => {
    let total = 0;
    for (const index of GLOBAL_SECONDARY_INDEXES) {
      const keys = index.KeySchema.map((k) => k.AttributeName);
      const projected = index.Projection.NonKeyAttributes ?? [];
      total += projected.length;
      expect(index.Projection.ProjectionType).toBe('INCLUDE');
      expect(projected.filter((a) => keys.includes(a))).toEqual([]);
      for (const attribute of ['status', 'severity', 'ruleId', 'resource', 'actorArn', 'lastTransitionAt']) {
        expect([...keys, ...projected], `${index.IndexName} lacks ${attribute}`).toContain(attribute);
      }
    }
    expect(total).toBeLessThanOrEqual(100);
    expect(FINDINGS_TABLE_SCHEMA.BillingMode).toBe('PAY_PER_REQUEST');
    expect(FINDINGS_TABLE_SCHEMA.StreamSpecification).toEqual({
      StreamEnabled: true,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
  });

  it('orders severityOrder by severity, then newest first, then id', () => {
    const keys = [
      indexAttributes(record({ severity: 'low', lastTransitionAt: '2026-12-02T00:00:00.000Z' }))
        .severityOrder,
      indexAttributes(record({ severity: 'critical', lastTransitionAt: '2026-11-01T00:00:00.000Z' }))
        .severityOrder,
      indexAttributes(record({ severity: 'critical', lastTransitionAt: '2026-12-01T00:00:00.000Z' }))
        .severityOrder,
      indexAttributes(record({ severity: 'info', lastTransitionAt: '2027-01-01T00:00:00.000Z' }))
        .severityOrder,
    ];
    expect([...keys].sort()).toEqual([keys[2], keys[1], keys[0], keys[3]]);
    for (const severity of SEVERITIES) {
      const order = indexAttributes(record({ severity })).severityOrder;
      for (const minimum of SEVERITIES) {
        const atLeast = SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(minimum);
        expect(order < severityUpperBound(minimum), `${severity} ≥ ${minimum}`).toBe(atLeast);
      }
    }
    expect(invertedMillis('2026-12-01T00:00:00.001Z') < invertedMillis('2026-12-01T00:00:00.000Z')).toBe(
      true,
    );
  });

  it('derives the resource partition from the ARN', () => {
    expect(arnAccount('arn:aws:iam::111122223333:role/app')).toBe('111122223333');
    expect(arnAccount('arn:aws:lambda:eu-west-1:444455556666:function:f')).toBe('444455556666');
    expect(arnAccount('arn:aws:iam::aws:policy/AdministratorAccess')).toBe('aws');
    expect(arnAccount('arn:aws:iam::1111')).toBeUndefined();
    expect(arnAccount('event/abc')).toBeUndefined();
    const attributes = indexAttributes(record({ resource: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
    expect(attributes.resourceAccount).toBe('aws');
    expect(attributes.resourceOrder.startsWith('arn:aws:iam::aws:policy/ReadOnlyAccess ')).toBe(true);
    expect(indexAttributes(record({ resource: 'event/abc' })).resourceAccount).toBe('111122223333');
    expect(indexAttributes(record()).actorArn).toBeUndefined();
    expect(indexAttributes(record({ actorArn: 'arn:aws:iam::111122223333:user/a' })).actorArn).toBe(
      'arn:aws:iam::111122223333:user/a',
    );
  });

  it('maps records to items and back; other items are not findings', () => {
    const r = record({ actorArn: 'arn:aws:iam::111122223333:user/a' });
    const item = findingItem(r);
    expect(item).toMatchObject({ pk: `FINDING#${r.id}`, sk: 'FINDING', status: 'OPEN', ruleId: r.ruleId });
    expect(recordFromItem(item)).toEqual(r);
    expect(recordFromItem({ pk: 'SUPPRESSION', sk: 'sp-1', itemType: 'suppression' })).toBeUndefined();
    expect(recordFromItem(undefined)).toBeUndefined();
  });
});

describe('query plans', () => {
  it.each([
    [{}, INDEX.byStatus, ['OPEN']],
    [{ status: 'all' }, INDEX.byStatus, ['OPEN', 'RESOLVED', 'SUPPRESSED']],
    [{ ruleId: 'iam-admin-access', actorArn: 'x' }, INDEX.byRule, ['iam-admin-access']],
    [{ actorArn: 'arn:aws:iam::111122223333:user/a' }, INDEX.byActor, ['arn:aws:iam::111122223333:user/a']],
    [
      { resource: { exact: 'arn:aws:iam::111122223333:role/a' }, ruleId: 'r' },
      INDEX.byResource,
      ['111122223333'],
    ],
    [{ resource: { prefix: 'arn:aws:iam::111122223333:role/' } }, INDEX.byResource, ['111122223333']],
    [
      { resource: { prefix: 'arn:aws:lambda:' }, accountId: '444455556666' },
      INDEX.byResource,
      ['444455556666'],
    ],
  ] as const)('%j → %s %j', (query, index, partitions) => {
    const plan = planQuery(query);
    expect(plan.streams.map((s) => s.index)).toEqual(partitions.map(() => index));
    expect(plan.streams.map((s) => s.partition)).toEqual(partitions);
  });

  it('turns minimum severity into a key condition where the sort key allows it', () => {
    expect(planQuery({ minSeverity: 'high' }).streams[0]?.range).toEqual({ kind: 'less_than', value: '2' });
    expect(planQuery({ minSeverity: 'info' }).streams[0]?.range).toBeUndefined();
    expect(
      planQuery({ resource: { exact: 'arn:aws:iam::111122223333:role/a' }, minSeverity: 'high' }).streams[0]
        ?.range,
    ).toEqual({
      kind: 'between',
      low: 'arn:aws:iam::111122223333:role/a 0',
      high: 'arn:aws:iam::111122223333:role/a 1$',
    });
  });

  it('plans one by-day stream per day, newest first', () => {
    const plan = planTransitions({ since: '2026-11-29T12:00:00Z' }, new Date('2026-12-01T08:00:00Z'));
    expect(plan.streams.map((s) => s.partition)).toEqual(['2026-12-01', '2026-11-30', '2026-11-29']);
    expect(plan.mode).toBe('sequence');
  });

  it('refuses what it cannot answer with a Query', () => {
    expect(() => planQuery({ resource: { prefix: 'arn:aws:lambda:' } })).toThrow(FindingsQueryError);
    expect(() => planQuery({ resource: { prefix: '' } })).toThrow(FindingsQueryError);
    expect(() => planQuery({ limit: 0 })).toThrow(FindingsQueryError);
    expect(() => planQuery({ since: 'last tuesday' })).toThrow(FindingsQueryError);
    expect(() => planQuery({ status: 'closed' as 'open' })).toThrow(FindingsQueryError);
  });
});
