/**
 * Alerts built by hand rather than from the stream: for `tripline alerts preview` (a finding from a file, with
 * the transition to show) and `tripline alerts test` (a clearly labelled test finding). Pure.
 */
import type { FindingRecord, FindingStatus, Transition, TransitionKind } from '../findings/finding-record.ts';
import { TRANSITION_KINDS } from '../findings/finding-record.ts';
import { recordFromItem } from '../findings/table-schema.ts';
import { transitionFromImages } from '../findings/transitions.ts';
import type { Severity } from '../rules/rule-types.ts';
import { findingId } from '../scan/finding.ts';
import { type Alert, type AlertFinding, alertId, isSeverity } from './alert.ts';

export class FindingInputError extends Error {
  override readonly name = 'FindingInputError';
}

const STATUS_AFTER: Record<TransitionKind, FindingStatus> = {
  OPENED: 'OPEN',
  REOPENED: 'OPEN',
  UNSUPPRESSED: 'OPEN',
  RESOLVED: 'RESOLVED',
  SUPPRESSED: 'SUPPRESSED',
  SEVERITY_RAISED: 'OPEN',
  SEVERITY_LOWERED: 'OPEN',
};

const STATUS_BEFORE: Record<TransitionKind, FindingStatus | null> = {
  OPENED: null,
  REOPENED: 'RESOLVED',
  UNSUPPRESSED: 'SUPPRESSED',
  RESOLVED: 'OPEN',
  SUPPRESSED: 'OPEN',
  SEVERITY_RAISED: 'OPEN',
  SEVERITY_LOWERED: 'OPEN',
};

export function isTransitionKind(value: string): value is TransitionKind {
  return (TRANSITION_KINDS as readonly string[]).includes(value);
}

/**
 * A finding from a file: a finding record (as the table's records read), a table item (`itemType: finding`),
 * or an EventBridge `Tripline Finding` event or its detail (`{finding, transition}`). Checks the fields alerts
 * read, naming the missing ones.
 */
export function findingFromDocument(value: unknown): { finding: AlertFinding; transition?: Transition } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new FindingInputError(
      'expected a JSON object: a finding record, a table item or a Tripline Finding event',
    );
  }
  let document = value as Record<string, unknown>;
  if (document['detail-type'] === 'Tripline Finding' && typeof document['detail'] === 'object') {
    document = document['detail'] as Record<string, unknown>;
  }
  let transition: Transition | undefined;
  if (typeof document['finding'] === 'object' && document['finding'] !== null) {
    transition = document['transition'] as Transition | undefined;
    document = document['finding'] as Record<string, unknown>;
  }
  const record = (document['itemType'] === 'finding' ? recordFromItem(document) : document) as Record<
    string,
    unknown
  >;
  const missing = ['id', 'ruleId', 'severity', 'status', 'resource', 'accountId', 'title', 'message'].filter(
    (key) => typeof record[key] !== 'string' || record[key] === '',
  );
  const remediation = record['remediation'] as { summary?: unknown } | undefined;
  if (typeof remediation?.summary !== 'string') missing.push('remediation.summary');
  if (missing.length > 0) throw new FindingInputError(`not a finding record: missing ${missing.join(', ')}`);
  if (!isSeverity(String(record['severity']))) {
    throw new FindingInputError(
      `severity "${String(record['severity'])}" is not one of info, low, medium, high, critical`,
    );
  }
  const finding = {
    region: 'us-east-1',
    evidence: {},
    history: [],
    recentEventIds: [],
    occurrences: 1,
    version: 1,
    ...record,
  } as unknown as AlertFinding;
  finding.firstSeen ??= finding.lastSeen ?? new Date(0).toISOString();
  finding.lastTransitionAt ??= finding.firstSeen;
  return transition === undefined ? { finding } : { finding, transition };
}

/**
 * The alert to preview: with `kind`, that transition made up on the finding (its status set to match); else
 * the transition in the document, or the finding's last recorded one, or OPENED.
 */
export function previewAlert(
  input: { finding: AlertFinding; transition?: Transition },
  kind: TransitionKind | undefined,
): Alert {
  const finding = structuredClone(input.finding);
  let transition: Transition | undefined =
    kind === undefined
      ? (input.transition ?? transitionFromImages(undefined, finding as FindingRecord))
      : undefined;
  if (transition === undefined) {
    const chosen = kind ?? 'OPENED';
    const lowered: Record<Severity, Severity> = {
      critical: 'high',
      high: 'medium',
      medium: 'low',
      low: 'info',
      info: 'info',
    };
    const fromSeverity =
      chosen === 'OPENED'
        ? null
        : chosen === 'SEVERITY_RAISED'
          ? lowered[finding.severity]
          : finding.severity;
    finding.status = STATUS_AFTER[chosen];
    transition = {
      at: finding.lastTransitionAt,
      kind: chosen,
      from: STATUS_BEFORE[chosen],
      to: finding.status,
      reason: chosen === 'RESOLVED' ? 'rule passed' : finding.message,
      findingId: finding.id,
      ruleId: finding.ruleId,
      resource: finding.resource,
      fromSeverity,
      toSeverity: finding.severity,
    };
    if (finding.actorArn !== undefined) transition.actor = finding.actorArn;
  }
  return { finding, transition, id: alertId(finding.id, finding.version) };
}

/** A clearly labelled test alert for `tripline alerts test`. */
export function testAlert(options: {
  accountId: string;
  region: string;
  severity: Severity;
  now: Date;
  actor: string;
}): Alert {
  const resource = `arn:aws:lambda:${options.region}:${options.accountId}:function:tripline-alerts-test`;
  const id = findingId('tripline-alerts-test', resource);
  const at = options.now.toISOString();
  const finding: AlertFinding = {
    id,
    ruleId: 'tripline-alerts-test',
    severity: options.severity,
    status: 'OPEN',
    resource,
    resourceType: 'AWS::Lambda::Function',
    accountId: options.accountId,
    region: options.region,
    title: 'Tripline test alert: no action needed',
    message: 'A test message sent with `tripline alerts test`: alerts reach this channel.',
    rationale: 'Checks that alerts reach the people who act on them before a real finding needs them to.',
    evidence: { test: true, sentAt: at },
    remediation: { summary: 'Nothing to fix: this is a test.' },
    firstSeen: at,
    lastSeen: at,
    occurrences: 1,
    lastTransitionAt: at,
    lastTransition: 'OPENED',
    history: [],
    lastObservedAt: at,
    recentEventIds: [],
    version: options.now.getTime(),
    updatedAt: at,
  };
  const transition: Transition = {
    at,
    kind: 'OPENED',
    from: null,
    to: 'OPEN',
    reason: 'manual: test message',
    actor: options.actor,
    findingId: id,
    ruleId: finding.ruleId,
    resource,
    fromSeverity: null,
    toSeverity: options.severity,
  };
  return { finding, transition, id: alertId(id, finding.version) };
}
