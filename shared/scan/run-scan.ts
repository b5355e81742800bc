/**
 * Runs rules over an account snapshot: every principal rule on every principal of its kinds, every function
 * rule on every function, every account rule once. A rule that throws yields ERROR and the others still run.
 */
import { matchesWildcard } from '../engine/policy-variables.ts';
import type { ResultStatus, Rule, RuleContext, RuleResult, Severity } from '../rules/rule-types.ts';
import { SEVERITIES } from '../rules/rule-types.ts';
import { effectiveSeverity, type ScanConfig, type Suppression } from '../rules/scan-config.ts';
import type { AccountSnapshot } from '../snapshot/account-snapshot.ts';
import { PrincipalResolver } from '../snapshot/principal-policies.ts';
import { type Finding, findingId } from './finding.ts';

export interface RuleIssue {
  ruleId: string;
  resource: string;
  status: 'UNKNOWN' | 'ERROR';
  message: string;
}

export interface ScanSummary {
  accountId: string;
  rules: number;
  principals: number;
  functions: number | null;
  results: Record<ResultStatus, number>;
  findings: number;
  suppressed: number;
  bySeverity: Record<Severity, number>;
  byRule: Record<string, number>;
}

export interface ScanReport {
  findings: Finding[];
  summary: ScanSummary;
  /** UNKNOWN and ERROR results: what could not be decided, and why. */
  issues: RuleIssue[];
}

export interface ScanOptions {
  now?: Date;
  /** Called after each principal/function is evaluated (progress on stderr). */
  onProgress?: (done: number, total: number) => void;
}

function suppressionFor(suppressions: Suppression[], ruleId: string, resource: string, now: Date) {
  return suppressions.find(
    (s) =>
      (s.rule === ruleId || s.rule === '*') &&
      matchesWildcard(s.resource, resource) &&
      (s.expires === undefined || Date.parse(s.expires) > now.getTime()),
  );
}

export interface RuleOutcome {
  rule: Rule;
  result: RuleResult;
}

/**
 * Evaluates rules over a snapshot and calls `emit` with every raw result (PASS, FAIL, N/A, UNKNOWN, ERROR).
 * A rule that throws yields an ERROR result for that resource; the other rules still run.
 */
export function evaluateRules(
  snapshot: AccountSnapshot,
  rules: readonly Rule[],
  config: ScanConfig,
  emit: (outcome: RuleOutcome) => void,
  options: ScanOptions = {},
): { principals: number; functions: number } {
  const now = options.now ?? new Date();
  const enabled = rules.filter((r) => !config.disabledRules.includes(r.id));
  const ctx: RuleContext = { snapshot, resolver: new PrincipalResolver(snapshot), config, now };
  const guarded = (rule: Rule, resource: string, run: () => RuleResult[]) => {
    let produced: RuleResult[];
    try {
      produced = run();
    } catch (error) {
      produced = [
        {
          status: 'ERROR',
          resource,
          resourceType: rule.resourceType,
          message: `rule ${rule.id} failed: ${(error as Error).message}`,
        },
      ];
    }
    for (const result of produced) emit({ rule, result });
  };
  const principals = [...snapshot.roles, ...snapshot.users, ...snapshot.groups];
  const functions = snapshot.functions ?? [];
  const total = principals.length + functions.length;
  let done = 0;
  const principalRules = enabled.filter((r) => r.scope === 'principal');
  for (const principal of principals) {
    const resolved = ctx.resolver.resolve(principal);
    for (const rule of principalRules) {
      if (rule.principalKinds.includes(principal.kind))
        guarded(rule, principal.arn, () => rule.evaluate(resolved, ctx));
    }
    options.onProgress?.(++done, total);
  }
  const functionRules = enabled.filter((r) => r.scope === 'function');
  for (const fn of functions) {
    for (const rule of functionRules) guarded(rule, fn.arn, () => rule.evaluate(fn, ctx));
    options.onProgress?.(++done, total);
  }
  for (const rule of enabled) {
    if (rule.scope === 'account')
      guarded(rule, `arn:${snapshot.partition}:iam::${snapshot.accountId}:root`, () => rule.evaluate(ctx));
  }
  return { principals: principals.length, functions: functions.length };
}

export function runScan(
  snapshot: AccountSnapshot,
  rules: readonly Rule[],
  config: ScanConfig,
  options: ScanOptions = {},
): ScanReport {
  const now = options.now ?? new Date();
  const results: Record<ResultStatus, number> = { PASS: 0, FAIL: 0, NOT_APPLICABLE: 0, UNKNOWN: 0, ERROR: 0 };
  const findings: Finding[] = [];
  const issues: RuleIssue[] = [];

  const counts = evaluateRules(
    snapshot,
    rules,
    config,
    ({ rule, result }) => {
      results[result.status]++;
      if (result.status === 'UNKNOWN' || result.status === 'ERROR') {
        issues.push({
          ruleId: rule.id,
          resource: result.resource,
          status: result.status,
          message: result.message,
        });
      }
      if (result.status !== 'FAIL') return;
      const suppression = suppressionFor(config.suppressions, rule.id, result.resource, now);
      const finding: Finding = {
        id: findingId(rule.id, result.resource, result.findingKey),
        ruleId: rule.id,
        severity: effectiveSeverity(config, rule.id, result.severity ?? rule.severity),
        title: rule.title,
        resource: result.resource,
        resourceType: result.resourceType,
        accountId: snapshot.accountId,
        message: result.message,
        evidence: result.evidence ?? {},
        remediation: rule.remediation,
        rationale: rule.rationale,
        references: rule.references,
        status: suppression ? 'SUPPRESSED' : 'OPEN',
      };
      if (result.findingKey !== undefined) finding.findingKey = result.findingKey;
      if (suppression) {
        finding.suppression = {
          reason: suppression.reason,
          ...(suppression.expires ? { expires: suppression.expires } : {}),
        };
      }
      findings.push(finding);
    },
    { ...options, now },
  );

  findings.sort(
    (a, b) =>
      SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity) ||
      a.ruleId.localeCompare(b.ruleId) ||
      a.resource.localeCompare(b.resource) ||
      a.id.localeCompare(b.id),
  );
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byRule: Record<string, number> = {};
  for (const f of findings) {
    if (f.status !== 'OPEN') continue;
    bySeverity[f.severity]++;
    byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
  }
  return {
    findings,
    issues,
    summary: {
      accountId: snapshot.accountId,
      rules: rules.filter((r) => !config.disabledRules.includes(r.id)).length,
      principals: counts.principals,
      functions: snapshot.functions ? counts.functions : null,
      results,
      findings: findings.filter((f) => f.status === 'OPEN').length,
      suppressed: findings.filter((f) => f.status === 'SUPPRESSED').length,
      bySeverity,
      byRule,
    },
  };
}
