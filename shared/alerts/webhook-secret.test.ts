import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { WebhookSecretError } from './alert-errors.ts';
import { CachedValue, secretsManagerWebhookUrl, webhookUrlFromSecret } from './webhook-secret.ts';

const secrets = mockClient(SecretsManagerClient);
const SECRET = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:tripline-slack-AbCdEf';
const URL = 'https://hooks.slack.com/services/T0AAAAAAA/B0BBBBBBB/s3cr3tT0k3n';

beforeEach(() => secrets.reset());

describe('webhook URL from the secret', () => {
  it.each([
    ['the whole SecretString', URL],
    ['with surrounding whitespace', `  ${URL}\n`],
    ['JSON {"webhookUrl": ...}', JSON.stringify({ webhookUrl: URL, channel: '#security' })],
  ])('%s', (_name, secretString) => {
    expect(webhookUrlFromSecret(secretString, SECRET)).toBe(URL);
  });

  it.each([
    ['empty', '', /has no SecretString/],
    [
      'JSON without webhookUrl',
      '{"url": "https://hooks.slack.com/services/x"}',
      /without a string "webhookUrl"/,
    ],
    ['broken JSON', '{"webhookUrl": ', /does not parse/],
    ['not a URL', 'hooks.slack.com/services/s3cr3tT0k3n', /does not hold a URL/],
    ['plain HTTP to a remote host', 'http://hooks.example.com/services/s3cr3tT0k3n', /must be HTTPS/],
  ])('rejects %s, without quoting the value', (_name, secretString, message) => {
    let error: unknown;
    try {
      webhookUrlFromSecret(secretString, SECRET);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WebhookSecretError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(SECRET);
    expect((error as Error).message).not.toContain('s3cr3tT0k3n');
  });

  it('allows plain HTTP to loopback only (local testing)', () => {
    expect(webhookUrlFromSecret('http://127.0.0.1:8080/services/x', SECRET)).toBe(
      'http://127.0.0.1:8080/services/x',
    );
  });

  it('reads the secret once per container while cached, again after invalidation or expiry', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ webhookUrl: URL }) });
    let now = 0;
    const cached = new CachedValue(
      secretsManagerWebhookUrl(new SecretsManagerClient({ region: 'us-east-1' }), SECRET),
      {
        ttlMs: 1000,
        now: () => now,
      },
    );
    expect(await cached.get()).toBe(URL);
    expect(await cached.get()).toBe(URL);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(secrets.commandCalls(GetSecretValueCommand)[0]!.args[0].input).toEqual({ SecretId: SECRET });
    cached.invalidate();
    await cached.get();
    now = 5000;
    await cached.get();
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(3);
  });

  it('does not keep a failed read', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }))
      .resolves({ SecretString: URL });
    const cached = new CachedValue(
      secretsManagerWebhookUrl(new SecretsManagerClient({ region: 'us-east-1', maxAttempts: 1 }), SECRET),
    );
    await expect(cached.get()).rejects.toThrow(/could not read secret .*AccessDeniedException/);
    expect(await cached.get()).toBe(URL);
  });
});
