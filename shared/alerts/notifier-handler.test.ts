import { Metrics } from '@aws-lambda-powertools/metrics';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigurationError } from './alert-errors.ts';
import { findingLife, openedBatch, streamRecord } from './alert-fixtures.ts';
import streamBatch from './fixtures/stream-batch.json' with { type: 'json' };
import { type CapturedLogs, captureLogs } from './log-capture.ts';
import { notifierDependenciesFromEnvironment, parseNotifierSettings } from './notifier-config.ts';
import { createNotifierHandlers } from './notifier-handler.ts';
import { SlackStandIn } from './slack-stand-in.ts';

const sns = mockClient(SNSClient);
const eventBridge = mockClient(EventBridgeClient);
const secrets = mockClient(SecretsManagerClient);
const sqs = mockClient(SQSClient);

const SECRET = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:tripline-slack-AbCdEf';
const TOPIC = 'arn:aws:sns:us-east-1:111122223333:tripline-alerts';
const QUEUE = 'https://sqs.us-east-1.amazonaws.com/111122223333/tripline-notifier-failures';

const context = {
  functionName: 'tripline-notifier',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:tripline-notifier',
  memoryLimitInMB: '256',
  awsRequestId: 'req-1',
  logGroupName: '/aws/lambda/tripline-notifier',
  logStreamName: 's',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

let slack: SlackStandIn;
let logs: CapturedLogs;

beforeEach(async () => {
  for (const mock of [sns, eventBridge, secrets, sqs]) mock.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map(() => ({ EventId: 'e' })),
  }));
  sqs.on(SendMessageCommand).resolves({ MessageId: 'q-1' });
  slack = await new SlackStandIn().start();
  secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ webhookUrl: slack.url }) });
  logs = captureLogs();
});
afterEach(async () => {
  logs.restore();
  await slack.stop();
});

const environment = (extra: Record<string, string> = {}) => ({
  AWS_REGION: 'us-east-1',
  TOPIC_ARN: TOPIC,
  SLACK_SECRET_ARN: SECRET,
  DEAD_LETTER_QUEUE_URL: QUEUE,
  SLACK_TIMEOUT_MS: '500',
  ...extra,
});

function handlers(env: Record<string, string>) {
  return createNotifierHandlers(() => notifierDependenciesFromEnvironment(env), {
    logger: logs.logger,
    metrics: new Metrics({ namespace: 'Test', serviceName: 'test' }),
  });
}

describe('the notifier Lambda handler', () => {
  it('stream batch → SNS, Slack, EventBridge; the secret read once per container', async () => {
    const { handler } = handlers(environment());
    const life = findingLife();
    const first = await handler({ Records: [streamRecord(life[0]!.before, life[0]!.after)] }, context);
    expect(first).toEqual({ batchItemFailures: [] });
    await handler({ Records: [streamRecord(life[2]!.before, life[2]!.after)] }, context);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(2);
    expect(slack.requests).toHaveLength(2);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(2);
    expect(eventBridge.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries?.[0]).toMatchObject({
      Source: 'tripline',
      DetailType: 'Tripline Finding',
      EventBusName: 'default',
    });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(logs.text()).not.toContain(slack.path);
  });

  it('ignores what is not a finding transition (the real-shaped fixture batch)', async () => {
    const { handler } = handlers(environment());
    await handler(streamBatch as DynamoDBStreamEvent, context);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    const batch = logs.entries().find((e) => e['message'] === 'stream batch');
    expect(batch).toMatchObject({ records: 6, changes: 1, ignored: { removal: 1, 'not-a-finding': 2 } });
  });

  it('200 transitions → one SNS digest, one Slack digest, 20 PutEvents calls', async () => {
    const { handler } = handlers(environment({ DIGEST_THRESHOLD: '10' }));
    await handler({ Records: openedBatch(200) }, context);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input.Subject).toMatch(
      /^\[Tripline\] Digest: 200 finding changes/,
    );
    expect(slack.requests).toHaveLength(1);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(20);
  });

  it('undeliverable Slack messages go to the SQS dead-letter queue; the URL appears nowhere', async () => {
    slack.script({ status: 410, body: 'channel_is_archived' });
    const { handler } = handlers(environment());
    const life = findingLife();
    await handler({ Records: [streamRecord(life[0]!.before, life[0]!.after)] }, context);
    const sent = sqs.commandCalls(SendMessageCommand);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.args[0].input.QueueUrl).toBe(QUEUE);
    const body = sent[0]!.args[0].input.MessageBody!;
    expect(JSON.parse(body)).toMatchObject({ kind: 'undelivered-slack-message', status: 410 });
    expect(body).not.toContain(slack.path);
    expect(logs.text()).not.toContain(slack.path);
    // 410: the webhook is gone, so the secret is read again next time (it may have been rotated).
    await handler({ Records: [streamRecord(life[2]!.before, life[2]!.after)] }, context);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('throws when SNS fails, so the stream retries the batch; the retry does not repeat Slack', async () => {
    sns
      .on(PublishCommand)
      .rejectsOnce(Object.assign(new Error('KMS key disabled'), { name: 'KMSDisabledException' }))
      .resolves({ MessageId: 'm-2' });
    const { handler } = handlers(environment());
    const life = findingLife();
    const event = { Records: [streamRecord(life[0]!.before, life[0]!.after)] };
    await expect(handler(event, context)).rejects.toThrow(/sns:Publish to .* failed: KMSDisabledException/);
    await handler(event, context);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(2);
    expect(slack.requests).toHaveLength(1);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it('a configuration error names the variable, and is retried at the next invocation', async () => {
    let env: Record<string, string> = { AWS_REGION: 'us-east-1' };
    const { handler } = createNotifierHandlers(() => notifierDependenciesFromEnvironment(env), {
      logger: logs.logger,
      metrics: new Metrics({ namespace: 'Test', serviceName: 'test' }),
    });
    await expect(handler({ Records: [] }, context)).rejects.toThrow(
      'environment variable TOPIC_ARN is required',
    );
    env = environment();
    await expect(handler({ Records: [] }, context)).resolves.toEqual({ batchItemFailures: [] });
  });
});

describe('notifier environment', () => {
  it('defaults', () => {
    expect(parseNotifierSettings({ AWS_REGION: 'eu-west-1', TOPIC_ARN: TOPIC })).toEqual({
      region: 'eu-west-1',
      topicArn: TOPIC,
      eventBusName: 'default',
      minSeverity: { email: 'low', slack: 'low' },
      digestThreshold: 10,
      slackTimeoutMs: 5000,
    });
  });

  it('everything set', () => {
    expect(
      parseNotifierSettings({
        ...environment(),
        EVENT_BUS_NAME: 'security',
        MIN_SEVERITY_EMAIL: 'HIGH',
        MIN_SEVERITY_SLACK: 'critical',
        DIGEST_THRESHOLD: '25',
        TABLE_NAME: 'tripline-findings',
      }),
    ).toMatchObject({
      slackSecretArn: SECRET,
      deadLetterQueueUrl: QUEUE,
      eventBusName: 'security',
      minSeverity: { email: 'high', slack: 'critical' },
      digestThreshold: 25,
      tableName: 'tripline-findings',
      slackTimeoutMs: 500,
    });
  });

  it.each([
    [{ TOPIC_ARN: '' }, 'environment variable TOPIC_ARN is required'],
    [{ TOPIC_ARN: 'alerts' }, 'TOPIC_ARN must be an SNS topic ARN'],
    [{ MIN_SEVERITY_EMAIL: 'urgent' }, 'MIN_SEVERITY_EMAIL must be one of'],
    [{ MIN_SEVERITY_SLACK: 'none' }, 'MIN_SEVERITY_SLACK must be one of'],
    [{ DIGEST_THRESHOLD: '0' }, 'DIGEST_THRESHOLD must be a whole number'],
    [{ DIGEST_THRESHOLD: 'ten' }, 'DIGEST_THRESHOLD must be a whole number'],
    [
      { SLACK_SECRET_ARN: 'https://hooks.slack.com/services/x' },
      'SLACK_SECRET_ARN must be a Secrets Manager secret ARN',
    ],
  ])('%j → %s', (override, message) => {
    const parse = () => parseNotifierSettings({ AWS_REGION: 'us-east-1', TOPIC_ARN: TOPIC, ...override });
    expect(parse).toThrow(ConfigurationError);
    expect(parse).toThrow(message);
  });
});
