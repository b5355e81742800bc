import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { transitionFromImages } from '../findings/transitions.ts';
import { type Alert, changeOf } from './alert.ts';
import { findingLife } from './alert-fixtures.ts';
import { renderSlack, type SlackMessage } from './slack-message.ts';
import { SlackStandIn } from './slack-stand-in.ts';
import { retryAfterSeconds, SlackWebhook, scrubUrls } from './slack-webhook.ts';

const step = findingLife()[0]!;
const alert: Alert = changeOf(step.after, transitionFromImages(step.before, step.after)!);
const message: SlackMessage = renderSlack(alert);

let slack: SlackStandIn;
let waits: number[];

beforeEach(async () => {
  slack = await new SlackStandIn().start();
  waits = [];
});
afterEach(async () => {
  await slack.stop();
});

function webhook(options: Partial<ConstructorParameters<typeof SlackWebhook>[0]> = {}) {
  return new SlackWebhook({
    webhookUrl: async () => slack.url,
    timeoutMs: 2_000,
    backoff: { baseMs: 5, maxMs: 20 },
    // Real, short waits (recorded): Retry-After values in the tests are small.
    sleep: async (ms) => {
      waits.push(ms);
      await new Promise((resolve) => setTimeout(resolve, ms));
    },
    ...options,
  });
}

describe('Slack webhook client (against a loopback stand-in)', () => {
  it('POSTs the Block Kit JSON once and reports delivery', async () => {
    const result = await webhook().post(message);
    expect(result).toEqual({ delivered: true, attempts: 1 });
    expect(slack.requests).toHaveLength(1);
    const request = slack.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.contentType).toMatch(/^application\/json/);
    expect(request.body).toEqual(JSON.parse(JSON.stringify(message)));
  });

  it('honours 429 Retry-After, then delivers', async () => {
    slack.script({ status: 429, headers: { 'retry-after': '1' }, body: 'rate_limited' });
    const result = await webhook().post(message);
    expect(result).toEqual({ delivered: true, attempts: 2 });
    expect(waits).toEqual([1000]);
    const [first, second] = slack.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(990);
  });

  it('gives up (retryable) when Retry-After asks for longer than allowed', async () => {
    slack.script({ status: 429, headers: { 'retry-after': '120' } });
    const result = await webhook({ maxRetryAfterSeconds: 30 }).post(message);
    expect(result).toMatchObject({ delivered: false, attempts: 1, status: 429, retryable: true });
    expect(waits).toEqual([]);
  });

  it('retries a 500 with backoff, then delivers', async () => {
    slack.script({ status: 500 }, { status: 503 });
    const result = await webhook().post(message);
    expect(result).toEqual({ delivered: true, attempts: 3 });
    expect(waits).toHaveLength(2);
    for (const ms of waits) expect(ms).toBeGreaterThanOrEqual(5);
  });

  it('stops after maxAttempts of 5xx, retryable', async () => {
    slack.script({ status: 500 }, { status: 500 }, { status: 500 });
    const result = await webhook({ maxAttempts: 3 }).post(message);
    expect(result).toMatchObject({ delivered: false, attempts: 3, status: 500, retryable: true });
    expect(slack.requests).toHaveLength(3);
  });

  it('does not retry a 4xx (Slack rejected the message or the webhook)', async () => {
    slack.script({ status: 400, body: 'invalid_blocks' });
    const result = await webhook().post(message);
    expect(result).toEqual({
      delivered: false,
      attempts: 1,
      status: 400,
      retryable: false,
      reason: 'HTTP 400 invalid_blocks',
    });
  });

  it('times out a request that never answers (AbortController), then retries', async () => {
    slack.script({ hang: true });
    const started = Date.now();
    const result = await webhook({ timeoutMs: 150 }).post(message);
    expect(result).toEqual({ delivered: true, attempts: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('reports a timeout when every attempt hangs', async () => {
    slack.script({ hang: true }, { hang: true });
    const result = await webhook({ timeoutMs: 100, maxAttempts: 2 }).post(message);
    expect(result).toMatchObject({ delivered: false, attempts: 2, retryable: true });
    expect(result.delivered === false && result.reason).toMatch(/^timed out after 100 ms/);
  });

  it('respects the deadline: no wait or request past it', async () => {
    slack.script({ status: 429, headers: { 'retry-after': '2' } });
    const result = await webhook().post(message, Date.now() + 500);
    expect(result).toMatchObject({ delivered: false, attempts: 1 });
    expect(result.delivered === false && result.reason).toContain('no time left to retry');
    expect(waits).toEqual([]);
  });

  it('never puts the webhook URL in a result, even when the connection fails', async () => {
    const url = slack.url;
    await slack.stop();
    const result = await webhook({ webhookUrl: async () => url, maxAttempts: 2 }).post(message);
    expect(result).toMatchObject({ delivered: false, attempts: 2, retryable: true });
    expect(result.delivered === false && result.reason).toMatch(/^request failed: /);
    expect(JSON.stringify(result)).not.toContain(slack.path);
    slack = await new SlackStandIn().start();
  });

  it('never puts the webhook URL in a result when the URL itself is bad', async () => {
    const bad = 'http://127.0.0.1:99999/services/T0/B0/s3cr3t';
    const result = await webhook({ webhookUrl: async () => bad, maxAttempts: 1 }).post(message);
    expect(result.delivered).toBe(false);
    expect(JSON.stringify(result)).not.toContain('s3cr3t');
  });
});

describe('Retry-After and scrubbing', () => {
  it.each([
    ['3', 3],
    [' 10 ', 10],
    ['Wed, 01 Dec 2026 10:00:05 GMT', 5],
    ['soon', undefined],
    [null, undefined],
  ] as const)('Retry-After %j → %j', (value, seconds) => {
    expect(retryAfterSeconds(value, Date.parse('2026-12-01T10:00:00Z'))).toBe(seconds);
  });

  it('removes every URL from an error text', () => {
    expect(
      scrubUrls('TypeError: Failed to parse URL from https://hooks.slack.com/services/T/B/xyz (x)'),
    ).toBe('TypeError: Failed to parse URL from [url] (x)');
  });
});
