/**
 * `npm start` (the demo) end to end in a fresh process: events through the evaluators into an embedded
 * DynamoDB-protocol store, alerts rendered, findings listed, and nothing left running (the process exits).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url).pathname;

describe('the demo', () => {
  it('replays the bundled events, renders alerts as Slack and email, lists the findings, and exits', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
      timeout: 120_000,
    });
    expect(out).toContain('Tripline demo: 10 CloudTrail events replayed through the evaluators');
    expect(out).toMatch(/AddPermission20150331v2 \S+ → .*lambda-policies/);
    expect(out).toContain('no evaluator: unrelated, failed, or a duplicate delivery');
    expect(out).toMatch(/Slack \(\d+ blocks; fallback: \[Tripline\] /);
    expect(out).toContain('Email subject: [Tripline] CRITICAL event-auditor-tampering');
    expect(out).toContain('tripline findings list --status all');
    expect(out).toMatch(/critical OPEN .* event-auditor-tampering/);
    expect(out).toContain('the embedded store is stopped');
  });
});
