import { describe, expect, it } from 'vitest';
import cases from './parse-policy.cases.json' with { type: 'json' };
import { formatPolicyIssues, parsePolicy } from './parse-policy.ts';
import type { PolicyKind } from './policy-types.ts';

interface ParseCase {
  name: string;
  kind?: PolicyKind;
  input: unknown;
  ok: boolean;
  errors?: string[];
  errorPrefix?: string;
  warnings?: string[];
  statements?: number;
  version?: string;
  principal?: unknown;
  conditions?: unknown;
}

describe('parsePolicy', () => {
  it.each(cases as ParseCase[])('$name', (c) => {
    const result = parsePolicy(c.input, { kind: c.kind ?? 'identity' });
    expect(result.ok).toBe(c.ok);
    if (!result.ok) {
      const rendered = formatPolicyIssues(result.errors).split('\n');
      if (c.errors) expect(rendered).toEqual(c.errors);
      if (c.errorPrefix) expect(rendered[0]).toMatch(new RegExp(`^${c.errorPrefix}`));
      return;
    }
    if (c.statements !== undefined) expect(result.policy.statements).toHaveLength(c.statements);
    if (c.version) expect(result.policy.version).toBe(c.version);
    if (c.warnings) expect(formatPolicyIssues(result.warnings).split('\n')).toEqual(c.warnings);
    if (c.principal) expect(result.policy.statements[0]?.principal).toEqual(c.principal);
    if (c.conditions) expect(result.policy.statements[0]?.conditions).toEqual(c.conditions);
  });

  it('records statement indexes and Sids for evidence', () => {
    const result = parsePolicy({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'First', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
        { Effect: 'Deny', NotAction: ['iam:*'], NotResource: 'arn:aws:s3:::x' },
      ],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.policy.statements.map((s) => [s.index, s.sid, s.effect])).toEqual([
      [0, 'First', 'Allow'],
      [1, undefined, 'Deny'],
    ]);
    expect(result.policy.statements[1]?.notActions).toEqual(['iam:*']);
    expect(result.policy.statements[1]?.notResources).toEqual(['arn:aws:s3:::x']);
  });
});
