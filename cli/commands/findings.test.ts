/**
 * `tripline findings` end to end in-process: the CLI talks to dynalite (the DynamoDB wire protocol, with the
 * table's real indexes) through a small recording proxy, which lists every operation and index sent (and can
 * answer one operation with an AWS error). A table of 3,000 findings is generated through the store's transition
 * logic (`recordObservation` on the memory store, then written as the DynamoDB store writes items); triage runs on
 * small tables written through `DynamoFindingsStore.recordObservation` itself. STS and Security Hub are mocked
 * with aws-sdk-client-mock.
 */
import { readFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BatchImportFindingsCommand,
  type BatchImportFindingsCommandInput,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTableIfMissing, DynamoFindingsStore } from '../../shared/findings/dynamo-findings-store.ts';
import type { FindingRecord, FindingStatus, Observation } from '../../shared/findings/finding-record.ts';
import { MemoryFindingsStore } from '../../shared/findings/memory-findings-store.ts';
import { findingItem } from '../../shared/findings/table-schema.ts';
import { findRule } from '../../shared/rules/index.ts';
import { type ResultStatus, SEVERITIES, type Severity, severityRank } from '../../shared/rules/rule-types.ts';
import { findingId } from '../../shared/scan/finding.ts';
import { type LocalDynamo, startDynalite } from '../../test/support/dynalite.ts';
import { runCliCaptured } from '../capture-io.ts';
import { parseCsv } from '../format/fixtures/csv-parser.ts';
import { sarifSchemaErrors } from '../format/fixtures/sarif-validator.ts';
import {
  compareFindings,
  createReadProgress,
  FINDINGS_CSV_COLUMNS,
  type FindingsStats,
  parseExpires,
  parseSince,
  percentile,
  resourceFilter,
} from './findings.ts';

const ACCOUNT = '111122223333';
/** runCliCaptured's clock. */
const NOW = new Date('2026-12-01T00:00:00.000Z');
const T0 = Date.parse('2026-11-01T00:00:00.000Z');
const HOUR = 3_600_000;
const BIG = 3000;
const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;
const BOB = `arn:aws:iam::${ACCOUNT}:user/bob`;
const DEPLOYER = `arn:aws:iam::${ACCOUNT}:role/deployer`;
const ACTORS = [ALICE, DEPLOYER, BOB];
const TEAMS = ['payments', 'search', 'web'];
const RULES = [
  'iam-admin-access',
  'trust-public-principal',
  'iam-privilege-escalation',
  'lambda-public-invoke',
  'lambda-env-secrets',
] as const;
const role = (path: string) => `arn:aws:iam::${ACCOUNT}:role/${path}`;
const fn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;
const pad = (n: number) => String(n).padStart(4, '0');

// ---- A recording proxy in front of dynalite -------------------------------------------------------------------

interface Sent {
  operation: string;
  index?: string;
}

interface RecordingProxy {
  endpoint: string;
  sent: Sent[];
  /** Answer every request for `operation` with this AWS error (until called with undefined). */
  fail(failure: { operation: string; type: string; message: string } | undefined): void;
  stop(): Promise<void>;
}

async function startRecordingProxy(upstream: string): Promise<RecordingProxy> {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true });
  const sent: Sent[] = [];
  let failure: { operation: string; type: string; message: string } | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation =
        String(req.headers['x-amz-target'] ?? '')
          .split('.')
          .pop() ?? '';
      let index: string | undefined;
      try {
        index = (JSON.parse(body.toString('utf8')) as { IndexName?: string }).IndexName;
      } catch {
        index = undefined;
      }
      sent.push(index === undefined ? { operation } : { operation, index });
      if (failure?.operation === operation) {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'proxy' });
        res.end(
          JSON.stringify({
            __type: `com.amazonaws.dynamodb.v20120810#${failure.type}`,
            message: failure.message,
          }),
        );
        return;
      }
      const forward = request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
          agent,
        },
        (upstreamRes) => {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
        },
      );
      forward.on('error', (error) => res.destroy(error));
      forward.end(body);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    sent,
    fail(next) {
      failure = next;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      agent.destroy();
    },
  };
}

// ---- Generated data -------------------------------------------------------------------------------------------

function observationFor(input: {
  rule: string;
  resource: string;
  severity: Severity;
  status: ResultStatus;
  observedAt: number;
  event?: { id: string; latencyMs: number; actor: string };
}): Observation {
  const rule = findRule(input.rule);
  if (rule === undefined) throw new Error(`no rule ${input.rule}`);
  const isRole = input.resource.includes(':iam::');
  const observation: Observation = {
    ruleId: rule.id,
    title: rule.title,
    remediation: rule.remediation,
    severity: input.severity,
    status: input.status,
    resource: input.resource,
    resourceType: isRole ? 'AWS::IAM::Role' : 'AWS::Lambda::Function',
    accountId: ACCOUNT,
    region: 'us-east-1',
    message: `${rule.title}: ${input.resource.split(/[:/]/).at(-1)}, "quoted", with commas`,
    evidence: { policy: 'inline-policy', statement: 0, actions: ['iam:*'], note: 'line one\nline two' },
    observedAt: new Date(input.observedAt).toISOString(),
  };
  if (input.event !== undefined) {
    observation.trigger = {
      eventId: input.event.id,
      eventName: isRole ? 'AttachRolePolicy' : 'AddPermission20150331v2',
      eventTime: new Date(input.observedAt - input.event.latencyMs).toISOString(),
      actorArn: input.event.actor,
      sourceIp: '198.51.100.7',
      userAgent: 'aws-cli/2.22.0',
    };
  }
  return observation;
}

/**
 * 3,000 findings of 5 rules on 1,200 roles and functions over 29 days: one in four seen by a sweep (no actor, no
 * latency), the rest by an event of one of three actors; functions fn-0100…fn-0199 of lambda-public-invoke
 * suppressed by a suppression rule; one in six later resolved by a sweep. Recorded through the memory store's
 * `recordObservation` (the transition logic both stores share), with the clock at each finding's own time.
 */
async function generateFindings(): Promise<MemoryFindingsStore> {
  let clock = T0;
  const memory = new MemoryFindingsStore({ now: () => new Date(clock) });
  await memory.putSuppression({
    ruleId: 'lambda-public-invoke',
    resourcePattern: fn('fn-01*'),
    reason: 'legacy functions behind a WAF',
    createdBy: ALICE,
    createdAt: new Date(T0).toISOString(),
  });
  const timeOf = (i: number) => T0 + Math.floor(i / 60) * 14 * HOUR + Math.floor((i % 60) / 2) * 60_000;
  const subject = (i: number) => {
    const rule = RULES[i % RULES.length]!;
    const n = Math.floor(i / RULES.length);
    const resource = rule.startsWith('lambda-') ? fn(`fn-${pad(n)}`) : role(`${TEAMS[n % 3]}/app-${pad(n)}`);
    return { rule, resource, severity: SEVERITIES[(n * 3 + i) % SEVERITIES.length]! };
  };
  for (let i = 0; i < BIG; i++) {
    clock = timeOf(i);
    const event =
      i % 4 === 3
        ? undefined
        : { id: `evt-${i}`, latencyMs: 2000 + ((i * 37) % 100) * 1000, actor: ACTORS[i % ACTORS.length]! };
    await memory.recordObservation(
      observationFor({
        ...subject(i),
        status: 'FAIL',
        observedAt: clock - 1000,
        ...(event ? { event } : {}),
      }),
    );
  }
  for (let i = 5; i < BIG; i += 6) {
    clock = timeOf(i) + 7 * HOUR;
    await memory.recordObservation(
      observationFor({ ...subject(i), status: 'PASS', observedAt: clock - 1000 }),
    );
  }
  return memory;
}

/** Writes records as DynamoFindingsStore writes them (`findingItem`), 25 per BatchWriteItem, 8 calls at a time. */
async function writeRecords(local: LocalDynamo, tableName: string, records: readonly FindingRecord[]) {
  const doc = DynamoDBDocumentClient.from(local.client({ maxAttempts: 10 }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const batches: FindingRecord[][] = [];
  for (let i = 0; i < records.length; i += 25) batches.push(records.slice(i, i + 25));
  const write = async (batch: FindingRecord[]) => {
    let requests = batch.map((r) => ({ PutRequest: { Item: findingItem(r) } }));
    while (requests.length > 0) {
      const out = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = (out.UnprocessedItems?.[tableName] ?? []) as typeof requests;
    }
  };
  for (let i = 0; i < batches.length; i += 8) await Promise.all(batches.slice(i, i + 8).map(write));
}

const bySeverityThenRecency = (records: readonly FindingRecord[]) => [...records].sort(compareFindings);

// ---- Shared servers -------------------------------------------------------------------------------------------

let local: LocalDynamo;
let proxy: RecordingProxy;
/** Every record in the big table (the model the listings are checked against). */
let records: FindingRecord[];
const BIG_TABLE = 'findings-big';
let tables = 0;

beforeAll(async () => {
  local = await startDynalite();
  proxy = await startRecordingProxy(local.endpoint);
  const memory = await generateFindings();
  records = memory.all();
  const client = local.client();
  await createTableIfMissing(client, BIG_TABLE);
  await writeRecords(local, BIG_TABLE, records);
  const store = new DynamoFindingsStore({ client, tableName: BIG_TABLE });
  for (const s of await memory.listSuppressions()) await store.putSuppression(s);
}, 60_000);

afterAll(async () => {
  await proxy?.stop();
  await local?.stop();
});

afterEach(() => {
  expect(proxy.sent.filter((s) => s.operation.startsWith('Scan'))).toEqual([]);
  proxy.sent.length = 0;
  proxy.fail(undefined);
});

type CaptureOptions = NonNullable<Parameters<typeof runCliCaptured>[1]>;

function findings(args: string[], table = BIG_TABLE, options: CaptureOptions = {}) {
  return runCliCaptured(['findings', ...args, '--endpoint', proxy.endpoint, '--table', table], {
    env: { USER: 'alice' },
    ...options,
  });
}

async function listJson(
  args: string[],
): Promise<{ findings: FindingRecord[]; count: number; more: boolean }> {
  const out = await findings(['list', '--format', 'json', ...args]);
  expect(out.stderr).toBe('');
  expect(out.exitCode).toBe(0);
  return JSON.parse(out.stdout) as { findings: FindingRecord[]; count: number; more: boolean };
}

const operations = () => proxy.sent.map((s) => s.operation);
const indexesQueried = () => [
  ...new Set(proxy.sent.filter((s) => s.operation === 'Query').map((s) => s.index)),
];

// ---- Listing --------------------------------------------------------------------------------------------------

describe('findings list', () => {
  it('the generated table is what the tests expect', () => {
    const count = (status: FindingStatus) => records.filter((r) => r.status === status).length;
    expect(records).toHaveLength(BIG);
    expect(count('RESOLVED')).toBe(BIG / 6);
    expect(count('SUPPRESSED')).toBeGreaterThan(50);
    expect(count('OPEN')).toBeGreaterThan(2000);
  });

  it('lists open findings as a table by default: most severe first, then newest, 100 of them', async () => {
    const out = await findings(['list']);
    expect(out.exitCode).toBe(0);
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^SEVERITY +STATUS +CHANGED \(UTC\) +RULE +ID +RESOURCE$/);
    expect(lines).toHaveLength(101);
    const expected = bySeverityThenRecency(records.filter((r) => r.status === 'OPEN')).slice(0, 100);
    expect(lines.slice(1).map((line) => line.split(/ +/)[5])).toEqual(expected.map((r) => r.id));
    expect(lines[1]).toMatch(/^critical +OPEN +2026-11-\d\d \d\d:\d\d /);
    expect(out.stdout).not.toContain('\u001b[');
    expect(out.stderr).toBe(
      'tripline: showing the first 100 finding(s); more match: raise --limit or narrow the filter\n',
    );
  });

  it('pages through the index up to --limit (Query and BatchGetItem per page, never Scan)', async () => {
    const out = await findings(['list', '--status', 'all', '--limit', '250', '--format', 'json']);
    expect(out.exitCode).toBe(0);
    expect(out.stderr).toMatch(/^tripline: showing the first 250 finding\(s\); more match/);
    const list = JSON.parse(out.stdout) as { findings: FindingRecord[]; more: boolean };
    expect(list.findings.map((r) => r.id)).toEqual(
      bySeverityThenRecency(records)
        .slice(0, 250)
        .map((r) => r.id),
    );
    expect(list.more).toBe(true);
    expect(operations().filter((o) => o === 'BatchGetItem')).toHaveLength(3);
    expect(indexesQueried()).toEqual(['by-status']);
    expect(operations()).not.toContain('Scan');
  });

  const latest = (r: FindingRecord) => r.lastTransitionAt;
  const open = (r: FindingRecord) => r.status === 'OPEN';
  const someRole = role('search/app-0007');
  const cases: { name: string; args: string[]; keep: (r: FindingRecord) => boolean; index: string }[] = [
    {
      name: 'status resolved',
      args: ['--status', 'resolved'],
      keep: (r) => r.status === 'RESOLVED',
      index: 'by-status',
    },
    {
      name: 'status suppressed',
      args: ['--status', 'suppressed'],
      keep: (r) => r.status === 'SUPPRESSED',
      index: 'by-status',
    },
    {
      name: 'severity high and above (open)',
      args: ['--severity', 'high'],
      keep: (r) => open(r) && severityRank(r.severity) >= severityRank('high'),
      index: 'by-status',
    },
    {
      name: 'one rule (open)',
      args: ['--rule', 'lambda-env-secrets'],
      keep: (r) => open(r) && r.ruleId === 'lambda-env-secrets',
      index: 'by-rule',
    },
    {
      name: 'one resource ARN, every status',
      args: ['--resource', someRole, '--status', 'all'],
      keep: (r) => r.resource === someRole,
      index: 'by-resource',
    },
    {
      name: 'a resource prefix ending in /',
      args: ['--resource', role('payments/'), '--status', 'all'],
      keep: (r) => r.resource.startsWith(role('payments/')),
      index: 'by-resource',
    },
    {
      name: 'a resource prefix ending in *',
      args: ['--resource', `${fn('fn-02')}*`, '--severity', 'medium'],
      keep: (r) => open(r) && r.resource.startsWith(fn('fn-02')) && severityRank(r.severity) >= 2,
      index: 'by-resource',
    },
    {
      name: 'actor, every status',
      args: ['--actor', BOB, '--status', 'all'],
      keep: (r) => r.actorArn === BOB,
      index: 'by-actor',
    },
    {
      name: 'since 7d, every status',
      args: ['--since', '7d', '--status', 'all'],
      keep: (r) => latest(r) >= '2026-11-24T00:00:00.000Z',
      index: 'by-status',
    },
    {
      name: 'since a date, resolved',
      args: ['--since', '2026-11-20', '--status', 'resolved'],
      keep: (r) => r.status === 'RESOLVED' && latest(r) >= '2026-11-20T00:00:00.000Z',
      index: 'by-status',
    },
    {
      name: 'rule, severity, since and status together',
      args: ['--rule', 'iam-admin-access', '--severity', 'critical', '--since', '14d', '--status', 'all'],
      keep: (r) =>
        r.ruleId === 'iam-admin-access' &&
        r.severity === 'critical' &&
        latest(r) >= '2026-11-17T00:00:00.000Z',
      index: 'by-rule',
    },
  ];

  it.each(cases)('filter: $name', async ({ args, keep, index }) => {
    const expected = bySeverityThenRecency(records.filter(keep)).map((r) => r.id);
    expect(expected.length).toBeGreaterThan(0);
    const list = await listJson([...args, '--limit', String(BIG)]);
    expect(list.findings.map((r) => r.id)).toEqual(expected);
    expect(list.more).toBe(false);
    expect(indexesQueried()).toEqual([index]);
  });

  it('csv: one RFC 4180 row per finding, the scan columns then the lifecycle', async () => {
    const out = await findings([
      'list',
      '--status',
      'all',
      '--resource',
      `${fn('fn-01')}*`,
      '--limit',
      '500',
      '--format',
      'csv',
    ]);
    expect(out.exitCode).toBe(0);
    const rows = parseCsv(out.stdout);
    expect(rows[0]).toEqual([...FINDINGS_CSV_COLUMNS]);
    const expected = bySeverityThenRecency(records.filter((r) => r.resource.startsWith(fn('fn-01'))));
    expect(rows).toHaveLength(expected.length + 1);
    const column = (name: (typeof FINDINGS_CSV_COLUMNS)[number]) => FINDINGS_CSV_COLUMNS.indexOf(name);
    rows.slice(1).forEach((row, i) => {
      const r = expected[i]!;
      expect(row).toHaveLength(FINDINGS_CSV_COLUMNS.length);
      expect(row[column('id')]).toBe(r.id);
      expect(row[column('status')]).toBe(r.status);
      expect(row[column('message')]).toBe(r.message);
      expect(JSON.parse(row[column('evidence')]!)).toEqual(r.evidence);
      expect(row[column('lastTransitionAt')]).toBe(r.lastTransitionAt);
      expect(row[column('actorArn')]).toBe(r.actorArn ?? '');
    });
    expect(new Set(rows.slice(1).map((row) => row[column('status')]))).toEqual(
      new Set(['OPEN', 'RESOLVED', 'SUPPRESSED']),
    );
  });

  it('sarif: valid SARIF 2.1.0, located by ARN, resolved findings as passes', async () => {
    const out = await findings([
      'list',
      '--status',
      'all',
      '--resource',
      `${fn('fn-01')}*`,
      '--limit',
      '500',
      '--format',
      'sarif',
    ]);
    expect(out.exitCode).toBe(0);
    const log = JSON.parse(out.stdout);
    expect(sarifSchemaErrors(log)).toEqual([]);
    const results = log.runs[0].results as {
      ruleId: string;
      kind: string;
      level: string;
      suppressions?: unknown[];
      locations: { physicalLocation?: unknown; logicalLocations: { fullyQualifiedName: string }[] }[];
      properties: { findingId: string; status: string };
    }[];
    const expected = bySeverityThenRecency(records.filter((r) => r.resource.startsWith(fn('fn-01'))));
    expect(new Set(expected.map((r) => r.status)).size).toBe(3);
    expect(results.map((r) => r.properties.findingId)).toEqual(expected.map((r) => r.id));
    results.forEach((result, i) => {
      const record = expected[i]!;
      expect(result.ruleId).toBe(record.ruleId);
      expect(result.properties.status).toBe(record.status);
      expect(result.locations[0]?.physicalLocation).toBeUndefined();
      expect(result.locations[0]?.logicalLocations[0]?.fullyQualifiedName).toBe(record.resource);
      if (record.status === 'RESOLVED') expect([result.kind, result.level]).toEqual(['pass', 'none']);
      else expect(result.kind).toBe('fail');
      expect(result.suppressions !== undefined).toBe(record.status === 'SUPPRESSED');
    });
    expect(log.runs[0].artifacts).toBeUndefined();
  });

  it('shows no progress when stderr is not a terminal, and keeps stdout clean when it is', async () => {
    const args = ['list', '--status', 'all', '--resource', role('search/app-0007'), '--format', 'json'];
    const piped = await findings(args);
    expect(piped.stderr).toBe('');
    const tty = await findings(args, BIG_TABLE, { stderrIsTTY: true });
    expect(JSON.parse(tty.stdout).count).toBe(3);
  });
});

describe('read progress', () => {
  it('draws on a terminal once reading is slow, redraws at most every 100 ms, and clears', () => {
    let now = 0;
    const written: string[] = [];
    const stream = { isTTY: true, write: (text: string) => void written.push(text) };
    const progress = createReadProgress(stream, 'reading t', { delayMs: 500, clock: () => now });
    progress.update(100, 300);
    now = 499;
    progress.update(200, 300);
    expect(written).toEqual([]);
    now = 600;
    progress.update(200, 300);
    now = 650;
    progress.update(250, 300);
    now = 700;
    progress.update(300);
    progress.finish();
    expect(written).toEqual([
      '\r\u001b[Kreading t: 200/300 finding(s)',
      '\r\u001b[Kreading t: 300 finding(s)',
      '\r\u001b[K',
    ]);
  });

  it('never draws when the stream is not a terminal', () => {
    const written: string[] = [];
    const progress = createReadProgress({ isTTY: false, write: (t) => void written.push(t) }, 'x', {
      delayMs: 0,
    });
    progress.update(1);
    progress.finish();
    expect(written).toEqual([]);
  });
});

// ---- Option values ------------------------------------------------------------------------------------------

describe('option values', () => {
  it.each([
    ['7d', '2026-11-24T00:00:00.000Z'],
    ['12h', '2026-11-30T12:00:00.000Z'],
    ['30m', '2026-11-30T23:30:00.000Z'],
    ['2w', '2026-11-17T00:00:00.000Z'],
    ['2026-11-20', '2026-11-20T00:00:00.000Z'],
    ['2026-11-20T09:30', '2026-11-20T09:30:00.000Z'],
    ['2026-11-20T09:30:00+02:00', '2026-11-20T07:30:00.000Z'],
  ])('--since %s', (value, iso) => {
    expect(parseSince(value, NOW)).toBe(iso);
  });

  it.each(['yesterday', '7 days', '2026-02-30', '2026-13-01', '-7d', ''])(
    '--since %j is refused',
    (value) => {
      expect(() => parseSince(value, NOW)).toThrow(
        /expected a duration such as 30m, 12h, 7d or 2w, or a date/,
      );
    },
  );

  it('--expires is in the future', () => {
    expect(parseExpires('30d', NOW)).toBe('2026-12-31T00:00:00.000Z');
    expect(parseExpires('2027-01-31', NOW)).toBe('2027-01-31T00:00:00.000Z');
    expect(() => parseExpires('2026-11-01', NOW)).toThrow(/not in the future/);
  });

  it('--resource: an ARN is exact; a trailing *, / or : makes a prefix; other wildcards are refused', () => {
    expect(resourceFilter(role('a'))).toEqual({ exact: role('a') });
    expect(resourceFilter(`${role('a')}*`)).toEqual({ prefix: role('a') });
    expect(resourceFilter(role('team/'))).toEqual({ prefix: role('team/') });
    expect(resourceFilter(`arn:aws:lambda:us-east-1:${ACCOUNT}:`)).toEqual({
      prefix: `arn:aws:lambda:us-east-1:${ACCOUNT}:`,
    });
    expect(() => resourceFilter(role('*-admin'))).toThrow(/prefix ending in \*/);
  });

  it('p95 by nearest rank', () => {
    expect(percentile([], 95)).toBeNull();
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([1, 2, 3, 4], 95)).toBe(4);
    expect(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        95,
      ),
    ).toBe(95);
  });
});

describe('errors a user can act on', () => {
  it('--severity extreme lists the valid levels', async () => {
    const out = await findings(['list', '--severity', 'extreme']);
    expect(out.exitCode).toBe(2);
    expect(out.stderr).toContain(
      "argument 'extreme' is invalid. Allowed choices are info, low, medium, high, critical.",
    );
    expect(out.stdout).toBe('');
  });

  it('--since yesterday names the accepted forms', async () => {
    const out = await findings(['list', '--since', 'yesterday']);
    expect(out.exitCode).toBe(2);
    expect(out.stderr).toBe(
      'tripline: --since yesterday: expected a duration such as 30m, 12h, 7d or 2w, or a date such as ' +
        '2026-12-01 or 2026-12-01T09:30:00Z (UTC unless an offset is given)\n',
    );
  });

  it('--status and --limit are checked', async () => {
    const status = await findings(['list', '--status', 'closed']);
    expect(status.exitCode).toBe(2);
    expect(status.stderr).toContain('Allowed choices are open, resolved, suppressed, all.');
    const limit = await findings(['list', '--limit', '0']);
    expect(limit.exitCode).toBe(2);
    expect(limit.stderr).toBe('tripline: --limit 0: expected a whole number of findings, 1 or more\n');
  });

  it('a resource prefix without an account asks for --account, and works with it', async () => {
    const out = await findings(['list', '--resource', 'arn:aws:iam::*']);
    expect(out.exitCode).toBe(2);
    expect(out.stderr).toMatch(
      /does not name an account: include the account id in the ARN or pass --account/,
    );
    const prefix = await findings([
      'list',
      '--format',
      'json',
      '--resource',
      'arn:aws:lambda:',
      '--account',
      ACCOUNT,
      '--limit',
      '5',
    ]);
    expect(prefix.exitCode).toBe(0);
    const expected = bySeverityThenRecency(
      records.filter((r) => r.status === 'OPEN' && r.resource.startsWith('arn:aws:lambda:')),
    );
    expect(JSON.parse(prefix.stdout).findings.map((r: FindingRecord) => r.id)).toEqual(
      expected.slice(0, 5).map((r) => r.id),
    );
    expect(prefix.stderr).toMatch(/showing the first 5 finding\(s\); more match/);
  });

  it('table not found: suggests --table or deploying', async () => {
    const out = await findings(['list'], 'no-such-table');
    expect(out.exitCode).toBe(2);
    expect(out.stderr).toMatch(
      /^tripline: table no-such-table not found in us-east-1: pass --table, or deploy the stack \(npx cdk deploy\)/,
    );
  });

  it('access denied: names the missing action', async () => {
    proxy.fail({
      operation: 'Query',
      type: 'AccessDeniedException',
      message:
        'User: arn:aws:iam::111122223333:user/bob is not authorized to perform: dynamodb:Query on resource: ' +
        'arn:aws:dynamodb:us-east-1:111122223333:table/findings-big/index/by-status because no ' +
        'identity-based policy allows the dynamodb:Query action',
    });
    const out = await findings(['list']);
    expect(out.exitCode).toBe(1);
    expect(out.stderr).toMatch(/^tripline: access denied: your credentials lack dynamodb:Query \(User: /);
  });

  it('no credentials: says how to provide them', async () => {
    for (const name of [
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_PROFILE',
      'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
      'AWS_CONTAINER_CREDENTIALS_FULL_URI',
      'AWS_WEB_IDENTITY_TOKEN_FILE',
      'AWS_ROLE_ARN',
    ]) {
      vi.stubEnv(name, undefined);
    }
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/tripline-test-config');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/tripline-test-credentials');
    try {
      const out = await runCliCaptured(['findings', 'list', '--table', 'tripline-findings'], { env: {} });
      expect(out.exitCode).toBe(2);
      expect(out.stderr).toMatch(
        /^tripline: no AWS credentials found: set a profile \(--profile\) or AWS_\* variables/,
      );
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('an unknown or malformed finding id', async () => {
    const unknown = await findings(['show', 'tl-00000000000000000000']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toBe(
      `tripline: no finding tl-00000000000000000000 in table ${BIG_TABLE} (us-east-1)\n`,
    );
    const malformed = await findings(['show', 'finding-1']);
    expect(malformed.exitCode).toBe(2);
    expect(malformed.stderr).toMatch(/finding-1 is not a finding id: expected tl- and 20 hex digits/);
  });
});

// ---- Show, stats ----------------------------------------------------------------------------------------------

interface KnownFixture {
  account: string;
  observations: {
    at: string;
    rule: string;
    resource: string;
    severity: Severity;
    status: ResultStatus;
    latencySeconds?: number;
    actor?: string;
  }[];
  manual: {
    at: string;
    rule: string;
    resource: string;
    status: 'SUPPRESSED';
    reason: string;
    actor: string;
  }[];
  expectedStats: FindingsStats;
}

const KNOWN = JSON.parse(
  readFileSync(new URL('./fixtures/findings/known-findings.json', import.meta.url), 'utf8'),
) as KnownFixture;

/** A new table with the known findings, written through DynamoFindingsStore itself. */
async function knownTable(): Promise<string> {
  const tableName = `findings-known-${++tables}`;
  const client = local.client();
  await createTableIfMissing(client, tableName);
  let clock = 0;
  const store = new DynamoFindingsStore({ client, tableName, now: () => new Date(clock) });
  for (const [i, o] of KNOWN.observations.entries()) {
    clock = Date.parse(o.at);
    const event =
      o.latencySeconds === undefined
        ? undefined
        : { id: `known-${i}`, latencyMs: o.latencySeconds * 1000, actor: o.actor ?? ALICE };
    await store.recordObservation(observationFor({ ...o, observedAt: clock, ...(event ? { event } : {}) }));
  }
  for (const m of KNOWN.manual) {
    clock = Date.parse(m.at);
    await store.setStatus(findingId(m.rule, m.resource), {
      status: m.status,
      reason: m.reason,
      actor: m.actor,
    });
  }
  return tableName;
}

const ADMIN_ID = findingId('iam-admin-access', role('admin'));
const PARTNER_ID = findingId('trust-public-principal', role('partner-access'));
const BILLING_ID = findingId('lambda-env-secrets', fn('billing'));

describe('findings show and stats', () => {
  let known: string;
  beforeAll(async () => {
    known = await knownTable();
  });

  it('stats: counts by severity, status and rule, mean and p95 detection latency (known figures)', async () => {
    const out = await findings(['stats', '--format', 'json'], known);
    expect(out.exitCode).toBe(0);
    const stats = JSON.parse(out.stdout) as FindingsStats;
    expect(stats).toEqual(KNOWN.expectedStats);
    expect(Object.keys(stats.bySeverity)).toEqual(['critical', 'high', 'medium', 'low', 'info']);
  });

  it('stats as a table', async () => {
    const out = await findings(['stats'], known);
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain(
      `Findings in ${known} (us-east-1), status all: 7 (OPEN 5, SUPPRESSED 1, RESOLVED 1)`,
    );
    expect(out.stdout).toMatch(/^critical +3 +2 +1 +0$/m);
    expect(out.stdout).toMatch(/^lambda-env-secrets +1 +0 +0 +1$/m);
    expect(out.stdout).toContain(
      'Detection latency (event time to record time, 4 finding(s) whose last change an event caused): mean 36.3 s, p95 100.0 s',
    );
  });

  it('stats over the big table agree with the data, and respect filters', async () => {
    const out = await findings(['stats', '--format', 'json']);
    const stats = JSON.parse(out.stdout) as FindingsStats;
    expect(stats.total).toBe(BIG);
    for (const status of ['OPEN', 'RESOLVED', 'SUPPRESSED'] as const) {
      expect(stats.byStatus[status]).toBe(records.filter((r) => r.status === status).length);
    }
    for (const severity of SEVERITIES) {
      expect(stats.bySeverity[severity].total).toBe(records.filter((r) => r.severity === severity).length);
    }
    for (const rule of RULES) {
      expect(stats.byRule[rule]?.total).toBe(records.filter((r) => r.ruleId === rule).length);
    }
    const latencies = records.flatMap((r) =>
      r.detectionLatencyMs === undefined ? [] : [r.detectionLatencyMs],
    );
    latencies.sort((a, b) => a - b);
    expect(stats.detectionLatency).toEqual({
      findings: latencies.length,
      meanMs: Math.round(latencies.reduce((a, b) => a + b, 0) / latencies.length),
      p95Ms: latencies[Math.ceil(latencies.length * 0.95) - 1],
    });
    expect(indexesQueried()).toEqual(['by-status']);

    const filtered = JSON.parse(
      (await findings(['stats', '--format', 'json', '--rule', 'iam-admin-access'])).stdout,
    );
    expect(filtered.total).toBe(records.filter((r) => r.ruleId === 'iam-admin-access').length);
    expect(Object.keys(filtered.byRule)).toEqual(['iam-admin-access']);
  });

  it('show: the whole record with its trigger, evidence, remediation and history', async () => {
    const out = await findings(['show', ADMIN_ID], known);
    expect(out.exitCode).toBe(0);
    const rule = findRule('iam-admin-access')!;
    expect(out.stdout).toMatch(new RegExp(`^${ADMIN_ID}  CRITICAL  OPEN\n${rule.title}\n`));
    expect(out.stdout).toContain(`Resource:           ${role('admin')} (AWS::IAM::Role)`);
    expect(out.stdout).toContain(
      `Triggered by:       AttachRolePolicy at 2026-11-30T07:59:50.000Z (event known-0) by ${ALICE} from 198.51.100.7 with aws-cli/2.22.0`,
    );
    expect(out.stdout).toContain('Detected after:     10.0 s');
    expect(out.stdout).toContain('Evidence:\n  {\n    "policy": "inline-policy",');
    expect(out.stdout).toContain(`Remediation:\n  ${rule.remediation.summary}`);
    expect(out.stdout).toMatch(
      /History \(oldest first; the record keeps the last 20\):\n {2}2026-11-30T08:00:00.000Z {2}OPENED +— → OPEN by /,
    );

    const json = JSON.parse(
      (await findings(['show', `tripline/trust-public-principal/${PARTNER_ID}`, '--format', 'json'], known))
        .stdout,
    ) as FindingRecord;
    expect(json).toMatchObject({
      id: PARTNER_ID,
      status: 'SUPPRESSED',
      actorArn: 'arn:aws:iam::111122223333:user/secops',
      suppression: { kind: 'manual', reason: 'partner access reviewed in SEC-1234' },
    });
    expect(json.history.map((h) => h.kind)).toEqual(['OPENED', 'SUPPRESSED']);
  });
});

// ---- Triage ---------------------------------------------------------------------------------------------------

describe('triage: suppress, unsuppress, resolve', () => {
  it('suppress, unsuppress and resolve by id round-trip, recording local:<user> against a local table', async () => {
    const table = await knownTable();
    const show = async (id: string) =>
      JSON.parse((await findings(['show', id, '--format', 'json'], table)).stdout) as FindingRecord;

    const suppressed = await findings(
      ['suppress', ADMIN_ID, '--reason', 'break-glass role, reviewed', '--expires', '2027-01-31'],
      table,
    );
    expect(suppressed.stderr).toBe('');
    expect(suppressed.exitCode).toBe(0);
    expect(suppressed.stdout).toBe(
      `${ADMIN_ID}: OPEN → SUPPRESSED (SUPPRESSED) by local:alice: manual: break-glass role, reviewed\n`,
    );
    expect(await show(ADMIN_ID)).toMatchObject({
      status: 'SUPPRESSED',
      actorArn: 'local:alice',
      suppression: {
        kind: 'manual',
        createdBy: 'local:alice',
        reason: 'break-glass role, reviewed',
        expiresAt: '2027-01-31T00:00:00.000Z',
      },
    });
    expect((await findings(['list', '--status', 'suppressed', '--format', 'json'], table)).stdout).toContain(
      ADMIN_ID,
    );

    const lifted = await findings(['unsuppress', ADMIN_ID], table);
    expect(lifted.stdout).toBe(
      `${ADMIN_ID}: SUPPRESSED → OPEN (UNSUPPRESSED) by local:alice: manual: suppression lifted\n`,
    );
    expect((await show(ADMIN_ID)).suppression).toBeUndefined();

    const resolved = await findings(['resolve', ADMIN_ID, '--reason', 'policy detached'], table);
    expect(resolved.stdout).toBe(
      `${ADMIN_ID}: OPEN → RESOLVED (RESOLVED) by local:alice: manual: policy detached\n`,
    );
    const record = await show(ADMIN_ID);
    expect(record).toMatchObject({
      status: 'RESOLVED',
      actorArn: 'local:alice',
      resolvedAt: NOW.toISOString(),
    });
    expect(record.history.map((h) => [h.kind, h.actor])).toEqual([
      ['OPENED', ALICE],
      ['SUPPRESSED', 'local:alice'],
      ['UNSUPPRESSED', 'local:alice'],
      ['RESOLVED', 'local:alice'],
    ]);
    expect((await findings(['resolve', ADMIN_ID, '--reason', 'again'], table)).stdout).toBe(
      `${ADMIN_ID}: already RESOLVED\n`,
    );

    const notSuppressed = await findings(['unsuppress', ADMIN_ID], table);
    expect(notSuppressed.exitCode).toBe(2);
    expect(notSuppressed.stderr).toBe(`tripline: finding ${ADMIN_ID} is RESOLVED, not SUPPRESSED\n`);
    expect(operations()).toContain('PutItem');
  });

  it('a reason is required', async () => {
    const table = await knownTable();
    for (const args of [
      ['suppress', ADMIN_ID],
      ['suppress', ADMIN_ID, '--reason', '  '],
      ['resolve', ADMIN_ID],
      ['suppress', '--rule', 'iam-admin-access', '--resource', role('*')],
    ]) {
      const out = await findings(args, table);
      expect(out.exitCode, args.join(' ')).toBe(2);
      expect(out.stderr).toMatch(
        /^tripline: a reason is required to (suppress|resolve) a finding: --reason "why"/,
      );
    }
    expect(operations().filter((o) => o === 'PutItem')).toEqual([]);
  });

  it('suppression rules: add with an expiry, list, remove', async () => {
    const table = await knownTable();
    const added = await findings(
      [
        'suppress',
        '--rule',
        'lambda-public-invoke',
        '--resource',
        fn('orders-*'),
        '--reason',
        'behind a WAF',
        '--expires',
        '30d',
      ],
      table,
    );
    expect(added.exitCode).toBe(0);
    const sid = /^suppression (sp-[0-9a-f]{16}): /.exec(added.stdout)?.[1];
    expect(sid).toBeDefined();
    expect(added.stdout).toContain(
      `rule lambda-public-invoke on ${fn('orders-*')} until 2026-12-31T00:00:00.000Z, by local:alice: behind a WAF\n` +
        '1 open finding(s) match it; each becomes SUPPRESSED at its next evaluation',
    );
    const listed = JSON.parse((await findings(['suppressions', '--format', 'json'], table)).stdout);
    expect(listed.suppressions).toEqual([
      expect.objectContaining({
        id: sid,
        ruleId: 'lambda-public-invoke',
        resourcePattern: fn('orders-*'),
        createdBy: 'local:alice',
        expiresAt: '2026-12-31T00:00:00.000Z',
        reason: 'behind a WAF',
      }),
    ]);
    expect((await findings(['suppressions'], table)).stdout).toMatch(
      new RegExp(`^${sid}  rule lambda-public-invoke on `),
    );

    const removed = await findings(['unsuppress', '--suppression', sid!], table);
    expect(removed.exitCode).toBe(0);
    expect(removed.stdout).toMatch(
      new RegExp(`^removed suppression ${sid} \\(rule lambda-public-invoke on `),
    );
    expect(
      JSON.parse((await findings(['suppressions', '--format', 'json'], table)).stdout).suppressions,
    ).toEqual([]);
    const again = await findings(['unsuppress', '--suppression', sid!], table);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/^tripline: no suppression sp-/);
  });

  it('refuses an unknown rule, and an id together with a pattern', async () => {
    const table = await knownTable();
    const unknown = await findings(
      ['suppress', '--rule', 'no-such-rule', '--resource', '*', '--reason', 'x'],
      table,
    );
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/--rule no-such-rule: no rule has that id/);
    const both = await findings(
      ['suppress', ADMIN_ID, '--rule', 'iam-admin-access', '--resource', '*', '--reason', 'x'],
      table,
    );
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toMatch(/not both/);
  });

  it('records the caller ARN from STS when AWS credentials are configured', async () => {
    const table = await knownTable();
    const sts = mockClient(STSClient);
    sts.on(GetCallerIdentityCommand).resolves({
      Account: ACCOUNT,
      Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/SecOps/jane`,
      UserId: 'AROAEXAMPLE:jane',
    });
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    try {
      const out = await findings(['resolve', BILLING_ID, '--reason', 'x'], table, {
        env: { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', USER: 'alice' },
      });
      expect(out.stdout).toBe(`${BILLING_ID}: already RESOLVED\n`);
      const suppressed = await findings(['suppress', PARTNER_ID, '--reason', 'still reviewed'], table, {
        env: { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE' },
      });
      expect(suppressed.stdout).toBe(
        `${PARTNER_ID}: suppression updated by arn:aws:sts::${ACCOUNT}:assumed-role/SecOps/jane: still reviewed\n`,
      );
      const record = JSON.parse((await findings(['show', PARTNER_ID, '--format', 'json'], table)).stdout);
      expect(record.suppression.createdBy).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/SecOps/jane`);
      expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(2);
    } finally {
      vi.unstubAllEnvs();
      sts.restore();
    }
  });
});

// ---- Export ---------------------------------------------------------------------------------------------------

const ASFF_REQUIRED = [
  'SchemaVersion',
  'Id',
  'ProductArn',
  'GeneratorId',
  'AwsAccountId',
  'Types',
  'CreatedAt',
  'UpdatedAt',
  'Severity',
  'Title',
  'Description',
  'Resources',
] as const;

describe('findings export', () => {
  it('asff: every required field, the record times and lifecycle', async () => {
    const out = await findings(['export', '--limit', '300', '--region', 'eu-west-1']);
    expect(out.exitCode).toBe(0);
    const asff = JSON.parse(out.stdout) as Record<string, unknown>[];
    expect(asff).toHaveLength(300);
    const expected = bySeverityThenRecency(records).slice(0, 300);
    asff.forEach((f, i) => {
      const record = expected[i]!;
      for (const key of ASFF_REQUIRED) expect(f[key], key).toBeDefined();
      expect(f).toMatchObject({
        SchemaVersion: '2018-10-08',
        Id: `tripline/${record.ruleId}/${record.id}`,
        ProductArn: `arn:aws:securityhub:eu-west-1:${ACCOUNT}:product/${ACCOUNT}/default`,
        GeneratorId: `tripline/${record.ruleId}`,
        AwsAccountId: ACCOUNT,
        CreatedAt: record.firstSeen,
        UpdatedAt: record.updatedAt,
        Resources: [expect.objectContaining({ Id: record.resource })],
        RecordState: record.status === 'RESOLVED' ? 'ARCHIVED' : 'ACTIVE',
        Workflow: { Status: { OPEN: 'NEW', RESOLVED: 'RESOLVED', SUPPRESSED: 'SUPPRESSED' }[record.status] },
      });
      expect((f.Types as string[]).length).toBeGreaterThan(0);
      expect(Date.parse(f.UpdatedAt as string)).toBeGreaterThanOrEqual(Date.parse(f.CreatedAt as string));
    });
  });

  it('--to-security-hub needs ASFF', async () => {
    const out = await findings(['export', '--to-security-hub', '--format', 'csv']);
    expect(out.exitCode).toBe(2);
    expect(out.stderr).toMatch(/--to-security-hub sends ASFF/);
  });

  describe('--to-security-hub', () => {
    const hub = mockClient(SecurityHubClient);
    afterEach(() => hub.reset());
    afterAll(() => hub.restore());
    const sentBatches = () =>
      hub
        .commandCalls(BatchImportFindingsCommand)
        .map((call) => (call.args[0].input.Findings ?? []).map((f) => f.Id));

    it('imports in batches of 100', async () => {
      hub.on(BatchImportFindingsCommand).callsFake((input: BatchImportFindingsCommandInput) => ({
        FailedCount: 0,
        SuccessCount: input.Findings?.length,
        FailedFindings: [],
      }));
      const out = await findings(['export', '--to-security-hub', '--limit', '250']);
      expect(out.stderr).toBe('');
      expect(out.exitCode).toBe(0);
      expect(out.stdout).toBe(
        'imported 250 of 250 finding(s) into Security Hub in us-east-1 (3 BatchImportFindings call(s))\n',
      );
      const batches = sentBatches();
      expect(batches.map((b) => b.length)).toEqual([100, 100, 50]);
      expect(batches.flat()).toEqual(
        bySeverityThenRecency(records)
          .slice(0, 250)
          .map((r) => `tripline/${r.ruleId}/${r.id}`),
      );
    });

    it('partial failure: retries what is retryable, reports the rest, exits 1', async () => {
      let call = 0;
      let rejected = '';
      let throttled = '';
      hub.on(BatchImportFindingsCommand).callsFake((input: BatchImportFindingsCommandInput) => {
        call += 1;
        const ids = (input.Findings ?? []).map((f) => f.Id ?? '');
        if (call === 1) {
          [rejected, throttled] = [ids[3]!, ids[7]!];
          const failed = [
            {
              Id: rejected,
              ErrorCode: 'InvalidInput',
              ErrorMessage: 'Finding does not adhere to Amazon Finding Format.',
            },
            { Id: throttled, ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' },
          ];
          return { FailedCount: 2, SuccessCount: ids.length - 2, FailedFindings: failed };
        }
        return { FailedCount: 0, SuccessCount: ids.length, FailedFindings: [] };
      });
      const out = await findings(['export', '--to-security-hub', '--limit', '150']);
      expect(out.exitCode).toBe(1);
      expect(sentBatches().map((b) => b.length)).toEqual([100, 1, 50]);
      expect(sentBatches()[1]).toEqual([throttled]);
      expect(out.stdout).toBe(
        'imported 149 of 150 finding(s) into Security Hub in us-east-1 (3 BatchImportFindings call(s), ' +
          '1 sent again after a retryable failure)\n',
      );
      expect(out.stderr).toBe(
        `tripline: not imported: ${rejected}: InvalidInput: Finding does not adhere to Amazon Finding Format.\n` +
          'tripline: 1 finding(s) were not imported into Security Hub\n',
      );
    });

    it('a retryable failure that persists is reported after the last attempt', async () => {
      hub.on(BatchImportFindingsCommand).callsFake((input: BatchImportFindingsCommandInput) => {
        const first = input.Findings?.[0]?.Id ?? '';
        return {
          FailedCount: 1,
          SuccessCount: (input.Findings?.length ?? 1) - 1,
          FailedFindings: [{ Id: first, ErrorCode: 'InternalException', ErrorMessage: 'try later' }],
        };
      });
      const out = await findings(['export', '--to-security-hub', '--limit', '5']);
      expect(out.exitCode).toBe(1);
      expect(sentBatches().map((b) => b.length)).toEqual([5, 1, 1]);
      expect(out.stdout).toMatch(/^imported 4 of 5 finding\(s\)/);
      expect(out.stderr).toMatch(
        /not imported: tripline\/[\w-]+\/tl-[0-9a-f]{20}: InternalException: try later\n/,
      );
    });

    it('a call that fails as a whole fails its batch; the next batches still go', async () => {
      let call = 0;
      hub.on(BatchImportFindingsCommand).callsFake((input: BatchImportFindingsCommandInput) => {
        call += 1;
        if (call === 1) throw Object.assign(new Error('service unavailable'), { name: 'InternalException' });
        return { FailedCount: 0, SuccessCount: input.Findings?.length, FailedFindings: [] };
      });
      const out = await findings(['export', '--to-security-hub', '--limit', '150']);
      expect(out.exitCode).toBe(1);
      expect(sentBatches().map((b) => b.length)).toEqual([100, 50]);
      expect(out.stdout).toMatch(/^imported 50 of 150 finding\(s\)/);
      const lines = out.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(22);
      expect(lines[0]).toMatch(
        /^tripline: not imported: tripline\/.+: InternalException: service unavailable$/,
      );
      expect(lines.slice(-2)).toEqual([
        'tripline: … and 80 more',
        'tripline: 100 finding(s) were not imported into Security Hub',
      ]);
    });

    it('access denied stops the import and names the action', async () => {
      const denied = Object.assign(
        new Error(
          'User: arn:aws:iam::111122223333:user/bob is not authorized to perform: securityhub:BatchImportFindings',
        ),
        { name: 'AccessDeniedException' },
      );
      hub.on(BatchImportFindingsCommand).rejects(denied);
      const out = await findings(['export', '--to-security-hub', '--limit', '5']);
      expect(out.exitCode).toBe(1);
      expect(out.stderr).toMatch(
        /^tripline: access denied: your credentials lack securityhub:BatchImportFindings \(.*\); 0 finding\(s\) imported before that\n$/,
      );
    });
  });
});
