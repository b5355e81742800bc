/**
 * Differential test: our IAM engine against @cloud-copilot/iam-simulate (AGPL, test-only oracle) on seeded,
 * generated (policy set, request) pairs. Every disagreement must be one of the documented differences in
 * known-differences.md, confirmed by that class's counterfactual; anything else fails with the case printed.
 *
 * TRIPLINE_DIFF_CASES and TRIPLINE_DIFF_SEED override the defaults (e.g. to hunt with other seeds).
 */
import { readFileSync } from 'node:fs';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { describe, expect, it } from 'vitest';
import { evaluateRequest } from '../../shared/engine/evaluate.ts';
import {
  type Outcome,
  oracleOutcome,
  toAuthorizationRequest,
  toPolicySet,
  toSimulation,
} from './case-adapters.ts';
import { type ContextValues, type GeneratedCase, generateCases } from './generate-cases.ts';
import { type Disagreement, explainDisagreement, KNOWN_DIFFERENCES } from './known-differences.ts';

const SEED = Number(process.env.TRIPLINE_DIFF_SEED ?? 20260501);
const CASE_COUNT = Number(process.env.TRIPLINE_DIFF_CASES ?? 10_000);
const OUTCOMES: readonly Outcome[] = ['Allow', 'ExplicitDeny', 'ImplicitDeny'];

interface OracleAnswer {
  outcome: Outcome;
  /** Context keys iam-simulate dropped because the action does not support them. */
  ignoredKeys: string[];
}

async function askOracle(c: GeneratedCase): Promise<OracleAnswer | { error: string }> {
  const result = await runSimulation(toSimulation(c), {});
  if (result.resultType === 'error') return { error: JSON.stringify(result.errors) };
  if (result.resultType !== 'single') return { error: `unexpected ${result.resultType} result` };
  return {
    outcome: oracleOutcome(result.overallResult),
    ignoredKeys: result.result.ignoredContextKeys ?? [],
  };
}

function ours(c: GeneratedCase, context: ContextValues): Outcome {
  const decision = evaluateRequest(toAuthorizationRequest(c, context), toPolicySet(c)).decision;
  if (decision === 'ConditionalAllow')
    throw new Error('ConditionalAllow at request time (missingKeys: absent)');
  return decision;
}

function describeCase(d: Disagreement): string {
  const { tags, index, ...material } = d.c;
  return [
    `case #${index} [${tags.join(', ')}]: engine ${d.ours}, iam-simulate ${d.oracle}`,
    `  context used by both: ${JSON.stringify(d.context)}`,
    `  ${JSON.stringify(material)}`,
  ].join('\n');
}

interface RunSummary {
  cases: number;
  agreements: Record<Outcome, number>;
  oracleDecisions: Record<Outcome, number>;
  explained: Record<string, number>;
  unexplained: string[];
  oracleErrors: string[];
  casesWithIgnoredKeys: number;
  tags: Record<string, number>;
  seconds: number;
}

async function runDifferential(cases: GeneratedCase[]): Promise<RunSummary> {
  const started = performance.now();
  const summary: RunSummary = {
    cases: cases.length,
    agreements: { Allow: 0, ExplicitDeny: 0, ImplicitDeny: 0 },
    oracleDecisions: { Allow: 0, ExplicitDeny: 0, ImplicitDeny: 0 },
    explained: {},
    unexplained: [],
    oracleErrors: [],
    casesWithIgnoredKeys: 0,
    tags: {},
    seconds: 0,
  };
  for (const c of cases) {
    for (const tag of c.tags) summary.tags[tag] = (summary.tags[tag] ?? 0) + 1;
    const answer = await askOracle(c);
    if ('error' in answer) {
      summary.oracleErrors.push(`case #${c.index}: ${answer.error}`);
      continue;
    }
    if (answer.ignoredKeys.length > 0) summary.casesWithIgnoredKeys++;
    // Both engines see the same context: the keys the oracle kept for this action.
    const ignored = new Set(answer.ignoredKeys);
    const context = Object.fromEntries(
      Object.entries(c.request.context).filter(([key]) => !ignored.has(key)),
    );
    const outcome = ours(c, context);
    summary.oracleDecisions[answer.outcome]++;
    if (outcome === answer.outcome) {
      summary.agreements[outcome]++;
      continue;
    }
    const disagreement: Disagreement = { c, context, ours: outcome, oracle: answer.outcome };
    const known = await explainDisagreement(disagreement, {
      ours: (rewritten) => ours(rewritten, context),
      oracle: async (rewritten) => {
        const again = await askOracle(rewritten);
        return 'error' in again ? undefined : again.outcome;
      },
    });
    if (known) {
      const id = known.map((k) => k.id).join(' + ');
      summary.explained[id] = (summary.explained[id] ?? 0) + 1;
    } else {
      summary.unexplained.push(describeCase(disagreement));
    }
  }
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}

function printSummary(s: RunSummary): void {
  const agreed = OUTCOMES.reduce((sum, o) => sum + s.agreements[o], 0);
  const explained = Object.values(s.explained).reduce((sum, n) => sum + n, 0);
  const lines = [
    `engine vs iam-simulate: ${s.cases} cases (seed ${SEED}) in ${s.seconds.toFixed(1)} s`,
    `  agreements: ${agreed} (${OUTCOMES.map((o) => `${o} ${s.agreements[o]}`).join(', ')})`,
    `  oracle decisions: ${OUTCOMES.map((o) => `${o} ${s.oracleDecisions[o]}`).join(', ')}`,
    `  known differences: ${explained}`,
    ...Object.entries(s.explained)
      .sort(([, a], [, b]) => b - a)
      .map(([id, n]) => `    ${String(n).padStart(5)}  ${id}`),
    `  unexplained disagreements: ${s.unexplained.length}; oracle errors: ${s.oracleErrors.length}`,
    `  cases where the oracle dropped context keys the action does not support: ${s.casesWithIgnoredKeys}`,
  ];
  console.log(lines.join('\n'));
}

describe('engine vs iam-simulate (differential)', () => {
  it(`agrees on ${CASE_COUNT} generated cases except documented differences`, async () => {
    const cases = generateCases({ seed: SEED, count: CASE_COUNT });
    const summary = await runDifferential(cases);
    printSummary(summary);

    expect(summary.oracleErrors.slice(0, 5), 'the generator must produce inputs the oracle accepts').toEqual(
      [],
    );
    expect(summary.unexplained.slice(0, 5), 'disagreements not listed in known-differences.md').toEqual([]);

    // The material must stay varied: every outcome and every feature is exercised.
    for (const outcome of OUTCOMES) {
      expect(summary.oracleDecisions[outcome], outcome).toBeGreaterThan(CASE_COUNT * 0.1);
    }
    for (const tag of [
      'cross-account',
      'boundary',
      'scp',
      'trust',
      'resource-policy',
      'conditions',
      'variables',
      'caller:service',
      'caller:session',
      'caller:user',
      'caller:role',
    ]) {
      expect(summary.tags[tag] ?? 0, tag).toBeGreaterThan(CASE_COUNT * 0.01);
    }
  }, 300_000);

  it('documents every known difference, and lists no undocumented one', () => {
    const markdown = readFileSync(new URL('./known-differences.md', import.meta.url), 'utf8');
    const headings = [...markdown.matchAll(/^## (\S+)\s*$/gm)].map((m) => m[1]);
    expect([...headings].sort()).toEqual(KNOWN_DIFFERENCES.map((k) => k.id).sort());
    for (const known of KNOWN_DIFFERENCES) {
      const section = markdown.split(`## ${known.id}`)[1]?.split(/^## /m)[0] ?? '';
      expect(section, `${known.id} cites the AWS documentation`).toMatch(/docs\.aws\.amazon\.com/);
      expect(section, `${known.id} says who is right`).toContain(
        known.documentationSupports === 'oracle'
          ? 'AWS documentation supports iam-simulate'
          : 'AWS documentation supports our engine',
      );
    }
  });

  it('generates the same cases from the same seed', () => {
    expect(generateCases({ seed: 7, count: 50 })).toEqual(generateCases({ seed: 7, count: 50 }));
    expect(generateCases({ seed: 7, count: 50 })).not.toEqual(generateCases({ seed: 8, count: 50 }));
  });
});
