import { describe, expect, it } from 'vitest';
import { decodeAuthorizationDetails, decodePolicyDocument, mapWithLimit } from './collect-account.ts';

const doc = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/%x' }],
};

describe('decodePolicyDocument', () => {
  it.each([
    ['URL-encoded JSON (the IAM API form)', encodeURIComponent(JSON.stringify(doc)), doc],
    ['plain JSON text', JSON.stringify(doc), doc],
    ['an object already', doc, doc],
    ['text that is not a policy', '%7B%22broken', '%7B%22broken'],
    ['a malformed escape', '%E0%A4%A', '%E0%A4%A'],
  ])('decodes %s', (_name, input, expected) => {
    expect(decodePolicyDocument(input)).toEqual(expected);
  });

  it('names a managed policy from its ARN when the name is missing (moto omits it)', () => {
    const out = decodeAuthorizationDetails({
      RoleDetailList: [],
      UserDetailList: [],
      GroupDetailList: [],
      Policies: [
        { Arn: 'arn:aws:iam::123456789012:policy/team/everything' },
        { Arn: 'arn:aws:iam::1:policy/x', PolicyName: 'kept' },
      ],
    });
    expect(out.Policies).toEqual([
      { Arn: 'arn:aws:iam::123456789012:policy/team/everything', PolicyName: 'everything' },
      { Arn: 'arn:aws:iam::1:policy/x', PolicyName: 'kept' },
    ]);
  });

  it('decodes every document of an authorization-details document, nested instance profiles included', () => {
    const e = encodeURIComponent(JSON.stringify(doc));
    const out = decodeAuthorizationDetails({
      RoleDetailList: [
        {
          AssumeRolePolicyDocument: e,
          RolePolicyList: [{ PolicyDocument: e }],
          InstanceProfileList: [{ Roles: [{ AssumeRolePolicyDocument: e }] }],
        },
      ],
      UserDetailList: [{ UserPolicyList: [{ PolicyDocument: e }] }],
      GroupDetailList: [{ GroupPolicyList: [{ PolicyDocument: e }] }],
      Policies: [{ PolicyVersionList: [{ Document: e }] }],
    });
    expect(JSON.stringify(out)).not.toContain('%22');
    expect(out.Policies).toEqual([{ PolicyVersionList: [{ Document: doc }] }]);
    expect(out.RoleDetailList).toEqual([
      {
        AssumeRolePolicyDocument: doc,
        RolePolicyList: [{ PolicyDocument: doc }],
        InstanceProfileList: [{ Roles: [{ AssumeRolePolicyDocument: doc }] }],
      },
    ]);
  });
});

describe('mapWithLimit', () => {
  it('keeps order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapWithLimit([5, 1, 4, 2, 3, 0], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(peak).toBe(2);
  });

  it('rejects with the first failure and starts nothing after it', async () => {
    const started: number[] = [];
    const run = mapWithLimit([1, 2, 3, 4, 5], 1, async (n) => {
      started.push(n);
      if (n === 2) throw new Error('boom');
      return n;
    });
    await expect(run).rejects.toThrow('boom');
    expect(started).toEqual([1, 2]);
  });

  it('handles an empty list', async () => {
    expect(await mapWithLimit([], 4, async (n: number) => n)).toEqual([]);
  });
});
