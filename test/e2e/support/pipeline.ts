/**
 * The deployed path, in-process, against moto: a CloudTrail event → the EventBridge patterns the stack deploys →
 * the evaluator(s) they route it to (`processEvent`, with dependencies built exactly as the Lambda builds them from
 * its environment) → the findings table (moto DynamoDB) → its stream → the notifier's Lambda handler → SNS → an
 * SQS queue subscribed to the topic. One `Pipeline` per scenario, on a freshly reset emulated account.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { matchesEventPattern } from '../../../infra/event-pattern-matcher.ts';
import { allEvaluatorPatterns } from '../../../infra/event-patterns.ts';
import { EVALUATOR_RULES } from '../../../infra/tripline-functions.ts';
import { notifierDependenciesFromEnvironment } from '../../../shared/alerts/notifier-config.ts';
import { createNotifierHandlers } from '../../../shared/alerts/notifier-handler.ts';
import {
  type EvaluatorDependencies,
  type EvaluatorResult,
  processEvent,
  processRechecks,
} from '../../../shared/evaluation/evaluator-handler.ts';
import { dependenciesFromEnvironment } from '../../../shared/evaluation/runtime-dependencies.ts';
import { readFixture } from '../../../shared/events/event-fixtures.ts';
import { createTableIfMissing } from '../../../shared/findings/dynamo-findings-store.ts';
import type { FindingRecord } from '../../../shared/findings/finding-record.ts';
import { recordFromItem } from '../../../shared/findings/table-schema.ts';
import type { EvaluatorGroup } from '../../../shared/rules/rule-types.ts';
import {
  clientConfig,
  fakeLambdaContext,
  MOTO_ACCOUNT,
  motoEndpoint,
  REGION,
  resetMoto,
  StreamTail,
} from './moto.ts';

const FIXTURE_ACCOUNT = '111122223333';
/** Whole-account context: the evaluators that run the privilege-escalation rule (as in functions/*.ts). */
const WHOLE_ACCOUNT: Readonly<Record<EvaluatorGroup, boolean>> = {
  'identity-policies': true,
  'trust-policies': false,
  'lambda-config': false,
  'lambda-policies': false,
  activity: false,
};

export interface EventPatch {
  requestParameters: Record<string, unknown>;
  responseElements?: Record<string, unknown> | null;
}

/**
 * The EventBridge event CloudTrail would deliver for a call: the fixture of that event name with the emulated
 * account, fresh ids and time, and the call's own request parameters and response elements.
 */
export function cloudTrailEvent(fixture: string, patch: EventPatch): Record<string, unknown> {
  const event = JSON.parse(
    JSON.stringify(readFixture(fixture)).replaceAll(FIXTURE_ACCOUNT, MOTO_ACCOUNT),
  ) as {
    id: string;
    time: string;
    detail: Record<string, unknown>;
  };
  const time = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  event.id = crypto.randomUUID();
  event.time = time;
  event.detail['eventTime'] = time;
  event.detail['eventID'] = crypto.randomUUID();
  event.detail['requestID'] = crypto.randomUUID();
  event.detail['requestParameters'] = patch.requestParameters;
  event.detail['responseElements'] = patch.responseElements ?? null;
  return event as unknown as Record<string, unknown>;
}

/** The evaluators whose deployed EventBridge patterns match the event. */
export function routeEvent(event: unknown): EvaluatorGroup[] {
  return allEvaluatorPatterns()
    .filter(({ patterns }) => patterns.some((p) => matchesEventPattern(p.pattern, event)))
    .map(({ group }) => group);
}

export interface Alert {
  subject: string;
  message: string;
  attributes: Record<string, string>;
}

export interface Delivery {
  groups: EvaluatorGroup[];
  results: Partial<Record<EvaluatorGroup, EvaluatorResult>>;
  rechecks: number;
}

const quietLogger = () => new Logger({ serviceName: 'tripline-e2e', logLevel: 'ERROR' });

export class Pipeline {
  readonly tableName = 'tripline-findings';
  readonly dynamo = new DynamoDBClient(clientConfig());
  readonly sqs = new SQSClient(clientConfig());
  readonly sns = new SNSClient(clientConfig());
  private deps = new Map<EvaluatorGroup, EvaluatorDependencies>();
  private stream!: StreamTail;
  private notifier!: ReturnType<typeof createNotifierHandlers>['handler'];
  alertQueueUrl = '';
  recheckQueueUrl = '';
  deadLetterQueueUrl = '';
  topicArn = '';

  /** Resets moto and creates what the stack would: table (with stream), queues, topic and an email stand-in queue. */
  static async start(): Promise<Pipeline> {
    await resetMoto();
    const pipeline = new Pipeline();
    await pipeline.setUp();
    return pipeline;
  }

  private async setUp() {
    await createTableIfMissing(this.dynamo, this.tableName, { pollMs: 50 });
    const table = await this.dynamo.send(new DescribeTableCommand({ TableName: this.tableName }));
    const streamArn = table.Table?.LatestStreamArn;
    if (!streamArn) throw new Error('moto created the findings table without a stream');
    this.stream = new StreamTail(streamArn);
    const queue = async (name: string) =>
      (await this.sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl ?? '';
    this.recheckQueueUrl = await queue('tripline-recheck');
    this.deadLetterQueueUrl = await queue('tripline-dead-letter');
    this.alertQueueUrl = await queue('tripline-email-stand-in');
    this.topicArn = (await this.sns.send(new CreateTopicCommand({ Name: 'tripline-alerts' }))).TopicArn ?? '';
    const attributes = await this.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: this.alertQueueUrl, AttributeNames: ['QueueArn'] }),
    );
    await this.sns.send(
      new SubscribeCommand({
        TopicArn: this.topicArn,
        Protocol: 'sqs',
        Endpoint: attributes.Attributes?.['QueueArn'],
      }),
    );
    const env = {
      AWS_REGION: REGION,
      TRIPLINE_AWS_ENDPOINT: motoEndpoint(),
      TOPIC_ARN: this.topicArn,
      TABLE_NAME: this.tableName,
    };
    this.notifier = createNotifierHandlers(() => notifierDependenciesFromEnvironment(env), {
      logger: quietLogger(),
      metrics: new Metrics({ namespace: 'Tripline', serviceName: 'tripline-notifier' }),
    }).handler;
  }

  /** An evaluator's dependencies, built from the environment its Lambda would have (one "container" per scenario). */
  private dependencies(group: EvaluatorGroup): EvaluatorDependencies {
    let deps = this.deps.get(group);
    if (deps === undefined) {
      const env = {
        AWS_REGION: REGION,
        TRIPLINE_AWS_ENDPOINT: motoEndpoint(),
        TABLE_NAME: this.tableName,
        DEAD_LETTER_QUEUE_URL: this.deadLetterQueueUrl,
        RECHECK_QUEUE_URL: this.recheckQueueUrl,
        RECHECK_DELAY_SECONDS: '0',
      };
      deps = {
        ...dependenciesFromEnvironment(env, { wholeAccount: WHOLE_ACCOUNT[group] }),
        logger: quietLogger(),
        metrics: new Metrics({ namespace: 'Tripline', serviceName: `tripline-${group}` }),
      };
      this.deps.set(group, deps);
    }
    return deps;
  }

  /**
   * Delivers the event to each evaluator its patterns route it to, then runs the delayed re-reads they queued (the
   * recheck queue's consumer), as the deployed evaluators would.
   */
  async deliver(event: unknown): Promise<Delivery> {
    const groups = routeEvent(event);
    const results: Delivery['results'] = {};
    for (const group of groups) {
      results[group] = await processEvent(
        { group, rules: EVALUATOR_RULES[group] },
        this.dependencies(group),
        event,
      );
    }
    let rechecks = 0;
    for (const message of await this.drain(this.recheckQueueUrl)) {
      const body = JSON.parse(message.body) as { evaluator: EvaluatorGroup };
      const batch: SQSEvent = {
        Records: [
          {
            messageId: message.messageId,
            receiptHandle: 'e2e',
            body: message.body,
            attributes: {} as SQSEvent['Records'][number]['attributes'],
            messageAttributes: {},
            md5OfBody: '',
            eventSource: 'aws:sqs',
            eventSourceARN: `arn:aws:sqs:${REGION}:${MOTO_ACCOUNT}:tripline-recheck`,
            awsRegion: REGION,
          },
        ],
      };
      const group = body.evaluator;
      const outcome = await processRechecks(
        { group, rules: EVALUATOR_RULES[group] },
        this.dependencies(group),
        batch,
      );
      if (outcome.batchItemFailures.length > 0) throw new Error(`re-read failed in ${group}`);
      rechecks++;
    }
    return { groups, results, rechecks };
  }

  /** Runs the notifier's stream handler on the stream records written since the last call; returns how many. */
  async notify(): Promise<number> {
    const records = await this.stream.next();
    if (records.length > 0) {
      await this.notifier({ Records: records }, fakeLambdaContext('tripline-notifier') as never);
    }
    return records.length;
  }

  /** The email alerts that reached the queue subscribed to the topic since the last call. */
  async alerts(): Promise<Alert[]> {
    return (await this.drain(this.alertQueueUrl)).map((m) => {
      const envelope = JSON.parse(m.body) as {
        Subject?: string;
        Message: string;
        MessageAttributes?: Record<string, { Value: string }>;
      };
      const attributes: Record<string, string> = {};
      for (const [k, v] of Object.entries(envelope.MessageAttributes ?? {})) attributes[k] = v.Value;
      return { subject: envelope.Subject ?? '', message: envelope.Message, attributes };
    });
  }

  async deadLetters(): Promise<unknown[]> {
    return (await this.drain(this.deadLetterQueueUrl)).map((m) => JSON.parse(m.body));
  }

  /** Every finding in the table (a Scan: test only). */
  async findings(): Promise<FindingRecord[]> {
    const doc = DynamoDBDocumentClient.from(this.dynamo);
    const out: FindingRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new ScanCommand({ TableName: this.tableName, ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      for (const item of page.Items ?? []) {
        const record = recordFromItem(item);
        if (record) out.push(record);
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return out.sort((a, b) => a.id.localeCompare(b.id));
  }

  private async drain(queueUrl: string): Promise<{ messageId: string; body: string }[]> {
    const out: { messageId: string; body: string }[] = [];
    for (;;) {
      const page = await this.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      const messages = page.Messages ?? [];
      if (messages.length === 0) return out;
      for (const m of messages) out.push({ messageId: m.MessageId ?? '', body: m.Body ?? '' });
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
        }),
      );
    }
  }
}
