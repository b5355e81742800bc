import { describe, expect, it } from 'vitest';
import cases from './evaluate.cases.json' with { type: 'json' };
import { evaluateRequest, isAllowed } from './evaluate.ts';
import { parsePolicy } from './parse-policy.ts';
import type { Policy, PolicyKind } from './policy-types.ts';
import type { AuthorizationRequest, PolicySet } from './request-types.ts';

interface EvaluateCase {
  name: string;
  request: AuthorizationRequest;
  expect: string;
  identity: unknown[];
  boundary?: unknown;
  resource?: unknown;
  resourceKind?: 'resource' | 'trust';
  scps?: unknown[][];
}

function parse(document: unknown, kind: PolicyKind, id: string): Policy {
  const result = parsePolicy(document, { kind, source: { id, kind } });
  if (!result.ok) throw new Error(`${id}: ${JSON.stringify(result.errors)}`);
  return result.policy;
}

function policySet(c: EvaluateCase): PolicySet {
  const set: PolicySet = { identity: c.identity.map((d, i) => parse(d, 'identity', `identity-${i}`)) };
  if (c.boundary) set.boundary = parse(c.boundary, 'boundary', 'boundary');
  if (c.resource) set.resource = parse(c.resource, c.resourceKind ?? 'resource', 'resource');
  if (c.scps) set.scps = c.scps.map((level, l) => level.map((d, i) => parse(d, 'scp', `scp-${l}-${i}`)));
  return set;
}

describe('evaluateRequest', () => {
  it.each(cases as EvaluateCase[])('$name → $expect', (c) => {
    const result = evaluateRequest(c.request, policySet(c));
    expect(result.decision, result.reason).toBe(c.expect);
    if (c.request.missingKeys !== 'unknown') {
      expect(isAllowed(c.request, policySet(c))).toBe(c.expect === 'Allow');
    }
  });

  it('explains which statement decided', () => {
    const set: PolicySet = {
      identity: [
        parse(
          { Version: '2012-10-17', Statement: [{ Sid: 'All', Effect: 'Allow', Action: '*', Resource: '*' }] },
          'identity',
          'arn:aws:iam::aws:policy/AdministratorAccess',
        ),
        parse(
          {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Action: 's3:*', Resource: '*' },
              { Sid: 'NoIam', Effect: 'Deny', Action: 'iam:*', Resource: '*' },
            ],
          },
          'identity',
          'inline:app/guard',
        ),
      ],
    };
    const denied = evaluateRequest(
      { principal: 'arn:aws:iam::111122223333:role/app', action: 'iam:CreateUser', resource: '*' },
      set,
    );
    expect(denied.reason).toBe('denied by inline:app/guard Statement[1] (Sid NoIam)');
    expect(denied.deniedBy.map((r) => r.sid)).toEqual(['NoIam']);
    const allowed = evaluateRequest(
      {
        principal: 'arn:aws:iam::111122223333:role/app',
        action: 's3:GetObject',
        resource: 'arn:aws:s3:::b/k',
      },
      set,
    );
    expect(allowed.allowedBy.map((r) => `${r.policyId}#${r.statementIndex}`)).toEqual([
      'arn:aws:iam::aws:policy/AdministratorAccess#0',
      'inline:app/guard#0',
    ]);
  });
});
