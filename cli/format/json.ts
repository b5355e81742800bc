/**
 * `--format json`: `{"findings": [...], "summary": {...}, "issues": [...]}` with a fixed key order, so the same
 * account state gives the same bytes (finding ids are hashes of rule, resource and finding key).
 */
import type { Finding } from '../../shared/scan/finding.ts';
import type { ReportContext } from './report-context.ts';

function orderedFinding(f: Finding): Record<string, unknown> {
  return {
    id: f.id,
    ruleId: f.ruleId,
    severity: f.severity,
    status: f.status,
    resource: f.resource,
    resourceType: f.resourceType,
    accountId: f.accountId,
    title: f.title,
    message: f.message,
    evidence: f.evidence,
    remediation: f.remediation,
    rationale: f.rationale,
    references: f.references,
    ...(f.findingKey !== undefined ? { findingKey: f.findingKey } : {}),
    ...(f.suppression ? { suppression: f.suppression } : {}),
  };
}

export function renderJson(ctx: ReportContext): string {
  const { report } = ctx;
  const document = {
    findings: report.findings.map(orderedFinding),
    summary: report.summary,
    issues: report.issues,
    tool: ctx.tool,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
