import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../capture-io.ts';

const root = new URL('../../', import.meta.url).pathname;
const ACCOUNT = [
  '--input',
  `${root}examples/account/authorization-details.json`,
  '--lambdas',
  `${root}examples/account/lambdas.json`,
];

describe('tripline replay', () => {
  it('routes the demo events to their evaluators and prints the transitions', async () => {
    const run = await runCliCaptured([
      'replay',
      '--events',
      `${root}examples/events/demo.jsonl`,
      ...ACCOUNT,
      '--format',
      'json',
    ]);
    expect(run.exitCode).toBe(0);
    const out = JSON.parse(run.stdout) as {
      events: { eventName: string; evaluators: string[]; transitions: { ruleId: string; to: string }[] }[];
    };
    expect(out.events).toHaveLength(10);
    const byName = (name: string) => out.events.filter((e) => e.eventName === name);
    expect(byName('AddPermission20150331v2')[0]?.evaluators).toEqual(
      expect.arrayContaining(['lambda-policies', 'activity']),
    );
    // The duplicate delivery of PutRolePolicy is evaluated once.
    expect(byName('PutRolePolicy')[1]?.evaluators).toEqual([]);
    // A failed call changes nothing; an unrelated event reaches no evaluator.
    expect(byName('AttachRolePolicy')[0]?.transitions).toEqual([]);
    expect(byName('PutBucketTagging')[0]?.evaluators).toEqual([]);
    expect(byName('StopLogging')[0]?.transitions.map((t) => [t.ruleId, t.to])).toEqual([
      ['event-auditor-tampering', 'OPEN'],
    ]);
  });

  it('reports a bad line with its line number and still runs the others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tripline-replay-'));
    const lines = readFileSync(`${root}examples/events/demo.jsonl`, 'utf8').trim().split('\n');
    const file = join(dir, 'events.jsonl');
    writeFileSync(file, [lines[0], '{"not": "an event"}', 'not json', lines[9]].join('\n'));
    const run = await runCliCaptured(['replay', '--events', file, ...ACCOUNT]);
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toContain('line 2: ');
    expect(run.stderr).toContain('line 3: not valid JSON');
    expect(run.stdout).toContain('2 event(s)');
  });
});
