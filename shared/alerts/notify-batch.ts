/**
 * The notifier's work for one stream batch, behind small interfaces (SNS, Slack, the dead-letter queue,
 * EventBridge), so it runs the same in tests and in Lambda:
 *
 * 1. Alerting changes (see alert.ts) per channel, at or above the channel's minimum severity.
 * 2. More than `digestThreshold` of them for a channel → one digest for that channel, else one message each.
 * 3. Email: SNS Publish. Slack: the webhook; what Slack does not take (after bounded retries) goes to the
 *    dead-letter queue with the rendered message, so nothing is lost and nothing blocks the stream.
 * 4. Every change (alerting or not) → EventBridge.
 *
 * Idempotency: each message is recorded in the SentLedger once delivered (or parked on the dead-letter queue),
 * and skipped when the batch is retried in this container. A failure of SNS, EventBridge, the dead-letter queue
 * or the secret is raised after the other channels ran (AlertBatchError), so Lambda retries the batch and only
 * what is missing goes out. Limits, honestly: a retry on another container re-sends (at least once, never at
 * most once); SNS standard topics can themselves deliver twice. The alert id travels with every message.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { FindingRecord } from '../findings/finding-record.ts';
import type { FindingsStore } from '../findings/findings-store.ts';
import type { Severity } from '../rules/rule-types.ts';
import {
  type Alert,
  type AlertChannel,
  atLeast,
  type FindingChange,
  forChannel,
  isAlerting,
} from './alert.ts';
import { AlertBatchError, FindingEventsError, SlackDeliveryError } from './alert-errors.ts';
import { buildBatchDigest, buildDailyDigest, type Digest } from './digest.ts';
import { renderEmail, renderEmailDigest } from './email-message.ts';
import { type FindingEventEntry, findingEventEntry, type PutEventsOutcome } from './finding-events.ts';
import type { SentLedger } from './sent-ledger.ts';
import { renderSlack, renderSlackDigest, type SlackMessage, slackMessageProblems } from './slack-message.ts';
import type { SlackDelivery } from './slack-webhook.ts';
import type { EmailSender } from './sns-email-sender.ts';

export interface SlackPoster {
  post(message: SlackMessage, deadline?: number): Promise<SlackDelivery>;
  /** Slack said the webhook is gone or forbidden: read the secret again next time. */
  invalidateWebhook?(): void;
}

export interface DeadLetterSender {
  send(body: unknown): Promise<void>;
}

export interface FindingEventPublisher {
  put(entries: readonly FindingEventEntry[]): Promise<PutEventsOutcome>;
}

export interface NotifierDependencies {
  email: EmailSender;
  /** Absent when no Slack secret is configured. */
  slack?: SlackPoster;
  /** Where undeliverable Slack messages go (required with `slack`). */
  deadLetter?: DeadLetterSender;
  events: FindingEventPublisher;
  eventBusName: string;
  minSeverity: Record<AlertChannel, Severity>;
  /** More alerts than this for one channel in one batch → one digest. */
  digestThreshold: number;
  ledger: SentLedger;
  logger: Logger;
  metrics: Metrics;
  /** Open findings for the daily digest. */
  store?: Pick<FindingsStore, 'query'>;
  now?: () => Date;
}

export type PlannedMessage = { kind: 'alert'; alert: Alert } | { kind: 'digest'; digest: Digest };

export interface ChannelPlan {
  messages: PlannedMessage[];
  belowMinimum: number;
  alreadySent: number;
}

/** What one channel sends for a batch's alerts (pure apart from reading the ledger). */
export function planChannel(
  alerts: readonly Alert[],
  channel: AlertChannel,
  deps: Pick<NotifierDependencies, 'minSeverity' | 'digestThreshold' | 'ledger'>,
  now: Date,
): ChannelPlan {
  const eligible = forChannel(alerts, deps.minSeverity[channel]);
  const pending = eligible.filter((a) => !deps.ledger.has(channel, a.id));
  const plan = {
    belowMinimum: alerts.length - eligible.length,
    alreadySent: eligible.length - pending.length,
  };
  if (pending.length > deps.digestThreshold) {
    return { ...plan, messages: [{ kind: 'digest', digest: buildBatchDigest(pending, now) }] };
  }
  return { ...plan, messages: pending.map((alert) => ({ kind: 'alert', alert })) };
}

function idsOf(message: PlannedMessage): string[] {
  return message.kind === 'alert' ? [message.alert.id] : [message.digest.id, ...message.digest.alertIds];
}

function describe(message: PlannedMessage): Record<string, unknown> {
  return message.kind === 'alert'
    ? {
        alertId: message.alert.id,
        findingId: message.alert.finding.id,
        ruleId: message.alert.finding.ruleId,
        transition: message.alert.transition.kind,
      }
    : { digestId: message.digest.id, digestOf: message.digest.total };
}

export interface ChannelOutcome {
  mode: 'none' | 'individual' | 'digest' | 'disabled';
  sent: number;
  deadLettered: number;
  belowMinimum: number;
  alreadySent: number;
}

export interface BatchOutcome {
  changes: number;
  alerts: number;
  email: ChannelOutcome;
  slack: ChannelOutcome;
  events: { published: number; alreadyPublished: number };
}

function modeOf(plan: ChannelPlan): ChannelOutcome['mode'] {
  const first = plan.messages[0];
  return first === undefined ? 'none' : first.kind === 'digest' ? 'digest' : 'individual';
}

async function sendEmail(
  deps: NotifierDependencies,
  plan: ChannelPlan,
  errors: Error[],
): Promise<ChannelOutcome> {
  const outcome: ChannelOutcome = {
    mode: modeOf(plan),
    sent: 0,
    deadLettered: 0,
    belowMinimum: plan.belowMinimum,
    alreadySent: plan.alreadySent,
  };
  for (const message of plan.messages) {
    const email = message.kind === 'alert' ? renderEmail(message.alert) : renderEmailDigest(message.digest);
    try {
      const messageId = await deps.email.publish(email);
      deps.ledger.add('email', ...idsOf(message));
      outcome.sent += 1;
      deps.logger.debug('email alert published', { ...describe(message), snsMessageId: messageId });
    } catch (error) {
      errors.push(error as Error);
      deps.logger.error('email alert not published', { ...describe(message), error: String(error) });
    }
  }
  return outcome;
}

export interface SlackSendResult {
  delivered: boolean;
  deadLettered: boolean;
}

/** Sends one Slack message; parks it on the dead-letter queue when Slack does not take it. */
async function sendOneToSlack(
  deps: NotifierDependencies,
  slack: SlackPoster,
  message: SlackMessage,
  ids: string[],
  context: Record<string, unknown>,
  deadline: number,
): Promise<SlackSendResult> {
  const problems = slackMessageProblems(message);
  if (problems.length > 0) deps.logger.warn('Slack message outside limits', { ...context, problems });
  const delivery = await slack.post(message, deadline);
  if (delivery.delivered) {
    deps.logger.debug('Slack alert delivered', { ...context, attempts: delivery.attempts });
    return { delivered: true, deadLettered: false };
  }
  if (delivery.status === 403 || delivery.status === 404 || delivery.status === 410)
    slack.invalidateWebhook?.();
  deps.logger.warn('Slack alert not delivered: sent to the dead-letter queue', {
    ...context,
    attempts: delivery.attempts,
    status: delivery.status,
    reason: delivery.reason,
  });
  if (deps.deadLetter === undefined) {
    throw new SlackDeliveryError(
      `Slack did not take the message (${delivery.reason}) and no dead-letter queue is set`,
      false,
    );
  }
  try {
    await deps.deadLetter.send({
      kind: 'undelivered-slack-message',
      reason: delivery.reason,
      status: delivery.status,
      attempts: delivery.attempts,
      retryable: delivery.retryable,
      ids,
      message,
    });
  } catch (error) {
    throw new SlackDeliveryError(
      `Slack did not take the message (${delivery.reason}) and the dead-letter queue failed too`,
      true,
      { cause: error },
    );
  }
  return { delivered: false, deadLettered: true };
}

async function sendSlack(
  deps: NotifierDependencies,
  plan: ChannelPlan,
  deadline: number,
  errors: Error[],
): Promise<ChannelOutcome> {
  const outcome: ChannelOutcome = {
    mode: modeOf(plan),
    sent: 0,
    deadLettered: 0,
    belowMinimum: plan.belowMinimum,
    alreadySent: plan.alreadySent,
  };
  const slack = deps.slack;
  if (slack === undefined) return { ...outcome, mode: 'disabled' };
  for (const message of plan.messages) {
    const rendered =
      message.kind === 'alert' ? renderSlack(message.alert) : renderSlackDigest(message.digest);
    try {
      const result = await sendOneToSlack(deps, slack, rendered, idsOf(message), describe(message), deadline);
      deps.ledger.add('slack', ...idsOf(message));
      if (result.delivered) outcome.sent += 1;
      else outcome.deadLettered += 1;
    } catch (error) {
      errors.push(error as Error);
      deps.logger.error('Slack alert failed', { ...describe(message), error: String(error) });
      // The secret could not be read, or the dead-letter queue failed: the rest would fail the same way.
      if (!(error instanceof SlackDeliveryError) || error.deadLetterFailed) break;
    }
  }
  return outcome;
}

async function publishEvents(
  deps: NotifierDependencies,
  changes: readonly FindingChange[],
  errors: Error[],
): Promise<BatchOutcome['events']> {
  const pending = changes.filter((c) => !deps.ledger.has('events', c.id));
  const alreadyPublished = changes.length - pending.length;
  if (pending.length === 0) return { published: 0, alreadyPublished };
  try {
    const outcome = await deps.events.put(pending.map((c) => findingEventEntry(c, deps.eventBusName)));
    deps.ledger.add('events', ...outcome.published);
    if (outcome.failed.length > 0) {
      const codes = [...new Set(outcome.failed.map((f) => f.errorCode))].join(', ');
      throw new FindingEventsError(
        `EventBridge rejected ${outcome.failed.length} of ${pending.length} finding events (${codes})`,
        outcome.failed.length,
      );
    }
    return { published: outcome.published.length, alreadyPublished };
  } catch (error) {
    errors.push(error as Error);
    deps.logger.error('finding events not published', { error: String(error) });
    return { published: 0, alreadyPublished };
  }
}

function raise(errors: Error[], what: string): void {
  if (errors.length === 0) return;
  throw new AlertBatchError(errors, `${what}: ${errors.map((e) => e.message).join('; ')}`, {
    cause: errors[0],
  });
}

/** Sends the batch's alerts and events. Throws AlertBatchError when a channel failed (after the others ran). */
export async function notifyChanges(
  deps: NotifierDependencies,
  changes: readonly FindingChange[],
  options: { deadline?: number } = {},
): Promise<BatchOutcome> {
  const now = deps.now?.() ?? new Date();
  const alerts = changes.filter(isAlerting);
  const errors: Error[] = [];
  const emailPlan = planChannel(alerts, 'email', deps, now);
  const slackPlan = planChannel(alerts, 'slack', deps, now);
  const [email, slack, events] = await Promise.all([
    sendEmail(deps, emailPlan, errors),
    sendSlack(deps, slackPlan, options.deadline ?? Number.POSITIVE_INFINITY, errors),
    publishEvents(deps, changes, errors),
  ]);
  const outcome: BatchOutcome = { changes: changes.length, alerts: alerts.length, email, slack, events };
  deps.metrics.addMetric('FindingChanges', MetricUnit.Count, changes.length);
  deps.metrics.addMetric('EmailMessagesSent', MetricUnit.Count, email.sent);
  deps.metrics.addMetric('SlackMessagesSent', MetricUnit.Count, slack.sent);
  deps.metrics.addMetric('SlackMessagesDeadLettered', MetricUnit.Count, slack.deadLettered);
  deps.metrics.addMetric('FindingEventsPublished', MetricUnit.Count, events.published);
  deps.metrics.addMetric('ChannelFailures', MetricUnit.Count, errors.length);
  deps.logger.info('finding changes notified', { ...outcome });
  raise(errors, 'alert delivery failed');
  return outcome;
}

// ---- Daily digest ---------------------------------------------------------------------------------------------

export const DAILY_DIGEST_MAX_PAGES = 20;

/** Open findings, most severe first, at most `maxPages` pages of 100 (Query only). */
export async function readOpenFindings(
  store: Pick<FindingsStore, 'query'>,
  maxPages = DAILY_DIGEST_MAX_PAGES,
): Promise<{ findings: FindingRecord[]; partial: boolean }> {
  const findings: FindingRecord[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const result = await store.query({ status: 'open', limit: 100, ...(cursor ? { cursor } : {}) });
    findings.push(...result.items);
    cursor = result.cursor;
    if (cursor === undefined) return { findings, partial: false };
  }
  return { findings, partial: true };
}

export interface DailyDigestOutcome {
  open: number;
  partial: boolean;
  email: 'sent' | 'nothing-to-send' | 'already-sent';
  slack: 'sent' | 'dead-lettered' | 'nothing-to-send' | 'already-sent' | 'disabled';
}

/** The daily digest of open findings, per channel at or above its minimum severity. Nothing when none. */
export async function sendDailyDigest(
  deps: NotifierDependencies,
  options: { deadline?: number } = {},
): Promise<DailyDigestOutcome> {
  if (deps.store === undefined) throw new Error('the daily digest needs the findings table (TABLE_NAME)');
  const now = deps.now?.() ?? new Date();
  const { findings, partial } = await readOpenFindings(deps.store);
  const errors: Error[] = [];
  const digestFor = (channel: AlertChannel) => {
    const selected = findings.filter((f) => atLeast(f.severity, deps.minSeverity[channel]));
    return selected.length === 0 ? undefined : buildDailyDigest(selected, now, partial);
  };
  const outcome: DailyDigestOutcome = {
    open: findings.length,
    partial,
    email: 'nothing-to-send',
    slack: 'disabled',
  };

  const emailDigest = digestFor('email');
  if (emailDigest !== undefined) {
    if (deps.ledger.has('email', emailDigest.id)) outcome.email = 'already-sent';
    else {
      try {
        await deps.email.publish(renderEmailDigest(emailDigest));
        deps.ledger.add('email', emailDigest.id);
        outcome.email = 'sent';
      } catch (error) {
        errors.push(error as Error);
      }
    }
  }
  if (deps.slack !== undefined) {
    const slackDigest = digestFor('slack');
    if (slackDigest === undefined) outcome.slack = 'nothing-to-send';
    else if (deps.ledger.has('slack', slackDigest.id)) outcome.slack = 'already-sent';
    else {
      try {
        const result = await sendOneToSlack(
          deps,
          deps.slack,
          renderSlackDigest(slackDigest),
          [slackDigest.id],
          { digestId: slackDigest.id },
          options.deadline ?? Number.POSITIVE_INFINITY,
        );
        deps.ledger.add('slack', slackDigest.id);
        outcome.slack = result.delivered ? 'sent' : 'dead-lettered';
      } catch (error) {
        errors.push(error as Error);
      }
    }
  }
  deps.metrics.addMetric('OpenFindings', MetricUnit.Count, findings.length);
  deps.logger.info('daily digest', { ...outcome });
  raise(errors, 'daily digest delivery failed');
  return outcome;
}
