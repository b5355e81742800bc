/**
 * `tripline findings`: query, triage and export the findings that the deployed evaluators keep in the findings
 * table. Lists are index Queries (the store never Scans), followed page by page up to `--limit`; triage goes
 * through the store's manual status changes and suppression rules, recording who made the change (the caller's
 * ARN, or `local:<user>` against a local table); exports reuse the scan report renderers (SARIF, ASFF) by
 * mapping each record to the scan's finding shape, and send ASFF to Security Hub in batches of 100.
 *
 * Exit codes: 0 done; 1 a failed AWS call or a finding that Security Hub did not import; 2 bad options or
 * values, an unknown finding or suppression id, or a table that cannot be opened.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  type ImportFindingsError,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { type Command, Option } from 'commander';
import { MAX_PAGE_SIZE } from '../../shared/findings/finding-query.ts';
import {
  FINDING_STATUSES,
  type FindingRecord,
  type FindingStatus,
  type FindingSuppression,
  HISTORY_LIMIT,
  suppressionMatches,
  type Transition,
} from '../../shared/findings/finding-record.ts';
import {
  FindingConflictError,
  FindingNotFoundError,
  FindingsQueryError,
  FindingsStoreError,
} from '../../shared/findings/findings-errors.ts';
import type { FindingQuery, FindingsStore } from '../../shared/findings/findings-store.ts';
import { arnAccount } from '../../shared/findings/table-schema.ts';
import { ALL_RULES, findRule } from '../../shared/rules/index.ts';
import { SEVERITIES, type Severity, severityRank } from '../../shared/rules/rule-types.ts';
import type { Finding } from '../../shared/scan/finding.ts';
import { type CliIo, CommandFailedError, type OutputStream, withErrorReporting } from '../cli-io.ts';
import {
  awsClientConfig,
  callerIdentity,
  DEFAULT_STACK_NAME,
  explainAwsError,
  openFindingsStore,
  type TableOptions,
} from '../findings-table.ts';
import { type AsffFinding, buildAsff } from '../format/asff.ts';
import { CSV_COLUMNS, csvField } from '../format/csv.ts';
import { REPORT_FORMATS, type ReportContext, type ReportFormat } from '../format/report-context.ts';
import { buildSarif } from '../format/sarif.ts';
import { InputError } from '../input-error.ts';
import { readPackageVersion } from '../package-version.ts';

export const STATUS_FILTERS = ['open', 'resolved', 'suppressed', 'all'] as const;
export type StatusOption = (typeof STATUS_FILTERS)[number];
export const FINDINGS_FORMATS = REPORT_FORMATS;
export const DETAIL_FORMATS = ['table', 'json'] as const;
type DetailFormat = (typeof DETAIL_FORMATS)[number];

/** `findings list` without `--limit`. */
export const DEFAULT_LIST_LIMIT = 100;
/** A resource prefix is read in ARN order, so it is read whole (up to this many) before sorting by severity. */
export const PREFIX_READ_LIMIT = 10_000;
/** BatchImportFindings takes at most 100 findings per call. */
export const SECURITY_HUB_BATCH = 100;
/** Progress appears on a terminal once reading takes longer than this. */
export const PROGRESS_DELAY_MS = 500;

// ---- Options and their values ------------------------------------------------------------------------------

interface TableCliOptions {
  table?: string;
  stack?: string;
  region?: string;
  profile?: string;
  endpoint?: string;
}

interface FilterCliOptions {
  status: StatusOption;
  severity?: Severity;
  rule?: string;
  resource?: string;
  account?: string;
  actor?: string;
  since?: string;
  limit?: string;
}

interface ListOptions extends TableCliOptions, FilterCliOptions {
  format: ReportFormat;
  output?: string;
}

interface ExportOptions extends ListOptions {
  toSecurityHub?: boolean;
}

interface StatsOptions extends TableCliOptions, FilterCliOptions {
  format: DetailFormat;
}

interface DetailOptions extends TableCliOptions {
  format: DetailFormat;
}

interface SuppressOptions extends TableCliOptions {
  reason?: string;
  expires?: string;
  rule?: string;
  resource?: string;
}

interface UnsuppressOptions extends TableCliOptions {
  reason?: string;
  suppression?: string;
}

interface ResolveOptions extends TableCliOptions {
  reason?: string;
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;
export const TIME_FORMS =
  'a duration such as 30m, 12h, 7d or 2w, or a date such as 2026-12-01 or 2026-12-01T09:30:00Z (UTC unless an offset is given)';

/** An ISO date (`2026-12-01`, midnight UTC) or date-time; undefined when it is not one or not a real date. */
function parseDate(value: string): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)?(Z|[+-]\d{2}:\d{2})?$/.exec(
    value,
  );
  if (match === null) return undefined;
  const [, day, time, zone] = match;
  const ms = Date.parse(`${day}${time ?? 'T00:00:00'}${zone ?? 'Z'}`);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 2026-02-30 over to March: a date must name a real day.
  const roundTrip = new Date(Date.parse(`${day}T00:00:00Z`)).toISOString().slice(0, 10);
  return roundTrip === day ? new Date(ms).toISOString() : undefined;
}

function durationMs(value: string): number | undefined {
  const match = /^(\d{1,6})([mhdw])$/.exec(value);
  return match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : undefined;
}

/** `--since`: a duration back from now, or a date. */
export function parseSince(value: string, now: Date): string {
  const trimmed = value.trim();
  const back = durationMs(trimmed);
  if (back !== undefined) return new Date(now.getTime() - back).toISOString();
  const date = parseDate(trimmed);
  if (date === undefined) throw new InputError(`--since ${value}: expected ${TIME_FORMS}`);
  return date;
}

/** `--expires`: a duration ahead of now, or a date; in the future. */
export function parseExpires(value: string, now: Date): string {
  const trimmed = value.trim();
  const ahead = durationMs(trimmed);
  const date = ahead !== undefined ? new Date(now.getTime() + ahead).toISOString() : parseDate(trimmed);
  if (date === undefined) throw new InputError(`--expires ${value}: expected ${TIME_FORMS}`);
  if (Date.parse(date) <= now.getTime())
    throw new InputError(`--expires ${value}: that is not in the future`);
  return date;
}

export function parseLimit(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) {
    throw new InputError(`--limit ${value}: expected a whole number of findings, 1 or more`);
  }
  return Number(value);
}

/** `--resource`: an exact ARN, or a prefix (ending in `*`, `/` or `:`). */
export function resourceFilter(value: string): NonNullable<FindingQuery['resource']> {
  const body = value.endsWith('*') ? value.slice(0, -1) : value;
  if (body === '' || /[*?]/.test(body)) {
    throw new InputError(
      `--resource ${value}: expected an ARN, or an ARN prefix ending in * (wildcards elsewhere are for suppressions)`,
    );
  }
  return body !== value || /[/:]$/.test(body) ? { prefix: body } : { exact: body };
}

const FINDING_ID = /^tl-[0-9a-f]{20}$/;

/** A finding id, also accepted in its ASFF form `tripline/<rule>/<id>`. */
export function parseFindingId(value: string): string {
  const id = value.trim().split('/').at(-1) ?? '';
  if (!FINDING_ID.test(id)) {
    throw new InputError(
      `${value} is not a finding id: expected tl- and 20 hex digits (see \`findings list\`)`,
    );
  }
  return id;
}

function requireReason(reason: string | undefined, verb: string): string {
  const text = reason?.trim() ?? '';
  if (text === '') {
    throw new InputError(
      `a reason is required to ${verb} a finding: --reason "why" (recorded with who made the change)`,
    );
  }
  return text;
}

export function findingQuery(options: FilterCliOptions, now: Date): FindingQuery {
  const query: FindingQuery = { status: options.status };
  if (options.severity !== undefined) query.minSeverity = options.severity;
  if (options.rule !== undefined) query.ruleId = options.rule;
  if (options.resource !== undefined) query.resource = resourceFilter(options.resource);
  if (options.account !== undefined) {
    if (!/^\d{12}$/.test(options.account))
      throw new InputError(`--account ${options.account}: expected 12 digits`);
    query.accountId = options.account;
  }
  if (options.actor !== undefined) query.actorArn = options.actor;
  if (options.since !== undefined) query.since = parseSince(options.since, now);
  return query;
}

function tableOptions(io: CliIo, options: TableCliOptions, write: boolean): TableOptions {
  const table: TableOptions = { write, now: io.now };
  if (options.table !== undefined) table.table = options.table;
  if (options.stack !== undefined) table.stack = options.stack;
  if (options.region !== undefined) table.region = options.region;
  if (options.profile !== undefined) table.profile = options.profile;
  if (options.endpoint !== undefined) table.endpoint = options.endpoint;
  return table;
}

// ---- The table -----------------------------------------------------------------------------------------------

interface Table {
  store: FindingsStore;
  tableName: string;
  region: string;
  /** Runs a store call, turning store errors into messages a user can act on. */
  call<T>(run: () => Promise<T>): Promise<T>;
}

async function openTable(io: CliIo, options: TableCliOptions, write: boolean): Promise<Table> {
  const opened = await openFindingsStore(io, tableOptions(io, options, write));
  const { tableName, region } = opened;
  return {
    store: opened.store,
    tableName,
    region,
    async call(run) {
      try {
        return await run();
      } catch (error) {
        if (error instanceof FindingsQueryError || error instanceof FindingNotFoundError) {
          throw new InputError(error.message.replace('pass accountId', 'pass --account'), { cause: error });
        }
        if (error instanceof FindingsStoreError) {
          const operation = /^DynamoDB (\w+)/.exec(error.message)?.[1] ?? 'Query';
          const explained = explainAwsError(
            error.cause ?? error,
            `dynamodb:${operation}`,
            `table ${tableName} not found in ${region}: pass --table, or deploy the stack (npx cdk deploy)`,
          );
          throw new CommandFailedError(explained.message, 1, { cause: error });
        }
        if (error instanceof FindingConflictError)
          throw new CommandFailedError(error.message, 1, { cause: error });
        throw error;
      }
    },
  };
}

// ---- Reading ---------------------------------------------------------------------------------------------

export interface ReadProgress {
  update(read: number, total?: number): void;
  finish(): void;
}

/** A redrawn `label: N` line on a terminal, once reading has taken `delayMs`; nothing otherwise. */
export function createReadProgress(
  stream: OutputStream,
  label: string,
  options: { delayMs?: number; clock?: () => number } = {},
): ReadProgress {
  const clock = options.clock ?? Date.now;
  const start = clock();
  const delay = options.delayMs ?? PROGRESS_DELAY_MS;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let drawn = false;
  return {
    update(read, total) {
      if (!stream.isTTY) return;
      const now = clock();
      if (now - start < delay || now - lastDraw < 100) return;
      lastDraw = now;
      stream.write(`\r\u001b[K${label}: ${read}${total === undefined ? '' : `/${total}`} finding(s)`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\r\u001b[K');
      drawn = false;
    },
  };
}

/** Most severe first, then most recent change first, then by id (the order of the table's indexes). */
export function compareFindings(a: FindingRecord, b: FindingRecord): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    (a.lastTransitionAt < b.lastTransitionAt ? 1 : a.lastTransitionAt > b.lastTransitionAt ? -1 : 0) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

interface Collected {
  items: FindingRecord[];
  /** More findings may match than were read. */
  more: boolean;
}

/** Follows the store's cursors until `max` findings are read or none are left. */
async function collectFindings(
  table: Table,
  query: FindingQuery,
  max: number,
  progress: ReadProgress,
): Promise<Collected> {
  const items: FindingRecord[] = [];
  let cursor: string | undefined;
  do {
    const limit = Math.min(MAX_PAGE_SIZE, max - items.length);
    const page = await table.call(() =>
      table.store.query({ ...query, limit, ...(cursor === undefined ? {} : { cursor }) }),
    );
    items.push(...page.items);
    cursor = page.cursor;
    // The total is unknown until the last page: only the count read so far.
    progress.update(items.length);
  } while (cursor !== undefined && items.length < max);
  progress.finish();
  return { items: items.slice(0, max), more: cursor !== undefined || items.length > max };
}

/** The findings a filter selects, sorted, at most `limit` (resource prefixes are read whole, then cut). */
async function readFindings(io: CliIo, table: Table, query: FindingQuery, limit: number): Promise<Collected> {
  const progress = createReadProgress(io.stderr, `reading ${table.tableName}`);
  const byArn = query.resource !== undefined && 'prefix' in query.resource;
  const read = await collectFindings(
    table,
    query,
    byArn ? Math.max(limit, PREFIX_READ_LIMIT) : limit,
    progress,
  );
  if (byArn && read.more && read.items.length >= PREFIX_READ_LIMIT) {
    io.stderr.write(
      `tripline: more than ${PREFIX_READ_LIMIT} findings match the resource prefix: sorted among the first ` +
        `${PREFIX_READ_LIMIT} by ARN; narrow the prefix or add --rule or --severity\n`,
    );
  }
  read.items.sort(compareFindings);
  return { items: read.items.slice(0, limit), more: read.more || read.items.length > limit };
}

// ---- Rendering ---------------------------------------------------------------------------------------------

/** A table record as the scan's finding (a RESOLVED record maps to OPEN; callers mark it afterwards). */
export function scanFindingOf(record: FindingRecord): Finding {
  const rule = findRule(record.ruleId);
  const finding: Finding = {
    id: record.id,
    ruleId: record.ruleId,
    severity: record.severity,
    title: record.title,
    resource: record.resource,
    resourceType: record.resourceType,
    accountId: record.accountId,
    message: record.message,
    evidence: record.evidence,
    remediation: record.remediation,
    rationale: rule?.rationale ?? record.title,
    references: rule?.references ?? [],
    status: record.status === 'SUPPRESSED' ? 'SUPPRESSED' : 'OPEN',
  };
  if (record.findingKey !== undefined) finding.findingKey = record.findingKey;
  if (record.status === 'SUPPRESSED' && record.suppression !== undefined) {
    finding.suppression = {
      reason: record.suppression.reason,
      ...(record.suppression.expiresAt ? { expires: record.suppression.expiresAt } : {}),
    };
  }
  return finding;
}

function countBy<K extends string>(keys: readonly K[], values: readonly K[]): Record<K, number> {
  const counts = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const value of values) counts[value] += 1;
  return counts;
}

interface RenderTarget {
  tableName: string;
  region: string;
  now: Date;
  colour: boolean;
}

function reportContext(records: readonly FindingRecord[], target: RenderTarget): ReportContext {
  const findings = records.map(scanFindingOf);
  const open = records.filter((r) => r.status === 'OPEN');
  const byRule: Record<string, number> = {};
  for (const r of open) byRule[r.ruleId] = (byRule[r.ruleId] ?? 0) + 1;
  const accounts = [...new Set(records.map((r) => r.accountId))];
  return {
    report: {
      findings,
      issues: [],
      summary: {
        accountId: accounts[0] ?? 'unknown',
        rules: ALL_RULES.length,
        principals: 0,
        functions: null,
        results: { PASS: 0, FAIL: findings.length, NOT_APPLICABLE: 0, UNKNOWN: 0, ERROR: 0 },
        findings: open.length,
        suppressed: records.filter((r) => r.status === 'SUPPRESSED').length,
        bySeverity: countBy(
          SEVERITIES,
          open.map((r) => r.severity),
        ),
        byRule,
      },
    },
    rules: ALL_RULES,
    tool: { name: 'Tripline', version: readPackageVersion() },
    generatedAt: target.now,
    sources: { authorizationDetails: { uri: target.tableName, text: '' } },
    region: target.region,
    colour: false,
  };
}

/** ASFF for Security Hub: the scan's mapping, with the record's own times and lifecycle. */
export function findingsAsff(records: readonly FindingRecord[], target: RenderTarget): AsffFinding[] {
  const asff = buildAsff(reportContext(records, target));
  return asff.map((finding, i) => {
    const record = records[i]!;
    const resolved = record.status === 'RESOLVED';
    return {
      ...finding,
      CreatedAt: record.firstSeen,
      UpdatedAt: record.updatedAt,
      FirstObservedAt: record.firstSeen,
      LastObservedAt: record.lastSeen,
      ProductFields: {
        ...(finding['ProductFields'] as Record<string, string>),
        'tripline/Status': record.status,
        'tripline/LastTransition': `${record.lastTransition} ${record.lastTransitionAt}`,
      },
      Compliance: { Status: resolved ? 'PASSED' : 'FAILED' },
      Workflow: { Status: resolved ? 'RESOLVED' : record.status === 'SUPPRESSED' ? 'SUPPRESSED' : 'NEW' },
      RecordState: resolved ? 'ARCHIVED' : 'ACTIVE',
    };
  });
}

/** SARIF 2.1.0: the scan's results, located by resource ARN (there is no input file), with their lifecycle. */
export function findingsSarif(records: readonly FindingRecord[], target: RenderTarget): object {
  const log = buildSarif(reportContext(records, target));
  const run = log.runs[0]!;
  delete run.artifacts;
  run.automationDetails = { id: `tripline/findings/${target.tableName}/` };
  run.properties = {
    table: target.tableName,
    region: target.region,
    findings: records.length,
    byStatus: countBy(
      FINDING_STATUSES,
      records.map((r) => r.status),
    ),
  };
  run.results?.forEach((result, i) => {
    const record = records[i]!;
    result.locations = result.locations?.map(({ physicalLocation: _file, ...location }) => location);
    result.properties = {
      ...result.properties,
      status: record.status,
      firstSeen: record.firstSeen,
      lastSeen: record.lastSeen,
      lastTransition: record.lastTransition,
      lastTransitionAt: record.lastTransitionAt,
      ...(record.actorArn ? { actorArn: record.actorArn } : {}),
    };
    if (record.status === 'RESOLVED') {
      // SARIF: a result that is not a failure has level "none".
      result.kind = 'pass';
      result.level = 'none';
    }
  });
  return log;
}

/** The scan's CSV columns (status may also be RESOLVED), then the finding's lifecycle. */
export const FINDINGS_CSV_COLUMNS = [
  ...CSV_COLUMNS,
  'region',
  'firstSeen',
  'lastSeen',
  'lastTransition',
  'lastTransitionAt',
  'actorArn',
  'occurrences',
] as const;

export function findingsCsv(records: readonly FindingRecord[]): string {
  const rows = [FINDINGS_CSV_COLUMNS.join(',')];
  for (const r of records) {
    const cells: Record<(typeof FINDINGS_CSV_COLUMNS)[number], string> = {
      id: r.id,
      ruleId: r.ruleId,
      severity: r.severity,
      status: r.status,
      resourceType: r.resourceType,
      resource: r.resource,
      accountId: r.accountId,
      title: r.title,
      message: r.message,
      remediation: r.remediation.summary,
      evidence: JSON.stringify(r.evidence),
      suppressionReason: r.suppression?.reason ?? '',
      region: r.region,
      firstSeen: r.firstSeen,
      lastSeen: r.lastSeen,
      lastTransition: r.lastTransition,
      lastTransitionAt: r.lastTransitionAt,
      actorArn: r.actorArn ?? '',
      occurrences: String(r.occurrences),
    };
    rows.push(FINDINGS_CSV_COLUMNS.map((c) => csvField(cells[c])).join(','));
  }
  return `${rows.join('\r\n')}\r\n`;
}

const SEVERITY_STYLE: Record<Severity, string> = {
  critical: '1;35',
  high: '1;31',
  medium: '33',
  low: '36',
  info: '2',
};

function minute(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** One line per finding: severity, status, last change, rule, id, resource. */
export function findingsTable(records: readonly FindingRecord[], colour: boolean): string {
  if (records.length === 0) return 'No findings match.\n';
  const ruleWidth = Math.max(4, ...records.map((r) => r.ruleId.length));
  const paint = (severity: Severity, text: string) =>
    colour ? `\u001b[${SEVERITY_STYLE[severity]}m${text}\u001b[0m` : text;
  const header = `${'SEVERITY'.padEnd(9)}${'STATUS'.padEnd(11)}${'CHANGED (UTC)'.padEnd(17)}${'RULE'.padEnd(
    ruleWidth + 1,
  )}${'ID'.padEnd(24)}RESOURCE`;
  const lines = records.map(
    (r) =>
      `${paint(r.severity, r.severity.padEnd(8))} ${r.status.padEnd(10)} ${minute(r.lastTransitionAt)} ` +
      `${r.ruleId.padEnd(ruleWidth)} ${r.id} ${r.resource}`,
  );
  return `${[header, ...lines].join('\n')}\n`;
}

function renderFindings(format: ReportFormat, collected: Collected, target: RenderTarget): string {
  const records = collected.items;
  switch (format) {
    case 'table':
      return findingsTable(records, target.colour);
    case 'json':
      return `${JSON.stringify({ findings: records, count: records.length, more: collected.more }, null, 2)}\n`;
    case 'csv':
      return findingsCsv(records);
    case 'sarif':
      return `${JSON.stringify(findingsSarif(records, target), null, 2)}\n`;
    case 'asff':
      return `${JSON.stringify(findingsAsff(records, target), null, 2)}\n`;
  }
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** `findings show`: every field of the record, its trigger, evidence, remediation and history. */
export function findingText(r: FindingRecord): string {
  const lines: string[] = [`${r.id}  ${r.severity.toUpperCase()}  ${r.status}`, r.title, ''];
  const field = (name: string, value: string) => lines.push(`${`${name}:`.padEnd(19)} ${value}`);
  field('Rule', r.ruleId + (r.findingKey !== undefined ? ` (finding key ${r.findingKey})` : ''));
  field('Resource', `${r.resource} (${r.resourceType})`);
  field('Account, Region', `${r.accountId}, ${r.region}`);
  field('Message', r.message);
  field('First seen', r.firstSeen);
  field('Last seen', `${r.lastSeen} (${r.occurrences} observation(s))`);
  if (r.resolvedAt !== undefined) field('Resolved at', r.resolvedAt);
  field(
    'Last change',
    `${r.lastTransition} at ${r.lastTransitionAt}${r.actorArn ? ` by ${r.actorArn}` : ' (scheduled sweep or evaluator)'}`,
  );
  const s = r.suppression;
  if (s !== undefined) {
    const source = s.kind === 'manual' ? 'manual' : `suppression ${s.id}`;
    const until = s.expiresAt ? `, until ${s.expiresAt}` : '';
    field('Suppression', `${source} by ${s.createdBy} at ${s.createdAt}${until}: ${s.reason}`);
  }
  const t = r.trigger;
  if (t !== undefined) {
    const parts = [`${t.eventName} at ${t.eventTime} (event ${t.eventId})`];
    if (t.actorArn) parts.push(`by ${t.actorArn}`);
    if (t.sourceIp) parts.push(`from ${t.sourceIp}`);
    if (t.userAgent) parts.push(`with ${t.userAgent}`);
    field('Triggered by', parts.join(' '));
  }
  if (r.detectionLatencyMs !== undefined) field('Detected after', formatDuration(r.detectionLatencyMs));
  lines.push('', 'Evidence:');
  lines.push(
    ...JSON.stringify(r.evidence, null, 2)
      .split('\n')
      .map((l) => `  ${l}`),
  );
  lines.push('', 'Remediation:', `  ${r.remediation.summary}`);
  if (r.remediation.cli) lines.push(`  AWS CLI: ${r.remediation.cli}`);
  if (r.remediation.cdk) lines.push(`  CDK: ${r.remediation.cdk}`);
  lines.push('', `History (oldest first; the record keeps the last ${HISTORY_LIMIT}):`);
  for (const h of r.history) {
    const who = h.actor ? ` by ${h.actor}` : '';
    const event = h.eventId ? ` [event ${h.eventId}]` : '';
    lines.push(`  ${h.at}  ${h.kind.padEnd(16)} ${h.from ?? '—'} → ${h.to}${who}${event}: ${h.reason}`);
  }
  return `${lines.join('\n')}\n`;
}

// ---- Stats -------------------------------------------------------------------------------------------------

export type StatusCounts = { total: number } & Record<FindingStatus, number>;

export interface FindingsStats {
  total: number;
  byStatus: Record<FindingStatus, number>;
  /** Most severe first. */
  bySeverity: Record<Severity, StatusCounts>;
  /** Most findings first, then by rule id. */
  byRule: Record<string, StatusCounts>;
  /** Record time minus event time, over the findings whose last change an event caused. */
  detectionLatency: { findings: number; meanMs: number | null; p95Ms: number | null };
}

const emptyCounts = (): StatusCounts => ({ total: 0, OPEN: 0, RESOLVED: 0, SUPPRESSED: 0 });

/** p-th percentile by the nearest-rank method (the smallest value with at least p% of values at or below). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function findingsStats(records: readonly FindingRecord[]): FindingsStats {
  const bySeverity = Object.fromEntries([...SEVERITIES].reverse().map((s) => [s, emptyCounts()])) as Record<
    Severity,
    StatusCounts
  >;
  const rules = new Map<string, StatusCounts>();
  const latencies: number[] = [];
  for (const r of records) {
    const severity = bySeverity[r.severity];
    severity.total += 1;
    severity[r.status] += 1;
    const rule = rules.get(r.ruleId) ?? emptyCounts();
    rule.total += 1;
    rule[r.status] += 1;
    rules.set(r.ruleId, rule);
    if (r.detectionLatencyMs !== undefined) latencies.push(r.detectionLatencyMs);
  }
  latencies.sort((a, b) => a - b);
  const sum = latencies.reduce((total, ms) => total + ms, 0);
  return {
    total: records.length,
    byStatus: countBy(
      FINDING_STATUSES,
      records.map((r) => r.status),
    ),
    bySeverity,
    byRule: Object.fromEntries(
      [...rules].sort(([a, x], [b, y]) => y.total - x.total || (a < b ? -1 : a > b ? 1 : 0)),
    ),
    detectionLatency: {
      findings: latencies.length,
      meanMs: latencies.length === 0 ? null : Math.round(sum / latencies.length),
      p95Ms: percentile(latencies, 95),
    },
  };
}

function statsText(stats: FindingsStats, table: Table, status: StatusOption): string {
  const statuses = ['OPEN', 'SUPPRESSED', 'RESOLVED'] as const;
  const summary = statuses.map((s) => `${s} ${stats.byStatus[s]}`).join(', ');
  const lines = [
    `Findings in ${table.tableName} (${table.region}), status ${status}: ${stats.total} (${summary})`,
    '',
  ];
  const grid = (title: string, rows: [string, StatusCounts][]) => {
    const width = Math.max(title.length, ...rows.map(([name]) => name.length));
    const cells = ['TOTAL', ...statuses];
    lines.push(`${title.padEnd(width)}  ${cells.map((c) => c.padStart(12)).join('')}`);
    for (const [name, counts] of rows) {
      const values = [counts.total, ...statuses.map((s) => counts[s])];
      lines.push(`${name.padEnd(width)}  ${values.map((v) => String(v).padStart(12)).join('')}`);
    }
    lines.push('');
  };
  grid('SEVERITY', Object.entries(stats.bySeverity));
  grid('RULE', Object.entries(stats.byRule));
  const latency = stats.detectionLatency;
  lines.push(
    latency.findings === 0
      ? 'Detection latency: no finding whose last change an event caused'
      : `Detection latency (event time to record time, ${latency.findings} finding(s) whose last change an ` +
          `event caused): mean ${formatDuration(latency.meanMs!)}, p95 ${formatDuration(latency.p95Ms!)}`,
  );
  return `${lines.join('\n')}\n`;
}

// ---- Security Hub --------------------------------------------------------------------------------------------

export interface ImportFailure {
  id: string;
  code: string;
  message: string;
}

export interface ImportOutcome {
  imported: number;
  failed: ImportFailure[];
  /** BatchImportFindings calls made (retries included). */
  calls: number;
  /** Findings sent again after a retryable failure. */
  retried: number;
}

export interface ImportOptions {
  /** Attempts for a finding that failed with a retryable code (default 3). */
  maxAttempts?: number;
  /** Pause before the first retry, doubled after each (default 250 ms). */
  backoffMs?: number;
  onProgress?: (sent: number, total: number) => void;
}

/** Per-finding failures worth another try: throttling and service-side errors; the rest (InvalidInput…) are final. */
const RETRYABLE_IMPORT = /throttl|toomanyrequests|limitexceeded|internal|unavailable|timeout/i;

function isAccessProblem(error: unknown): boolean {
  const name = (error as { name?: string }).name ?? '';
  const message = (error as Error).message ?? '';
  return /AccessDenied|UnauthorizedOperation|not authorized|CredentialsProviderError|Could not load credentials|InvalidAccessException|not subscribed/i.test(
    `${name} ${message}`,
  );
}

/**
 * Imports findings into Security Hub, 100 per BatchImportFindings call. Findings that fail with a retryable
 * code are sent again (with backoff); others are reported. A call that fails as a whole (after the SDK's own
 * retries) fails its batch; missing credentials or permissions stop the import (a CommandFailedError).
 */
export async function importToSecurityHub(
  client: SecurityHubClient,
  findings: readonly AsffFinding[],
  options: ImportOptions = {},
): Promise<ImportOutcome> {
  const maxAttempts = options.maxAttempts ?? 3;
  const backoffMs = options.backoffMs ?? 250;
  const outcome: ImportOutcome = { imported: 0, failed: [], calls: 0, retried: 0 };
  for (let start = 0; start < findings.length; start += SECURITY_HUB_BATCH) {
    let pending = findings.slice(start, start + SECURITY_HUB_BATCH);
    for (let attempt = 1; pending.length > 0; attempt++) {
      let failed: ImportFindingsError[];
      try {
        outcome.calls += 1;
        // The renderer's ASFF objects; Security Hub validates them and reports any it rejects.
        const out = await client.send(
          new BatchImportFindingsCommand({ Findings: pending as unknown as AwsSecurityFinding[] }),
        );
        failed = out.FailedFindings ?? [];
      } catch (error) {
        if (isAccessProblem(error)) {
          const explained = explainAwsError(
            error,
            'securityhub:BatchImportFindings',
            'Security Hub not found',
          );
          throw new CommandFailedError(
            `${explained.message}; ${outcome.imported} finding(s) imported before that`,
            1,
            { cause: error },
          );
        }
        const name = (error as { name?: string }).name ?? 'Error';
        failed = pending.map((f) => ({ Id: f.Id, ErrorCode: name, ErrorMessage: (error as Error).message }));
        for (const f of failed) {
          outcome.failed.push({ id: f.Id ?? '', code: f.ErrorCode ?? '', message: f.ErrorMessage ?? '' });
        }
        break;
      }
      const failedIds = new Set(failed.map((f) => f.Id));
      outcome.imported += pending.filter((f) => !failedIds.has(f.Id)).length;
      const again =
        attempt < maxAttempts ? failed.filter((f) => RETRYABLE_IMPORT.test(f.ErrorCode ?? '')) : [];
      const againIds = new Set(again.map((f) => f.Id));
      for (const f of failed) {
        if (!againIds.has(f.Id)) {
          outcome.failed.push({
            id: f.Id ?? '(no id)',
            code: f.ErrorCode ?? 'Unknown',
            message: f.ErrorMessage ?? '',
          });
        }
      }
      pending = pending.filter((f) => againIds.has(f.Id));
      if (pending.length > 0) {
        outcome.retried += pending.length;
        await sleep(backoffMs * 2 ** (attempt - 1));
      }
    }
    options.onProgress?.(Math.min(start + SECURITY_HUB_BATCH, findings.length), findings.length);
  }
  return outcome;
}

// ---- Commands ----------------------------------------------------------------------------------------------

function useColour(io: CliIo, format: string, output: string | undefined): boolean {
  if (format !== 'table' || output !== undefined) return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0') return true;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  return io.stdout.isTTY;
}

function writeOutput(io: CliIo, text: string, output: string | undefined, what: string): void {
  if (output === undefined) {
    io.stdout.write(text);
    return;
  }
  try {
    writeFileSync(resolve(io.cwd, output), text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${output}: cannot write (${code ?? (error as Error).message})`, { cause: error });
  }
  io.stderr.write(`tripline: wrote ${what} to ${output}\n`);
}

function target(io: CliIo, table: Table, format: string, output?: string): RenderTarget {
  return {
    tableName: table.tableName,
    region: table.region,
    now: io.now(),
    colour: useColour(io, format, output),
  };
}

export async function listCommand(io: CliIo, options: ListOptions): Promise<void> {
  const query = findingQuery(options, io.now());
  const limit = options.limit === undefined ? DEFAULT_LIST_LIMIT : parseLimit(options.limit);
  const table = await openTable(io, options, false);
  const collected = await readFindings(io, table, query, limit);
  const text = renderFindings(options.format, collected, target(io, table, options.format, options.output));
  writeOutput(io, text, options.output, `${collected.items.length} finding(s) (${options.format})`);
  if (collected.more) {
    io.stderr.write(
      `tripline: showing the first ${collected.items.length} finding(s); more match: raise --limit or narrow the filter\n`,
    );
  }
}

export async function exportCommand(io: CliIo, options: ExportOptions): Promise<void> {
  if (options.toSecurityHub && options.format !== 'asff') {
    throw new InputError(`--to-security-hub sends ASFF: use --format asff (or leave --format out)`);
  }
  if (options.toSecurityHub && options.output !== undefined) {
    throw new InputError('--to-security-hub and --output: choose one (export to a file, then import it)');
  }
  const query = findingQuery(options, io.now());
  const limit = options.limit === undefined ? Number.POSITIVE_INFINITY : parseLimit(options.limit);
  const table = await openTable(io, options, false);
  const collected = await readFindings(io, table, query, limit);
  const renderTarget = target(io, table, options.format, options.output);
  if (!options.toSecurityHub) {
    const text = renderFindings(options.format, collected, renderTarget);
    writeOutput(io, text, options.output, `${collected.items.length} finding(s) (${options.format})`);
    return;
  }
  const asff = findingsAsff(collected.items, renderTarget);
  const client = new SecurityHubClient({
    ...awsClientConfig(io, {
      region: table.region,
      ...(options.profile ? { profile: options.profile } : {}),
    }),
    maxAttempts: 5,
  });
  const progress = createReadProgress(io.stderr, 'importing into Security Hub');
  let outcome: ImportOutcome;
  try {
    outcome = await importToSecurityHub(client, asff, {
      onProgress: (sent, total) => progress.update(sent, total),
    });
  } finally {
    progress.finish();
    client.destroy();
  }
  const retried = outcome.retried > 0 ? `, ${outcome.retried} sent again after a retryable failure` : '';
  io.stdout.write(
    `imported ${outcome.imported} of ${asff.length} finding(s) into Security Hub in ${table.region} ` +
      `(${outcome.calls} BatchImportFindings call(s)${retried})\n`,
  );
  if (outcome.failed.length > 0) {
    const shown = outcome.failed.slice(0, 20);
    for (const f of shown) io.stderr.write(`tripline: not imported: ${f.id}: ${f.code}: ${f.message}\n`);
    if (outcome.failed.length > shown.length) {
      io.stderr.write(`tripline: … and ${outcome.failed.length - shown.length} more\n`);
    }
    throw new CommandFailedError(`${outcome.failed.length} finding(s) were not imported into Security Hub`);
  }
}

export async function showCommand(io: CliIo, idArg: string, options: DetailOptions): Promise<void> {
  const id = parseFindingId(idArg);
  const table = await openTable(io, options, false);
  const record = await table.call(() => table.store.get(id));
  if (record === undefined) {
    throw new InputError(`no finding ${id} in table ${table.tableName} (${table.region})`);
  }
  io.stdout.write(options.format === 'json' ? `${JSON.stringify(record, null, 2)}\n` : findingText(record));
}

export async function statsCommand(io: CliIo, options: StatsOptions): Promise<void> {
  const query = findingQuery(options, io.now());
  if (options.limit !== undefined) throw new InputError('--limit: stats counts every matching finding');
  const table = await openTable(io, options, false);
  const progress = createReadProgress(io.stderr, `reading ${table.tableName}`);
  const { items } = await collectFindings(table, query, Number.POSITIVE_INFINITY, progress);
  const stats = findingsStats(items);
  io.stdout.write(
    options.format === 'json'
      ? `${JSON.stringify(stats, null, 2)}\n`
      : statsText(stats, table, options.status),
  );
}

function transitionLine(t: Transition): string {
  return `${t.findingId}: ${t.from ?? 'new'} → ${t.to} (${t.kind}) by ${t.actor ?? 'unknown'}: ${t.reason}\n`;
}

async function requireFinding(table: Table, id: string): Promise<FindingRecord> {
  const record = await table.call(() => table.store.get(id));
  if (record === undefined) {
    throw new InputError(`no finding ${id} in table ${table.tableName} (${table.region})`);
  }
  return record;
}

/** Open findings a new suppression rule covers, read through the narrowest index the pattern allows. */
async function coveredOpenFindings(table: Table, suppression: FindingSuppression): Promise<number> {
  const wildcard = suppression.resourcePattern.search(/[*?]/);
  const prefix = wildcard < 0 ? suppression.resourcePattern : suppression.resourcePattern.slice(0, wildcard);
  const query: FindingQuery = { status: 'open' };
  if (suppression.ruleId !== '*') query.ruleId = suppression.ruleId;
  if (prefix.split(':').length > 5 && arnAccount(prefix) !== undefined) query.resource = { prefix };
  const silent: ReadProgress = { update() {}, finish() {} };
  const { items } = await collectFindings(table, query, PREFIX_READ_LIMIT, silent);
  return items.filter((r) => suppressionMatches(suppression, r)).length;
}

export async function suppressCommand(io: CliIo, idArg: string | undefined, options: SuppressOptions) {
  const byPattern = options.rule !== undefined || options.resource !== undefined;
  if (idArg !== undefined && byPattern) {
    throw new InputError('give a finding id, or --rule and --resource (a suppression rule), not both');
  }
  if (idArg === undefined && (options.rule === undefined || options.resource === undefined)) {
    throw new InputError(
      'what to suppress: a finding id, or --rule ID (or "*") and --resource PATTERN (an ARN; * and ? match any text)',
    );
  }
  const id = idArg === undefined ? undefined : parseFindingId(idArg);
  const reason = requireReason(options.reason, 'suppress');
  const expiresAt = options.expires === undefined ? undefined : parseExpires(options.expires, io.now());
  if (options.rule !== undefined && options.rule !== '*' && findRule(options.rule) === undefined) {
    throw new InputError(
      `--rule ${options.rule}: no rule has that id (see \`tripline rules\`); "*" means every rule`,
    );
  }
  if (options.resource !== undefined && options.resource.trim() === '') {
    throw new InputError('--resource: a pattern is required (an ARN; * and ? match any text)');
  }
  const table = await openTable(io, options, true);
  const actor = await callerIdentity(io, tableOptions(io, options, true));
  const until = expiresAt === undefined ? '' : ` until ${expiresAt}`;

  if (id !== undefined) {
    const before = await requireFinding(table, id);
    const transition = await table.call(() =>
      table.store.setStatus(id, {
        status: 'SUPPRESSED',
        reason,
        actor,
        ...(expiresAt === undefined ? {} : { expiresAt }),
      }),
    );
    if (transition !== undefined) io.stdout.write(transitionLine(transition));
    else if (before.status === 'RESOLVED') {
      io.stdout.write(`${id}: RESOLVED; suppressed${until} by ${actor} should it reappear: ${reason}\n`);
    } else io.stdout.write(`${id}: suppression updated${until} by ${actor}: ${reason}\n`);
    return;
  }

  const suppression = await table.call(() =>
    table.store.putSuppression({
      ruleId: options.rule!,
      resourcePattern: options.resource!,
      reason,
      createdBy: actor,
      ...(expiresAt === undefined ? {} : { expiresAt }),
    }),
  );
  const covered = await coveredOpenFindings(table, suppression);
  io.stdout.write(
    `suppression ${suppression.id}: rule ${suppression.ruleId} on ${suppression.resourcePattern}${until}, ` +
      `by ${actor}: ${reason}\n` +
      `${covered} open finding(s) match it; each becomes SUPPRESSED at its next evaluation (an event or the scheduled sweep)\n`,
  );
}

export async function unsuppressCommand(io: CliIo, idArg: string | undefined, options: UnsuppressOptions) {
  if ((idArg === undefined) === (options.suppression === undefined)) {
    throw new InputError('give a finding id, or --suppression SID (see `findings suppressions`), not both');
  }
  if (options.suppression !== undefined) {
    const sid = options.suppression.trim();
    if (!/^sp-[0-9a-f]{16}$/.test(sid)) {
      throw new InputError(
        `--suppression ${sid}: expected sp- and 16 hex digits (see \`findings suppressions\`)`,
      );
    }
    const table = await openTable(io, options, true);
    const existing = (await table.call(() => table.store.listSuppressions())).find((s) => s.id === sid);
    if (existing === undefined || !(await table.call(() => table.store.deleteSuppression(sid)))) {
      throw new InputError(
        `no suppression ${sid} in table ${table.tableName} (see \`findings suppressions\`)`,
      );
    }
    io.stdout.write(
      `removed suppression ${sid} (rule ${existing.ruleId} on ${existing.resourcePattern}): the findings it ` +
        `covered reopen at their next evaluation or the suppression sweep\n`,
    );
    return;
  }
  const id = parseFindingId(idArg!);
  const table = await openTable(io, options, true);
  const before = await requireFinding(table, id);
  if (before.status !== 'SUPPRESSED') {
    const manual =
      before.suppression?.kind === 'manual' ? ' (its manual suppression applies if it reappears)' : '';
    throw new InputError(`finding ${id} is ${before.status}, not SUPPRESSED${manual}`);
  }
  const actor = await callerIdentity(io, tableOptions(io, options, true));
  const reason = options.reason?.trim() || 'suppression lifted';
  const transition = await table.call(() => table.store.setStatus(id, { status: 'OPEN', reason, actor }));
  if (transition !== undefined) io.stdout.write(transitionLine(transition));
  if (before.suppression?.kind === 'rule') {
    io.stderr.write(
      `tripline: ${id} was covered by suppression ${before.suppression.id}, which applies again at its next ` +
        `evaluation: remove it with \`findings unsuppress --suppression ${before.suppression.id}\`\n`,
    );
  }
}

export async function resolveCommand(io: CliIo, idArg: string, options: ResolveOptions): Promise<void> {
  const id = parseFindingId(idArg);
  const reason = requireReason(options.reason, 'resolve');
  const table = await openTable(io, options, true);
  await requireFinding(table, id);
  const actor = await callerIdentity(io, tableOptions(io, options, true));
  const transition = await table.call(() => table.store.setStatus(id, { status: 'RESOLVED', reason, actor }));
  io.stdout.write(transition ? transitionLine(transition) : `${id}: already RESOLVED\n`);
}

export async function suppressionsCommand(io: CliIo, options: DetailOptions): Promise<void> {
  const table = await openTable(io, options, false);
  const list = (await table.call(() => table.store.listSuppressions())).sort((a, b) =>
    a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0,
  );
  if (options.format === 'json') {
    io.stdout.write(`${JSON.stringify({ suppressions: list }, null, 2)}\n`);
    return;
  }
  if (list.length === 0) {
    io.stdout.write('No suppression rules.\n');
    return;
  }
  const now = io.now().getTime();
  for (const s of list) {
    const expired = s.expiresAt !== undefined && Date.parse(s.expiresAt) <= now ? ' (expired)' : '';
    const until = s.expiresAt ? ` until ${s.expiresAt}${expired}` : '';
    const key = s.findingKey !== undefined ? ` key ${s.findingKey}` : '';
    io.stdout.write(
      `${s.id}  rule ${s.ruleId} on ${s.resourcePattern}${key}${until}, by ${s.createdBy} at ${s.createdAt}: ${s.reason}\n`,
    );
  }
}

// ---- Registration ------------------------------------------------------------------------------------------

function addTableOptions(command: Command): Command {
  return command
    .option('--table <name>', 'findings table (default: the FindingsTableName output of the deployed stack)')
    .option('--stack <name>', `stack to find the table in (default ${DEFAULT_STACK_NAME})`)
    .option('--region <region>', 'AWS Region (default: AWS_REGION, AWS_DEFAULT_REGION or us-east-1)')
    .option('--profile <profile>', 'AWS named profile')
    .option(
      '--endpoint <url>',
      'DynamoDB-protocol endpoint, e.g. a local dynalite (default table tripline-findings)',
    );
}

function addFilterOptions(command: Command, status: StatusOption, limitHelp?: string): Command {
  command
    .addOption(
      new Option('--status <status>', 'findings in this status').choices(STATUS_FILTERS).default(status),
    )
    .addOption(new Option('--severity <level>', 'findings of this severity and above').choices(SEVERITIES))
    .option('--rule <id>', 'findings of one rule')
    .option('--resource <arn>', 'one resource ARN, or an ARN prefix ending in *, / or :')
    .option('--account <id>', 'the account to search when the --resource prefix names none')
    .option('--actor <arn>', 'findings whose last change this principal caused')
    .option('--since <when>', 'last change at or after: 30m, 12h, 7d, 2w, 2026-12-01 or an ISO time');
  if (limitHelp !== undefined) command.option('--limit <n>', limitHelp);
  return command;
}

export function registerFindingsCommand(program: Command, io: CliIo): void {
  const findings = program
    .command('findings')
    .description(
      'Query, triage and export the findings in the deployed findings table (Query on its indexes, never Scan).',
    );

  addTableOptions(
    addFilterOptions(
      findings
        .command('list')
        .description('List findings, most severe first, then most recently changed.')
        .addOption(
          new Option('-f, --format <format>', 'output format').choices(FINDINGS_FORMATS).default('table'),
        )
        .option('-o, --output <file>', 'write to a file instead of stdout'),
      'open',
      `at most this many findings (default ${DEFAULT_LIST_LIMIT}); pages are followed until then`,
    ),
  ).action(withErrorReporting(io, (options: ListOptions) => listCommand(io, options)));

  addTableOptions(
    findings
      .command('show')
      .description('One finding: every field, its trigger, evidence, remediation and transition history.')
      .argument('<id>', 'finding id (tl-…)')
      .addOption(
        new Option('-f, --format <format>', 'output format').choices(DETAIL_FORMATS).default('table'),
      ),
  ).action(withErrorReporting(io, (id: string, options: DetailOptions) => showCommand(io, id, options)));

  addTableOptions(
    findings
      .command('suppress')
      .description(
        'Suppress one finding (by id), or add a suppression rule (--rule and --resource pattern) that applies ' +
          'to matching findings from their next evaluation.',
      )
      .argument('[id]', 'finding id (tl-…)')
      .option('--reason <text>', 'why (required; recorded with who suppressed it)')
      .option('--expires <when>', 'when the suppression ends: 30d, 2w, 2027-01-31 or an ISO time')
      .option('--rule <id>', 'suppression rule: the rule id, or "*" for every rule')
      .option('--resource <pattern>', 'suppression rule: resource ARN pattern; * and ? match any text'),
  ).action(
    withErrorReporting(io, (id: string | undefined, options: SuppressOptions) =>
      suppressCommand(io, id, options),
    ),
  );

  addTableOptions(
    findings
      .command('unsuppress')
      .description('Lift the suppression of one finding (it reopens), or remove a suppression rule.')
      .argument('[id]', 'finding id (tl-…)')
      .option('--suppression <sid>', 'remove this suppression rule (sp-…)')
      .option('--reason <text>', 'why (recorded on the finding; default "suppression lifted")'),
  ).action(
    withErrorReporting(io, (id: string | undefined, options: UnsuppressOptions) =>
      unsuppressCommand(io, id, options),
    ),
  );

  addTableOptions(
    findings
      .command('resolve')
      .description('Mark a finding resolved (it reopens if a later evaluation fails again).')
      .argument('<id>', 'finding id (tl-…)')
      .option('--reason <text>', 'why (required; recorded with who resolved it)'),
  ).action(withErrorReporting(io, (id: string, options: ResolveOptions) => resolveCommand(io, id, options)));

  addTableOptions(
    addFilterOptions(
      findings
        .command('stats')
        .description('Counts by severity, status and rule; mean and p95 detection latency.')
        .addOption(
          new Option('-f, --format <format>', 'output format').choices(DETAIL_FORMATS).default('table'),
        ),
      'all',
    ),
  ).action(withErrorReporting(io, (options: StatsOptions) => statsCommand(io, options)));

  addTableOptions(
    addFilterOptions(
      findings
        .command('export')
        .description(
          'Export findings (every status by default) as ASFF or another format, or import them into Security Hub.',
        )
        .addOption(
          new Option('-f, --format <format>', 'output format').choices(FINDINGS_FORMATS).default('asff'),
        )
        .option('-o, --output <file>', 'write to a file instead of stdout')
        .option(
          '--to-security-hub',
          'import into Security Hub (BatchImportFindings, 100 per call, in --region); exit 1 if any fails',
        ),
      'all',
      'at most this many findings (default: all that match)',
    ),
  ).action(withErrorReporting(io, (options: ExportOptions) => exportCommand(io, options)));

  addTableOptions(
    findings
      .command('suppressions')
      .description('List the suppression rules (ids for `unsuppress --suppression`).')
      .addOption(
        new Option('-f, --format <format>', 'output format').choices(DETAIL_FORMATS).default('table'),
      ),
  ).action(withErrorReporting(io, (options: DetailOptions) => suppressionsCommand(io, options)));
}
