/**
 * Table-driven rule tests: each case is a real-shaped snapshot (get-account-authorization-details output and an
 * optional Lambda inventory) plus the results expected for named resources. Every FAIL the rule produces must
 * be expected, so a case also proves the rule stays silent on look-alikes.
 */
import { expect } from 'vitest';
import type { ResultStatus, Rule, RuleResult } from '../../shared/rules/rule-types.ts';
import { parseScanConfig } from '../../shared/rules/scan-config.ts';
import { evaluateRules } from '../../shared/scan/run-scan.ts';
import {
  buildSnapshot,
  parseAuthorizationDetails,
  parseLambdaInventory,
} from '../../shared/snapshot/parse-authorization-details.ts';

export interface ExpectedResult {
  resource: string;
  status: ResultStatus;
  findingKey?: string;
  /** Substring the message must contain. */
  message?: string;
  /** Subset of the evidence that must be present. */
  evidence?: Record<string, unknown>;
}

export interface RuleCase {
  name: string;
  authorizationDetails?: unknown;
  lambdas?: unknown;
  config?: unknown;
  now?: string;
  expect: ExpectedResult[];
}

const EMPTY_DETAILS = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };

export function runRuleCase(rule: Rule, c: RuleCase): RuleResult[] {
  const details = parseAuthorizationDetails([c.authorizationDetails ?? EMPTY_DETAILS], `${c.name}.json`);
  const functions =
    c.lambdas === undefined ? undefined : parseLambdaInventory(c.lambdas, `${c.name}.lambdas.json`);
  const snapshot = buildSnapshot(details, functions, {});
  const results: RuleResult[] = [];
  evaluateRules(
    snapshot,
    [rule],
    parseScanConfig(c.config ?? {}, 'case config'),
    ({ result }) => results.push(result),
    {
      now: new Date(c.now ?? '2026-12-01T00:00:00Z'),
    },
  );
  return results;
}

export function checkRuleCase(rule: Rule, c: RuleCase): void {
  const results = runRuleCase(rule, c);
  const render = () =>
    JSON.stringify(
      results.map((r) => [r.status, r.resource, r.findingKey, r.message]),
      null,
      1,
    );
  for (const expected of c.expect) {
    const match = results.find(
      (r) =>
        r.resource === expected.resource &&
        r.status === expected.status &&
        (expected.findingKey === undefined || r.findingKey === expected.findingKey),
    );
    expect(match, `expected ${expected.status} on ${expected.resource}; got ${render()}`).toBeDefined();
    if (!match) continue;
    if (expected.message) expect(match.message).toContain(expected.message);
    if (expected.evidence) expect(match.evidence).toMatchObject(expected.evidence);
  }
  const unexpectedFails = results.filter(
    (r) =>
      r.status === 'FAIL' &&
      !c.expect.some(
        (e) =>
          e.status === 'FAIL' &&
          e.resource === r.resource &&
          (e.findingKey === undefined || e.findingKey === r.findingKey),
      ),
  );
  expect(unexpectedFails, `unexpected FAIL results: ${render()}`).toEqual([]);
  const errors = results.filter((r) => r.status === 'ERROR');
  expect(errors, `rule errors: ${render()}`).toEqual([]);
}
