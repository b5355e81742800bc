/**
 * The notifier's Lambda entry points (functions/notifier.ts is one call to this):
 * - `handler`: the findings table's DynamoDB stream (NEW_AND_OLD_IMAGES) → alerts and EventBridge events.
 *   It throws when a channel failed, so the event source mapping retries the batch (configure retries,
 *   bisection and an on-failure destination in CDK); the sent ledger keeps the retry from repeating what went
 *   out. It returns an empty `batchItemFailures`, valid whether or not ReportBatchItemFailures is enabled.
 * - `dailyDigest`: a scheduled event → one digest of open findings per channel.
 * Dependencies are created once per container, lazily; a failed creation is retried at the next invocation.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { RuntimeNotifierDependencies } from './notifier-config.ts';
import {
  type DailyDigestOutcome,
  type NotifierDependencies,
  notifyChanges,
  sendDailyDigest,
} from './notify-batch.ts';
import { changesFromStream } from './stream-changes.ts';

/** Time kept back from the Lambda timeout for logging, metrics and the dead-letter queue. */
const SAFETY_MARGIN_MS = 10_000;

export function deadlineOf(context: Partial<Pick<Context, 'getRemainingTimeInMillis'>> | undefined): number {
  const remaining = context?.getRemainingTimeInMillis?.();
  return typeof remaining === 'number' && Number.isFinite(remaining)
    ? Date.now() + Math.max(1_000, remaining - SAFETY_MARGIN_MS)
    : Number.POSITIVE_INFINITY;
}

export function createNotifierHandlers(
  createDependencies: () => RuntimeNotifierDependencies | Promise<RuntimeNotifierDependencies>,
  options: { logger?: Logger; metrics?: Metrics } = {},
) {
  const logger = options.logger ?? new Logger({ serviceName: 'tripline-notifier' });
  const metrics = options.metrics ?? new Metrics({ namespace: 'Tripline', serviceName: 'tripline-notifier' });
  let deps: Promise<NotifierDependencies> | undefined;
  const dependencies = (): Promise<NotifierDependencies> => {
    if (deps === undefined) {
      const created = Promise.resolve()
        .then(createDependencies)
        .then((d) => ({ ...d, logger, metrics }));
      deps = created;
      created.then(
        (d) => {
          if (d.slack !== undefined && d.deadLetter === undefined) {
            logger.warn(
              'DEAD_LETTER_QUEUE_URL is not set: a Slack message Slack does not take fails the batch (retried by the stream)',
            );
          }
        },
        () => undefined,
      );
      created.catch(() => {
        if (deps === created) deps = undefined;
      });
    }
    return deps;
  };

  const onStream = async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
    const resolved = await dependencies();
    const { changes, ignored } = changesFromStream(event);
    logger.info('stream batch', { records: event.Records?.length ?? 0, changes: changes.length, ignored });
    if (changes.length > 0) await notifyChanges(resolved, changes, { deadline: deadlineOf(context) });
    return { batchItemFailures: [] };
  };

  const onSchedule = async (_event: unknown, context: Context): Promise<DailyDigestOutcome> =>
    sendDailyDigest(await dependencies(), { deadline: deadlineOf(context) });

  return {
    handler: middy(onStream)
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use(logMetrics(metrics)),
    dailyDigest: middy(onSchedule)
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use(logMetrics(metrics)),
  };
}
