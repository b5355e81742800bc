/**
 * The SDK's own retry logic against canned HTTP responses (no client mock here: mocks bypass the retry
 * middleware). Throttling backs off for real, so these tests take a few seconds.
 */
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SdkAccountReader } from './sdk-account-reader.ts';

async function all<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...page);
  return out;
}

describe('SdkAccountReader retries (real SDK retry logic, canned HTTP responses)', () => {
  beforeEach(() => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    vi.stubEnv('AWS_PROFILE', '');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  function cannedHandler(responses: { status: number; headers: Record<string, string>; body: string }[]) {
    let calls = 0;
    return {
      get calls() {
        return calls;
      },
      handler: {
        async handle() {
          const r = responses[Math.min(calls, responses.length - 1)] as (typeof responses)[number];
          calls++;
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

  const throttled = {
    status: 429,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'TooManyRequestsException' },
    body: JSON.stringify({ Type: 'User', message: 'Rate exceeded', Reason: 'CallerRateLimitExceeded' }),
  };
  const ok = {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ Functions: [{ FunctionName: 'a' }] }),
  };

  it('retries throttled calls and succeeds', async () => {
    const canned = cannedHandler([throttled, ok]);
    const r = new SdkAccountReader({ region: 'us-east-1', maxAttempts: 3, requestHandler: canned.handler });
    expect((await all(r.functionPages())).map((f) => f.FunctionName)).toEqual(['a']);
    expect(canned.calls).toBe(2);
  });

  it('gives up after maxAttempts and names the action', async () => {
    const canned = cannedHandler([throttled]);
    const r = new SdkAccountReader({ region: 'us-east-1', maxAttempts: 2, requestHandler: canned.handler });
    const error = await all(r.functionPages()).catch((e: unknown) => e);
    expect(canned.calls).toBe(2);
    expect(error).toMatchObject({ action: 'lambda:ListFunctions', reason: 'throttled' });
    expect((error as Error).message).toContain('after 2 attempts');
  });
});
