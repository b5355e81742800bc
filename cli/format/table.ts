/**
 * The human report: open findings grouped by severity (most severe first), then suppressed findings and what
 * could not be decided, then one summary line. Colour only when the caller says so (a TTY without NO_COLOR).
 */
import { SEVERITIES, type Severity } from '../../shared/rules/rule-types.ts';
import type { Finding } from '../../shared/scan/finding.ts';
import type { ReportContext } from './report-context.ts';

const SEVERITY_STYLE: Record<Severity, string> = {
  critical: '1;35',
  high: '1;31',
  medium: '33',
  low: '36',
  info: '2',
};

type Paint = (style: string, text: string) => string;

function painter(colour: boolean): Paint {
  return colour ? (style, text) => `\u001b[${style}m${text}\u001b[0m` : (_style, text) => text;
}

function renderFinding(f: Finding, paint: Paint, lines: string[]): void {
  lines.push(`  ${paint('1', f.ruleId)}  ${f.resource}`);
  lines.push(`    ${f.message}`);
  lines.push(`    ${paint('2', 'fix:')} ${f.remediation.summary}`);
  lines.push(`    ${paint('2', `id ${f.id}`)}`);
}

export function renderTable(ctx: ReportContext): string {
  const { report } = ctx;
  const { summary } = report;
  const paint = painter(ctx.colour);
  const lines: string[] = [];
  const functions =
    summary.functions === null
      ? 'no Lambda inventory (function rules not run)'
      : `${summary.functions} function(s)`;
  lines.push(
    paint('1', `Tripline scan of account ${summary.accountId}`) +
      `: ${summary.principals} principal(s), ${functions}, ${summary.rules} rule(s)`,
  );
  lines.push('');

  const open = report.findings.filter((f) => f.status === 'OPEN');
  for (const severity of [...SEVERITIES].reverse()) {
    const group = open.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    lines.push(paint(SEVERITY_STYLE[severity], `${severity.toUpperCase()} (${group.length})`));
    for (const f of group) renderFinding(f, paint, lines);
    lines.push('');
  }
  if (open.length === 0) {
    lines.push(paint('32', 'No open findings.'));
    lines.push('');
  }

  const suppressed = report.findings.filter((f) => f.status === 'SUPPRESSED');
  if (suppressed.length > 0) {
    lines.push(paint('2', `SUPPRESSED (${suppressed.length})`));
    for (const f of suppressed) {
      const until = f.suppression?.expires ? ` until ${f.suppression.expires}` : '';
      lines.push(
        `  ${f.ruleId}  ${f.resource}  ${paint('2', `(${f.suppression?.reason ?? 'suppressed'}${until})`)}`,
      );
    }
    lines.push('');
  }

  if (report.issues.length > 0) {
    lines.push(
      paint(
        '33',
        `NOT DECIDED (${report.issues.length}): missing data or a rule error, never counted as a finding`,
      ),
    );
    for (const issue of report.issues)
      lines.push(`  ${issue.status}  ${issue.ruleId}  ${issue.resource}: ${issue.message}`);
    lines.push('');
  }

  const counts = [...SEVERITIES]
    .reverse()
    .map((s) => `${summary.bySeverity[s]} ${s}`)
    .join(', ');
  lines.push(`${summary.findings} open finding(s): ${counts}; ${summary.suppressed} suppressed`);
  return `${lines.join('\n')}\n`;
}
