import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryFindingsStore } from '../findings/memory-findings-store.ts';
import type { Severity } from '../rules/rule-types.ts';
import type { FindingChange } from './alert.ts';
import { AlertBatchError } from './alert-errors.ts';
import { findingLife, observation, openedBatch, streamRecord } from './alert-fixtures.ts';
import type { EmailMessage } from './email-message.ts';
import type { FindingEventEntry, PutEventsOutcome } from './finding-events.ts';
import { type CapturedLogs, captureLogs } from './log-capture.ts';
import { type NotifierDependencies, notifyChanges, sendDailyDigest } from './notify-batch.ts';
import { SentLedger } from './sent-ledger.ts';
import { allBlocks, type SlackMessage } from './slack-message.ts';
import { SlackStandIn } from './slack-stand-in.ts';
import { SlackWebhook } from './slack-webhook.ts';
import { changesFromStream } from './stream-changes.ts';

interface Harness {
  deps: NotifierDependencies;
  emails: EmailMessage[];
  events: FindingEventEntry[];
  deadLetters: unknown[];
  failEmail: { next: number };
  failEvents: { next: number };
  failDeadLetter: { next: number };
}

let slack: SlackStandIn;
let logs: CapturedLogs;

beforeEach(async () => {
  slack = await new SlackStandIn().start();
  logs = captureLogs();
});
afterEach(async () => {
  logs.restore();
  await slack.stop();
});

function harness(overrides: Partial<NotifierDependencies> = {}): Harness {
  const h: Omit<Harness, 'deps'> = {
    emails: [],
    events: [],
    deadLetters: [],
    failEmail: { next: 0 },
    failEvents: { next: 0 },
    failDeadLetter: { next: 0 },
  };
  const webhook = new SlackWebhook({
    webhookUrl: async () => slack.url,
    timeoutMs: 300,
    maxAttempts: 3,
    backoff: { baseMs: 1, maxMs: 5 },
  });
  const deps: NotifierDependencies = {
    email: {
      async publish(message) {
        if (h.failEmail.next > 0) {
          h.failEmail.next -= 1;
          throw new Error('sns:Publish failed: ThrottledException');
        }
        h.emails.push(message);
        return `m-${h.emails.length}`;
      },
    },
    slack: { post: (message: SlackMessage, deadline?: number) => webhook.post(message, deadline) },
    deadLetter: {
      async send(body) {
        if (h.failDeadLetter.next > 0) {
          h.failDeadLetter.next -= 1;
          throw new Error('sqs:SendMessage failed');
        }
        h.deadLetters.push(JSON.parse(JSON.stringify(body)));
      },
    },
    events: {
      async put(entries): Promise<PutEventsOutcome> {
        if (h.failEvents.next > 0) {
          h.failEvents.next -= 1;
          return {
            published: entries.slice(1).map((e) => e.id),
            failed: entries
              .slice(0, 1)
              .map((e) => ({ id: e.id, errorCode: 'InternalFailure', errorMessage: '' })),
            calls: 1,
          };
        }
        h.events.push(...entries);
        return { published: entries.map((e) => e.id), failed: [], calls: Math.ceil(entries.length / 10) };
      },
    },
    eventBusName: 'default',
    minSeverity: { email: 'low', slack: 'low' },
    digestThreshold: 10,
    ledger: new SentLedger(),
    logger: logs.logger,
    metrics: new Metrics({ namespace: 'Test', serviceName: 'test' }),
    now: () => new Date('2026-12-01T10:00:10Z'),
    ...overrides,
  };
  return { ...h, deps };
}

const life = findingLife();
const lifeChanges = (): FindingChange[] =>
  changesFromStream({ Records: life.map((s) => streamRecord(s.before, s.after)) }).changes;

function severityBatch(severities: Severity[]): FindingChange[] {
  return severities.flatMap(
    (severity, i) => changesFromStream({ Records: openedBatch(1, severity, `rule-${i}`) }).changes,
  );
}

const slackBodies = () => slack.requests.map((r) => r.body as SlackMessage);

describe('notifying a stream batch', () => {
  it('one opened finding: one email, one Slack message, one event', async () => {
    const h = harness();
    const changes = lifeChanges().slice(0, 1);
    const outcome = await notifyChanges(h.deps, changes);
    expect(h.emails.map((e) => e.subject)).toEqual(['[Tripline] HIGH lambda-public-invoke on my-function']);
    expect(slackBodies()).toHaveLength(1);
    expect(slackBodies()[0]?.text).toContain('lambda-public-invoke opened on my-function');
    expect(h.events.map((e) => e.id)).toEqual([changes[0]!.id]);
    expect(outcome).toMatchObject({
      changes: 1,
      alerts: 1,
      email: { mode: 'individual', sent: 1 },
      slack: { mode: 'individual', sent: 1, deadLettered: 0 },
      events: { published: 1 },
    });
  });

  it('every transition kind: alerts only for opened, re-opened, resolved, severity raised; events for all', async () => {
    const h = harness();
    const changes = lifeChanges();
    await notifyChanges(h.deps, changes);
    expect(changes).toHaveLength(11); // the re-evaluation without a transition is no change
    expect(h.emails.map((e) => e.attributes['transition'])).toEqual([
      'OPENED',
      'SEVERITY_RAISED',
      'RESOLVED',
      'REOPENED',
      'UNSUPPRESSED',
      'RESOLVED',
    ]);
    expect(slackBodies()).toHaveLength(6);
    expect(h.events).toHaveLength(11);
    for (const email of h.emails) expect(email.subject).not.toMatch(/suppressed/i);
  });

  it('200 transitions in one batch (a deployment): one digest per channel, 200 events', async () => {
    const h = harness();
    const { changes } = changesFromStream({
      Records: [...openedBatch(150, 'high'), ...openedBatch(50, 'critical', 'iam-admin-access')],
    });
    expect(changes).toHaveLength(200);
    const outcome = await notifyChanges(h.deps, changes);
    expect(h.emails).toHaveLength(1);
    expect(h.emails[0]?.subject).toBe('[Tripline] Digest: 200 finding changes (50 critical, 150 high)');
    expect(h.emails[0]?.body).toContain('CRITICAL  iam-admin-access');
    expect(slackBodies()).toHaveLength(1);
    expect(allBlocks(slackBodies()[0]!).length).toBeLessThanOrEqual(50);
    expect(slackBodies()[0]?.text).toBe('Tripline digest: 200 finding changes (50 critical, 150 high)');
    expect(h.events).toHaveLength(200);
    expect(outcome.email.mode).toBe('digest');
    expect(outcome.slack.mode).toBe('digest');
  });

  it('digests only above the threshold (10 alerts: 10 messages; 11: one digest)', async () => {
    const ten = harness();
    await notifyChanges(ten.deps, changesFromStream({ Records: openedBatch(10) }).changes);
    expect(ten.emails).toHaveLength(10);
    const eleven = harness();
    await notifyChanges(eleven.deps, changesFromStream({ Records: openedBatch(11) }).changes);
    expect(eleven.emails).toHaveLength(1);
    expect(eleven.emails[0]?.attributes['status']).toBe('DIGEST');
  });

  it('applies each channel’s minimum severity', async () => {
    const h = harness({ minSeverity: { email: 'high', slack: 'critical' } });
    const outcome = await notifyChanges(h.deps, severityBatch(['low', 'medium', 'high', 'critical']));
    expect(h.emails.map((e) => e.attributes['severity'])).toEqual(['high', 'critical']);
    expect(slackBodies().map((m) => m.text)).toEqual([expect.stringContaining('CRITICAL')]);
    expect(outcome.email.belowMinimum).toBe(2);
    expect(outcome.slack.belowMinimum).toBe(3);
    expect(h.events).toHaveLength(4);
  });

  it('a batch retried after a failure sends only what is missing (email, Slack and events once each)', async () => {
    const h = harness();
    const changes = lifeChanges().slice(0, 3);
    h.failEvents.next = 1;
    h.failEmail.next = 1;
    const first = notifyChanges(h.deps, changes);
    await expect(first).rejects.toThrow(AlertBatchError);
    await expect(first).rejects.toThrow(/EventBridge rejected 1 of 3 finding events/);
    expect(h.emails).toHaveLength(1); // the first publish failed, the second went out
    expect(slackBodies()).toHaveLength(2);
    const retry = await notifyChanges(h.deps, changes);
    expect(h.emails).toHaveLength(2);
    expect(new Set(h.emails.map((e) => e.attributes['alertId'])).size).toBe(2);
    expect(slackBodies()).toHaveLength(2);
    expect(h.events).toHaveLength(1);
    expect(retry.email.alreadySent).toBe(1);
    expect(retry.slack.alreadySent).toBe(2);
    expect(retry.events.alreadyPublished).toBe(2);
    // A third delivery of the same batch sends nothing at all.
    await notifyChanges(h.deps, changes);
    expect(h.emails).toHaveLength(2);
    expect(slackBodies()).toHaveLength(2);
    expect(h.events).toHaveLength(1);
  });

  it('a digested batch split in halves by the retry (bisection) is not sent again', async () => {
    const h = harness();
    const { changes } = changesFromStream({ Records: openedBatch(16) });
    await notifyChanges(h.deps, changes);
    expect(h.emails).toHaveLength(1);
    await notifyChanges(h.deps, changes.slice(0, 8));
    await notifyChanges(h.deps, changes.slice(8));
    expect(h.emails).toHaveLength(1);
    expect(slackBodies()).toHaveLength(1);
  });

  it('Slack answering 429 then 200: delivered after Retry-After', async () => {
    const h = harness();
    slack.script({ status: 429, headers: { 'retry-after': '1' } });
    const outcome = await notifyChanges(h.deps, lifeChanges().slice(0, 1));
    expect(outcome.slack.sent).toBe(1);
    expect(slack.requests).toHaveLength(2);
  });

  it('what Slack does not take goes to the dead-letter queue with the message (and never the URL)', async () => {
    const h = harness();
    slack.script({ status: 500 }, { status: 500 }, { status: 500 });
    const outcome = await notifyChanges(h.deps, lifeChanges().slice(0, 1));
    expect(outcome.slack).toMatchObject({ sent: 0, deadLettered: 1 });
    expect(h.deadLetters).toHaveLength(1);
    expect(h.deadLetters[0]).toMatchObject({
      kind: 'undelivered-slack-message',
      status: 500,
      attempts: 3,
      retryable: true,
      ids: [lifeChanges()[0]!.id],
      message: { text: expect.stringContaining('[Tripline]') },
    });
    expect(JSON.stringify(h.deadLetters)).not.toContain(slack.path);
    expect(h.emails).toHaveLength(1);
  });

  it('raises when the dead-letter queue fails too, after email and events went out', async () => {
    const h = harness();
    slack.script({ status: 400, body: 'invalid_blocks' });
    h.failDeadLetter.next = 1;
    await expect(notifyChanges(h.deps, lifeChanges().slice(0, 1))).rejects.toThrow(
      /dead-letter queue failed too/,
    );
    expect(h.emails).toHaveLength(1);
    expect(h.events).toHaveLength(1);
  });

  it('without a dead-letter queue an undelivered message fails the batch, the other messages still go', async () => {
    const h = harness({ deadLetter: undefined });
    slack.script({ status: 400, body: 'invalid_blocks' });
    const changes = lifeChanges().slice(0, 3);
    await expect(notifyChanges(h.deps, changes)).rejects.toThrow(/no dead-letter queue is set/);
    expect(slack.requests).toHaveLength(2);
    // The retry re-sends only the one Slack did not take.
    await notifyChanges(h.deps, changes);
    expect(slack.requests).toHaveLength(3);
  });

  it('never logs the webhook URL: not on success, rate limits, errors, timeouts or dead letters', async () => {
    const h = harness();
    slack.script(
      { status: 429, headers: { 'retry-after': '0' } },
      { status: 500, body: `oops ${slack.url}` },
      { hang: true },
      { status: 404, body: 'no_service' },
    );
    await notifyChanges(h.deps, lifeChanges().slice(0, 3));
    const unreachable = harness({
      slack: {
        post: (message) =>
          new SlackWebhook({
            webhookUrl: async () => 'http://127.0.0.1:1/services/T0AAAAAAA/B0BBBBBBB/s3cr3tT0k3nD0N0tL0g',
            maxAttempts: 1,
          }).post(message),
      },
    });
    await notifyChanges(unreachable.deps, lifeChanges().slice(0, 1));
    const output = logs.text();
    expect(logs.entries().length).toBeGreaterThan(5);
    expect(output).toContain('Slack alert not delivered');
    expect(output).not.toContain('s3cr3tT0k3nD0N0tL0g');
    expect(output).not.toContain('hooks.slack.com');
    expect(JSON.stringify([h.deadLetters, unreachable.deadLetters])).not.toContain('s3cr3tT0k3nD0N0tL0g');
  });
});

describe('daily digest', () => {
  async function storeWith(severities: Severity[]): Promise<MemoryFindingsStore> {
    const store = new MemoryFindingsStore({ now: () => new Date('2026-12-01T10:00:05Z') });
    for (const [i, severity] of severities.entries()) {
      await store.recordObservation(
        observation({
          severity,
          resource: `arn:aws:lambda:us-east-1:111122223333:function:f${i}`,
          eventId: `d-${i}`,
        }),
      );
    }
    return store;
  }

  it('sends one digest of open findings per channel, once a day', async () => {
    const h = harness({ store: await storeWith(['critical', 'high', 'high', 'low']) });
    const outcome = await sendDailyDigest(h.deps);
    expect(outcome).toEqual({ open: 4, partial: false, email: 'sent', slack: 'sent' });
    expect(h.emails[0]?.subject).toBe('[Tripline] Daily digest: 4 open findings (1 critical, 2 high, 1 low)');
    expect(h.emails[0]?.attributes['status']).toBe('DAILY_DIGEST');
    expect(slackBodies()[0]?.text).toContain('Tripline daily digest: 4 open findings');
    expect(await sendDailyDigest(h.deps)).toMatchObject({ email: 'already-sent', slack: 'already-sent' });
  });

  it('applies the minimum severity, and sends nothing when nothing qualifies', async () => {
    const h = harness({
      store: await storeWith(['medium', 'low']),
      minSeverity: { email: 'medium', slack: 'high' },
    });
    expect(await sendDailyDigest(h.deps)).toMatchObject({ email: 'sent', slack: 'nothing-to-send' });
    expect(h.emails[0]?.subject).toBe('[Tripline] Daily digest: 1 open finding (1 medium)');
    expect(slack.requests).toHaveLength(0);
  });
});
