/**
 * Digests: many changes (or the day's open findings) as one message per channel, grouped by rule and severity,
 * most severe first, then largest group first. Pure.
 */
import { createHash } from 'node:crypto';
import type { FindingRecord } from '../findings/finding-record.ts';
import { SEVERITIES, type Severity, severityRank } from '../rules/rule-types.ts';
import type { Alert } from './alert.ts';
import { transitionTag } from './alert-wording.ts';

export interface DigestEntry {
  findingId: string;
  resource: string;
  accountId: string;
  /** What happened (`opened`, `resolved`, …) or, in the daily digest, `open`. */
  label: string;
}

export interface DigestGroup {
  ruleId: string;
  severity: Severity;
  title: string;
  count: number;
  byLabel: Record<string, number>;
  /** Every entry, in input order (renderers show the first few). */
  entries: DigestEntry[];
}

export interface Digest {
  /** `dg-…` (hash of the alert ids) for a batch; `daily-YYYY-MM-DD` for the daily digest. */
  id: string;
  kind: 'batch' | 'daily';
  /** `200 finding changes`, `14 open findings`. */
  headline: string;
  generatedAt: string;
  total: number;
  /** Most severe first; only severities present. */
  bySeverity: { severity: Severity; count: number }[];
  byLabel: Record<string, number>;
  groups: DigestGroup[];
  accounts: string[];
  /** The daily digest read only part of the open findings (the counts are a lower bound). */
  partial?: boolean;
  /** The batch digest's alert ids (a retry that splits the batch knows what was in it). */
  alertIds: string[];
}

function labelOf(alert: Alert): string {
  return transitionTag(alert.transition.kind) || 'opened';
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

interface DigestItem {
  ruleId: string;
  severity: Severity;
  title: string;
  entry: DigestEntry;
}

function assemble(
  items: readonly DigestItem[],
  base: Omit<Digest, 'total' | 'bySeverity' | 'byLabel' | 'groups' | 'accounts'>,
): Digest {
  const groups = new Map<string, DigestGroup>();
  const bySeverity = new Map<Severity, number>();
  const byLabel: Record<string, number> = {};
  const accounts = new Set<string>();
  for (const item of items) {
    const key = `${item.severity}\n${item.ruleId}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = {
        ruleId: item.ruleId,
        severity: item.severity,
        title: item.title,
        count: 0,
        byLabel: {},
        entries: [],
      };
      groups.set(key, group);
    }
    group.count += 1;
    increment(group.byLabel, item.entry.label);
    group.entries.push(item.entry);
    increment(byLabel, item.entry.label);
    bySeverity.set(item.severity, (bySeverity.get(item.severity) ?? 0) + 1);
    accounts.add(item.entry.accountId);
  }
  const sortedGroups = [...groups.values()].sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      b.count - a.count ||
      (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0),
  );
  return {
    ...base,
    total: items.length,
    bySeverity: [...SEVERITIES]
      .reverse()
      .filter((s) => bySeverity.has(s))
      .map((severity) => ({ severity, count: bySeverity.get(severity) ?? 0 })),
    byLabel,
    groups: sortedGroups,
    accounts: [...accounts].sort(),
  };
}

/** `dg-` + 20 hex chars of sha256 of the sorted alert ids: the same batch always gives the same digest id. */
export function digestId(alertIds: readonly string[]): string {
  const hash = createHash('sha256')
    .update([...alertIds].sort().join('\n'))
    .digest('hex');
  return `dg-${hash.slice(0, 20)}`;
}

/** One digest for a batch of alerts. */
export function buildBatchDigest(alerts: readonly Alert[], now: Date): Digest {
  const alertIds = alerts.map((a) => a.id);
  return assemble(
    alerts.map((alert) => ({
      ruleId: alert.finding.ruleId,
      severity: alert.transition.toSeverity,
      title: alert.finding.title,
      entry: {
        findingId: alert.finding.id,
        resource: alert.finding.resource,
        accountId: alert.finding.accountId,
        label: labelOf(alert),
      },
    })),
    {
      id: digestId(alertIds),
      kind: 'batch',
      headline: `${alerts.length} finding change${alerts.length === 1 ? '' : 's'}`,
      generatedAt: now.toISOString(),
      alertIds,
    },
  );
}

/** The daily digest of open findings. */
export function buildDailyDigest(findings: readonly FindingRecord[], now: Date, partial: boolean): Digest {
  const digest = assemble(
    findings.map((finding) => ({
      ruleId: finding.ruleId,
      severity: finding.severity,
      title: finding.title,
      entry: {
        findingId: finding.id,
        resource: finding.resource,
        accountId: finding.accountId,
        label: 'open',
      },
    })),
    {
      id: `daily-${now.toISOString().slice(0, 10)}`,
      kind: 'daily',
      headline: `${partial ? 'at least ' : ''}${findings.length} open finding${findings.length === 1 ? '' : 's'}`,
      generatedAt: now.toISOString(),
      alertIds: [],
    },
  );
  if (partial) digest.partial = true;
  return digest;
}

/** `2 critical, 5 high`. */
export function severitySummary(digest: Pick<Digest, 'bySeverity'>): string {
  return digest.bySeverity.map((s) => `${s.count} ${s.severity}`).join(', ');
}

/** `195 opened, 5 resolved`. */
export function labelSummary(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([label, count]) => `${count} ${label}`)
    .join(', ');
}

export function highestSeverity(digest: Pick<Digest, 'bySeverity'>): Severity {
  return digest.bySeverity[0]?.severity ?? 'info';
}
