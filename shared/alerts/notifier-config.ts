/**
 * The notifier's environment contract (the CDK stack sets these), validated once at cold start with errors
 * naming the variable, and the AWS clients built from it.
 *
 * | variable                | meaning                                                            | default   |
 * |-------------------------|--------------------------------------------------------------------|-----------|
 * | `TOPIC_ARN`             | SNS topic for email alerts                                         | required  |
 * | `SLACK_SECRET_ARN`      | secret holding the Slack webhook URL (or `{"webhookUrl": "..."}`)  | no Slack  |
 * | `DEAD_LETTER_QUEUE_URL` | SQS queue for Slack messages Slack did not take                    | see below |
 * | `EVENT_BUS_NAME`        | bus for `Tripline Finding` events                                  | `default` |
 * | `MIN_SEVERITY_EMAIL`    | lowest severity emailed (filter policies on `severity` also apply) | `low`     |
 * | `MIN_SEVERITY_SLACK`    | lowest severity posted to Slack                                    | `low`     |
 * | `DIGEST_THRESHOLD`      | more alerts than this in one batch, per channel → one digest       | `10`      |
 * | `TABLE_NAME`            | findings table, for the daily digest                               | no digest |
 * | `SLACK_TIMEOUT_MS`      | per-request timeout of the webhook POST                            | `5000`    |
 *
 * Without `DEAD_LETTER_QUEUE_URL`, a Slack message Slack does not take fails the batch instead of being parked:
 * the stream retries it (email and events already sent are not repeated) and, after the mapping's retries, its
 * on-failure destination records the batch. The notifier still runs, so email keeps working.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoFindingsStore } from '../findings/dynamo-findings-store.ts';
import type { Severity } from '../rules/rule-types.ts';
import { type AlertChannel, isSeverity } from './alert.ts';
import { ConfigurationError } from './alert-errors.ts';
import { putFindingEvents } from './finding-events.ts';
import type { DeadLetterSender, NotifierDependencies } from './notify-batch.ts';
import { SentLedger } from './sent-ledger.ts';
import { DEFAULT_SLACK_TIMEOUT_MS, SlackWebhook } from './slack-webhook.ts';
import { snsEmailSender } from './sns-email-sender.ts';
import { CachedValue, secretsManagerWebhookUrl } from './webhook-secret.ts';

export type Environment = Readonly<Record<string, string | undefined>>;

export interface NotifierSettings {
  region: string;
  topicArn: string;
  slackSecretArn?: string;
  deadLetterQueueUrl?: string;
  eventBusName: string;
  minSeverity: Record<AlertChannel, Severity>;
  digestThreshold: number;
  tableName?: string;
  slackTimeoutMs: number;
  /** Emulators only (end-to-end tests). */
  endpoint?: string;
}

export const DEFAULT_DIGEST_THRESHOLD = 10;
export const DEFAULT_MIN_SEVERITY: Severity = 'low';

function required(env: Environment, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigurationError(`environment variable ${name} is required`);
  return value;
}

function optional(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function severity(env: Environment, name: string): Severity {
  const value = optional(env, name)?.toLowerCase() ?? DEFAULT_MIN_SEVERITY;
  if (!isSeverity(value)) {
    throw new ConfigurationError(
      `environment variable ${name} must be one of info, low, medium, high, critical (got "${value}")`,
    );
  }
  return value;
}

function wholeNumber(env: Environment, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigurationError(`environment variable ${name} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/** Reads and checks the environment (pure). */
export function parseNotifierSettings(env: Environment): NotifierSettings {
  const topicArn = required(env, 'TOPIC_ARN');
  if (!topicArn.startsWith('arn:'))
    throw new ConfigurationError('environment variable TOPIC_ARN must be an SNS topic ARN');
  const settings: NotifierSettings = {
    region: required(env, 'AWS_REGION'),
    topicArn,
    eventBusName: optional(env, 'EVENT_BUS_NAME') ?? 'default',
    minSeverity: { email: severity(env, 'MIN_SEVERITY_EMAIL'), slack: severity(env, 'MIN_SEVERITY_SLACK') },
    digestThreshold: wholeNumber(env, 'DIGEST_THRESHOLD', DEFAULT_DIGEST_THRESHOLD, 1, 10_000),
    slackTimeoutMs: wholeNumber(env, 'SLACK_TIMEOUT_MS', DEFAULT_SLACK_TIMEOUT_MS, 100, 60_000),
  };
  const slackSecretArn = optional(env, 'SLACK_SECRET_ARN');
  const deadLetterQueueUrl = optional(env, 'DEAD_LETTER_QUEUE_URL');
  if (slackSecretArn !== undefined) {
    if (!slackSecretArn.startsWith('arn:')) {
      throw new ConfigurationError(
        'environment variable SLACK_SECRET_ARN must be a Secrets Manager secret ARN',
      );
    }
    settings.slackSecretArn = slackSecretArn;
  }
  if (deadLetterQueueUrl !== undefined) settings.deadLetterQueueUrl = deadLetterQueueUrl;
  const tableName = optional(env, 'TABLE_NAME');
  if (tableName !== undefined) settings.tableName = tableName;
  const endpoint = optional(env, 'TRIPLINE_AWS_ENDPOINT');
  if (endpoint !== undefined) settings.endpoint = endpoint;
  return settings;
}

export type RuntimeNotifierDependencies = Omit<NotifierDependencies, 'logger' | 'metrics'>;

function sqsDeadLetter(client: SQSClient, queueUrl: string): DeadLetterSender {
  return {
    async send(body) {
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(body) }));
    },
  };
}

/** Dependencies of the deployed notifier (clients on the function's role). Logger and metrics come from the handler. */
export function notifierDependenciesFromEnvironment(env: Environment): RuntimeNotifierDependencies {
  const settings = parseNotifierSettings(env);
  const clientConfig = {
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
  };
  const eventBridge = new EventBridgeClient(clientConfig);
  const deps: RuntimeNotifierDependencies = {
    email: snsEmailSender(new SNSClient(clientConfig), settings.topicArn),
    events: { put: (entries) => putFindingEvents(eventBridge, entries) },
    eventBusName: settings.eventBusName,
    minSeverity: settings.minSeverity,
    digestThreshold: settings.digestThreshold,
    ledger: new SentLedger(),
  };
  if (settings.slackSecretArn !== undefined) {
    const url = new CachedValue(
      secretsManagerWebhookUrl(new SecretsManagerClient(clientConfig), settings.slackSecretArn),
    );
    const webhook = new SlackWebhook({ webhookUrl: () => url.get(), timeoutMs: settings.slackTimeoutMs });
    deps.slack = {
      post: (message, deadline) => webhook.post(message, deadline),
      invalidateWebhook: () => url.invalidate(),
    };
  }
  if (settings.deadLetterQueueUrl !== undefined) {
    deps.deadLetter = sqsDeadLetter(new SQSClient(clientConfig), settings.deadLetterQueueUrl);
  }
  if (settings.tableName !== undefined) {
    deps.store = new DynamoFindingsStore({
      client: new DynamoDBClient(clientConfig),
      tableName: settings.tableName,
    });
  }
  return deps;
}
