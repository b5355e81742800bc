/**
 * The scheduled full sweep: the same evaluation as `tripline scan`, over live state, recorded as transitions.
 * It catches what events missed (CloudTrail delivery is best effort) and resolves stale findings: a finding whose
 * rule now passes on its resource, or whose resource no longer exists. Expired suppressions re-open.
 */
import { observationFromResult, type Transition } from '../findings/finding-record.ts';
import type { FindingsStore } from '../findings/findings-store.ts';
import type { Rule, RuleResult } from '../rules/rule-types.ts';
import { effectiveSeverity, type ScanConfig } from '../rules/scan-config.ts';
import { findingId } from '../scan/finding.ts';
import { evaluateRules } from '../scan/run-scan.ts';
import type { StateReader } from './state-reader.ts';

export interface SweepOptions {
  reader: StateReader;
  store: FindingsStore;
  rules: readonly Rule[];
  config: ScanConfig;
  region: string;
  now?: () => Date;
}

export interface SweepOutcome {
  principals: number;
  functions: number | null;
  results: Record<RuleResult['status'], number>;
  transitions: Transition[];
}

export async function sweep(options: SweepOptions): Promise<SweepOutcome> {
  const now = (options.now ?? (() => new Date()))();
  const snapshot = await options.reader.account();
  const results: SweepOutcome['results'] = { PASS: 0, FAIL: 0, NOT_APPLICABLE: 0, UNKNOWN: 0, ERROR: 0 };
  const produced: { rule: Rule; result: RuleResult }[] = [];
  const counts = evaluateRules(
    snapshot,
    options.rules,
    options.config,
    (o) => {
      results[o.result.status]++;
      produced.push(o);
    },
    { now },
  );

  const transitions: Transition[] = [];
  const context = (rule: Rule, result: RuleResult, resourceDeleted = false) => ({
    accountId: snapshot.accountId,
    region: options.region,
    observedAt: now,
    severity: effectiveSeverity(options.config, rule.id, result.severity ?? rule.severity),
    ...(resourceDeleted ? { resourceDeleted: true } : {}),
  });
  const failing = new Set<string>();
  const decided = new Set<string>();
  const undecided = new Set<string>();
  for (const { rule, result } of produced) {
    const pair = `${rule.id}|${result.resource}`;
    if (result.status === 'UNKNOWN' || result.status === 'ERROR') undecided.add(pair);
    else decided.add(pair);
    if (result.status !== 'FAIL') continue;
    failing.add(findingId(rule.id, result.resource, result.findingKey));
    const transition = await options.store.recordObservation(
      observationFromResult(rule, result, context(rule, result)),
    );
    if (transition) transitions.push(transition);
  }

  // Resolve what no longer fails, and what no longer exists.
  const existing = new Set([
    ...snapshot.roles.map((r) => r.arn),
    ...snapshot.users.map((u) => u.arn),
    ...snapshot.groups.map((g) => g.arn),
    ...snapshot.managedPolicies.keys(),
    ...(snapshot.functions ?? []).map((f) => f.arn),
    `arn:${snapshot.partition}:iam::${snapshot.accountId}:root`,
  ]);
  const byId = new Map(options.rules.map((r) => [r.id, r]));
  // Read the whole open/suppressed set first: resolving while paging would move records under the cursor.
  const records = [];
  for (const status of ['open', 'suppressed'] as const) {
    let cursor: string | undefined;
    do {
      const page = await options.store.query({ status, limit: 100, ...(cursor ? { cursor } : {}) });
      records.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
  }
  for (const record of records) {
    const rule = byId.get(record.ruleId);
    if (!rule || rule.scope === 'event' || failing.has(record.id)) continue;
    const pair = `${record.ruleId}|${record.resource}`;
    if (undecided.has(pair)) continue;
    const isFunction = record.resource.includes(':lambda:');
    const gone = !existing.has(record.resource) && (!isFunction || snapshot.functions !== undefined);
    if (!decided.has(pair) && !gone) continue;
    const result: RuleResult = {
      status: gone ? 'NOT_APPLICABLE' : 'PASS',
      resource: record.resource,
      resourceType: record.resourceType,
      message: gone ? 'the resource no longer exists' : 'no longer fails (sweep)',
      ...(record.findingKey !== undefined ? { findingKey: record.findingKey } : {}),
    };
    const transition = await options.store.recordObservation(
      observationFromResult(rule, result, context(rule, result, gone)),
    );
    if (transition) transitions.push(transition);
  }
  transitions.push(...(await options.store.expireSuppressions()));
  return {
    principals: counts.principals,
    functions: snapshot.functions ? counts.functions : null,
    results,
    transitions,
  };
}
