/**
 * `tripline rules`: the rule catalogue — id, severity, title, evaluator and the CloudTrail events that trigger
 * each rule — as an aligned table or JSON.
 */
import { type Command, Option } from 'commander';
import { ALL_RULES } from '../../shared/rules/index.ts';
import { type Rule, severityRank } from '../../shared/rules/rule-types.ts';
import { type CliIo, withErrorReporting } from '../cli-io.ts';

export const RULES_FORMATS = ['table', 'json'] as const;

function triggerList(rule: Rule): string[] {
  return rule.triggers.flatMap((t) =>
    t.eventNames.map((name) => `${t.source.replace(/^aws\./, '')}:${name}`),
  );
}

/** Most severe first, then by id: the order of every rule listing. */
export function sortRules(rules: readonly Rule[]): Rule[] {
  return [...rules].sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || a.id.localeCompare(b.id),
  );
}

/** Splits a comma-separated list into lines of at most `width` characters (an item longer than that stands alone). */
function wrapList(items: string[], width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const [i, item] of items.entries()) {
    const piece = i < items.length - 1 ? `${item},` : item;
    if (current && current.length + 1 + piece.length > width) {
      lines.push(current);
      current = piece;
    } else current = current ? `${current} ${piece}` : piece;
  }
  if (current) lines.push(current);
  return lines;
}

const TRIGGER_WIDTH = 60;

export function renderRulesTable(rules: readonly Rule[]): string {
  const header = ['ID', 'SEVERITY', 'EVALUATOR', 'TITLE', 'TRIGGERS'];
  const sorted = sortRules(rules);
  const rows = sorted.map((r) => [r.id, r.severity, r.evaluator, r.title]);
  const widths = header
    .slice(0, -1)
    .map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i < widths.length ? cell.padEnd(widths[i] ?? 0) : cell))
      .join('  ')
      .trimEnd();
  const out = [line(header)];
  sorted.forEach((rule, i) => {
    const [first = '', ...rest] = wrapList(triggerList(rule), TRIGGER_WIDTH);
    out.push(line([...(rows[i] ?? []), first]));
    for (const more of rest) out.push(line([...widths.map(() => ''), more]));
  });
  return `${out.join('\n')}\n${rules.length} rule(s)\n`;
}

export function renderRulesJson(rules: readonly Rule[]): string {
  const list = sortRules(rules).map((r) => ({
    id: r.id,
    severity: r.severity,
    title: r.title,
    resourceType: r.resourceType,
    scope: r.scope,
    evaluator: r.evaluator,
    triggers: r.triggers,
    readActions: r.readActions,
    remediation: r.remediation.summary,
    references: r.references,
  }));
  return `${JSON.stringify({ rules: list }, null, 2)}\n`;
}

export function registerRulesCommand(program: Command, io: CliIo): void {
  program
    .command('rules')
    .description(
      'List the rules: id, severity, title, evaluator and the CloudTrail events that trigger them.',
    )
    .addOption(new Option('-f, --format <format>', 'output format').choices(RULES_FORMATS).default('table'))
    .action(
      withErrorReporting(io, (options: { format: (typeof RULES_FORMATS)[number] }) => {
        io.stdout.write(options.format === 'json' ? renderRulesJson(ALL_RULES) : renderRulesTable(ALL_RULES));
      }),
    );
}
