import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { GetAccountAuthorizationDetailsCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  LambdaClient,
  ListFunctionsCommand,
  ResourceNotFoundException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AccountReadError, describeReadError, FUNCTION_GONE } from './account-reader.ts';
import { collectAccount } from './collect-account.ts';
import { DEFAULT_MAX_ATTEMPTS, SdkAccountReader } from './sdk-account-reader.ts';

const iam = mockClient(IAMClient);
const lambda = mockClient(LambdaClient);
const cloudwatch = mockClient(CloudWatchClient);
const sts = mockClient(STSClient);

const FN = 'arn:aws:lambda:us-east-1:111122223333:function:orders-api';
const meta = { $metadata: {} };

function sdkError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 }, ...extra });
}

async function all<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...page);
  return out;
}

async function drain(pages: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of pages);
}

const reader = () => new SdkAccountReader({ region: 'us-east-1' });

beforeEach(() => {
  iam.reset();
  lambda.reset();
  cloudwatch.reset();
  sts.reset();
});

describe('SdkAccountReader', () => {
  it('configures every client with maxAttempts and adaptive retries', async () => {
    const r = new SdkAccountReader({ region: 'eu-west-1', maxAttempts: 7 });
    for (const client of [r.iam, r.lambda, r.cloudwatch, r.sts]) {
      expect(await client.config.maxAttempts()).toBe(7);
      const mode = client.config.retryMode as unknown;
      expect(typeof mode === 'function' ? await mode() : mode).toBe('adaptive');
      expect(await client.config.region()).toBe('eu-west-1');
    }
    expect(await reader().lambda.config.maxAttempts()).toBe(DEFAULT_MAX_ATTEMPTS);
  });

  it('sends every call to --endpoint', async () => {
    const r = new SdkAccountReader({ region: 'us-east-1', endpoint: 'http://127.0.0.1:5000' });
    const endpoint = await r.lambda.config.endpoint?.();
    expect(endpoint?.hostname).toBe('127.0.0.1');
    expect(endpoint?.port).toBe(5000);
  });

  it('reads the caller identity', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: '111122223333', Arn: 'arn:aws:sts::111122223333:assumed-role/audit/me', ...meta });
    expect(await reader().identity()).toEqual({
      account: '111122223333',
      arn: 'arn:aws:sts::111122223333:assumed-role/audit/me',
    });
  });

  it('follows GetAccountAuthorizationDetails pagination', async () => {
    iam
      .on(GetAccountAuthorizationDetailsCommand)
      .resolvesOnce({ RoleDetailList: [{ RoleName: 'a' }], IsTruncated: true, Marker: 'm1', ...meta })
      .resolvesOnce({
        RoleDetailList: [{ RoleName: 'b' }],
        UserDetailList: [{ UserName: 'u' }],
        IsTruncated: false,
        ...meta,
      });
    const pages = [];
    for await (const page of reader().authorizationDetailsPages()) pages.push(page);
    expect(pages).toEqual([
      { UserDetailList: [], GroupDetailList: [], RoleDetailList: [{ RoleName: 'a' }], Policies: [] },
      {
        UserDetailList: [{ UserName: 'u' }],
        GroupDetailList: [],
        RoleDetailList: [{ RoleName: 'b' }],
        Policies: [],
      },
    ]);
    const calls = iam.commandCalls(GetAccountAuthorizationDetailsCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input.Marker).toBe('m1');
  });

  it('follows ListFunctions pagination', async () => {
    lambda
      .on(ListFunctionsCommand)
      .resolvesOnce({ Functions: [{ FunctionName: 'a' }], NextMarker: 'n1', ...meta })
      .resolvesOnce({ Functions: [{ FunctionName: 'b' }], ...meta });
    expect((await all(reader().functionPages())).map((f) => f.FunctionName)).toEqual(['a', 'b']);
    const calls = lambda.commandCalls(ListFunctionsCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input.Marker).toBe('n1');
  });

  it('reads a function policy and URL', async () => {
    lambda
      .on(GetPolicyCommand, { FunctionName: FN })
      .resolves({ Policy: '{"Version":"2012-10-17","Statement":[]}', ...meta });
    lambda.on(GetFunctionUrlConfigCommand, { FunctionName: FN }).resolves({
      AuthType: 'NONE',
      FunctionUrl: 'https://x.lambda-url.us-east-1.on.aws/',
      FunctionArn: FN,
      CreationTime: '2026-01-01T00:00:00Z',
      LastModifiedTime: '2026-01-01T00:00:00Z',
      InvokeMode: 'BUFFERED',
      ...meta,
    });
    const r = reader();
    expect(await r.functionPolicy(FN)).toBe('{"Version":"2012-10-17","Statement":[]}');
    expect(await r.functionUrlConfig(FN)).toEqual({
      AuthType: 'NONE',
      FunctionUrl: 'https://x.lambda-url.us-east-1.on.aws/',
      InvokeMode: 'BUFFERED',
    });
  });

  it('treats ResourceNotFoundException as "no policy" and "no URL"', async () => {
    const notFound = new ResourceNotFoundException({
      message: 'The resource you requested does not exist.',
      $metadata: {},
    });
    lambda.on(GetPolicyCommand).rejects(notFound);
    lambda.on(GetFunctionUrlConfigCommand).rejects(notFound);
    expect(await reader().functionPolicy(FN)).toBeUndefined();
    expect(await reader().functionUrlConfig(FN)).toBeUndefined();
  });

  it('tells a function deleted mid-collect apart from one without a policy', async () => {
    lambda
      .on(GetPolicyCommand)
      .rejects(new ResourceNotFoundException({ message: `Function not found: ${FN}`, $metadata: {} }));
    expect(await reader().functionPolicy(FN)).toBe(FUNCTION_GONE);
  });

  it('sums 90 days of daily Invocations', async () => {
    cloudwatch
      .on(GetMetricStatisticsCommand)
      .resolves({ Datapoints: [{ Sum: 3 }, { Sum: 4.0 }, {}], ...meta });
    const end = new Date('2026-12-01T00:00:00Z');
    const start = new Date('2026-09-02T00:00:00Z');
    expect(await reader().invocationSum('orders-api', start, end)).toBe(7);
    const input = cloudwatch.commandCalls(GetMetricStatisticsCommand)[0]?.args[0].input;
    expect(input).toEqual({
      Namespace: 'AWS/Lambda',
      MetricName: 'Invocations',
      Dimensions: [{ Name: 'FunctionName', Value: 'orders-api' }],
      StartTime: start,
      EndTime: end,
      Period: 86_400,
      Statistics: ['Sum'],
    });
  });

  it('names the missing action on AccessDenied', async () => {
    iam.on(GetAccountAuthorizationDetailsCommand).rejects(
      sdkError(
        'AccessDenied',
        'User: arn:aws:iam::111122223333:user/x is not authorized to perform: iam:GetAccountAuthorizationDetails',
        {
          $metadata: { httpStatusCode: 403 },
        },
      ),
    );
    const error = await drain(reader().authorizationDetailsPages()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccountReadError);
    expect(error).toMatchObject({ action: 'iam:GetAccountAuthorizationDetails', reason: 'access-denied' });
    expect((error as Error).message).toMatch(
      /^access denied: the caller is not allowed iam:GetAccountAuthorizationDetails\. Grant the read-only policy in docs\/collect-policy\.json/,
    );
  });

  it.each([
    ['GetPolicy', 'lambda:GetPolicy', (r: SdkAccountReader) => r.functionPolicy(FN)],
    ['GetFunctionUrlConfig', 'lambda:GetFunctionUrlConfig', (r: SdkAccountReader) => r.functionUrlConfig(FN)],
  ] as const)('names %s and the function on AccessDeniedException', async (_name, action, call) => {
    const denied = sdkError('AccessDeniedException', 'not authorized', {
      $metadata: { httpStatusCode: 403 },
    });
    lambda.on(GetPolicyCommand).rejects(denied);
    lambda.on(GetFunctionUrlConfigCommand).rejects(denied);
    await expect(call(reader())).rejects.toMatchObject({
      action,
      reason: 'access-denied',
      message: expect.stringContaining(`${action} on ${FN}`),
    });
  });

  it('names cloudwatch:GetMetricStatistics when CloudWatch refuses', async () => {
    cloudwatch
      .on(GetMetricStatisticsCommand)
      .rejects(sdkError('AccessDenied', 'no', { $metadata: { httpStatusCode: 403 } }));
    await expect(reader().invocationSum('f', new Date(0), new Date(1))).rejects.toMatchObject({
      action: 'cloudwatch:GetMetricStatistics',
      reason: 'access-denied',
    });
  });

  it('reports throttling that outlasted the retries', async () => {
    lambda.on(ListFunctionsCommand).rejects(
      new TooManyRequestsException({
        message: 'Rate exceeded',
        $metadata: { httpStatusCode: 429, attempts: 10 },
      }),
    );
    const error = await all(reader().functionPages()).catch((e: unknown) => e);
    expect(error).toMatchObject({ action: 'lambda:ListFunctions', reason: 'throttled' });
    expect((error as Error).message).toContain('lambda:ListFunctions was still throttled after 10 attempts');
  });

  it('reports expired credentials without calling them a missing permission', () => {
    const error = describeReadError(
      sdkError('ExpiredToken', 'The security token included in the request is expired', {
        $metadata: { httpStatusCode: 403 },
      }),
      'sts:GetCallerIdentity',
    );
    expect(error.reason).toBe('no-credentials');
    expect(error.message).toContain('pass --profile');
  });

  it('reports any other failure with the action', () => {
    const error = describeReadError(
      sdkError('ServiceUnavailable', 'try later'),
      'iam:GetAccountAuthorizationDetails',
    );
    expect(error).toMatchObject({
      reason: 'failed',
      message: 'iam:GetAccountAuthorizationDetails failed: ServiceUnavailable: try later',
    });
  });
});

describe('collectAccount over the SDK reader', () => {
  it('merges pages, decodes documents and builds the inventory', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/auditor', ...meta });
    const trust = encodeURIComponent(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      }),
    );
    iam
      .on(GetAccountAuthorizationDetailsCommand)
      .resolvesOnce({
        RoleDetailList: [
          {
            RoleName: 'orders-api',
            Arn: 'arn:aws:iam::111122223333:role/orders-api',
            AssumeRolePolicyDocument: trust,
          },
        ],
        IsTruncated: true,
        Marker: 'm',
        ...meta,
      })
      .resolvesOnce({
        Policies: [
          {
            PolicyName: 'p',
            Arn: 'arn:aws:iam::111122223333:policy/p',
            PolicyVersionList: [{ Document: '%7B%22bad' }],
          },
        ],
        ...meta,
      });
    lambda.on(ListFunctionsCommand).resolves({
      Functions: [
        { FunctionName: 'orders-api', FunctionArn: FN, Role: 'arn:aws:iam::111122223333:role/orders-api' },
      ],
      ...meta,
    });
    lambda.on(GetPolicyCommand).rejects(
      new ResourceNotFoundException({
        message: 'The resource you requested does not exist.',
        $metadata: {},
      }),
    );
    lambda.on(GetFunctionUrlConfigCommand).resolves({
      AuthType: 'AWS_IAM',
      FunctionUrl: 'https://u/',
      FunctionArn: FN,
      CreationTime: 'x',
      LastModifiedTime: 'x',
      ...meta,
    });
    cloudwatch.on(GetMetricStatisticsCommand).resolves({ Datapoints: [{ Sum: 12 }], ...meta });

    const events: string[] = [];
    const out = await collectAccount(reader(), {
      now: new Date('2026-12-01T00:00:00Z'),
      onProgress: (e) => events.push(e.phase),
    });
    expect(out.identity.account).toBe('111122223333');
    expect(out.authorizationDetails.RoleDetailList).toEqual([
      {
        RoleName: 'orders-api',
        Arn: 'arn:aws:iam::111122223333:role/orders-api',
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        },
      },
    ]);
    // A document that does not decode is kept as found (the scan reports it as policy-invalid).
    expect(out.authorizationDetails.Policies).toEqual([
      {
        PolicyName: 'p',
        Arn: 'arn:aws:iam::111122223333:policy/p',
        PolicyVersionList: [{ Document: '%7B%22bad' }],
      },
    ]);
    expect(out.lambdas.Functions).toEqual([
      {
        FunctionName: 'orders-api',
        FunctionArn: FN,
        Role: 'arn:aws:iam::111122223333:role/orders-api',
        FunctionUrlConfig: { AuthType: 'AWS_IAM', FunctionUrl: 'https://u/' },
        Invocations90d: 12,
      },
    ]);
    const window = cloudwatch.commandCalls(GetMetricStatisticsCommand)[0]?.args[0].input;
    expect(window?.StartTime).toEqual(new Date('2026-09-02T00:00:00Z'));
    expect(events).toEqual(['identity', 'iam', 'iam', 'list-functions', 'functions']);
  });
});
