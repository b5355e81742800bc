import { describe, expect, it } from 'vitest';
import { SDK_STATE_READER_ACTIONS } from '../shared/evaluation/sdk-state-reader.ts';
import { functionGrants, permissionStatements, readGrants, readResources } from './permissions.ts';
import { functionSpec, TRIPLINE_FUNCTIONS } from './tripline-functions.ts';

describe('readResources (scoping from the action catalogue)', () => {
  it.each([
    ['iam:GetRole', ['arn:${Partition}:iam::${Account}:role/*']],
    [
      'iam:GetPolicyVersion',
      ['arn:${Partition}:iam::${Account}:policy/*', 'arn:${Partition}:iam::aws:policy/*'],
    ],
    ['lambda:GetPolicy', ['arn:${Partition}:lambda:${Region}:${Account}:function:*']],
    ['iam:GetAccountAuthorizationDetails', ['*']],
    ['lambda:ListFunctions', ['*']],
  ])('%s → %j', (action, expected) => {
    expect(
      readResources(action).map((r) => (r.kind === 'arn' ? r.template : r.kind === 'any' ? '*' : r.kind)),
    ).toEqual(expected);
  });

  it('refuses an action the catalogue does not know', () => {
    expect(() => readResources('iam:GetRoleTypo')).toThrow(/not in the action catalogue/);
  });
});

describe('functionGrants', () => {
  it.each(TRIPLINE_FUNCTIONS.map((f) => f.id))(
    '%s: reads = declared read actions ∪ reader actions, exactly',
    (id) => {
      const spec = functionSpec(id);
      const expected = new Set([
        ...spec.rules.flatMap((r) => r.readActions),
        ...spec.readerMethods.flatMap((m) => SDK_STATE_READER_ACTIONS[m]),
      ]);
      expect(new Set(readGrants(spec).map((g) => g.action))).toEqual(expected);
      for (const grant of readGrants(spec)) expect(grant.reasons.length).toBeGreaterThan(0);
    },
  );

  it('the notifier and the digest read no account state', () => {
    for (const id of ['notifier', 'digest'] as const) {
      const actions = functionGrants(functionSpec(id), { slackSecret: true }).map((g) => g.action);
      expect(
        actions.filter((a) => /^(iam|lambda):/.test(a)),
        id,
      ).toEqual([]);
    }
  });

  it('the Slack secret is granted only when configured', () => {
    const has = (slackSecret: boolean) =>
      functionGrants(functionSpec('notifier'), { slackSecret }).some(
        (g) => g.action === 'secretsmanager:GetSecretValue',
      );
    expect(has(true)).toBe(true);
    expect(has(false)).toBe(false);
  });

  it.each(TRIPLINE_FUNCTIONS.map((f) => f.id))('%s: statements have unique, valid Sids', (id) => {
    const statements = permissionStatements(functionGrants(functionSpec(id), { slackSecret: true }));
    const sids = statements.map((s) => s.sid);
    expect(new Set(sids).size).toBe(sids.length);
    for (const sid of sids) expect(sid).toMatch(/^[A-Za-z0-9]+$/);
  });
});
