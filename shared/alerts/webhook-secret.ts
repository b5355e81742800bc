/**
 * The Slack webhook URL from Secrets Manager: the whole SecretString, or JSON `{"webhookUrl": "..."}`. Read
 * once per container and reused for `ttlMs` (default 15 minutes, so a rotated URL is picked up), read again
 * at once after Slack said the webhook is gone. Errors name the secret, never its value.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { WebhookSecretError } from './alert-errors.ts';

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}

/**
 * The webhook URL held by a secret string. HTTPS only (plain HTTP only to a loopback address, for local
 * testing). Throws WebhookSecretError describing the problem without quoting the value.
 */
export function webhookUrlFromSecret(secretString: string | undefined, secretName: string): string {
  if (secretString === undefined || secretString.trim() === '') {
    throw new WebhookSecretError(`secret ${secretName} has no SecretString (expected the Slack webhook URL)`);
  }
  let candidate = secretString.trim();
  if (candidate.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(candidate);
    } catch {
      throw new WebhookSecretError(`secret ${secretName} looks like JSON but does not parse`);
    }
    const value = (parsed as { webhookUrl?: unknown } | null)?.webhookUrl;
    if (typeof value !== 'string') {
      throw new WebhookSecretError(`secret ${secretName} is JSON without a string "webhookUrl" field`);
    }
    candidate = value.trim();
  }
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    throw new WebhookSecretError(
      `secret ${secretName} does not hold a URL (expected the webhook URL, or JSON {"webhookUrl": "https://hooks.slack.com/..."})`,
    );
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new WebhookSecretError(
      `secret ${secretName} holds a ${url.protocol} URL: the webhook must be HTTPS`,
    );
  }
  return url.toString();
}

export interface CachedValueOptions {
  ttlMs?: number;
  now?: () => number;
}

/** A value loaded on first use and reused until `ttlMs` passes or `invalidate()`; a failed load is not kept. */
export class CachedValue<T> {
  readonly #load: () => Promise<T>;
  readonly #ttlMs: number;
  readonly #now: () => number;
  #value: Promise<T> | undefined;
  #loadedAt = 0;

  constructor(load: () => Promise<T>, options: CachedValueOptions = {}) {
    this.#load = load;
    this.#ttlMs = options.ttlMs ?? 15 * 60_000;
    this.#now = options.now ?? Date.now;
  }

  get(): Promise<T> {
    if (this.#value === undefined || this.#now() - this.#loadedAt > this.#ttlMs) {
      this.#loadedAt = this.#now();
      const loading = this.#load();
      this.#value = loading;
      loading.catch(() => {
        if (this.#value === loading) this.#value = undefined;
      });
    }
    return this.#value;
  }

  invalidate(): void {
    this.#value = undefined;
  }
}

/** Reads the webhook URL from Secrets Manager (use through a CachedValue). */
export function secretsManagerWebhookUrl(
  client: SecretsManagerClient,
  secretId: string,
): () => Promise<string> {
  return async () => {
    let secretString: string | undefined;
    try {
      const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      secretString = out.SecretString;
    } catch (error) {
      const e = error as { name?: string; message?: string };
      // SDK errors name the secret at most; keep the name and message, not the response.
      throw new WebhookSecretError(
        `could not read secret ${secretId}: ${e.name ?? 'Error'}: ${e.message ?? String(error)}`,
        { cause: error },
      );
    }
    return webhookUrlFromSecret(secretString, secretId);
  };
}
