import { readFileSync } from 'node:fs';
import {
  GetAccountAuthorizationDetailsCommand,
  GetGroupCommand,
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListGroupPoliciesCommand,
  ListGroupsForUserCommand,
  ListInstanceProfilesForRoleCommand,
  ListPolicyVersionsCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import {
  GetFunctionConfigurationCommand,
  GetPolicyCommand as GetFunctionPolicyCommand,
  GetFunctionUrlConfigCommand,
  LambdaClient,
  ListFunctionsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { lookupAction } from '../catalogue/action-catalogue.ts';
import {
  buildSnapshot,
  parseAuthorizationDetails,
  parseLambdaInventory,
} from '../snapshot/parse-authorization-details.ts';
import {
  createSdkStateReader,
  DEFAULT_STATE_READ_MAX_ATTEMPTS,
  SDK_STATE_READER_ACTIONS,
  SdkStateReader,
  sdkStateReaderActions,
} from './sdk-state-reader.ts';
import { SnapshotStateReader } from './snapshot-state-reader.ts';
import { StateReadError, type StateReader } from './state-reader.ts';

const iam = mockClient(IAMClient);
const lambda = mockClient(LambdaClient);
const sts = mockClient(STSClient);

const ACCOUNT = '111122223333';
const meta = { $metadata: {} };
const iamArn = (resource: string) => `arn:aws:iam::${ACCOUNT}:${resource}`;
const fnArn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;
/** As the IAM API sends policy documents (RFC 3986 URL-encoded JSON). */
const encode = (document: unknown) => encodeURIComponent(JSON.stringify(document));

const LAMBDA_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const READ_ORDERS = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Orders',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:Query'],
      Resource: 'arn:aws:dynamodb:us-east-1:111122223333:table/orders',
    },
  ],
};

function noSuchEntity(what: string): NoSuchEntityException {
  return new NoSuchEntityException({
    message: `The ${what} cannot be found.`,
    $metadata: { httpStatusCode: 404 },
  });
}
function sdkError(name: string, message: string, metadata: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400, ...metadata } });
}
const accessDenied = (action: string) =>
  sdkError(
    'AccessDenied',
    `User: arn:aws:sts::${ACCOUNT}:assumed-role/evaluator/x is not authorized to perform: ${action}`,
    {
      httpStatusCode: 403,
    },
  );
const throttled = () =>
  Object.assign(sdkError('Throttling', 'Rate exceeded', { attempts: 3 }), {
    $retryable: { throttling: true },
  });
const functionNotFound = (ref: string) =>
  new ResourceNotFoundException({
    message: `Function not found: ${ref}`,
    $metadata: { httpStatusCode: 404 },
  });
const resourceNotFound = () =>
  new ResourceNotFoundException({
    message: 'The resource you requested does not exist.',
    $metadata: { httpStatusCode: 404 },
  });

const reader = (options: { accountId?: string } = {}) =>
  new SdkStateReader({
    iam: new IAMClient({ region: 'us-east-1' }),
    lambda: new LambdaClient({ region: 'us-east-1' }),
    sts: new STSClient({ region: 'us-east-1' }),
    region: 'us-east-1',
    ...options,
  });

async function failure(promise: Promise<unknown>): Promise<StateReadError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StateReadError);
  return error as StateReadError;
}

beforeEach(() => {
  iam.reset();
  lambda.reset();
  sts.reset();
});

/** A role with no inline policy, attachment or instance profile: the lists answer empty. */
function emptyRoleLists(): void {
  iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: [], ...meta });
  iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [], ...meta });
  iam.on(ListInstanceProfilesForRoleCommand).resolves({ InstanceProfiles: [], ...meta });
}

const ROLE = {
  Path: '/orders/',
  RoleName: 'orders-api-role',
  RoleId: 'AROAEXAMPLEORDERSAPI1',
  Arn: iamArn('role/orders/orders-api-role'),
  CreateDate: new Date('2024-02-12T10:03:11Z'),
  AssumeRolePolicyDocument: encode(LAMBDA_TRUST),
  PermissionsBoundary: {
    PermissionsBoundaryType: 'PermissionsBoundaryPolicy' as const,
    PermissionsBoundaryArn: iamArn('policy/boundaries/workload-boundary'),
  },
  Tags: [{ Key: 'team', Value: 'orders' }],
  RoleLastUsed: { LastUsedDate: new Date('2026-11-30T11:14:52Z'), Region: 'us-east-1' },
};

describe('SdkStateReader.role', () => {
  it('reads a role with URL-encoded documents across every page', async () => {
    iam.on(GetRoleCommand, { RoleName: 'orders-api-role' }).resolves({ Role: ROLE, ...meta });
    iam
      .on(ListRolePoliciesCommand)
      .resolvesOnce({ PolicyNames: ['read-orders'], IsTruncated: true, Marker: 'p2', ...meta })
      .resolvesOnce({ PolicyNames: ['write-orders'], IsTruncated: false, ...meta });
    iam.on(GetRolePolicyCommand).callsFake(async ({ RoleName, PolicyName }) => ({
      RoleName,
      PolicyName,
      PolicyDocument: encode(READ_ORDERS),
      ...meta,
    }));
    iam
      .on(ListAttachedRolePoliciesCommand)
      .resolvesOnce({
        AttachedPolicies: [
          {
            PolicyName: 'AWSLambdaBasicExecutionRole',
            PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
          },
        ],
        IsTruncated: true,
        Marker: 'a2',
        ...meta,
      })
      .resolvesOnce({
        AttachedPolicies: [{ PolicyName: 'orders-table', PolicyArn: iamArn('policy/orders-table') }],
        ...meta,
      });
    iam.on(ListInstanceProfilesForRoleCommand).resolves({
      InstanceProfiles: [
        {
          Path: '/',
          InstanceProfileName: 'orders-profile',
          InstanceProfileId: 'AIPAEXAMPLEPROFILE001',
          Arn: iamArn('instance-profile/orders-profile'),
          CreateDate: new Date('2024-02-12T10:03:11Z'),
          Roles: [],
        },
      ],
      ...meta,
    });

    const role = await reader().role('orders-api-role');

    expect(role).toMatchObject({
      kind: 'role',
      arn: iamArn('role/orders/orders-api-role'),
      name: 'orders-api-role',
      path: '/orders/',
      id: 'AROAEXAMPLEORDERSAPI1',
      createDate: '2024-02-12T10:03:11.000Z',
      permissionsBoundary: iamArn('policy/boundaries/workload-boundary'),
      tags: { team: 'orders' },
      instanceProfiles: [iamArn('instance-profile/orders-profile')],
      lastUsed: { date: '2026-11-30T11:14:52.000Z', region: 'us-east-1' },
      attachedPolicies: [
        {
          name: 'AWSLambdaBasicExecutionRole',
          arn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
        },
        { name: 'orders-table', arn: iamArn('policy/orders-table') },
      ],
    });
    expect(role?.trustPolicy.ok && role.trustPolicy.policy.statements[0]?.principal?.service).toEqual([
      'lambda.amazonaws.com',
    ]);
    expect(role?.inlinePolicies.map((p) => p.name)).toEqual(['read-orders', 'write-orders']);
    const inline = role?.inlinePolicies[0]?.document;
    expect(inline?.ok && inline.policy.statements[0]?.actions).toEqual([
      'dynamodb:GetItem',
      'dynamodb:Query',
    ]);
    expect(iam.commandCalls(ListRolePoliciesCommand)[1]?.args[0].input.Marker).toBe('p2');
    expect(iam.commandCalls(ListAttachedRolePoliciesCommand)[1]?.args[0].input.Marker).toBe('a2');
  });

  it('keeps a document IAM cannot have parsed as an invalid document, not an error', async () => {
    iam
      .on(GetRoleCommand)
      .resolves({ Role: { ...ROLE, AssumeRolePolicyDocument: '%7B%22Version%22' }, ...meta });
    emptyRoleLists();
    const role = await reader().role('orders-api-role');
    expect(role?.trustPolicy.ok).toBe(false);
  });

  it('is undefined when the role does not exist', async () => {
    iam.on(GetRoleCommand).rejects(noSuchEntity('role with name gone'));
    iam.on(ListRolePoliciesCommand).rejects(noSuchEntity('role with name gone'));
    iam.on(ListAttachedRolePoliciesCommand).rejects(noSuchEntity('role with name gone'));
    iam.on(ListInstanceProfilesForRoleCommand).rejects(noSuchEntity('role with name gone'));
    expect(await reader().role('gone')).toBeUndefined();
  });

  it('is undefined when the role is deleted between GetRole and GetRolePolicy', async () => {
    iam
      .on(GetRoleCommand)
      .resolvesOnce({ Role: ROLE, ...meta })
      .rejects(noSuchEntity('role with name orders-api-role'));
    emptyRoleLists();
    iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: ['read-orders'], ...meta });
    iam.on(GetRolePolicyCommand).rejects(noSuchEntity('role with name orders-api-role'));
    expect(await reader().role('orders-api-role')).toBeUndefined();
    expect(iam.commandCalls(GetRoleCommand)).toHaveLength(2);
  });

  it('leaves out an inline policy deleted while the role stays', async () => {
    iam.on(GetRoleCommand).resolves({ Role: ROLE, ...meta });
    emptyRoleLists();
    iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: ['deleted-meanwhile', 'kept'], ...meta });
    iam.on(GetRolePolicyCommand, { PolicyName: 'deleted-meanwhile' }).rejects(noSuchEntity('role policy'));
    iam.on(GetRolePolicyCommand, { PolicyName: 'kept' }).resolves({
      RoleName: 'orders-api-role',
      PolicyName: 'kept',
      PolicyDocument: encode(READ_ORDERS),
      ...meta,
    });
    const role = await reader().role('orders-api-role');
    expect(role?.inlinePolicies.map((p) => p.name)).toEqual(['kept']);
  });

  it('names the action on AccessDenied', async () => {
    iam.on(GetRoleCommand).resolves({ Role: ROLE, ...meta });
    emptyRoleLists();
    iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: ['read-orders'], ...meta });
    iam.on(GetRolePolicyCommand).rejects(accessDenied('iam:GetRolePolicy'));
    const error = await failure(reader().role('orders-api-role'));
    expect(error).toMatchObject({ action: 'iam:GetRolePolicy', reason: 'access-denied' });
    expect(error.message).toMatch(
      /^access denied: the reader may not call iam:GetRolePolicy on role orders-api-role/,
    );
    expect(error.cause).toMatchObject({ name: 'AccessDenied' });
  });

  it('reports a failure rather than a deletion when one call fails and another finds the role gone', async () => {
    iam.on(GetRoleCommand).rejects(noSuchEntity('role'));
    emptyRoleLists();
    iam.on(ListAttachedRolePoliciesCommand).rejects(accessDenied('iam:ListAttachedRolePolicies'));
    const error = await failure(reader().role('orders-api-role'));
    expect(error).toMatchObject({ action: 'iam:ListAttachedRolePolicies', reason: 'access-denied' });
  });

  it('reports throttling the SDK gave up on', async () => {
    iam.on(GetRoleCommand).rejects(throttled());
    emptyRoleLists();
    const error = await failure(reader().role('orders-api-role'));
    expect(error).toMatchObject({ action: 'iam:GetRole', reason: 'throttled' });
    expect(error.message).toContain('after 3 attempts');
  });

  it('reports any other failure as failed, with its cause', async () => {
    const timeout = sdkError('TimeoutError', 'socket hang up');
    iam.on(GetRoleCommand).rejects(timeout);
    emptyRoleLists();
    const error = await failure(reader().role('orders-api-role'));
    expect(error).toMatchObject({ action: 'iam:GetRole', reason: 'failed' });
    expect(error.cause).toBe(timeout);
  });

  it('reports an empty or malformed response as failed', async () => {
    iam.on(GetRoleCommand).resolves({ ...meta });
    emptyRoleLists();
    expect(await failure(reader().role('orders-api-role'))).toMatchObject({
      action: 'iam:GetRole',
      reason: 'failed',
    });
    iam.on(GetRoleCommand).resolves({ Role: { ...ROLE, Arn: undefined } as unknown as typeof ROLE, ...meta });
    const error = await failure(reader().role('orders-api-role'));
    expect(error).toMatchObject({ action: 'iam:GetRole', reason: 'failed' });
    expect(error.message).toContain('RoleDetailList[0].Arn');
  });
});

describe('SdkStateReader.user and group', () => {
  it('reads a user with inline and attached policies, groups and boundary', async () => {
    iam.on(GetUserCommand).resolves({
      User: {
        Path: '/contractors/',
        UserName: 'dana',
        UserId: 'AIDAEXAMPLEDANA000001',
        Arn: iamArn('user/contractors/dana'),
        CreateDate: new Date('2025-09-22T13:32:00Z'),
        PermissionsBoundary: {
          PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
          PermissionsBoundaryArn: iamArn('policy/contractor-boundary'),
        },
        Tags: [{ Key: 'company', Value: 'example-consulting' }],
      },
      ...meta,
    });
    iam.on(ListUserPoliciesCommand).resolves({ PolicyNames: ['read-orders'], ...meta });
    iam.on(GetUserPolicyCommand).resolves({
      UserName: 'dana',
      PolicyName: 'read-orders',
      PolicyDocument: encode(READ_ORDERS),
      ...meta,
    });
    iam.on(ListAttachedUserPoliciesCommand).resolves({ AttachedPolicies: [], ...meta });
    iam
      .on(ListGroupsForUserCommand)
      .resolvesOnce({
        Groups: [
          {
            Path: '/',
            GroupName: 'Contractors',
            GroupId: 'AGPAEXAMPLEGROUP00001',
            Arn: iamArn('group/Contractors'),
            CreateDate: new Date(),
          },
        ],
        IsTruncated: true,
        Marker: 'g2',
        ...meta,
      })
      .resolvesOnce({
        Groups: [
          {
            Path: '/',
            GroupName: 'ReadOnly',
            GroupId: 'AGPAEXAMPLEGROUP00002',
            Arn: iamArn('group/ReadOnly'),
            CreateDate: new Date(),
          },
        ],
        ...meta,
      });
    const user = await reader().user('dana');
    expect(user).toMatchObject({
      kind: 'user',
      name: 'dana',
      groups: ['Contractors', 'ReadOnly'],
      permissionsBoundary: iamArn('policy/contractor-boundary'),
      tags: { company: 'example-consulting' },
      createDate: '2025-09-22T13:32:00.000Z',
    });
    expect(user?.inlinePolicies[0]?.document.ok).toBe(true);
  });

  it('is undefined for a user that does not exist', async () => {
    iam.on(GetUserCommand).rejects(noSuchEntity('user'));
    iam.on(ListUserPoliciesCommand).rejects(noSuchEntity('user'));
    iam.on(ListAttachedUserPoliciesCommand).rejects(noSuchEntity('user'));
    iam.on(ListGroupsForUserCommand).rejects(noSuchEntity('user'));
    expect(await reader().user('gone')).toBeUndefined();
  });

  it('reads a group with every page of members', async () => {
    const group = {
      Path: '/',
      GroupName: 'Developers',
      GroupId: 'AGPAEXAMPLEGROUP00003',
      Arn: iamArn('group/Developers'),
      CreateDate: new Date('2021-03-01T09:05:00Z'),
    };
    const member = (name: string) => ({
      Path: '/',
      UserName: name,
      UserId: `AIDA${name}`,
      Arn: iamArn(`user/${name}`),
      CreateDate: new Date(),
    });
    iam
      .on(GetGroupCommand)
      .resolvesOnce({
        Group: group,
        Users: [member('bob'), member('alice')],
        IsTruncated: true,
        Marker: 'u2',
        ...meta,
      })
      .resolvesOnce({ Group: group, Users: [member('carol')], IsTruncated: false, ...meta });
    iam.on(ListGroupPoliciesCommand).resolves({ PolicyNames: [], ...meta });
    iam.on(ListAttachedGroupPoliciesCommand).resolves({
      AttachedPolicies: [
        { PolicyName: 'PowerUserAccess', PolicyArn: 'arn:aws:iam::aws:policy/PowerUserAccess' },
      ],
      ...meta,
    });
    const read = await reader().group('Developers');
    expect(read?.members).toEqual(['alice', 'bob', 'carol']);
    expect(read?.group).toMatchObject({
      kind: 'group',
      name: 'Developers',
      attachedPolicies: [{ name: 'PowerUserAccess', arn: 'arn:aws:iam::aws:policy/PowerUserAccess' }],
    });
    expect(iam.commandCalls(GetGroupCommand)[1]?.args[0].input.Marker).toBe('u2');
  });

  it('is undefined for a group that does not exist', async () => {
    iam.on(GetGroupCommand).rejects(noSuchEntity('group'));
    iam.on(ListGroupPoliciesCommand).rejects(noSuchEntity('group'));
    iam.on(ListAttachedGroupPoliciesCommand).rejects(noSuchEntity('group'));
    expect(await reader().group('gone')).toBeUndefined();
  });
});

describe('SdkStateReader.managedPolicy and policyEntities', () => {
  const ARN = iamArn('policy/ops-secrets-rotation');
  const policy = {
    PolicyName: 'ops-secrets-rotation',
    PolicyId: 'ANPAEXAMPLEPOLICY0001',
    Arn: ARN,
    Path: '/',
    DefaultVersionId: 'v2',
    AttachmentCount: 1,
    IsAttachable: true,
    CreateDate: new Date('2024-01-01T00:00:00Z'),
  };
  const version = (id: string, isDefault: boolean) => ({
    VersionId: id,
    IsDefaultVersion: isDefault,
    CreateDate: new Date('2024-01-01T00:00:00Z'),
  });

  it('reads every version with its URL-encoded document', async () => {
    iam.on(GetPolicyCommand).resolves({ Policy: policy, ...meta });
    iam
      .on(ListPolicyVersionsCommand)
      .resolves({ Versions: [version('v2', true), version('v1', false)], ...meta });
    iam.on(GetPolicyVersionCommand).callsFake(async ({ VersionId }) => ({
      PolicyVersion: { ...version(VersionId, VersionId === 'v2'), Document: encode(READ_ORDERS) },
      ...meta,
    }));
    const read = await reader().managedPolicy(ARN);
    expect(read).toMatchObject({
      arn: ARN,
      name: 'ops-secrets-rotation',
      awsManaged: false,
      defaultVersionId: 'v2',
      attachmentCount: 1,
    });
    expect(read?.versions.map((v) => [v.versionId, v.isDefault, v.document.ok, v.createDate])).toEqual([
      ['v2', true, true, '2024-01-01T00:00:00.000Z'],
      ['v1', false, true, '2024-01-01T00:00:00.000Z'],
    ]);
  });

  it('takes the default from the versions when it changed after GetPolicy', async () => {
    iam.on(GetPolicyCommand).resolves({ Policy: policy, ...meta });
    iam
      .on(ListPolicyVersionsCommand)
      .resolves({ Versions: [version('v3', true), version('v2', false)], ...meta });
    iam.on(GetPolicyVersionCommand).callsFake(async ({ VersionId }) => ({
      PolicyVersion: { ...version(VersionId, VersionId === 'v3'), Document: encode(READ_ORDERS) },
      ...meta,
    }));
    const read = await reader().managedPolicy(ARN);
    expect(read?.defaultVersionId).toBe('v3');
    expect(read?.versions.filter((v) => v.isDefault).map((v) => v.versionId)).toEqual(['v3']);
  });

  it('prunes a version deleted since the listing, and is undefined when the policy went with it', async () => {
    iam.on(GetPolicyCommand).resolves({ Policy: policy, ...meta });
    iam
      .on(ListPolicyVersionsCommand)
      .resolves({ Versions: [version('v2', true), version('v1', false)], ...meta });
    iam.on(GetPolicyVersionCommand, { VersionId: 'v1' }).rejects(noSuchEntity('policy version'));
    iam
      .on(GetPolicyVersionCommand, { VersionId: 'v2' })
      .resolves({ PolicyVersion: { ...version('v2', true), Document: encode(READ_ORDERS) }, ...meta });
    expect((await reader().managedPolicy(ARN))?.versions.map((v) => v.versionId)).toEqual(['v2']);

    iam
      .on(GetPolicyCommand)
      .resolvesOnce({ Policy: policy, ...meta })
      .rejects(noSuchEntity('policy'));
    expect(await reader().managedPolicy(ARN)).toBeUndefined();
  });

  it('is undefined for a policy that does not exist', async () => {
    iam.on(GetPolicyCommand).rejects(noSuchEntity('policy'));
    iam.on(ListPolicyVersionsCommand).rejects(noSuchEntity('policy'));
    expect(await reader().managedPolicy(ARN)).toBeUndefined();
  });

  it('lists attachments and boundary uses, every page, sorted and deduplicated', async () => {
    iam
      .on(ListEntitiesForPolicyCommand, { PolicyUsageFilter: 'PermissionsPolicy' })
      .resolvesOnce({
        PolicyRoles: [{ RoleName: 'z-role', RoleId: 'AROA1' }],
        PolicyUsers: [{ UserName: 'bob', UserId: 'AIDA1' }],
        IsTruncated: true,
        Marker: 'e2',
        ...meta,
      })
      .resolvesOnce({
        PolicyRoles: [{ RoleName: 'a-role', RoleId: 'AROA2' }],
        PolicyGroups: [{ GroupName: 'devs', GroupId: 'AGPA1' }],
        ...meta,
      });
    iam.on(ListEntitiesForPolicyCommand, { PolicyUsageFilter: 'PermissionsBoundary' }).resolves({
      PolicyRoles: [
        { RoleName: 'b-role', RoleId: 'AROA3' },
        { RoleName: 'z-role', RoleId: 'AROA1' },
      ],
      ...meta,
    });
    expect(await reader().policyEntities(ARN)).toEqual({
      roles: ['a-role', 'b-role', 'z-role'],
      users: ['bob'],
      groups: ['devs'],
    });
    // The paginator reuses its input object, so a recorded input shows the last Marker: count, don't order.
    const calls = iam.commandCalls(ListEntitiesForPolicyCommand).map((c) => c.args[0].input);
    expect(calls.map((i) => i.PolicyUsageFilter).sort()).toEqual([
      'PermissionsBoundary',
      'PermissionsPolicy',
      'PermissionsPolicy',
    ]);
    expect(calls.every((i) => i.PolicyArn === ARN && i.EntityFilter === undefined)).toBe(true);
    expect(calls.some((i) => i.PolicyUsageFilter === 'PermissionsPolicy' && i.Marker === 'e2')).toBe(true);
    expect(calls).toHaveLength(3);
  });

  it('finds no entity for a policy that does not exist, and names the action on AccessDenied', async () => {
    iam.on(ListEntitiesForPolicyCommand).rejects(noSuchEntity('policy'));
    expect(await reader().policyEntities(ARN)).toEqual({ roles: [], users: [], groups: [] });
    iam.on(ListEntitiesForPolicyCommand).rejects(accessDenied('iam:ListEntitiesForPolicy'));
    expect(await failure(reader().policyEntities(ARN))).toMatchObject({
      action: 'iam:ListEntitiesForPolicy',
      reason: 'access-denied',
    });
  });
});

const CONFIG = {
  FunctionName: 'orders-api',
  FunctionArn: fnArn('orders-api'),
  Runtime: 'nodejs22.x' as const,
  Role: iamArn('role/orders/orders-api-role'),
  Handler: 'index.handler',
  PackageType: 'Zip' as const,
  Architectures: ['arm64' as const],
  LastModified: '2026-11-20T14:02:11.000+0000',
  Environment: { Variables: { TABLE_NAME: 'orders' } },
  Layers: [{ Arn: 'arn:aws:lambda:us-east-1:901234567890:layer:pandas:4', CodeSize: 10 }],
};
const FUNCTION_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Id: 'default',
  Statement: [
    {
      Sid: 'apigw',
      Effect: 'Allow',
      Principal: { Service: 'apigateway.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Resource: fnArn('orders-api'),
    },
  ],
});

describe('SdkStateReader Lambda reads', () => {
  it('reads a function with its resource policy (one JSON string) and URL', async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({ ...CONFIG, ...meta });
    lambda.on(GetFunctionPolicyCommand).resolves({ Policy: FUNCTION_POLICY, RevisionId: 'r1', ...meta });
    lambda.on(GetFunctionUrlConfigCommand).resolves({
      FunctionUrl: 'https://abc.lambda-url.us-east-1.on.aws/',
      FunctionArn: fnArn('orders-api'),
      AuthType: 'AWS_IAM',
      CreationTime: '2026-01-01T00:00:00Z',
      LastModifiedTime: '2026-01-01T00:00:00Z',
      ...meta,
    });
    const fn = await reader().lambdaFunction('orders-api');
    expect(fn).toMatchObject({
      arn: fnArn('orders-api'),
      name: 'orders-api',
      runtime: 'nodejs22.x',
      role: iamArn('role/orders/orders-api-role'),
      handler: 'index.handler',
      packageType: 'Zip',
      architectures: ['arm64'],
      lastModified: '2026-11-20T14:02:11.000+0000',
      environment: { TABLE_NAME: 'orders' },
      layers: ['arn:aws:lambda:us-east-1:901234567890:layer:pandas:4'],
      url: { authType: 'AWS_IAM', url: 'https://abc.lambda-url.us-east-1.on.aws/' },
    });
    expect(fn?.policy?.ok && fn.policy.policy.statements[0]?.sid).toBe('apigw');
    expect(fn?.invocations90d).toBeUndefined();
  });

  it('reads a function without a policy or URL', async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({ ...CONFIG, ...meta });
    lambda.on(GetFunctionPolicyCommand).rejects(resourceNotFound());
    lambda.on(GetFunctionUrlConfigCommand).rejects(resourceNotFound());
    const fn = await reader().lambdaFunction(fnArn('orders-api'));
    expect(fn?.name).toBe('orders-api');
    expect(fn && 'policy' in fn).toBe(false);
    expect(fn && 'url' in fn).toBe(false);
  });

  it('is undefined for a function that does not exist or is deleted mid-read', async () => {
    lambda.on(GetFunctionConfigurationCommand).rejects(functionNotFound(fnArn('gone')));
    lambda.on(GetFunctionPolicyCommand).rejects(functionNotFound(fnArn('gone')));
    lambda.on(GetFunctionUrlConfigCommand).rejects(functionNotFound(fnArn('gone')));
    expect(await reader().lambdaFunction('gone')).toBeUndefined();

    lambda.on(GetFunctionConfigurationCommand).resolves({ ...CONFIG, ...meta });
    lambda.on(GetFunctionUrlConfigCommand).rejects(resourceNotFound());
    expect(await reader().lambdaFunction('orders-api')).toBeUndefined();
  });

  it('names the Lambda action on AccessDeniedException', async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({ ...CONFIG, ...meta });
    lambda.on(GetFunctionPolicyCommand).rejects(resourceNotFound());
    lambda
      .on(GetFunctionUrlConfigCommand)
      .rejects(sdkError('AccessDeniedException', 'not authorized', { httpStatusCode: 403 }));
    expect(await failure(reader().lambdaFunction('orders-api'))).toMatchObject({
      action: 'lambda:GetFunctionUrlConfig',
      reason: 'access-denied',
    });
  });

  it('reports Lambda throttling the SDK gave up on', async () => {
    lambda
      .on(GetFunctionConfigurationCommand)
      .rejects(sdkError('TooManyRequestsException', 'Rate exceeded', { httpStatusCode: 429, attempts: 5 }));
    lambda.on(GetFunctionPolicyCommand).rejects(resourceNotFound());
    lambda.on(GetFunctionUrlConfigCommand).rejects(resourceNotFound());
    expect(await failure(reader().lambdaFunction('orders-api'))).toMatchObject({
      action: 'lambda:GetFunctionConfiguration',
      reason: 'throttled',
    });
  });

  it('finds the functions of a role on every page and reads only their details', async () => {
    const other = {
      ...CONFIG,
      FunctionName: 'reports',
      FunctionArn: fnArn('reports'),
      Role: iamArn('role/reports'),
    };
    lambda
      .on(ListFunctionsCommand)
      .resolvesOnce({
        Functions: [
          { ...CONFIG, FunctionName: 'orders-b', FunctionArn: fnArn('orders-b') },
          other,
          // Lambda keeps the role ARN as given: this one without the path.
          {
            ...CONFIG,
            FunctionName: 'orders-gone',
            FunctionArn: fnArn('orders-gone'),
            Role: iamArn('role/orders-api-role'),
          },
        ],
        NextMarker: 'f2',
        ...meta,
      })
      .resolvesOnce({
        Functions: [{ ...CONFIG, FunctionName: 'orders-a', FunctionArn: fnArn('orders-a') }],
        ...meta,
      });
    lambda.on(GetFunctionPolicyCommand).rejects(resourceNotFound());
    lambda
      .on(GetFunctionPolicyCommand, { FunctionName: fnArn('orders-gone') })
      .rejects(functionNotFound('orders-gone'));
    lambda.on(GetFunctionUrlConfigCommand).rejects(resourceNotFound());

    const functions = await reader().functionsUsingRole(iamArn('role/orders/orders-api-role'));

    expect(functions.map((f) => f.name)).toEqual(['orders-a', 'orders-b']);
    expect(lambda.commandCalls(ListFunctionsCommand)[1]?.args[0].input.Marker).toBe('f2');
    const detailed = lambda.commandCalls(GetFunctionPolicyCommand).map((c) => c.args[0].input.FunctionName);
    expect(detailed.sort()).toEqual([fnArn('orders-a'), fnArn('orders-b'), fnArn('orders-gone')]);
  });
});

describe('SdkStateReader.account', () => {
  const role = (name: string) => ({
    RoleName: name,
    RoleId: `AROA${name}`,
    Arn: iamArn(`role/${name}`),
    Path: '/',
    CreateDate: new Date('2024-01-01T00:00:00Z'),
    AssumeRolePolicyDocument: encode(LAMBDA_TRUST),
    RolePolicyList: [{ PolicyName: 'inline', PolicyDocument: encode(READ_ORDERS) }],
    AttachedManagedPolicies: [],
    InstanceProfileList: [],
    RoleLastUsed: {},
    Tags: [],
  });

  function authorizationDetails(): void {
    iam
      .on(GetAccountAuthorizationDetailsCommand)
      .resolvesOnce({ RoleDetailList: [role('a')], IsTruncated: true, Marker: 'm2', ...meta })
      .resolvesOnce({
        RoleDetailList: [role('b')],
        UserDetailList: [{ UserName: 'u', Arn: iamArn('user/u'), GroupList: ['g'], UserPolicyList: [] }],
        GroupDetailList: [{ GroupName: 'g', Arn: iamArn('group/g'), GroupPolicyList: [] }],
        Policies: [
          {
            PolicyName: 'p',
            Arn: iamArn('policy/p'),
            DefaultVersionId: 'v1',
            PolicyVersionList: [{ VersionId: 'v1', IsDefaultVersion: true, Document: encode(READ_ORDERS) }],
          },
        ],
        ...meta,
      });
  }

  it('assembles the snapshot from every page of authorization details and the function inventory', async () => {
    authorizationDetails();
    lambda.on(ListFunctionsCommand).resolves({ Functions: [CONFIG], ...meta });
    lambda.on(GetFunctionPolicyCommand).resolves({ Policy: FUNCTION_POLICY, ...meta });
    lambda.on(GetFunctionUrlConfigCommand).rejects(resourceNotFound());

    const snapshot = await reader().account();

    expect(snapshot.accountId).toBe(ACCOUNT);
    expect(snapshot.partition).toBe('aws');
    expect(snapshot.roles.map((r) => [r.name, r.lastUsed, r.inlinePolicies[0]?.document.ok])).toEqual([
      ['a', {}, true],
      ['b', {}, true],
    ]);
    expect(snapshot.users.map((u) => [u.name, u.groups])).toEqual([['u', ['g']]]);
    expect(snapshot.groups.map((g) => g.name)).toEqual(['g']);
    expect(snapshot.managedPolicies.get(iamArn('policy/p'))?.versions[0]?.document.ok).toBe(true);
    expect(snapshot.functions?.map((f) => [f.name, f.policy?.ok])).toEqual([['orders-api', true]]);
    expect(snapshot.sources).toEqual({
      authorizationDetails: 'live: iam:GetAccountAuthorizationDetails',
      lambdas: 'live: lambda:ListFunctions',
    });
    const calls = iam.commandCalls(GetAccountAuthorizationDetailsCommand).map((c) => c.args[0].input);
    expect(calls[0]?.Filter?.slice().sort()).toEqual([
      'AWSManagedPolicy',
      'Group',
      'LocalManagedPolicy',
      'Role',
      'User',
    ]);
    expect(calls[1]?.Marker).toBe('m2');
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
  });

  it('gives a snapshot without functions when the Lambda inventory is denied', async () => {
    authorizationDetails();
    lambda.on(ListFunctionsCommand).resolves({ Functions: [CONFIG], ...meta });
    lambda
      .on(GetFunctionPolicyCommand)
      .rejects(sdkError('AccessDeniedException', 'no', { httpStatusCode: 403 }));
    lambda.on(GetFunctionUrlConfigCommand).rejects(resourceNotFound());
    const snapshot = await reader().account();
    expect(snapshot.roles).toHaveLength(2);
    expect(snapshot.functions).toBeUndefined();
    expect('functions' in snapshot).toBe(false);
    expect(snapshot.sources.lambdas).toBeUndefined();
  });

  it('fails on other Lambda failures and on any IAM failure', async () => {
    authorizationDetails();
    lambda.on(ListFunctionsCommand).rejects(throttled());
    expect(await failure(reader().account())).toMatchObject({
      action: 'lambda:ListFunctions',
      reason: 'throttled',
    });

    iam.on(GetAccountAuthorizationDetailsCommand).rejects(accessDenied('iam:GetAccountAuthorizationDetails'));
    lambda.on(ListFunctionsCommand).resolves({ Functions: [], ...meta });
    expect(await failure(reader().account())).toMatchObject({
      action: 'iam:GetAccountAuthorizationDetails',
      reason: 'access-denied',
    });
  });

  it('asks STS for the id of an account with no principal and no function', async () => {
    iam.on(GetAccountAuthorizationDetailsCommand).resolves({ ...meta });
    lambda.on(ListFunctionsCommand).resolves({ Functions: [], ...meta });
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: '444455556666', Arn: 'arn:aws:sts::444455556666:x', ...meta });
    const snapshot = await reader().account();
    expect(snapshot.accountId).toBe('444455556666');
    expect(snapshot.functions).toEqual([]);
  });
});

describe('SdkStateReader.accountId', () => {
  it('asks STS once', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: iamArn('user/x'), ...meta });
    const r = reader();
    expect(await r.accountId()).toBe(ACCOUNT);
    expect(await r.accountId()).toBe(ACCOUNT);
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
  });

  it('does not keep a failure', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .rejectsOnce(sdkError('TimeoutError', 'socket hang up'))
      .resolves({ Account: ACCOUNT, ...meta });
    const r = reader();
    expect(await failure(r.accountId())).toMatchObject({ action: 'sts:GetCallerIdentity', reason: 'failed' });
    expect(await r.accountId()).toBe(ACCOUNT);
  });

  it('uses the id it was given without asking', async () => {
    expect(await reader({ accountId: '444455556666' }).accountId()).toBe('444455556666');
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
  });
});

describe('createSdkStateReader', () => {
  it('configures every client with the Region, maxAttempts and adaptive retries', async () => {
    const r = createSdkStateReader({ region: 'eu-west-1', maxAttempts: 7 });
    for (const client of [r.iam, r.lambda, r.sts]) {
      expect(await client.config.maxAttempts()).toBe(7);
      const mode = client.config.retryMode as unknown;
      expect(typeof mode === 'function' ? await mode() : mode).toBe('adaptive');
      expect(await client.config.region()).toBe('eu-west-1');
    }
    const defaults = createSdkStateReader({ region: 'us-east-1' });
    expect(await defaults.lambda.config.maxAttempts()).toBe(DEFAULT_STATE_READ_MAX_ATTEMPTS);
  });

  it('sends every call to the emulator endpoint', async () => {
    const r = createSdkStateReader({ region: 'us-east-1', endpoint: 'http://127.0.0.1:5000' });
    for (const client of [r.iam, r.lambda, r.sts]) {
      const endpoint = await client.config.endpoint?.();
      expect([endpoint?.hostname, endpoint?.port]).toEqual(['127.0.0.1', 5000]);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The example account served through the SDK, compared with the same files read by the snapshot reader.

interface NamedDocument {
  PolicyName: string;
  PolicyDocument: unknown;
}
interface AttachedRef {
  PolicyName: string;
  PolicyArn: string;
}
interface FixturePrincipal {
  Arn: string;
  AttachedManagedPolicies?: AttachedRef[];
  PermissionsBoundary?: { PermissionsBoundaryArn: string };
  [key: string]: unknown;
}
interface FixtureRole extends FixturePrincipal {
  RoleName: string;
  RolePolicyList?: NamedDocument[];
  InstanceProfileList?: unknown[];
}
interface FixtureUser extends FixturePrincipal {
  UserName: string;
  UserPolicyList?: NamedDocument[];
  GroupList?: string[];
}
interface FixtureGroup extends FixturePrincipal {
  GroupName: string;
  GroupPolicyList?: NamedDocument[];
}
interface FixturePolicy {
  Arn: string;
  PolicyVersionList: { VersionId: string; Document: unknown; [key: string]: unknown }[];
  [key: string]: unknown;
}
interface FixtureFunction {
  FunctionName: string;
  FunctionArn: string;
  Role: string;
  Policy?: string;
  FunctionUrlConfig?: Record<string, unknown>;
  [key: string]: unknown;
}
interface FixtureAccount {
  RoleDetailList: FixtureRole[];
  UserDetailList: FixtureUser[];
  GroupDetailList: FixtureGroup[];
  Policies: FixturePolicy[];
  Functions: FixtureFunction[];
}

function loadExampleAccount(): FixtureAccount {
  const read = (name: string) =>
    JSON.parse(readFileSync(new URL(`../../examples/account/${name}`, import.meta.url), 'utf8')) as Record<
      string,
      unknown
    >;
  return {
    ...(read('authorization-details.json') as object),
    ...(read('lambdas.json') as object),
  } as FixtureAccount;
}

const DOCUMENT_KEYS = new Set(['AssumeRolePolicyDocument', 'PolicyDocument', 'Document']);

/** The CLI form as the SDK returns it: policy documents URL-encoded, IAM dates as Date objects. */
function apiForm(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(apiForm);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (DOCUMENT_KEYS.has(key) && typeof v !== 'string') out[key] = encode(v);
    else if (/Date$/.test(key) && typeof v === 'string') out[key] = new Date(v);
    else out[key] = apiForm(v);
  }
  return out;
}

function without<T extends object>(value: T, ...keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k)));
}

const PAGE = 2;
/** Pages of two, with `Marker` the index of the next item: every list of the fixture is paginated. */
function pageOf<T>(items: readonly T[], marker: string | undefined): { items: T[]; next?: string } {
  const start = marker ? Number(marker) : 0;
  const next = start + PAGE < items.length ? String(start + PAGE) : undefined;
  return { items: items.slice(start, start + PAGE), ...(next ? { next } : {}) };
}
function iamPage<T>(key: string, items: readonly T[], marker: string | undefined): Record<string, unknown> {
  const { items: page, next } = pageOf(items, marker);
  return {
    [key]: apiForm(page),
    IsTruncated: next !== undefined,
    ...(next ? { Marker: next } : {}),
    ...meta,
  };
}

function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw noSuchEntity(what);
  return value;
}

/** Serves the account through the mocked IAM and Lambda clients, as the real APIs would answer. */
function serveAccount(account: FixtureAccount): void {
  const role = (name: string) =>
    found(
      account.RoleDetailList.find((r) => r.RoleName === name),
      `role ${name}`,
    );
  const user = (name: string) =>
    found(
      account.UserDetailList.find((u) => u.UserName === name),
      `user ${name}`,
    );
  const group = (name: string) =>
    found(
      account.GroupDetailList.find((g) => g.GroupName === name),
      `group ${name}`,
    );
  const policy = (arn: string) =>
    found(
      account.Policies.find((p) => p.Arn === arn),
      `policy ${arn}`,
    );
  const inline = (list: NamedDocument[] | undefined, name: string) =>
    encode(
      found(
        list?.find((p) => p.PolicyName === name),
        `policy ${name}`,
      ).PolicyDocument,
    );
  const names = (list: NamedDocument[] | undefined) => (list ?? []).map((p) => p.PolicyName);
  const groupSummary = (g: FixtureGroup) => without(g, 'GroupPolicyList', 'AttachedManagedPolicies');

  iam.on(GetRoleCommand).callsFake(async ({ RoleName }) => ({
    Role: apiForm(
      without(role(RoleName), 'RolePolicyList', 'AttachedManagedPolicies', 'InstanceProfileList'),
    ),
    ...meta,
  }));
  iam
    .on(ListRolePoliciesCommand)
    .callsFake(async ({ RoleName, Marker }) =>
      iamPage('PolicyNames', names(role(RoleName).RolePolicyList), Marker),
    );
  iam.on(GetRolePolicyCommand).callsFake(async ({ RoleName, PolicyName }) => ({
    RoleName,
    PolicyName,
    PolicyDocument: inline(role(RoleName).RolePolicyList, PolicyName),
    ...meta,
  }));
  iam
    .on(ListAttachedRolePoliciesCommand)
    .callsFake(async ({ RoleName, Marker }) =>
      iamPage('AttachedPolicies', role(RoleName).AttachedManagedPolicies ?? [], Marker),
    );
  iam
    .on(ListInstanceProfilesForRoleCommand)
    .callsFake(async ({ RoleName, Marker }) =>
      iamPage('InstanceProfiles', role(RoleName).InstanceProfileList ?? [], Marker),
    );

  iam.on(GetUserCommand).callsFake(async ({ UserName }) => ({
    User: apiForm(without(user(UserName), 'UserPolicyList', 'AttachedManagedPolicies', 'GroupList')),
    ...meta,
  }));
  iam
    .on(ListUserPoliciesCommand)
    .callsFake(async ({ UserName, Marker }) =>
      iamPage('PolicyNames', names(user(UserName).UserPolicyList), Marker),
    );
  iam.on(GetUserPolicyCommand).callsFake(async ({ UserName, PolicyName }) => ({
    UserName,
    PolicyName,
    PolicyDocument: inline(user(UserName).UserPolicyList, PolicyName),
    ...meta,
  }));
  iam
    .on(ListAttachedUserPoliciesCommand)
    .callsFake(async ({ UserName, Marker }) =>
      iamPage('AttachedPolicies', user(UserName).AttachedManagedPolicies ?? [], Marker),
    );
  iam.on(ListGroupsForUserCommand).callsFake(async ({ UserName, Marker }) =>
    iamPage(
      'Groups',
      (user(UserName).GroupList ?? []).map((g) => groupSummary(group(g))),
      Marker,
    ),
  );

  iam.on(GetGroupCommand).callsFake(async ({ GroupName, Marker }) => {
    const members = account.UserDetailList.filter((u) => u.GroupList?.includes(GroupName)).map((u) =>
      without(u, 'UserPolicyList', 'AttachedManagedPolicies', 'GroupList', 'PermissionsBoundary', 'Tags'),
    );
    return { Group: apiForm(groupSummary(group(GroupName))), ...iamPage('Users', members, Marker) };
  });
  iam
    .on(ListGroupPoliciesCommand)
    .callsFake(async ({ GroupName, Marker }) =>
      iamPage('PolicyNames', names(group(GroupName).GroupPolicyList), Marker),
    );
  iam.on(GetGroupPolicyCommand).callsFake(async ({ GroupName, PolicyName }) => ({
    GroupName,
    PolicyName,
    PolicyDocument: inline(group(GroupName).GroupPolicyList, PolicyName),
    ...meta,
  }));
  iam
    .on(ListAttachedGroupPoliciesCommand)
    .callsFake(async ({ GroupName, Marker }) =>
      iamPage('AttachedPolicies', group(GroupName).AttachedManagedPolicies ?? [], Marker),
    );

  iam.on(GetPolicyCommand).callsFake(async ({ PolicyArn }) => ({
    Policy: apiForm(without(policy(PolicyArn), 'PolicyVersionList')),
    ...meta,
  }));
  iam.on(ListPolicyVersionsCommand).callsFake(async ({ PolicyArn, Marker }) =>
    iamPage(
      'Versions',
      policy(PolicyArn).PolicyVersionList.map((v) => without(v, 'Document')),
      Marker,
    ),
  );
  iam.on(GetPolicyVersionCommand).callsFake(async ({ PolicyArn, VersionId }) => ({
    PolicyVersion: apiForm(
      found(
        policy(PolicyArn).PolicyVersionList.find((v) => v.VersionId === VersionId),
        `version ${VersionId}`,
      ),
    ),
    ...meta,
  }));
  iam.on(ListEntitiesForPolicyCommand).callsFake(async ({ PolicyArn, PolicyUsageFilter, Marker }) => {
    policy(PolicyArn);
    const uses = (p: FixturePrincipal) =>
      PolicyUsageFilter === 'PermissionsBoundary'
        ? p.PermissionsBoundary?.PermissionsBoundaryArn === PolicyArn
        : (p.AttachedManagedPolicies ?? []).some((a) => a.PolicyArn === PolicyArn);
    const roles = account.RoleDetailList.filter(uses).map((r) => ({ RoleName: r.RoleName }));
    const first = Marker === undefined;
    return {
      ...iamPage('PolicyRoles', roles, Marker),
      PolicyUsers: first ? account.UserDetailList.filter(uses).map((u) => ({ UserName: u.UserName })) : [],
      PolicyGroups: first
        ? account.GroupDetailList.filter(uses).map((g) => ({ GroupName: g.GroupName }))
        : [],
    };
  });
  iam.on(GetAccountAuthorizationDetailsCommand).callsFake(async ({ Marker }) => {
    const pages = [
      { UserDetailList: account.UserDetailList, GroupDetailList: account.GroupDetailList },
      { RoleDetailList: account.RoleDetailList },
      { Policies: account.Policies },
    ];
    const at = Number(Marker ?? 0);
    const more = at + 1 < pages.length;
    return {
      ...(apiForm(pages[at]) as object),
      IsTruncated: more,
      ...(more ? { Marker: String(at + 1) } : {}),
      ...meta,
    };
  });

  const fn = (ref: string) => {
    const found = account.Functions.find((f) => f.FunctionName === ref || f.FunctionArn === ref);
    if (!found) throw functionNotFound(ref);
    return found;
  };
  const configuration = (f: FixtureFunction) => without(f, 'Policy', 'FunctionUrlConfig', 'Invocations90d');
  lambda.on(ListFunctionsCommand).callsFake(async ({ Marker }) => {
    const { items, next } = pageOf(account.Functions.map(configuration), Marker);
    return { Functions: items, ...(next ? { NextMarker: next } : {}), ...meta };
  });
  lambda
    .on(GetFunctionConfigurationCommand)
    .callsFake(async ({ FunctionName }) => ({ ...configuration(fn(FunctionName)), ...meta }));
  lambda.on(GetFunctionPolicyCommand).callsFake(async ({ FunctionName }) => {
    const policy = fn(FunctionName).Policy;
    if (policy === undefined) throw resourceNotFound();
    return { Policy: policy, ...meta };
  });
  lambda.on(GetFunctionUrlConfigCommand).callsFake(async ({ FunctionName }) => {
    const url = fn(FunctionName).FunctionUrlConfig;
    if (url === undefined) throw resourceNotFound();
    return { ...url, ...meta };
  });
}

/**
 * What both readers must agree on: IAM dates compared as instants (the CLI prints `+00:00`, the SDK gives
 * Dates), and without the CloudWatch invocation count the live reader does not read.
 */
function comparable(value: unknown, key = ''): unknown {
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, comparable(v)]));
  if (Array.isArray(value)) return value.map((v) => comparable(v));
  if ((key === 'createDate' || key === 'date') && typeof value === 'string')
    return new Date(value).toISOString();
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => k !== 'invocations90d')
      .map(([k, v]) => [k, comparable(v, k)]),
  );
}

describe('SdkStateReader and SnapshotStateReader agree on the same account', () => {
  const account = loadExampleAccount();
  const offline = new SnapshotStateReader(
    buildSnapshot(
      parseAuthorizationDetails([account], 'authorization-details.json'),
      parseLambdaInventory({ Functions: account.Functions }, 'lambdas.json'),
      {},
    ),
  );

  beforeEach(() => serveAccount(account));

  async function agree<T>(read: (r: StateReader) => Promise<T>): Promise<T> {
    const live = await read(reader());
    const expected = await read(offline);
    expect(comparable(live)).toStrictEqual(comparable(expected));
    return live;
  }

  it('on every role', async () => {
    expect(account.RoleDetailList.length).toBeGreaterThan(0);
    for (const r of account.RoleDetailList)
      expect(await agree((reader) => reader.role(r.RoleName))).toBeDefined();
    expect(await agree((reader) => reader.role('never-existed'))).toBeUndefined();
  });

  it('on every user and group, with members', async () => {
    for (const u of account.UserDetailList)
      expect(await agree((reader) => reader.user(u.UserName))).toBeDefined();
    for (const g of account.GroupDetailList)
      expect(await agree((reader) => reader.group(g.GroupName))).toBeDefined();
    expect(await agree((reader) => reader.group('never-existed'))).toBeUndefined();
  });

  it('on every managed policy and the entities using it', async () => {
    for (const p of account.Policies) {
      expect(await agree((reader) => reader.managedPolicy(p.Arn))).toBeDefined();
      await agree((reader) => reader.policyEntities(p.Arn));
    }
  });

  it('on every function, by name and by ARN, and on the functions of every role', async () => {
    for (const f of account.Functions) {
      expect(await agree((reader) => reader.lambdaFunction(f.FunctionName))).toBeDefined();
      await agree((reader) => reader.lambdaFunction(f.FunctionArn));
    }
    for (const r of account.RoleDetailList) await agree((reader) => reader.functionsUsingRole(r.Arn));
    expect(await agree((reader) => reader.lambdaFunction('never-existed'))).toBeUndefined();
  });

  it('on the whole account', async () => {
    const live = await reader().account();
    const expected = await offline.account();
    for (const key of [
      'accountId',
      'partition',
      'roles',
      'users',
      'groups',
      'managedPolicies',
      'functions',
    ] as const) {
      expect(comparable(live[key])).toStrictEqual(comparable(expected[key]));
    }
  });

  it('calls only the actions it declares, method by method', async () => {
    const role = account.RoleDetailList.find(
      (r) => (r.RolePolicyList ?? []).length > 0 && r.InstanceProfileList?.length,
    );
    const user = account.UserDetailList.find((u) => (u.UserPolicyList ?? []).length > 0);
    const group = account.GroupDetailList.find((g) => (g.GroupPolicyList ?? []).length > 0);
    const fn = account.Functions.find((f) => f.Policy !== undefined && f.FunctionUrlConfig !== undefined);
    const policy = account.Policies.find((p) => p.PolicyVersionList.length > 1);
    if (!role || !user || !group || !fn || !policy) throw new Error('the example account lacks a case');
    const calls: Record<keyof StateReader, (r: StateReader) => Promise<unknown>> = {
      accountId: (r) => r.accountId(),
      role: (r) => r.role(role.RoleName),
      user: (r) => r.user(user.UserName),
      group: (r) => r.group(group.GroupName),
      managedPolicy: (r) => r.managedPolicy(policy.Arn),
      policyEntities: (r) => r.policyEntities(policy.Arn),
      lambdaFunction: (r) => r.lambdaFunction(fn.FunctionName),
      functionsUsingRole: (r) => r.functionsUsingRole(fn.Role),
      account: (r) => r.account(),
    };
    sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, ...meta });
    for (const [method, call] of Object.entries(calls) as [
      keyof StateReader,
      (r: StateReader) => Promise<unknown>,
    ][]) {
      iam.resetHistory();
      lambda.resetHistory();
      await call(reader());
      const called = new Set([
        ...iam.calls().map((c) => `iam:${(c.args[0] as object).constructor.name.replace(/Command$/, '')}`),
        ...lambda
          .calls()
          .map((c) => `lambda:${(c.args[0] as object).constructor.name.replace(/Command$/, '')}`),
      ]);
      expect({ method, called: [...called].sort() }).toEqual({
        method,
        called: [...SDK_STATE_READER_ACTIONS[method]].sort(),
      });
    }
  });
});

describe('SDK_STATE_READER_ACTIONS', () => {
  it('declares only actions of the catalogue, in their catalogue spelling', () => {
    for (const [method, actions] of Object.entries(SDK_STATE_READER_ACTIONS)) {
      for (const action of actions) {
        // Exact spelling too: CDK grants and CloudTrail compare what they are given.
        expect({ method, action: lookupAction(action)?.id }).toEqual({ method, action });
      }
    }
  });

  it('declares an action list for every StateReader method', () => {
    expect(Object.keys(SDK_STATE_READER_ACTIONS).sort()).toEqual([
      'account',
      'accountId',
      'functionsUsingRole',
      'group',
      'lambdaFunction',
      'managedPolicy',
      'policyEntities',
      'role',
      'user',
    ]);
  });

  it('unions the actions of several methods', () => {
    expect(sdkStateReaderActions(['lambdaFunction', 'functionsUsingRole'])).toEqual([
      'lambda:GetFunctionConfiguration',
      'lambda:GetFunctionUrlConfig',
      'lambda:GetPolicy',
      'lambda:ListFunctions',
    ]);
    expect(sdkStateReaderActions(['accountId'])).toEqual([]);
  });
});
