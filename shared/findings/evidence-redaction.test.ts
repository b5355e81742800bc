import { describe, expect, it } from 'vitest';
import type { Evidence } from '../rules/rule-types.ts';
import cases from './evidence-redaction.cases.json' with { type: 'json' };
import { redactEvidence, redactText } from './evidence-redaction.ts';

interface RedactionCase {
  name: string;
  input: string;
  expected: string;
}

describe('redactText', () => {
  it.each(cases as RedactionCase[])('$name', ({ input, expected }) => {
    expect(redactText(input)).toBe(expected);
    // Idempotent: redacting twice changes nothing more.
    expect(redactText(redactText(input))).toBe(expected);
  });
});

describe('redactEvidence', () => {
  it('redacts at any depth, by value and by secret-looking key, and keeps other values', () => {
    const evidence: Evidence = {
      policy: 'arn:aws:iam::111122223333:policy/app',
      statement: 2,
      conditional: true,
      missing: null,
      actions: ['iam:PassRole', 'AKIAIOSFODNN7EXAMPLE'],
      environment: {
        password: 'hunter2-but-longer',
        DB_PASSWORD: 'short',
        apiKeyName: 'prod-key',
        tokenArn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:x',
      },
      nested: [{ clientSecret: 'abc' }, { note: 'ok' }],
    };
    expect(redactEvidence(evidence)).toEqual({
      policy: 'arn:aws:iam::111122223333:policy/app',
      statement: 2,
      conditional: true,
      missing: null,
      actions: ['iam:PassRole', '[REDACTED:aws-access-key-id]'],
      environment: {
        password: '[REDACTED:secret-field]',
        DB_PASSWORD: '[REDACTED:secret-field]',
        apiKeyName: 'prod-key',
        tokenArn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:x',
      },
      nested: [{ clientSecret: '[REDACTED:secret-field]' }, { note: 'ok' }],
    });
  });

  it('does not change its input', () => {
    const evidence = { key: 'AKIAIOSFODNN7EXAMPLE' };
    redactEvidence(evidence);
    expect(evidence.key).toBe('AKIAIOSFODNN7EXAMPLE');
  });
});
