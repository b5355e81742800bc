/**
 * Table-driven tests for event rules (the snapshot harness in test/support is for snapshot rules). A case
 * names a fixture, optionally patches it (objects merge, other values replace, `null` deletes a field), and
 * lists the results expected. Event rules report only what they find, so every result must be expected and a
 * case with `expect: []` proves the rule stays silent on a look-alike. Every FAIL must also carry the event evidence
 * (actor, event name and id, source IP, user agent) and the eventID as its finding key.
 */
import { expect } from 'vitest';
import type {
  EventRule,
  ResultStatus,
  RuleResult,
  Severity,
  TriplineDeployment,
} from '../rules/rule-types.ts';
import { parseScanConfig } from '../rules/scan-config.ts';
import type { CloudTrailEvent } from './cloudtrail-event.ts';
import { readFixture } from './event-fixtures.ts';
import { parseEvent } from './parse-event.ts';
import { evaluateEventRules } from './run-event-rules.ts';

export interface ExpectedEventResult {
  resource: string;
  status: ResultStatus;
  /** Substring the message must contain. */
  message?: string;
  /** Subset of the evidence that must be present. */
  evidence?: Record<string, unknown>;
  severity?: Severity;
}

export interface EventRuleCase {
  name: string;
  /** Fixture name: `AttachRolePolicy`, `DeleteRule.other-rule`. */
  fixture: string;
  patch?: Record<string, unknown>;
  config?: unknown;
  deployment?: Partial<TriplineDeployment>;
  expect: ExpectedEventResult[];
}

/** The deployment the fixtures refer to (`tripline-*` rules and functions, table, topic, queue, stack). */
export const TEST_DEPLOYMENT: TriplineDeployment = {
  ruleNames: [
    'tripline-identity-policies',
    'tripline-trust-policies',
    'tripline-lambda-config',
    'tripline-lambda-policies',
    'tripline-activity',
  ],
  functionNames: [
    'tripline-identity-policies-evaluator',
    'tripline-trust-policies-evaluator',
    'tripline-lambda-config-evaluator',
    'tripline-lambda-policies-evaluator',
    'tripline-activity-evaluator',
    'tripline-sweep',
  ],
  tableName: 'tripline-findings',
  topicArn: 'arn:aws:sns:us-east-1:111122223333:tripline-alerts',
  queueNames: ['tripline-dlq'],
  stackName: 'Tripline',
};

const EVIDENCE_KEYS = ['actor', 'eventName', 'eventId', 'sourceIPAddress', 'userAgent'];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep merge of `patch` into a copy of `target`: objects merge, other values replace, `null` deletes. */
export function applyPatch(
  target: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (isPlainObject(value)) out[key] = applyPatch(isPlainObject(out[key]) ? out[key] : {}, value);
    else out[key] = value;
  }
  return out;
}

/** The case's event: its fixture with the patch applied, validated. */
export function caseEvent(c: EventRuleCase): CloudTrailEvent {
  const raw = c.patch ? applyPatch(readFixture(c.fixture), c.patch) : readFixture(c.fixture);
  const parsed = parseEvent(raw);
  if (!parsed.ok) throw new Error(`case ${c.name}: fixture ${c.fixture} does not parse: ${parsed.reason}`);
  return parsed.event;
}

export function runEventRuleCase(rule: EventRule, c: EventRuleCase, event = caseEvent(c)): RuleResult[] {
  const results: RuleResult[] = [];
  evaluateEventRules(
    event,
    [rule],
    {
      config: parseScanConfig(c.config ?? {}, 'case config'),
      now: new Date('2026-12-02T00:00:00Z'),
      deployment: { ...TEST_DEPLOYMENT, ...c.deployment },
    },
    ({ result }) => results.push(result),
  );
  return results;
}

export function checkEventRuleCase(rule: EventRule, c: EventRuleCase): void {
  const event = caseEvent(c);
  const results = runEventRuleCase(rule, c, event);
  const render = () =>
    JSON.stringify(
      results.map((r) => [r.status, r.resource, r.message]),
      null,
      1,
    );
  for (const expected of c.expect) {
    const match = results.find((r) => r.resource === expected.resource && r.status === expected.status);
    expect(match, `expected ${expected.status} on ${expected.resource}; got ${render()}`).toBeDefined();
    if (!match) continue;
    if (expected.message) expect(match.message).toContain(expected.message);
    if (expected.evidence) expect(match.evidence).toMatchObject(expected.evidence);
    if (expected.severity) expect(match.severity ?? rule.severity).toBe(expected.severity);
  }
  // Event rules report only what they find: every result, not only every FAIL, must be expected.
  const unexpected = results.filter(
    (r) => !c.expect.some((e) => e.status === r.status && e.resource === r.resource),
  );
  expect(unexpected, `unexpected results: ${render()}`).toEqual([]);
  for (const fail of results.filter((r) => r.status === 'FAIL')) {
    expect(Object.keys(fail.evidence ?? {})).toEqual(expect.arrayContaining(EVIDENCE_KEYS));
    expect(fail.findingKey, 'an event finding is keyed by its eventID').toBe(event.detail.eventID);
  }
}
