/**
 * Posts messages to a Slack incoming webhook. Each request has its own timeout (AbortController); 429 waits for
 * `Retry-After` (when it is short enough), 5xx and network errors retry with jittered exponential backoff, other
 * 4xx answers are final. Attempts, waits and an optional deadline bound the whole send, so a slow Slack cannot
 * eat the Lambda's time: what is not delivered is returned as such, for the dead-letter queue.
 *
 * The webhook URL is a secret (anyone holding it can post to the channel): it is read through a provider,
 * never logged, never put in a result or an error. Error texts from the HTTP stack are scrubbed of URLs.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SlackMessage } from './slack-message.ts';

export interface SlackWebhookOptions {
  /** The webhook URL, e.g. from Secrets Manager (cached by the provider). */
  webhookUrl: () => Promise<string>;
  /** Per request, default 5,000 ms. */
  timeoutMs?: number;
  /** Requests per message, default 4. */
  maxAttempts?: number;
  /** Backoff between retries of 5xx and network errors: random in [base, min(max, base × 2^retry)]. */
  backoff?: { baseMs: number; maxMs: number };
  /** A 429 asking for a longer wait than this ends the send (default 30 s). */
  maxRetryAfterSeconds?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  fetch?: typeof fetch;
}

export type SlackDelivery =
  | { delivered: true; attempts: number }
  | {
      delivered: false;
      attempts: number;
      /** Why, without the URL: `HTTP 404 no_service`, `timed out after 5000 ms`, `rate limited …`. */
      reason: string;
      status?: number;
      /** Whether sending the same message later might work (5xx, 429, network), as opposed to a 4xx. */
      retryable: boolean;
    };

export const DEFAULT_SLACK_TIMEOUT_MS = 5_000;
export const DEFAULT_SLACK_ATTEMPTS = 4;
export const DEFAULT_MAX_RETRY_AFTER_SECONDS = 30;

/** Any URL in an error text becomes `[url]`: the HTTP stack sometimes names the address it failed on. */
export function scrubUrls(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>)]+/gi, '[url]');
}

function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 3 && current !== undefined && current !== null; depth++) {
    const e = current as { name?: string; code?: string; message?: string; cause?: unknown };
    parts.push([e.code ?? e.name, e.message].filter(Boolean).join(': '));
    current = e.cause;
  }
  return scrubUrls(parts.join(' <- ')).slice(0, 300);
}

/** Seconds from a `Retry-After` header (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterSeconds(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

export class SlackWebhook {
  readonly #options: Required<Omit<SlackWebhookOptions, 'fetch'>> & { fetch: typeof fetch };

  constructor(options: SlackWebhookOptions) {
    this.#options = {
      webhookUrl: options.webhookUrl,
      timeoutMs: options.timeoutMs ?? DEFAULT_SLACK_TIMEOUT_MS,
      maxAttempts: options.maxAttempts ?? DEFAULT_SLACK_ATTEMPTS,
      backoff: options.backoff ?? { baseMs: 250, maxMs: 4_000 },
      maxRetryAfterSeconds: options.maxRetryAfterSeconds ?? DEFAULT_MAX_RETRY_AFTER_SECONDS,
      sleep: options.sleep ?? ((ms) => sleep(ms)),
      now: options.now ?? Date.now,
      fetch: options.fetch ?? globalThis.fetch,
    };
  }

  /**
   * Sends one message. `deadline` (epoch ms) bounds waits and timeouts: no request starts or waits past it.
   * A failure to read the URL (the secret) throws; everything HTTP ends in a SlackDelivery.
   */
  async post(message: SlackMessage, deadline = Number.POSITIVE_INFINITY): Promise<SlackDelivery> {
    const o = this.#options;
    const body = JSON.stringify(message);
    let attempts = 0;
    for (;;) {
      const url = await o.webhookUrl();
      attempts += 1;
      const outcome = await this.#attempt(url, body, deadline);
      if (outcome.kind === 'delivered') return { delivered: true, attempts };
      let waitMs: number;
      if (outcome.kind === 'final') {
        return {
          delivered: false,
          attempts,
          reason: outcome.reason,
          status: outcome.status,
          retryable: false,
        };
      }
      if (outcome.kind === 'rate-limited') {
        const seconds = outcome.retryAfter ?? 1;
        if (seconds > o.maxRetryAfterSeconds) {
          return {
            delivered: false,
            attempts,
            reason: `rate limited: Retry-After ${seconds} s is longer than ${o.maxRetryAfterSeconds} s`,
            status: 429,
            retryable: true,
          };
        }
        waitMs = seconds * 1000;
      } else {
        const cap = Math.min(o.backoff.maxMs, o.backoff.baseMs * 2 ** (attempts - 1));
        waitMs = o.backoff.baseMs + Math.random() * Math.max(0, cap - o.backoff.baseMs);
      }
      const failed = {
        delivered: false as const,
        attempts,
        reason: outcome.reason,
        retryable: true,
        ...(outcome.status !== undefined ? { status: outcome.status } : {}),
      };
      if (attempts >= o.maxAttempts)
        return {
          ...failed,
          reason: `${outcome.reason} (after ${attempts} attempt${attempts === 1 ? '' : 's'})`,
        };
      if (o.now() + waitMs >= deadline)
        return { ...failed, reason: `${outcome.reason} (no time left to retry)` };
      await o.sleep(waitMs);
    }
  }

  async #attempt(
    url: string,
    body: string,
    deadline: number,
  ): Promise<
    | { kind: 'delivered' }
    | { kind: 'final'; reason: string; status: number }
    | { kind: 'rate-limited'; reason: string; status: 429; retryAfter: number | undefined }
    | { kind: 'retry'; reason: string; status?: number }
  > {
    const o = this.#options;
    const timeoutMs = Math.max(1, Math.min(o.timeoutMs, deadline - o.now()));
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await o.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body,
        signal: controller.signal,
        // A webhook never redirects; following one would send the message (and the path) elsewhere.
        redirect: 'error',
      });
      const text = scrubUrls((await response.text()).slice(0, 200)).trim();
      if (response.ok) return { kind: 'delivered' };
      const reason = `HTTP ${response.status}${text ? ` ${text}` : ''}`;
      if (response.status === 429) {
        return {
          kind: 'rate-limited',
          reason,
          status: 429,
          retryAfter: retryAfterSeconds(response.headers.get('retry-after'), o.now()),
        };
      }
      if (response.status >= 500) return { kind: 'retry', reason, status: response.status };
      return { kind: 'final', reason, status: response.status };
    } catch (error) {
      if (controller.signal.aborted) return { kind: 'retry', reason: `timed out after ${timeoutMs} ms` };
      return { kind: 'retry', reason: `request failed: ${describeError(error)}` };
    } finally {
      clearTimeout(timer);
    }
  }
}
