import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../capture-io.ts';

const fixtures = new URL('./fixtures/', import.meta.url).pathname;
const EXAMPLE_ROLE = 'arn:aws:iam::111122223333:role/ops/ops-deploy-helper-role';

describe('tripline escalation', () => {
  it('lists administrators and every escalation path of the example account, step by step', async () => {
    const run = await runCliCaptured(['escalation']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^Administrator-equivalent principals: \d+/);
    expect(run.stdout).toContain(EXAMPLE_ROLE);
    expect(run.stdout).toContain('[passrole-lambda-create-invoke]');
    expect(run.stdout).toContain('iam:PassRole on arn:aws:iam::111122223333:role/orders-legacy-import-role');
  });

  it('answers for one principal in JSON with the path as evidence', async () => {
    const run = await runCliCaptured(['escalation', '--principal', EXAMPLE_ROLE, '--format', 'json']);
    expect(run.exitCode).toBe(0);
    const out = JSON.parse(run.stdout) as {
      escalations: { principal: string; path: { method: string }[] }[];
    };
    expect(out.escalations).toHaveLength(1);
    expect(out.escalations[0]?.principal).toBe(EXAMPLE_ROLE);
    expect(out.escalations[0]?.path[0]?.method).toBe('passrole-lambda-create-invoke');
  });

  it('gives the Lambda-centred view of execution roles', async () => {
    const run = await runCliCaptured(['escalation', '--workloads', '--format', 'json']);
    const rows = JSON.parse(run.stdout) as { role: string; administrator: boolean; functions: string[] }[];
    expect(rows.length).toBeGreaterThan(5);
    const legacy = rows.find((r) => r.role.endsWith('role/orders-legacy-import-role'));
    expect(legacy?.administrator).toBe(true);
    expect(legacy?.functions).toContain('orders-legacy-import');
  });

  it('rejects an unknown principal with exit code 2', async () => {
    const run = await runCliCaptured([
      'escalation',
      '--input',
      `${fixtures}authorization-details.json`,
      '--principal',
      'arn:aws:iam::111122223333:role/nope',
    ]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--principal arn:aws:iam::111122223333:role/nope: no such user or role');
  });
});
