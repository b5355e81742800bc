import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  buildSnapshot,
  parseAuthorizationDetails,
  parseLambdaInventory,
} from '../snapshot/parse-authorization-details.ts';
import { parseFunctionReference, SnapshotStateReader, sameRoleArn } from './snapshot-state-reader.ts';
import { StateReadError } from './state-reader.ts';

const ACCOUNT = '111122223333';
const iamArn = (resource: string) => `arn:aws:iam::${ACCOUNT}:${resource}`;
const fnArn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;
const ALLOW_ALL = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
};
const LAMBDA_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

const details = {
  RoleDetailList: [
    {
      RoleName: 'Orders-Role',
      Path: '/orders/',
      Arn: iamArn('role/orders/Orders-Role'),
      AssumeRolePolicyDocument: LAMBDA_TRUST,
      AttachedManagedPolicies: [{ PolicyName: 'shared', PolicyArn: iamArn('policy/shared') }],
      PermissionsBoundary: {
        PermissionsBoundaryType: 'Policy',
        PermissionsBoundaryArn: iamArn('policy/boundary'),
      },
    },
    {
      RoleName: 'reports-role',
      Arn: iamArn('role/reports-role'),
      AssumeRolePolicyDocument: LAMBDA_TRUST,
      RolePolicyList: [{ PolicyName: 'read', PolicyDocument: ALLOW_ALL }],
    },
  ],
  UserDetailList: [
    {
      UserName: 'bob',
      Arn: iamArn('user/bob'),
      GroupList: ['devs'],
      AttachedManagedPolicies: [{ PolicyName: 'shared', PolicyArn: iamArn('policy/shared') }],
    },
    { UserName: 'alice', Arn: iamArn('user/alice'), GroupList: ['devs', 'admins'] },
    {
      UserName: 'carol',
      Arn: iamArn('user/carol'),
      GroupList: [],
      PermissionsBoundary: {
        PermissionsBoundaryType: 'Policy',
        PermissionsBoundaryArn: iamArn('policy/boundary'),
      },
    },
  ],
  GroupDetailList: [
    {
      GroupName: 'devs',
      Arn: iamArn('group/devs'),
      AttachedManagedPolicies: [{ PolicyName: 'shared', PolicyArn: iamArn('policy/shared') }],
    },
    { GroupName: 'admins', Arn: iamArn('group/admins') },
  ],
  Policies: [
    {
      PolicyName: 'shared',
      Arn: iamArn('policy/shared'),
      DefaultVersionId: 'v2',
      PolicyVersionList: [
        { VersionId: 'v2', IsDefaultVersion: true, Document: ALLOW_ALL },
        { VersionId: 'v1', IsDefaultVersion: false, Document: ALLOW_ALL },
      ],
    },
  ],
};

const functions = {
  Functions: [
    { FunctionName: 'orders-b', FunctionArn: fnArn('orders-b'), Role: iamArn('role/orders/Orders-Role') },
    // Lambda keeps the role ARN as it was given: without the path, in another case.
    { FunctionName: 'orders-a', FunctionArn: fnArn('orders-a'), Role: iamArn('role/orders-role') },
    { FunctionName: 'reports', FunctionArn: fnArn('reports'), Role: iamArn('role/reports-role') },
  ],
};

function reader(withFunctions = true): SnapshotStateReader {
  return new SnapshotStateReader(
    buildSnapshot(
      parseAuthorizationDetails([details], 'details.json'),
      withFunctions ? parseLambdaInventory(functions, 'lambdas.json') : undefined,
      {},
    ),
  );
}

describe('SnapshotStateReader', () => {
  it('reads the account id and the whole snapshot', async () => {
    const r = reader();
    expect(await r.accountId()).toBe(ACCOUNT);
    expect(await r.account()).toStrictEqual(r.snapshot);
  });

  it('gives a snapshot the caller may patch without changing what the reader answers', async () => {
    const r = reader();
    const copy = await r.account();
    copy.roles = [];
    copy.users.pop();
    copy.managedPolicies.clear();
    copy.functions?.splice(0);
    expect(await r.policyEntities(iamArn('policy/boundary'))).toEqual({
      roles: ['Orders-Role'],
      users: ['carol'],
      groups: [],
    });
    expect(await r.managedPolicy(iamArn('policy/shared'))).toBeDefined();
    expect((await r.account()).functions).toHaveLength(3);
  });

  it('finds principals by name, exactly first, then ignoring case as IAM does', async () => {
    const r = reader();
    expect((await r.role('Orders-Role'))?.arn).toBe(iamArn('role/orders/Orders-Role'));
    expect((await r.role('orders-role'))?.arn).toBe(iamArn('role/orders/Orders-Role'));
    expect((await r.role('REPORTS-ROLE'))?.inlinePolicies.map((p) => p.name)).toEqual(['read']);
    expect(await r.role('deleted-role')).toBeUndefined();
    expect((await r.user('bob'))?.groups).toEqual(['devs']);
    expect(await r.user('nobody')).toBeUndefined();
  });

  it('lists group members from the users, sorted', async () => {
    const r = reader();
    const devs = await r.group('devs');
    expect(devs?.group.arn).toBe(iamArn('group/devs'));
    expect(devs?.members).toEqual(['alice', 'bob']);
    expect((await r.group('admins'))?.members).toEqual(['alice']);
    expect(await r.group('gone')).toBeUndefined();
  });

  it('reads a managed policy with every version', async () => {
    const policy = await reader().managedPolicy(iamArn('policy/shared'));
    expect(policy?.versions.map((v) => [v.versionId, v.isDefault])).toEqual([
      ['v2', true],
      ['v1', false],
    ]);
    expect(await reader().managedPolicy(iamArn('policy/unknown'))).toBeUndefined();
  });

  it('finds the entities a policy is attached to or is the boundary of', async () => {
    const r = reader();
    expect(await r.policyEntities(iamArn('policy/shared'))).toEqual({
      roles: ['Orders-Role'],
      users: ['bob'],
      groups: ['devs'],
    });
    expect(await r.policyEntities(iamArn('policy/boundary'))).toEqual({
      roles: ['Orders-Role'],
      users: ['carol'],
      groups: [],
    });
    expect(await r.policyEntities(iamArn('policy/unknown'))).toEqual({ roles: [], users: [], groups: [] });
  });

  it.each([
    ['a name', 'orders-a'],
    ['an ARN', fnArn('orders-a')],
    ['a qualified ARN', `${fnArn('orders-a')}:live`],
    ['a partial ARN', `${ACCOUNT}:function:orders-a`],
    ['name:qualifier', 'orders-a:7'],
  ])('finds a function by %s', async (_how, ref) => {
    expect((await reader().lambdaFunction(ref))?.arn).toBe(fnArn('orders-a'));
  });

  it('does not find a function of another account or one that does not exist', async () => {
    expect(
      await reader().lambdaFunction('arn:aws:lambda:us-east-1:444455556666:function:orders-a'),
    ).toBeUndefined();
    expect(await reader().lambdaFunction('deleted')).toBeUndefined();
  });

  it('finds the functions of a role by ARN, with or without path, in any case, in ARN order', async () => {
    const r = reader();
    const names = async (arn: string) => (await r.functionsUsingRole(arn)).map((f) => f.name);
    expect(await names(iamArn('role/orders/Orders-Role'))).toEqual(['orders-a', 'orders-b']);
    expect(await names(iamArn('role/orders-role'))).toEqual(['orders-a', 'orders-b']);
    expect(await names(iamArn('role/reports-role'))).toEqual(['reports']);
    expect(await names(iamArn('role/unused'))).toEqual([]);
  });

  it('without a Lambda inventory: no function uses a role, and reading a function is an error, not a deletion', async () => {
    const r = reader(false);
    expect(await r.functionsUsingRole(iamArn('role/reports-role'))).toEqual([]);
    const error = await r.lambdaFunction('reports').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateReadError);
    expect(error).toMatchObject({ action: 'lambda:GetFunctionConfiguration', reason: 'failed' });
  });

  it('agrees with the attachment and boundary counts IAM reports for every policy of the example account', async () => {
    const doc = JSON.parse(
      readFileSync(new URL('../../examples/account/authorization-details.json', import.meta.url), 'utf8'),
    ) as { Policies: { Arn: string; AttachmentCount: number; PermissionsBoundaryUsageCount: number }[] };
    const r = new SnapshotStateReader(
      buildSnapshot(parseAuthorizationDetails([doc], 'example'), undefined, {}),
    );
    expect(doc.Policies.length).toBeGreaterThan(0);
    for (const policy of doc.Policies) {
      const entities = await r.policyEntities(policy.Arn);
      // No principal of the example uses one policy both ways, so the names add up to IAM's two counts.
      expect({
        arn: policy.Arn,
        count: entities.roles.length + entities.users.length + entities.groups.length,
      }).toEqual({ arn: policy.Arn, count: policy.AttachmentCount + policy.PermissionsBoundaryUsageCount });
    }
  });
});

describe('sameRoleArn', () => {
  it.each([
    [iamArn('role/a'), iamArn('role/a'), true],
    [iamArn('role/path/a'), iamArn('role/a'), true],
    [iamArn('role/A'), iamArn('role/other/a'), true],
    [iamArn('role/a'), iamArn('role/b'), false],
    [iamArn('role/a'), 'arn:aws:iam::444455556666:role/a', false],
    [iamArn('role/a'), `arn:aws-cn:iam::${ACCOUNT}:role/a`, false],
    [iamArn('user/a'), iamArn('role/a'), false],
    ['not-an-arn', iamArn('role/a'), false],
  ])('%s ~ %s → %s', (a, b, same) => {
    expect(sameRoleArn(a, b)).toBe(same);
    expect(sameRoleArn(b, a)).toBe(same);
  });
});

describe('parseFunctionReference', () => {
  it.each([
    ['orders', { name: 'orders' }],
    ['orders:live', { name: 'orders' }],
    [`${ACCOUNT}:function:orders`, { name: 'orders', account: ACCOUNT }],
    [fnArn('orders'), { name: 'orders', account: ACCOUNT }],
    [`${fnArn('orders')}:$LATEST`, { name: 'orders', account: ACCOUNT }],
  ])('%s', (ref, expected) => {
    expect(parseFunctionReference(ref)).toEqual(expected);
  });
});
