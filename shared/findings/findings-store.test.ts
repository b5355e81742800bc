/**
 * One behavioural suite, run against the DynamoDB store (on dynalite: the real wire protocol, conditional
 * writes, GSIs) and the memory store. DynamoDB-only checks follow: no Scan is ever sent, concurrency gives up
 * with FindingConflictError, infrastructure failures carry their cause, table creation.
 */
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type LocalDynamo,
  startDynalite,
  TEST_CREDENTIALS,
  TEST_REGION,
} from '../../test/support/dynalite.ts';
import type { ResultStatus, Severity } from '../rules/rule-types.ts';
import { findingId } from '../scan/finding.ts';
import { createTableIfMissing, DynamoFindingsStore } from './dynamo-findings-store.ts';
import type { FindingQuery } from './finding-query.ts';
import type { FindingRecord, FindingTrigger, Observation, Transition } from './finding-record.ts';
import {
  FindingConflictError,
  FindingNotFoundError,
  FindingsQueryError,
  FindingsStoreError,
} from './findings-errors.ts';
import type { FindingsStore } from './findings-store.ts';
import { MemoryFindingsStore } from './memory-findings-store.ts';
import { FINDINGS_TABLE_SCHEMA } from './table-schema.ts';

const ACCOUNT = '111122223333';
const T0 = Date.parse('2026-12-01T10:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const fn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;

interface ObserveInput {
  rule?: string;
  resource?: string;
  status?: ResultStatus;
  severity?: Severity;
  /** Minutes after T0 of the state read. */
  minute?: number;
  findingKey?: string;
  eventId?: string;
  actor?: string;
}

function observation(input: ObserveInput = {}): Observation {
  const obs: Observation = {
    ruleId: input.rule ?? 'iam-admin-access',
    title: 'Principal with administrator access',
    remediation: { summary: 'Scope the policy down.' },
    severity: input.severity ?? 'high',
    status: input.status ?? 'FAIL',
    resource: input.resource ?? role('admin'),
    resourceType: 'AWS::IAM::Role',
    accountId: ACCOUNT,
    region: 'us-east-1',
    message: `${input.status ?? 'FAIL'} on ${input.resource ?? role('admin')}`,
    evidence: { policy: 'AdministratorAccess', statement: 0 },
    observedAt: at(input.minute ?? 0),
  };
  if (input.findingKey !== undefined) obs.findingKey = input.findingKey;
  if (input.eventId !== undefined) {
    const trigger: FindingTrigger = {
      eventId: input.eventId,
      eventName: 'AttachRolePolicy',
      eventTime: at((input.minute ?? 0) - 1),
      sourceIp: '198.51.100.7',
      userAgent: 'aws-cli/2.22.0',
    };
    if (input.actor !== undefined) trigger.actorArn = input.actor;
    obs.trigger = trigger;
  }
  return obs;
}

/** The test clock: every store reads it. */
let clockMs = T0;
const clock = () => new Date(clockMs);

interface Backend {
  name: string;
  create(): Promise<FindingsStore>;
}

let local: LocalDynamo;
let client: DynamoDBClient;
/** Every DynamoDB command the stores sent (by the middleware below). */
const sent: string[] = [];
let tables = 0;

beforeAll(async () => {
  local = await startDynalite();
  client = local.client();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'recordCommandNames' },
  );
});

afterAll(async () => {
  await local.stop();
});

beforeEach(() => {
  clockMs = T0;
  sent.length = 0;
});

afterEach(() => {
  expect(sent.filter((name) => name.startsWith('Scan'))).toEqual([]);
});

async function newDynamoStore(
  options: Partial<ConstructorParameters<typeof DynamoFindingsStore>[0]> = {},
): Promise<DynamoFindingsStore> {
  const tableName = `findings-${++tables}`;
  await createTableIfMissing(client, tableName);
  return new DynamoFindingsStore({ client, tableName, now: clock, ...options });
}

const backends: Backend[] = [
  { name: 'DynamoFindingsStore (dynalite)', create: () => newDynamoStore() },
  { name: 'MemoryFindingsStore', create: async () => new MemoryFindingsStore({ now: clock }) },
];

async function allPages(store: FindingsStore, query: FindingQuery): Promise<FindingRecord[][]> {
  const pages: FindingRecord[][] = [];
  let cursor: string | undefined;
  do {
    const page = await store.query(cursor === undefined ? query : { ...query, cursor });
    pages.push(page.items);
    cursor = page.cursor;
  } while (cursor !== undefined && pages.length < 100);
  return pages;
}

const severityOrder: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
/** The documented order: severity, then newest last transition, then id. */
function expectedOrder(records: FindingRecord[]): string[] {
  return [...records]
    .sort(
      (a, b) =>
        severityOrder[a.severity] - severityOrder[b.severity] ||
        b.lastTransitionAt.localeCompare(a.lastTransitionAt) ||
        a.id.localeCompare(b.id),
    )
    .map((r) => r.id);
}

describe.each(backends)('$name', (backend) => {
  let store: FindingsStore;

  describe('observations, suppressions, claims', () => {
    beforeEach(async () => {
      store = await backend.create();
    });

    it('records a new finding, then counts re-evaluations without a transition', async () => {
      clockMs = T0 + 5_000;
      const opened = await store.recordObservation(
        observation({ eventId: 'e1', actor: 'arn:aws:iam::111122223333:user/alice' }),
      );
      expect(opened).toMatchObject({ kind: 'OPENED', from: null, to: 'OPEN', eventId: 'e1' });
      const id = findingId('iam-admin-access', role('admin'));
      expect(opened?.findingId).toBe(id);

      expect(await store.recordObservation(observation({ minute: 10 }))).toBeUndefined();
      const record = await store.get(id);
      expect(record).toMatchObject({
        status: 'OPEN',
        occurrences: 2,
        version: 2,
        firstSeen: at(0),
        lastSeen: at(10),
        actorArn: 'arn:aws:iam::111122223333:user/alice',
        detectionLatencyMs: 65_000,
        trigger: { eventId: 'e1', eventName: 'AttachRolePolicy', sourceIp: '198.51.100.7' },
      });
      expect(record?.history).toHaveLength(1);
      expect(await store.get('tl-00000000000000000000')).toBeUndefined();
    });

    it('PASS, UNKNOWN and ERROR for an unknown finding store nothing', async () => {
      for (const status of ['PASS', 'NOT_APPLICABLE', 'UNKNOWN', 'ERROR'] as const) {
        expect(await store.recordObservation(observation({ status }))).toBeUndefined();
      }
      expect(await store.get(findingId('iam-admin-access', role('admin')))).toBeUndefined();
      expect((await store.query({ status: 'all' })).items).toEqual([]);
    });

    it('concurrent observations of one finding: exactly one OPENED, every occurrence counted', async () => {
      const n = 16;
      const transitions = await Promise.all(
        Array.from({ length: n }, (_, i) => store.recordObservation(observation({ eventId: `event-${i}` }))),
      );
      expect(transitions.filter((t) => t?.kind === 'OPENED')).toHaveLength(1);
      expect(transitions.filter((t) => t !== undefined)).toHaveLength(1);
      const record = await store.get(findingId('iam-admin-access', role('admin')));
      expect(record).toMatchObject({ occurrences: n, version: n, status: 'OPEN' });
      expect(record?.history).toHaveLength(1);
    });

    it('concurrent FAIL and PASS read at different times converge on the newest state', async () => {
      const deliveries = [0, 1, 2, 3, 4, 5, 6, 7].map((minute) =>
        observation({ minute, status: minute % 2 === 0 ? 'FAIL' : 'PASS', eventId: `e${minute}` }),
      );
      await store.recordObservation(deliveries[0]!);
      await Promise.all(
        deliveries
          .slice(1)
          .reverse()
          .map((d) => store.recordObservation(d)),
      );
      const record = await store.get(findingId('iam-admin-access', role('admin')));
      expect(record).toMatchObject({ status: 'RESOLVED', lastObservedAt: at(7) });
    });

    it('the same event delivered twice: claimed once, one transition, one occurrence', async () => {
      expect(await store.claimEvent('event-1')).toEqual({ claimed: true });
      expect(await store.claimEvent('event-1')).toEqual({ claimed: false, state: 'IN_PROGRESS' });
      const first = await store.recordObservation(observation({ eventId: 'event-1' }));
      await store.completeEvent('event-1');
      expect(await store.claimEvent('event-1')).toEqual({ claimed: false, state: 'COMPLETED' });
      // Even without the claim (a second evaluator's copy), the store does not count the event twice.
      const second = await store.recordObservation(observation({ eventId: 'event-1' }));
      expect(first?.kind).toBe('OPENED');
      expect(second).toBeUndefined();
      expect(await store.get(findingId('iam-admin-access', role('admin')))).toMatchObject({
        occurrences: 1,
        version: 1,
      });
    });

    it('event claims: an abandoned claim can be taken again, a released one at once, an expired one too', async () => {
      expect(await store.claimEvent('e-stale', { staleAfterSeconds: 60 })).toEqual({ claimed: true });
      clockMs += 30_000;
      expect(await store.claimEvent('e-stale', { staleAfterSeconds: 60 })).toEqual({
        claimed: false,
        state: 'IN_PROGRESS',
      });
      clockMs += 31_000;
      expect(await store.claimEvent('e-stale', { staleAfterSeconds: 60 })).toEqual({ claimed: true });

      expect(await store.claimEvent('e-failed')).toEqual({ claimed: true });
      await store.releaseEvent('e-failed');
      expect(await store.claimEvent('e-failed')).toEqual({ claimed: true });

      await store.claimEvent('e-done');
      await store.completeEvent('e-done', { ttlSeconds: 3600 });
      await store.releaseEvent('e-done'); // a completed event is not released
      expect(await store.claimEvent('e-done')).toEqual({ claimed: false, state: 'COMPLETED' });
      clockMs += 3_601_000;
      expect(await store.claimEvent('e-done')).toEqual({ claimed: true });
    });

    it('out-of-order delivery converges on the state read last', async () => {
      // State-read times 0 FAIL, 5 PASS, 10 FAIL, 15 PASS: in order on one role, shuffled on another.
      const timeline = [
        [0, 'FAIL'],
        [5, 'PASS'],
        [10, 'FAIL'],
        [15, 'PASS'],
      ] as const;
      const inOrder = [];
      for (const [minute, status] of timeline) {
        inOrder.push(
          (await store.recordObservation(observation({ minute, status, resource: role('a') })))?.kind,
        );
      }
      expect(inOrder).toEqual(['OPENED', 'RESOLVED', 'REOPENED', 'RESOLVED']);
      const shuffled = [];
      for (const index of [0, 3, 2, 1]) {
        const [minute, status] = timeline[index]!;
        shuffled.push(
          (await store.recordObservation(observation({ minute, status, resource: role('b') })))?.kind,
        );
      }
      expect(shuffled).toEqual(['OPENED', 'RESOLVED', undefined, undefined]);
      const a = await store.get(findingId('iam-admin-access', role('a')));
      const b = await store.get(findingId('iam-admin-access', role('b')));
      expect(a).toMatchObject({ status: 'RESOLVED', lastObservedAt: at(15), resolvedAt: at(15) });
      expect(b).toMatchObject({ status: 'RESOLVED', lastObservedAt: at(15), resolvedAt: at(15) });
    });

    it('suppressions: matching FAILs are suppressed; expiry and removal reopen them in the sweep', async () => {
      const temporary = await store.putSuppression({
        ruleId: 'iam-admin-access',
        resourcePattern: role('break-*'),
        reason: 'break-glass roles',
        createdBy: 'arn:aws:iam::111122223333:user/alice',
        expiresAt: at(60),
      });
      const permanent = await store.putSuppression({
        ruleId: '*',
        resourcePattern: fn('legacy-?'),
        reason: 'legacy functions',
        createdBy: 'arn:aws:iam::111122223333:user/alice',
      });
      expect(temporary.id).toMatch(/^sp-[0-9a-f]{16}$/);
      expect(temporary.createdAt).toBe(at(0));
      expect((await store.listSuppressions()).map((s) => s.id).sort()).toEqual(
        [temporary.id, permanent.id].sort(),
      );

      expect((await store.recordObservation(observation({ resource: role('break-glass') })))?.kind).toBe(
        'SUPPRESSED',
      );
      expect((await store.recordObservation(observation({ resource: fn('legacy-1') })))?.kind).toBe(
        'SUPPRESSED',
      );
      expect((await store.recordObservation(observation({ resource: role('app') })))?.kind).toBe('OPENED');
      expect((await store.query({ status: 'suppressed' })).items.map((r) => r.resource).sort()).toEqual(
        [fn('legacy-1'), role('break-glass')].sort(),
      );

      clockMs = T0 + 30 * 60_000;
      expect(await store.expireSuppressions()).toEqual([]);
      clockMs = T0 + 61 * 60_000;
      const reopened = await store.expireSuppressions();
      expect(reopened.map((t) => [t.kind, t.resource])).toEqual([['UNSUPPRESSED', role('break-glass')]]);
      expect(reopened[0]?.reason).toContain('expired');

      expect(await store.deleteSuppression(permanent.id)).toBe(true);
      expect(await store.deleteSuppression(permanent.id)).toBe(false);
      expect(await store.listSuppressions()).toHaveLength(1);
      // Removal: the next observation reopens it (the sweep would too).
      const next = await store.recordObservation(observation({ resource: fn('legacy-1'), minute: 62 }));
      expect(next).toMatchObject({ kind: 'UNSUPPRESSED', to: 'OPEN' });
      expect((await store.query({ status: 'suppressed' })).items).toEqual([]);
    });

    it('manual status changes are recorded with who and why', async () => {
      const id = (await store.recordObservation(observation()))!.findingId;
      clockMs = T0 + 60_000;
      const suppressed = await store.setStatus(id, {
        status: 'SUPPRESSED',
        reason: 'risk accepted',
        actor: 'arn:aws:iam::111122223333:user/bob',
      });
      expect(suppressed).toMatchObject({ kind: 'SUPPRESSED', actor: 'arn:aws:iam::111122223333:user/bob' });
      expect(await store.recordObservation(observation({ minute: 2 }))).toBeUndefined();
      expect((await store.get(id))?.status).toBe('SUPPRESSED');

      const reopened = await store.setStatus(id, { status: 'OPEN', reason: 'not accepted', actor: 'carol' });
      expect(reopened).toMatchObject({ kind: 'UNSUPPRESSED', to: 'OPEN', reason: 'manual: not accepted' });
      clockMs = T0 + 10 * 60_000;
      const resolved = await store.setStatus(id, {
        status: 'RESOLVED',
        reason: 'fixed by hand',
        actor: 'carol',
      });
      expect(resolved?.kind).toBe('RESOLVED');
      expect(
        await store.setStatus(id, { status: 'RESOLVED', reason: 'again', actor: 'carol' }),
      ).toBeUndefined();
      // A state read before the manual resolution is stale.
      expect(await store.recordObservation(observation({ minute: 5 }))).toBeUndefined();
      expect((await store.recordObservation(observation({ minute: 11 })))?.kind).toBe('REOPENED');

      const record = await store.get(id);
      expect(record?.history.map((h) => [h.kind, h.actor ?? null])).toEqual([
        ['OPENED', null],
        ['SUPPRESSED', 'arn:aws:iam::111122223333:user/bob'],
        ['UNSUPPRESSED', 'carol'],
        ['RESOLVED', 'carol'],
        ['REOPENED', null],
      ]);
      await expect(
        store.setStatus('tl-ffffffffffffffffffff', { status: 'RESOLVED', reason: 'x', actor: 'carol' }),
      ).rejects.toBeInstanceOf(FindingNotFoundError);
    });
  });

  describe('lists', () => {
    let all: FindingRecord[];
    beforeAll(async () => {
      store = await backend.create();
      all = await seed();
    });

    /** 23 findings: 4 rules, 5 severities, roles and functions, 3 actors, some resolved, some suppressed. */
    async function seed(): Promise<FindingRecord[]> {
      const severities: Severity[] = ['info', 'low', 'medium', 'high', 'critical'];
      const rules = [
        'iam-admin-access',
        'iam-passrole-wildcard',
        'lambda-url-auth-none',
        'trust-public-principal',
      ];
      for (let i = 0; i < 23; i++) {
        clockMs = T0 + i * 3_600_000; // one an hour: lastTransitionAt differs, days 1 and 2
        const resource =
          i % 3 === 0 ? fn(`worker-${i % 5}`) : role(i % 2 === 0 ? `app-${i}` : `ops/app-${i}`);
        await store.recordObservation(
          observation({
            rule: rules[i % rules.length]!,
            resource,
            findingKey: `k${i}`,
            severity: severities[i % severities.length]!,
            minute: i * 60,
            eventId: `seed-${i}`,
            actor: `arn:aws:iam::111122223333:user/${['alice', 'bob', 'carol'][i % 3]}`,
          }),
        );
      }
      // A neighbour of `worker-0` that an exact query must not return.
      await store.recordObservation(
        observation({ resource: fn('worker-0x'), minute: 23 * 60, eventId: 'seed-x' }),
      );
      clockMs = T0 + 24 * 3_600_000;
      const records = [];
      for (let i = 0; i < 23; i++) {
        const resource =
          i % 3 === 0 ? fn(`worker-${i % 5}`) : role(i % 2 === 0 ? `app-${i}` : `ops/app-${i}`);
        records.push((await store.get(findingId(rules[i % rules.length]!, resource, `k${i}`)))!);
      }
      // Resolve three (sweep, no actor) and suppress two manually.
      for (const i of [4, 9, 14]) {
        const r = records[i]!;
        await store.recordObservation({
          ...observation({
            rule: r.ruleId,
            resource: r.resource,
            findingKey: r.findingKey!,
            minute: 24 * 60,
          }),
          status: 'PASS',
        });
      }
      clockMs += 60_000;
      for (const i of [5, 16]) {
        await store.setStatus(records[i]!.id, { status: 'SUPPRESSED', reason: 'accepted', actor: 'dave' });
      }
      const seeded = [];
      for (const r of records) seeded.push((await store.get(r.id))!);
      seeded.push((await store.get(findingId('iam-admin-access', fn('worker-0x'))))!);
      return seeded;
    }

    it('pages through every filter in severity-then-recency order, with Query only', async () => {
      expect(all.filter((r) => r.status === 'OPEN')).toHaveLength(19);
      sent.length = 0;
      const check = async (query: FindingQuery, expected: FindingRecord[], limit = 4) => {
        const pages = await allPages(store, { ...query, limit });
        const ids = pages.flat().map((r) => r.id);
        expect(ids, JSON.stringify(query)).toEqual(expectedOrder(expected));
        expect(new Set(ids).size).toBe(ids.length);
        for (const page of pages.slice(0, -1)) expect(page).toHaveLength(limit);
      };
      const open = all.filter((r) => r.status === 'OPEN');
      await check({}, open);
      await check({ status: 'all' }, all, 5);
      await check(
        { status: 'resolved' },
        all.filter((r) => r.status === 'RESOLVED'),
        2,
      );
      await check(
        { status: 'suppressed' },
        all.filter((r) => r.status === 'SUPPRESSED'),
        1,
      );
      await check(
        { minSeverity: 'high' },
        open.filter((r) => ['high', 'critical'].includes(r.severity)),
      );
      await check(
        { status: 'all', minSeverity: 'medium' },
        all.filter((r) => r.severity !== 'info' && r.severity !== 'low'),
        3,
      );
      await check(
        { ruleId: 'iam-passrole-wildcard' },
        open.filter((r) => r.ruleId === 'iam-passrole-wildcard'),
        2,
      );
      await check(
        { ruleId: 'iam-admin-access', status: 'all', minSeverity: 'critical' },
        all.filter((r) => r.ruleId === 'iam-admin-access' && r.severity === 'critical'),
        1,
      );
      await check(
        { actorArn: 'arn:aws:iam::111122223333:user/bob' },
        open.filter((r) => r.actorArn === 'arn:aws:iam::111122223333:user/bob'),
        2,
      );
      await check(
        { actorArn: 'dave', status: 'all' },
        all.filter((r) => r.actorArn === 'dave'),
      );
      const since = at(12 * 60);
      await check(
        { since, status: 'all' },
        all.filter((r) => r.lastTransitionAt >= since),
        3,
      );
      if (store instanceof DynamoFindingsStore) {
        expect(sent.filter((name) => name === 'QueryCommand').length).toBeGreaterThan(10);
        expect(new Set(sent)).toEqual(new Set(['QueryCommand', 'BatchGetItemCommand']));
      }
    });

    it('queries a resource by exact ARN (severity order) or by prefix (ARN order)', async () => {
      const worker0 = all.filter((r) => r.resource === fn('worker-0'));
      expect(worker0.length).toBeGreaterThan(1);
      const exact = await allPages(store, { resource: { exact: fn('worker-0') }, status: 'all', limit: 1 });
      expect(exact.flat().map((r) => r.id)).toEqual(expectedOrder(worker0));
      // `worker-0x` is a neighbour in ARN order, never part of an exact answer.
      expect(all.some((r) => r.resource === fn('worker-0x'))).toBe(true);

      const prefix = `arn:aws:iam::${ACCOUNT}:role/ops/`;
      const underOps = all.filter((r) => r.resource.startsWith(prefix) && r.status === 'OPEN');
      const pages = await allPages(store, { resource: { prefix }, limit: 3 });
      const byArn = [...underOps]
        .sort(
          (a, b) =>
            Buffer.compare(Buffer.from(a.resource), Buffer.from(b.resource)) ||
            severityOrder[a.severity] - severityOrder[b.severity] ||
            b.lastTransitionAt.localeCompare(a.lastTransitionAt),
        )
        .map((r) => r.id);
      expect(pages.flat().map((r) => r.id)).toEqual(byArn);

      const highUnderRoles = await allPages(store, {
        resource: { prefix: `arn:aws:iam::${ACCOUNT}:role/` },
        minSeverity: 'high',
        status: 'all',
      });
      expect(highUnderRoles.flat().every((r) => ['high', 'critical'].includes(r.severity))).toBe(true);
      expect(highUnderRoles.flat()).toHaveLength(
        all.filter((r) => r.resource.includes(':role/') && ['high', 'critical'].includes(r.severity)).length,
      );
      const exactHigh = await store.query({
        resource: { exact: fn('worker-0') },
        minSeverity: 'high',
        status: 'all',
      });
      expect(exactHigh.items.map((r) => r.id)).toEqual(
        expectedOrder(worker0.filter((r) => ['high', 'critical'].includes(r.severity))),
      );
    });

    it('lists recent transitions by day, newest first', async () => {
      clockMs = T0 + 25 * 3_600_000; // `until` defaults to now
      const since = at(20 * 60);
      const pages: FindingRecord[][] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listTransitions(
          cursor === undefined ? { since, limit: 4 } : { since, limit: 4, cursor },
        );
        pages.push(page.items);
        cursor = page.cursor;
      } while (cursor !== undefined);
      const expected = all
        .filter((r) => r.lastTransitionAt >= since)
        .sort((a, b) => b.lastTransitionAt.localeCompare(a.lastTransitionAt) || a.id.localeCompare(b.id))
        .map((r) => r.id);
      expect(expected.length).toBeGreaterThan(4);
      expect(pages.flat().map((r) => r.id)).toEqual(expected);
      const open = await store.listTransitions({ since, status: 'open', minSeverity: 'medium' });
      expect(open.items.every((r) => r.status === 'OPEN' && !['info', 'low'].includes(r.severity))).toBe(
        true,
      );
    });

    it('rejects queries the table cannot answer with a Query, and foreign cursors', async () => {
      await expect(store.query({ resource: { prefix: 'arn:aws:iam::' } })).rejects.toBeInstanceOf(
        FindingsQueryError,
      );
      const everyRole = await allPages(store, { resource: { prefix: 'arn:aws:iam::' }, accountId: ACCOUNT });
      expect(everyRole.flat()).toHaveLength(
        all.filter((r) => r.resource.startsWith('arn:aws:iam::') && r.status === 'OPEN').length,
      );
      const first = await store.query({ limit: 2 });
      expect(first.cursor).toBeDefined();
      await expect(store.query({ status: 'all', limit: 2, cursor: first.cursor! })).rejects.toBeInstanceOf(
        FindingsQueryError,
      );
      await expect(store.query({ cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(FindingsQueryError);
      await expect(store.query({ limit: 500 })).rejects.toBeInstanceOf(FindingsQueryError);
      await expect(store.listTransitions({ since: '2020-01-01T00:00:00Z' })).rejects.toBeInstanceOf(
        FindingsQueryError,
      );
    });
  });
});

describe('DynamoFindingsStore and MemoryFindingsStore agree', () => {
  it('replaying the same observations yields the same records and pages', async () => {
    const dynamo = await newDynamoStore();
    const memory = new MemoryFindingsStore({ now: clock });
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const statuses: ResultStatus[] = ['FAIL', 'FAIL', 'FAIL', 'PASS', 'NOT_APPLICABLE', 'UNKNOWN', 'ERROR'];
    const severities: Severity[] = ['info', 'low', 'medium', 'high', 'critical'];
    for (const s of [dynamo, memory]) {
      await s.putSuppression({ ruleId: '*', resourcePattern: role('svc-1'), reason: 'r', createdBy: 'ops' });
    }
    const transitions: [Transition | undefined, Transition | undefined][] = [];
    for (let i = 0; i < 90; i++) {
      clockMs = T0 + i * 600_000;
      const obs = observation({
        rule: ['iam-admin-access', 'lambda-url-auth-none'][random(2)]!,
        resource: role(`svc-${random(6)}`),
        status: statuses[random(statuses.length)]!,
        severity: severities[random(severities.length)]!,
        minute: i * 10 - random(40),
        eventId: `e-${random(80)}`,
        actor: `user-${random(3)}`,
      });
      transitions.push([await dynamo.recordObservation(obs), await memory.recordObservation(obs)]);
    }
    for (const [fromDynamo, fromMemory] of transitions) expect(fromDynamo).toEqual(fromMemory);
    expect(transitions.filter(([t]) => t !== undefined).length).toBeGreaterThan(10);
    for (const query of [
      { status: 'all' },
      { minSeverity: 'medium' },
      { status: 'resolved' },
    ] as FindingQuery[]) {
      expect(await allPages(dynamo, { ...query, limit: 3 })).toEqual(
        await allPages(memory, { ...query, limit: 3 }),
      );
    }
  });
});

describe('DynamoFindingsStore only', () => {
  it('retries a conditional write by re-reading, then gives up with FindingConflictError', async () => {
    const tableName = `findings-${++tables}`;
    await createTableIfMissing(client, tableName);
    const conflicting = local.client();
    const calls: string[] = [];
    conflicting.middlewareStack.add(
      (next, context) => async (args) => {
        calls.push(String(context.commandName));
        if (context.commandName === 'PutItemCommand') {
          throw Object.assign(new Error('The conditional request failed'), {
            name: 'ConditionalCheckFailedException',
          });
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    const store = new DynamoFindingsStore({
      client: conflicting,
      tableName,
      maxAttempts: 3,
      backoff: { baseMs: 1, maxMs: 2 },
      suppressionCacheMs: 0,
    });
    await expect(store.recordObservation(observation())).rejects.toBeInstanceOf(FindingConflictError);
    expect(calls.filter((c) => c === 'GetItemCommand')).toHaveLength(3);
    expect(calls.filter((c) => c === 'PutItemCommand')).toHaveLength(3);
  });

  it('infrastructure failures propagate as FindingsStoreError with the cause', async () => {
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const unreachable = new DynamoDBClient({
      endpoint: 'http://127.0.0.1:1',
      region: TEST_REGION,
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    const store = new DynamoFindingsStore({ client: unreachable, tableName: 'findings' });
    const error = await store.recordObservation(observation()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FindingsStoreError);
    expect((error as Error).message).toMatch(/DynamoDB GetItem on table findings failed/);
    expect((error as Error).cause).toBeInstanceOf(Error);
    await expect(store.query()).rejects.toBeInstanceOf(FindingsStoreError);
    await expect(store.claimEvent('e')).rejects.toBeInstanceOf(FindingsStoreError);
    unreachable.destroy();

    const missingTable = new DynamoFindingsStore({ client, tableName: 'no-such-table' });
    const missing = await missingTable.get('tl-x').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(FindingsStoreError);
    expect(((missing as Error).cause as Error).name).toBe('ResourceNotFoundException');
  });

  it('createTableIfMissing creates the exact schema once and refuses a foreign table', async () => {
    const tableName = `findings-${++tables}`;
    expect(await createTableIfMissing(client, tableName)).toBe('created');
    expect(await createTableIfMissing(client, tableName)).toBe('exists');
    const { DescribeTableCommand, CreateTableCommand } = await import('@aws-sdk/client-dynamodb');
    const table = (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table!;
    expect(table.KeySchema).toEqual(FINDINGS_TABLE_SCHEMA.KeySchema);
    expect(table.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(
      table.GlobalSecondaryIndexes?.map((i) => ({
        IndexName: i.IndexName,
        KeySchema: i.KeySchema,
        Projection: i.Projection,
      })).sort((a, b) => a.IndexName!.localeCompare(b.IndexName!)),
    ).toEqual(
      [...FINDINGS_TABLE_SCHEMA.GlobalSecondaryIndexes].sort((a, b) =>
        a.IndexName.localeCompare(b.IndexName),
      ),
    );

    const foreign = `other-${++tables}`;
    await client.send(
      new CreateTableCommand({
        TableName: foreign,
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await expect(createTableIfMissing(client, foreign)).rejects.toThrow(/exists with another schema/);
    await client.send(new DeleteTableCommand({ TableName: foreign }));
  });
});
