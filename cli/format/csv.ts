/**
 * `--format csv`: one row per finding, RFC 4180 (CRLF line ends; a field with a comma, quote or line break is
 * quoted, quotes doubled). Evidence is one JSON cell.
 */
import type { Finding } from '../../shared/scan/finding.ts';
import type { ReportContext } from './report-context.ts';

export const CSV_COLUMNS = [
  'id',
  'ruleId',
  'severity',
  'status',
  'resourceType',
  'resource',
  'accountId',
  'title',
  'message',
  'remediation',
  'evidence',
  'suppressionReason',
] as const;

type Column = (typeof CSV_COLUMNS)[number];

function cells(f: Finding): Record<Column, string> {
  return {
    id: f.id,
    ruleId: f.ruleId,
    severity: f.severity,
    status: f.status,
    resourceType: f.resourceType,
    resource: f.resource,
    accountId: f.accountId,
    title: f.title,
    message: f.message,
    remediation: f.remediation.summary,
    evidence: JSON.stringify(f.evidence),
    suppressionReason: f.suppression?.reason ?? '',
  };
}

/** Quotes a field when RFC 4180 requires it. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function renderCsv(ctx: ReportContext): string {
  const rows = [CSV_COLUMNS.join(',')];
  for (const f of ctx.report.findings) {
    const row = cells(f);
    rows.push(CSV_COLUMNS.map((c) => csvField(row[c])).join(','));
  }
  return `${rows.join('\r\n')}\r\n`;
}
