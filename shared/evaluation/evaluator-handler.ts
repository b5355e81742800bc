/**
 * The one Lambda wrapper every evaluator shares. A handler in functions/ is a single call to
 * `createEvaluatorHandler` with its rule group; nothing rule-specific lives there.
 *
 * Inputs:
 * - an EventBridge event carrying a CloudTrail record: parsed and validated; a malformed one is logged with its id
 *   and sent to the dead-letter queue (not retried forever); a duplicate delivery (same eventID) is recognised by
 *   an idempotency claim in the findings table and skipped;
 * - an SQS batch of delayed re-reads (`{"kind":"recheck","event":…}`), sent by the first pass when it used a
 *   document carried in the event (IAM is eventually consistent).
 * Infrastructure failures (table, queues) propagate, so Lambda's retries and the dead-letter path apply.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { CloudTrailEvent } from '../events/cloudtrail-event.ts';
import { parseEvent } from '../events/parse-event.ts';
import type { FindingsStore } from '../findings/findings-store.ts';
import type { EvaluatorGroup, Rule, TriplineDeployment } from '../rules/rule-types.ts';
import type { ScanConfig } from '../rules/scan-config.ts';
import {
  type AccountRuleContext,
  type EvaluationOutcome,
  evaluateEvent,
  type TouchedState,
} from './evaluate-event.ts';
import type { StateReader } from './state-reader.ts';

/** Sends messages to SQS: the delayed re-read queue and the dead-letter queue. */
export interface MessageSender {
  send(body: unknown, delaySeconds?: number): Promise<void>;
}

export interface EvaluatorDependencies {
  reader: StateReader;
  store: FindingsStore;
  config: ScanConfig;
  deployment: TriplineDeployment;
  region: string;
  recheck?: MessageSender;
  recheckDelaySeconds: number;
  deadLetter: MessageSender;
  accountContext?: (touched: TouchedState) => Promise<AccountRuleContext>;
  logger: Logger;
  metrics: Metrics;
  now?: () => Date;
}

export interface EvaluatorSpec {
  group: EvaluatorGroup;
  rules: readonly Rule[];
}

export type EvaluatorResult =
  | { status: 'evaluated'; outcome: EvaluationOutcome }
  | { status: 'duplicate'; eventId: string }
  | { status: 'malformed'; reason: string };

function isSqsEvent(input: unknown): input is SQSEvent {
  return (
    typeof input === 'object' &&
    input !== null &&
    Array.isArray((input as SQSEvent).Records) &&
    (input as SQSEvent).Records.every((r) => r?.eventSource === 'aws:sqs')
  );
}

function eventIdOf(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const record = input as { id?: unknown; detail?: { eventID?: unknown } };
  const id = record.detail?.eventID ?? record.id;
  return typeof id === 'string' ? id : undefined;
}

/** Processes one EventBridge event: parse, claim, evaluate, schedule the re-read, complete. */
export async function processEvent(
  spec: EvaluatorSpec,
  deps: EvaluatorDependencies,
  input: unknown,
): Promise<EvaluatorResult> {
  const parsed = parseEvent(input);
  if (!parsed.ok) {
    // Never log the whole event (identities, addresses): its id and the reason are enough to find it in the DLQ.
    deps.logger.error('malformed event sent to the dead-letter queue', {
      eventId: eventIdOf(input),
      reason: parsed.reason,
    });
    await deps.deadLetter.send({ reason: parsed.reason, evaluator: spec.group, event: input });
    deps.metrics.addMetric('MalformedEvents', MetricUnit.Count, 1);
    return { status: 'malformed', reason: parsed.reason };
  }
  const event = parsed.event;
  deps.logger.appendKeys({ eventId: event.detail.eventID, eventName: event.detail.eventName });
  try {
    const claimKey = `${spec.group}:${event.detail.eventID}`;
    const claim = await deps.store.claimEvent(claimKey);
    if (!claim.claimed) {
      deps.logger.info('duplicate delivery skipped', { state: claim.state });
      deps.metrics.addMetric('DuplicateEvents', MetricUnit.Count, 1);
      return { status: 'duplicate', eventId: event.detail.eventID };
    }
    try {
      const outcome = await evaluate(spec, deps, event, true);
      if (outcome.recheck && deps.recheck) {
        await deps.recheck.send({ kind: 'recheck', evaluator: spec.group, event }, deps.recheckDelaySeconds);
      }
      await deps.store.completeEvent(claimKey);
      return { status: 'evaluated', outcome };
    } catch (error) {
      // Let the retry run at once rather than wait for the claim to go stale.
      await deps.store.releaseEvent(claimKey).catch((releaseError: unknown) => {
        deps.logger.warn('could not release the idempotency claim', { error: String(releaseError) });
      });
      throw error;
    }
  } finally {
    deps.logger.removeKeys(['eventId', 'eventName']);
  }
}

async function evaluate(
  spec: EvaluatorSpec,
  deps: EvaluatorDependencies,
  event: CloudTrailEvent,
  first: boolean,
) {
  const outcome = await evaluateEvent(event, {
    reader: deps.reader,
    store: deps.store,
    rules: spec.rules,
    config: deps.config,
    deployment: deps.deployment,
    region: deps.region,
    useEventDocuments: first,
    reread: !first,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.accountContext ? { accountContext: deps.accountContext } : {}),
  });
  const latencyMs = (deps.now?.() ?? new Date()).getTime() - Date.parse(event.detail.eventTime);
  deps.metrics.addMetric('Transitions', MetricUnit.Count, outcome.transitions.length);
  deps.metrics.addMetric('UnknownResults', MetricUnit.Count, outcome.results.UNKNOWN);
  deps.metrics.addMetric('RuleErrors', MetricUnit.Count, outcome.results.ERROR);
  if (Number.isFinite(latencyMs))
    deps.metrics.addMetric('DetectionLatency', MetricUnit.Milliseconds, latencyMs);
  deps.logger.info(first ? 'evaluated' : 're-read evaluated', {
    skipped: outcome.skipped,
    results: outcome.results,
    transitions: outcome.transitions.map((t) => ({
      finding: t.findingId,
      rule: t.ruleId,
      resource: t.resource,
      to: t.to,
    })),
    unreadable: outcome.unreadable,
    recheck: outcome.recheck,
  });
  return outcome;
}

/** Processes a batch of delayed re-reads; failed records are returned for SQS to redeliver (then its DLQ). */
export async function processRechecks(
  spec: EvaluatorSpec,
  deps: EvaluatorDependencies,
  batch: SQSEvent,
): Promise<SQSBatchResponse> {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of batch.Records) {
    try {
      const body = JSON.parse(record.body) as { kind?: string; event?: unknown };
      const parsed = body.kind === 'recheck' ? parseEvent(body.event) : undefined;
      if (!parsed?.ok) {
        deps.logger.error('malformed re-read message sent to the dead-letter queue', {
          messageId: record.messageId,
        });
        await deps.deadLetter.send({
          reason: 'malformed re-read message',
          evaluator: spec.group,
          message: body,
        });
        continue;
      }
      await evaluate(spec, deps, parsed.event, false);
    } catch (error) {
      deps.logger.error('re-read failed', { messageId: record.messageId, error: String(error) });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}

/**
 * The Lambda handler for one evaluator group. Dependencies are created once per container (cold start), lazily,
 * so importing the module stays cheap.
 */
export type RuntimeDependencies = Omit<EvaluatorDependencies, 'logger' | 'metrics'>;

export function createEvaluatorHandler(
  spec: EvaluatorSpec,
  createDependencies: () => RuntimeDependencies | Promise<RuntimeDependencies>,
) {
  let deps: Promise<EvaluatorDependencies> | undefined;
  const logger = new Logger({ serviceName: `tripline-${spec.group}` });
  const metrics = new Metrics({ namespace: 'Tripline', serviceName: `tripline-${spec.group}` });
  const base = async (input: unknown, _context: Context) => {
    deps ??= Promise.resolve(createDependencies()).then((d) => ({ ...d, logger, metrics }));
    const resolved = await deps;
    if (isSqsEvent(input)) return processRechecks(spec, resolved, input);
    return processEvent(spec, resolved, input);
  };
  return middy(base)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}
