import { describe, expect, it } from 'vitest';
import { rule as tampering } from '../rules/event-auditor-tampering/index.ts';
import { rule as outOfBand } from '../rules/event-out-of-band-change/index.ts';
import { rule as rootActivity } from '../rules/event-root-activity/index.ts';
import { ruleMetadataSchema } from '../rules/rule-metadata.ts';
import type { EventRule, RuleResult } from '../rules/rule-types.ts';
import { parseScanConfig } from '../rules/scan-config.ts';
import { hasFixture, loadFixture } from './event-fixtures.ts';
import { applyPatch, checkEventRuleCase, TEST_DEPLOYMENT } from './event-rule-cases.ts';
import { evaluateEventRules, isTriggeredBy } from './run-event-rules.ts';

const EVENT_RULES: EventRule[] = [rootActivity, outOfBand, tampering];

function run(rules: EventRule[], fixture: string, config: unknown = {}): RuleResult[] {
  const results: RuleResult[] = [];
  evaluateEventRules(
    loadFixture(fixture),
    rules,
    { config: parseScanConfig(config), now: new Date('2026-12-02T00:00:00Z'), deployment: TEST_DEPLOYMENT },
    ({ result }) => results.push(result),
  );
  return results;
}

describe('event rules as data', () => {
  it.each(EVENT_RULES.map((r) => [r.id, r] as const))('%s has schema-valid metadata', (_id, rule) => {
    const result = ruleMetadataSchema.safeParse(rule);
    expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
    expect(rule.scope).toBe('event');
    expect(rule.evaluator).toBe('activity');
    expect(rule.readActions).toEqual([]);
  });

  it.each(
    EVENT_RULES.flatMap((r) =>
      r.triggers.flatMap((t) => t.eventNames.map((name) => [r.id, t.source, name] as const)),
    ),
  )('%s: trigger %s %s has a fixture from that source', (_id, source, eventName) => {
    expect(hasFixture(eventName)).toBe(true);
    const event = loadFixture(eventName);
    expect(event.source).toBe(source);
    expect(event.detail.eventName).toBe(eventName);
  });
});

describe('evaluateEventRules', () => {
  it('runs only the rules an event triggers', () => {
    const event = loadFixture('StopLogging');
    expect(EVENT_RULES.filter((r) => isTriggeredBy(r, event)).map((r) => r.id)).toEqual([
      'event-auditor-tampering',
    ]);
    expect(run(EVENT_RULES, 'StopLogging').map((r) => r.status)).toEqual(['FAIL']);
    expect(run(EVENT_RULES, 'PutBucketTagging')).toEqual([]);
  });

  it('matches the source as well as the event name', () => {
    const event = loadFixture('DeleteRule');
    expect(isTriggeredBy(tampering, { ...event, source: 'aws.cloudtrail' })).toBe(false);
  });

  it('skips disabled rules', () => {
    expect(run(EVENT_RULES, 'StopLogging', { disabledRules: ['event-auditor-tampering'] })).toEqual([]);
  });

  it('turns a rule that throws into ERROR and runs the others', () => {
    const broken: EventRule = {
      ...tampering,
      id: 'event-broken-rule',
      evaluate: () => {
        throw new Error('boom');
      },
    };
    const results = run([broken, tampering], 'DeleteTopic');
    expect(results.map((r) => r.status)).toEqual(['ERROR', 'FAIL']);
    expect(results[0]).toMatchObject({
      resource: 'arn:aws:iam::111122223333:user/ci-legacy',
      message: expect.stringContaining('rule event-broken-rule failed on DeleteTopic'),
    });
  });

  it('ignores rules of other scopes', () => {
    const notEvent = { ...tampering, scope: 'account' } as unknown as EventRule;
    expect(run([notEvent], 'StopLogging')).toEqual([]);
  });

  it('reports a change by root, out of band, once per rule', () => {
    const results = run(EVENT_RULES, 'CreateAccessKey', {
      deployers: ['arn:aws:iam::111122223333:role/deploy'],
    });
    expect(results.map((r) => [r.status, r.resource])).toEqual([
      ['FAIL', 'arn:aws:iam::111122223333:user/break-glass-admin'],
      ['FAIL', 'arn:aws:iam::111122223333:user/break-glass-admin'],
    ]);
  });
});

describe('event rule harness', () => {
  it('merges patches: objects merge, other values replace, null deletes', () => {
    expect(
      applyPatch(
        { a: { b: 1, c: 2 }, d: [1], e: 1 },
        { a: { c: null, f: { g: null, h: 3 } }, d: [2], e: null },
      ),
    ).toEqual({ a: { b: 1, f: { h: 3 } }, d: [2] });
  });

  it('fails on an unexpected result and on a missing one', () => {
    expect(() => checkEventRuleCase(tampering, { name: 'x', fixture: 'StopLogging', expect: [] })).toThrow(
      /unexpected results/,
    );
    expect(() =>
      checkEventRuleCase(tampering, {
        name: 'x',
        fixture: 'DeleteRule.other-rule',
        expect: [{ resource: 'arn:x', status: 'FAIL' }],
      }),
    ).toThrow(/expected FAIL on arn:x/);
  });
});
