/**
 * The rule docs and the collect policy are generated from the rule modules (scripts/generate-docs.ts). This test
 * regenerates them in memory and fails when the committed files drift: run `npm run docs`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  COLLECT_POLICY_PATH,
  collectPolicyActions,
  generateDocs,
  REPO_ROOT,
  staleRulePages,
} from '../scripts/generate-docs.ts';
import { COLLECT_ACTIONS } from '../shared/adapters/collect-actions.ts';
import { lookupAction } from '../shared/catalogue/action-catalogue.ts';
import { parsePolicy } from '../shared/engine/parse-policy.ts';
import { ALL_RULES } from '../shared/rules/index.ts';

const files = generateDocs();

describe('generated docs', () => {
  it.each(files.map((f) => [f.path, f] as const))('%s is up to date', (path, file) => {
    const onDisk = join(REPO_ROOT, path);
    const hint = `${path} is out of date with the rule modules: run \`npm run docs\``;
    expect(existsSync(onDisk), hint).toBe(true);
    expect(readFileSync(onDisk, 'utf8') === file.content, hint).toBe(true);
  });

  it('has no page for a rule that no longer exists', () => {
    expect(staleRulePages(REPO_ROOT, files), 'stale rule pages: run `npm run docs`').toEqual([]);
  });

  it('has one page per rule, each linked from the index', () => {
    const index = files.find((f) => f.path === 'docs/rules/README.md')?.content ?? '';
    for (const rule of ALL_RULES) {
      expect(files.some((f) => f.path === `docs/rules/${rule.id}.md`)).toBe(true);
      expect(index).toContain(`](${rule.id}.md)`);
    }
  });

  it('each page says why, how to fix, references, triggers and read actions', () => {
    for (const rule of ALL_RULES) {
      const page = files.find((f) => f.path === `docs/rules/${rule.id}.md`)?.content ?? '';
      for (const heading of [
        '## Why it matters',
        '## How to fix',
        '## References',
        '## Triggers',
        '## Read actions',
      ]) {
        expect(page, `${rule.id}: ${heading}`).toContain(heading);
      }
      expect(page).toContain(rule.rationale);
      for (const ref of rule.references) expect(page).toContain(ref);
    }
  });
});

describe('collect policy', () => {
  const policyText = files.find((f) => f.path === COLLECT_POLICY_PATH)?.content ?? '';

  it('is a valid identity policy', () => {
    const parsed = parsePolicy(policyText, { kind: 'identity' });
    expect(parsed.ok, JSON.stringify(parsed)).toBe(true);
  });

  it("grants collect's own calls and every rule's read actions, each once", () => {
    const actions = collectPolicyActions(ALL_RULES);
    expect(new Set(actions).size).toBe(actions.length);
    const granted = new Set(actions.map((a) => a.toLowerCase()));
    for (const action of [...COLLECT_ACTIONS, ...ALL_RULES.flatMap((r) => r.readActions)]) {
      expect(granted.has(action.toLowerCase()), action).toBe(true);
    }
  });

  it('is read-only: every action exists and reads (List or Read)', () => {
    for (const action of collectPolicyActions(ALL_RULES)) {
      const entry = lookupAction(action);
      expect(entry, `${action} is not in the IAM action catalogue`).toBeDefined();
      const levels = entry?.accessLevels ?? [];
      expect(
        levels.every((l) => l === 'List' || l === 'Read'),
        `${action} has access level ${levels.join(', ')}`,
      ).toBe(true);
    }
  });
});
