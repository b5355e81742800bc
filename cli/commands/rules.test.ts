import { describe, expect, it } from 'vitest';
import { ALL_RULES } from '../../shared/rules/index.ts';
import { severityRank } from '../../shared/rules/rule-types.ts';
import { runCliCaptured } from '../capture-io.ts';

describe('tripline rules', () => {
  it('lists every rule as a table: id, severity, evaluator, title, triggers', async () => {
    const out = await runCliCaptured(['rules']);
    expect(out.exitCode).toBe(0);
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+SEVERITY\s+EVALUATOR\s+TITLE\s+TRIGGERS$/);
    expect(lines.at(-1)).toBe(`${ALL_RULES.length} rule(s)`);
    for (const rule of ALL_RULES) {
      const line = lines.find((l) => l.startsWith(`${rule.id} `));
      expect(line, rule.id).toBeDefined();
      expect(line).toContain(rule.severity);
      expect(line).toContain(rule.title);
      const first = rule.triggers[0];
      if (first) expect(line).toContain(`${first.source.replace('aws.', '')}:${first.eventNames[0]}`);
    }
  });

  it('lists every rule as JSON, most severe first', async () => {
    const out = await runCliCaptured(['rules', '--format', 'json']);
    expect(out.exitCode).toBe(0);
    const { rules } = JSON.parse(out.stdout) as {
      rules: { id: string; severity: 'critical'; triggers: unknown[]; readActions: string[] }[];
    };
    expect(rules.map((r) => r.id).sort()).toEqual(ALL_RULES.map((r) => r.id).sort());
    const ranks = rules.map((r) => severityRank(r.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    for (const r of rules) expect(r.triggers.length).toBeGreaterThan(0);
  });

  it('rejects an unknown format with exit code 2', async () => {
    const out = await runCliCaptured(['rules', '--format', 'yaml']);
    expect(out.exitCode).toBe(2);
    expect(out.stdout).toBe('');
  });
});
