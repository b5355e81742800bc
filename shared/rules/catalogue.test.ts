/**
 * The rules as data: unique ids, schema-valid metadata, declared IAM actions that exist, every rule folder
 * registered.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderRuleGroups } from '../../scripts/generate-rule-groups.ts';
import { lookupAction } from '../catalogue/action-catalogue.ts';
import { hasFixture } from '../events/event-fixtures.ts';
import { ALL_RULES } from './index.ts';
import { ruleMetadataSchema } from './rule-metadata.ts';

const here = new URL('.', import.meta.url).pathname;

describe('rule catalogue', () => {
  it('has unique ids', () => {
    const ids = ALL_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(ALL_RULES.map((r) => [r.id, r] as const))('%s has schema-valid metadata', (_id, rule) => {
    const result = ruleMetadataSchema.safeParse(rule);
    expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
  });

  it.each(ALL_RULES.map((r) => [r.id, r] as const))(
    '%s declares read actions that exist in the catalogue',
    (_id, rule) => {
      const unknown = rule.readActions.filter((a) => lookupAction(a) === undefined);
      expect(unknown).toEqual([]);
    },
  );

  it('registers every rule folder', () => {
    const folders = readdirSync(here).filter(
      (name) =>
        statSync(`${here}${name}`).isDirectory() &&
        name !== 'support' &&
        name !== 'groups' &&
        !name.startsWith('.'),
    );
    expect(folders.sort()).toEqual(ALL_RULES.map((r) => r.id).sort());
  });
});

describe('evaluator rule groups (shared/rules/groups/, generated)', () => {
  it('match the rule modules: run `npm run rule-groups` after adding a rule', () => {
    for (const [file, text] of renderRuleGroups()) {
      expect(readFileSync(file, 'utf8'), `${file} is stale: run npm run rule-groups`).toBe(text);
    }
  });
});

describe('rule triggers', () => {
  it.each(ALL_RULES.map((r) => [r.id, r] as const))(
    '%s: every trigger event has a real-shaped fixture',
    (_id, rule) => {
      const missing = rule.triggers.flatMap((t) => t.eventNames.filter((name) => !hasFixture(name)));
      expect(missing).toEqual([]);
    },
  );
});
