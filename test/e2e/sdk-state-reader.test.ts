/**
 * SdkStateReader over the real AWS wire protocols, against moto (`python3 -m moto.server`): URL-encoded
 * documents, NoSuchEntity and ResourceNotFoundException as the services send them, and the targeted reads
 * agreeing with the whole-account read. Part of the e2e tier (`npm run test:e2e`): moto is
 * always there, started by scripts/moto.sh; the account is reset first.
 */
import {
  AddRoleToInstanceProfileCommand,
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  CreateGroupCommand,
  CreateInstanceProfileCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  CreateFunctionUrlConfigCommand,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSdkStateReader, type SdkStateReader } from '../../shared/evaluation/sdk-state-reader.ts';
import { motoEndpoint, resetMoto } from './support/moto.ts';

const ACCOUNT = '123456789012';

/** Names the setup call that failed (moto answers unsupported calls with an HTML page). */
async function setup<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new Error(`moto setup: ${what} failed: ${(error as Error).message}`, { cause: error });
  }
}

const json = (value: unknown) => JSON.stringify(value);
const allow = (Action: string, Resource: string) =>
  json({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action, Resource }] });

describe('SdkStateReader against moto', () => {
  let reader: SdkStateReader;
  let policyArn = '';
  let boundaryArn = '';
  let roleArn = '';

  beforeAll(async () => {
    const endpoint = motoEndpoint();
    await resetMoto();
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
    vi.stubEnv('AWS_SESSION_TOKEN', '');
    vi.stubEnv('AWS_PROFILE', undefined);

    const config = {
      region: 'us-east-1',
      endpoint,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    };
    const iam = new IAMClient(config);
    const lambda = new LambdaClient(config);
    const trust = json({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    });
    const boundary = await setup('CreatePolicy', () =>
      iam.send(new CreatePolicyCommand({ PolicyName: 'boundary', PolicyDocument: allow('dynamodb:*', '*') })),
    );
    boundaryArn = boundary.Policy?.Arn ?? '';
    const role = await setup('CreateRole', () =>
      iam.send(
        new CreateRoleCommand({
          RoleName: 'orders-api',
          Path: '/orders/',
          AssumeRolePolicyDocument: trust,
          PermissionsBoundary: boundaryArn,
        }),
      ),
    );
    roleArn = role.Role?.Arn ?? '';
    await setup('PutRolePolicy', () =>
      iam.send(
        new PutRolePolicyCommand({
          RoleName: 'orders-api',
          PolicyName: 'read-orders',
          PolicyDocument: allow('dynamodb:GetItem', `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`),
        }),
      ),
    );
    const policy = await setup('CreatePolicy', () =>
      iam.send(
        new CreatePolicyCommand({ PolicyName: 'orders-table', PolicyDocument: allow('dynamodb:Query', '*') }),
      ),
    );
    policyArn = policy.Policy?.Arn ?? '';
    await setup('CreatePolicyVersion', () =>
      iam.send(
        new CreatePolicyVersionCommand({
          PolicyArn: policyArn,
          PolicyDocument: allow('dynamodb:Query', `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`),
          SetAsDefault: true,
        }),
      ),
    );
    await setup('AttachRolePolicy', () =>
      iam.send(new AttachRolePolicyCommand({ RoleName: 'orders-api', PolicyArn: policyArn })),
    );
    await setup('CreateInstanceProfile', () =>
      iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'orders-profile' })),
    );
    await setup('AddRoleToInstanceProfile', () =>
      iam.send(
        new AddRoleToInstanceProfileCommand({
          InstanceProfileName: 'orders-profile',
          RoleName: 'orders-api',
        }),
      ),
    );
    // moto 5.2 keeps no user boundary (PutUserPermissionsBoundary answers HTTP 500, GetUser omits it).
    await setup('CreateUser', () => iam.send(new CreateUserCommand({ UserName: 'ops' })));
    await setup('CreateGroup', () => iam.send(new CreateGroupCommand({ GroupName: 'devs' })));
    await setup('AddUserToGroup', () =>
      iam.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName: 'ops' })),
    );
    await setup('AttachGroupPolicy', () =>
      iam.send(new AttachGroupPolicyCommand({ GroupName: 'devs', PolicyArn: policyArn })),
    );
    await setup('PutGroupPolicy', () =>
      iam.send(
        new PutGroupPolicyCommand({
          GroupName: 'devs',
          PolicyName: 'logs',
          PolicyDocument: allow('logs:GetLogEvents', '*'),
        }),
      ),
    );
    const code = {
      ZipFile: new Uint8Array(Buffer.from('not a zip: moto does not unpack it without invoking')),
    };
    for (const name of ['orders-api', 'orders-worker']) {
      await setup('CreateFunction', () =>
        lambda.send(
          new CreateFunctionCommand({
            FunctionName: name,
            Runtime: 'nodejs24.x',
            Role: roleArn,
            Handler: 'index.handler',
            Code: code,
          }),
        ),
      );
    }
    await setup('AddPermission', () =>
      lambda.send(
        new AddPermissionCommand({
          FunctionName: 'orders-api',
          StatementId: 'public',
          Action: 'lambda:InvokeFunction',
          Principal: '*',
        }),
      ),
    );
    await setup('CreateFunctionUrlConfig', () =>
      lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'orders-api', AuthType: 'NONE' })),
    );

    reader = createSdkStateReader({ region: 'us-east-1', endpoint, maxAttempts: 2 });
  }, 60_000);

  afterAll(() => {
    vi.unstubAllEnvs();
  });

  it('reads a role with its decoded documents, attachments and instance profile', async () => {
    const role = await reader.role('orders-api');
    expect(role).toMatchObject({
      arn: roleArn,
      path: '/orders/',
      permissionsBoundary: boundaryArn,
      attachedPolicies: [{ arn: policyArn, name: 'orders-table' }],
      instanceProfiles: [`arn:aws:iam::${ACCOUNT}:instance-profile/orders-profile`],
    });
    expect(role?.trustPolicy.ok && role.trustPolicy.policy.statements[0]?.principal?.service).toEqual([
      'lambda.amazonaws.com',
    ]);
    const inline = role?.inlinePolicies[0];
    expect([inline?.name, inline?.document.ok && inline.document.policy.statements[0]?.actions]).toEqual([
      'read-orders',
      ['dynamodb:GetItem'],
    ]);
  });

  it('answers undefined for principals, policies and functions that do not exist', async () => {
    expect(await reader.role('missing')).toBeUndefined();
    expect(await reader.user('missing')).toBeUndefined();
    expect(await reader.group('missing')).toBeUndefined();
    expect(await reader.managedPolicy(`arn:aws:iam::${ACCOUNT}:policy/missing`)).toBeUndefined();
    expect(await reader.lambdaFunction('missing')).toBeUndefined();
  });

  it('reads users, groups, policy versions and policy entities', async () => {
    expect(await reader.user('ops')).toMatchObject({ groups: ['devs'] });
    const devs = await reader.group('devs');
    expect(devs?.members).toEqual(['ops']);
    expect(devs?.group.inlinePolicies.map((p) => p.name)).toEqual(['logs']);
    const policy = await reader.managedPolicy(policyArn);
    expect(policy?.defaultVersionId).toBe('v2');
    expect(policy?.versions.map((v) => [v.versionId, v.isDefault]).sort()).toEqual([
      ['v1', false],
      ['v2', true],
    ]);
    expect(await reader.policyEntities(policyArn)).toEqual({
      roles: ['orders-api'],
      users: [],
      groups: ['devs'],
    });
    // Boundary uses are not asserted here: moto 5.2 ignores PolicyUsageFilter and lists attachments only (the
    // mocked tests cover them).
  });

  it('reads functions with and without a policy and URL, and the functions of a role', async () => {
    const api = await reader.lambdaFunction('orders-api');
    expect(api?.policy?.ok && api.policy.policy.statements[0]?.principal?.any).toBe(true);
    expect(api?.url?.authType).toBe('NONE');
    const worker = await reader.lambdaFunction(`arn:aws:lambda:us-east-1:${ACCOUNT}:function:orders-worker`);
    expect(worker?.name).toBe('orders-worker');
    expect(worker?.policy).toBeUndefined();
    expect(worker?.url).toBeUndefined();
    expect((await reader.functionsUsingRole(roleArn)).map((f) => f.name)).toEqual([
      'orders-api',
      'orders-worker',
    ]);
  });

  it('agrees with the whole-account read on every role, user, group and function', async () => {
    const account = await reader.account();
    expect(account.accountId).toBe(ACCOUNT);
    expect(account.functions?.map((f) => f.name).sort()).toEqual(['orders-api', 'orders-worker']);
    for (const role of account.roles) expect(await reader.role(role.name)).toEqual(role);
    for (const user of account.users) expect(await reader.user(user.name)).toEqual(user);
    for (const group of account.groups) expect((await reader.group(group.name))?.group).toEqual(group);
    for (const fn of account.functions ?? []) expect(await reader.lambdaFunction(fn.name)).toEqual(fn);
    for (const arn of [policyArn, boundaryArn]) {
      expect(await reader.managedPolicy(arn)).toEqual(account.managedPolicies.get(arn));
    }
  });
});
