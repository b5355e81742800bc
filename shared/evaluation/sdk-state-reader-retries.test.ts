/**
 * SdkStateReader against canned HTTP responses, so the SDK's real adaptive retry logic runs (a client mock
 * replaces `send` and skips it). Kept apart from the mocked tests: `mockClient` patches the client prototypes
 * for the whole file. Throttling backs off for real: these tests take a few seconds.
 */
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSdkStateReader } from './sdk-state-reader.ts';
import { StateReadError } from './state-reader.ts';

interface Canned {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** An HTTP layer answering by IAM `Action` (query protocol) or Lambda path, counting the requests. */
function cannedHandler(answer: (call: string, count: number) => Canned) {
  const counts = new Map<string, number>();
  return {
    counts,
    handler: {
      async handle(request: { body?: unknown; path?: string }) {
        const body = typeof request.body === 'string' ? request.body : '';
        const call = /(?:^|&)Action=([A-Za-z]+)/.exec(body)?.[1] ?? request.path ?? '';
        const count = (counts.get(call) ?? 0) + 1;
        counts.set(call, count);
        const r = answer(call, count);
        return {
          response: {
            statusCode: r.status,
            reason: '',
            headers: r.headers,
            body: Readable.from([Buffer.from(r.body)]),
          },
        };
      },
      updateHttpClientConfig() {},
      httpHandlerConfigs: () => ({}),
    },
  };
}

const XMLNS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const iamOk = (action: string, result: string): Canned => ({
  status: 200,
  headers: { 'content-type': 'text/xml' },
  body:
    `<${action}Response xmlns="${XMLNS}"><${action}Result>${result}</${action}Result>` +
    `<ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ResponseMetadata></${action}Response>`,
});
const iamThrottled: Canned = {
  status: 400,
  headers: { 'content-type': 'text/xml' },
  body:
    `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>Throttling</Code>` +
    '<Message>Rate exceeded</Message></Error><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ErrorResponse>',
};
const TRUST = encodeURIComponent(
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  }),
);

/** GetRole and the three lists of an existing role with nothing attached; GetRole throttled `throttles` times. */
function roleAccount(throttles: number) {
  return (call: string, count: number): Canned => {
    switch (call) {
      case 'GetRole':
        return count <= throttles
          ? iamThrottled
          : iamOk(
              'GetRole',
              '<Role><Path>/</Path><RoleName>audit-role</RoleName><RoleId>AROAEXAMPLEAUDITROLE1</RoleId>' +
                '<Arn>arn:aws:iam::111122223333:role/audit-role</Arn><CreateDate>2024-01-02T03:04:05Z</CreateDate>' +
                `<AssumeRolePolicyDocument>${TRUST}</AssumeRolePolicyDocument><RoleLastUsed/></Role>`,
            );
      case 'ListRolePolicies':
        return iamOk(call, '<PolicyNames/><IsTruncated>false</IsTruncated>');
      case 'ListAttachedRolePolicies':
        return iamOk(call, '<AttachedPolicies/><IsTruncated>false</IsTruncated>');
      case 'ListInstanceProfilesForRole':
        return iamOk(call, '<InstanceProfiles/><IsTruncated>false</IsTruncated>');
      default:
        throw new Error(`unexpected call ${call}`);
    }
  };
}

describe('SdkStateReader retries (real SDK retry logic, canned HTTP responses)', () => {
  beforeEach(() => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    vi.stubEnv('AWS_SESSION_TOKEN', '');
    vi.stubEnv('AWS_PROFILE', '');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('retries throttled IAM calls and then reads the role', async () => {
    const canned = cannedHandler(roleAccount(2));
    const reader = createSdkStateReader({
      region: 'us-east-1',
      maxAttempts: 3,
      requestHandler: canned.handler,
    });
    const role = await reader.role('audit-role');
    expect(role).toMatchObject({
      name: 'audit-role',
      arn: 'arn:aws:iam::111122223333:role/audit-role',
      createDate: '2024-01-02T03:04:05.000Z',
      lastUsed: {},
    });
    expect(role?.trustPolicy.ok).toBe(true);
    expect(canned.counts.get('GetRole')).toBe(3);
  });

  it('reports StateReadError throttled, naming the action, once maxAttempts are spent', async () => {
    const canned = cannedHandler(roleAccount(Number.POSITIVE_INFINITY));
    const reader = createSdkStateReader({
      region: 'us-east-1',
      maxAttempts: 2,
      requestHandler: canned.handler,
    });
    const error = await reader.role('audit-role').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateReadError);
    expect(error).toMatchObject({ action: 'iam:GetRole', reason: 'throttled' });
    expect((error as Error).message).toContain('after 2 attempts');
    expect(canned.counts.get('GetRole')).toBe(2);
  });

  it('retries a throttled Lambda call (429 TooManyRequestsException) and reads the function', async () => {
    const notFound: Canned = {
      status: 404,
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' },
      body: JSON.stringify({ Type: 'User', Message: 'The resource you requested does not exist.' }),
    };
    const canned = cannedHandler((path, count) => {
      if (path.endsWith('/configuration')) {
        return count === 1
          ? {
              status: 429,
              headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'TooManyRequestsException' },
              body: JSON.stringify({
                Type: 'User',
                message: 'Rate exceeded',
                Reason: 'CallerRateLimitExceeded',
              }),
            }
          : {
              status: 200,
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({
                FunctionName: 'orders-api',
                FunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:orders-api',
                Role: 'arn:aws:iam::111122223333:role/orders-api-role',
                Runtime: 'nodejs22.x',
              }),
            };
      }
      return notFound;
    });
    const reader = createSdkStateReader({
      region: 'us-east-1',
      maxAttempts: 3,
      requestHandler: canned.handler,
    });
    const fn = await reader.lambdaFunction('orders-api');
    expect(fn).toMatchObject({ name: 'orders-api', runtime: 'nodejs22.x' });
    expect(fn?.policy).toBeUndefined();
    expect(fn?.url).toBeUndefined();
    expect(canned.counts.get('/2015-03-31/functions/orders-api/configuration')).toBe(2);
  });
});
