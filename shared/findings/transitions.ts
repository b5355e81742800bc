/**
 * Pure transition logic: how one observation, a manual status change, or the passing of time changes a finding
 * record. Both stores call these functions, so they agree by construction; the stores only add storage and
 * concurrency control (a conditional write on `version`, retried by re-reading and re-applying).
 *
 * Rules:
 * - FAIL opens (OPENED), reopens a resolved finding (REOPENED), or suppresses it when an active suppression
 *   matches (SUPPRESSED); a suppressed finding whose suppression expired or was removed reopens (UNSUPPRESSED).
 * - PASS and NOT_APPLICABLE (including a deleted resource) resolve (RESOLVED); with no record they store nothing.
 * - UNKNOWN and ERROR never change anything: missing data is neither a FAIL nor a resolution.
 * - A FAIL with another severity on a finding that keeps its status: SEVERITY_RAISED / SEVERITY_LOWERED.
 * - Otherwise no transition: lastSeen, occurrences, message and evidence are refreshed.
 * - Out of order: an observation whose state-read time is older than the record's `lastObservedAt` is ignored,
 *   so the record converges on the newest state whatever order events arrive in.
 * - A redelivered event (its id among the record's recent event ids) is ignored.
 */
import { type Evidence, type Severity, severityRank } from '../rules/rule-types.ts';
import { findingId } from '../scan/finding.ts';
import { redactEvidence } from './evidence-redaction.ts';
import {
  type AppliedSuppression,
  activeSuppressionFor,
  type FindingRecord,
  type FindingStatus,
  type FindingSuppression,
  HISTORY_LIMIT,
  type HistoryEntry,
  isActive,
  type Observation,
  RECENT_EVENT_LIMIT,
  type Transition,
  type TransitionKind,
} from './finding-record.ts';

export type ObservationOutcome =
  /** A new record (with an OPENED or SUPPRESSED transition). */
  | 'created'
  /** The record changed status or severity. */
  | 'transitioned'
  /** Same status and severity: timestamps and counters updated. */
  | 'updated'
  /** PASS / N/A for a finding never recorded: nothing to store. */
  | 'no-finding'
  /** UNKNOWN / ERROR: nothing is known, nothing changes. */
  | 'inconclusive'
  /** Older than the state already recorded. */
  | 'stale'
  /** The same event was already applied to this finding. */
  | 'duplicate';

export interface ObservationResult {
  outcome: ObservationOutcome;
  /** The record to store (unchanged `existing` when nothing is to be written; undefined for `no-finding`). */
  record: FindingRecord | undefined;
  transition: Transition | undefined;
  /** Whether the store must write `record`. */
  write: boolean;
}

const ignored = (outcome: ObservationOutcome, existing: FindingRecord | undefined): ObservationResult => ({
  outcome,
  record: existing,
  transition: undefined,
  write: false,
});

function severityKind(from: Severity, to: Severity): TransitionKind | undefined {
  const delta = severityRank(to) - severityRank(from);
  return delta > 0 ? 'SEVERITY_RAISED' : delta < 0 ? 'SEVERITY_LOWERED' : undefined;
}

function resolutionReason(observation: Observation): string {
  if (observation.resourceDeleted) return 'resource deleted';
  return observation.status === 'PASS' ? 'rule passed' : 'rule not applicable';
}

function suppressedReason(suppression: AppliedSuppression): string {
  return suppression.kind === 'manual'
    ? `suppressed manually by ${suppression.createdBy}: ${suppression.reason}`
    : `suppression ${suppression.id} by ${suppression.createdBy}: ${suppression.reason}`;
}

function unsuppressedReason(previous: AppliedSuppression | undefined, now: Date): string {
  if (previous === undefined) return 'suppression removed';
  return isActive(previous.expiresAt, now)
    ? `suppression ${previous.id} removed`
    : `suppression ${previous.id} expired at ${previous.expiresAt}`;
}

function pushBounded<T>(list: readonly T[], item: T, limit: number): T[] {
  const out = [...list, item];
  return out.length > limit ? out.slice(out.length - limit) : out;
}

interface TransitionInput {
  kind: TransitionKind;
  from: FindingStatus | null;
  reason: string;
  fromSeverity: Severity | null;
  eventId?: string | undefined;
  actor?: string | undefined;
}

/** Stamps a transition on the record (history, last-transition fields) and returns it. */
function stamp(record: FindingRecord, input: TransitionInput, now: Date): Transition {
  const at = now.toISOString();
  const entry: HistoryEntry = {
    at,
    kind: input.kind,
    from: input.from,
    to: record.status,
    reason: input.reason,
  };
  if (input.eventId !== undefined) entry.eventId = input.eventId;
  if (input.actor !== undefined) entry.actor = input.actor;
  record.history = pushBounded(record.history, entry, HISTORY_LIMIT);
  record.lastTransitionAt = at;
  record.lastTransition = input.kind;
  if (input.actor !== undefined) record.actorArn = input.actor;
  else delete record.actorArn;
  return {
    ...entry,
    findingId: record.id,
    ruleId: record.ruleId,
    resource: record.resource,
    fromSeverity: input.fromSeverity,
    toSeverity: record.severity,
  };
}

/** Sets trigger and detection latency for an event-caused transition (clears them for a sweep's). */
function setTrigger(record: FindingRecord, observation: Observation, now: Date): void {
  const trigger = observation.trigger;
  if (trigger === undefined) {
    delete record.trigger;
    delete record.detectionLatencyMs;
    return;
  }
  record.trigger = { ...trigger };
  const eventTime = Date.parse(trigger.eventTime);
  if (Number.isNaN(eventTime)) delete record.detectionLatencyMs;
  else record.detectionLatencyMs = Math.max(0, now.getTime() - eventTime);
}

/** Evidence above this size (JSON characters) is replaced by a note: an item holds at most 400 KB. */
export const MAX_EVIDENCE_CHARS = 32_768;

function storedEvidence(observation: Observation): Evidence {
  const evidence = redactEvidence(observation.evidence ?? {});
  const size = JSON.stringify(evidence).length;
  return size > MAX_EVIDENCE_CHARS
    ? { truncated: true, size, keys: Object.keys(evidence).slice(0, 50) }
    : evidence;
}

function refreshFromFail(record: FindingRecord, observation: Observation): void {
  record.title = observation.title;
  record.message = observation.message;
  record.evidence = storedEvidence(observation);
  record.remediation = observation.remediation;
  if (observation.rationale !== undefined) record.rationale = observation.rationale;
  record.resourceType = observation.resourceType;
  record.region = observation.region;
  record.lastSeen = observation.observedAt;
  record.occurrences += 1;
}

/** On resolution: a suppression rule no longer applies (it is matched again on reappearance); an expired
 * manual suppression is dropped; an active manual one stays for a reappearance. */
function dropLapsedSuppression(record: FindingRecord, now: Date): void {
  const suppression = record.suppression;
  if (suppression && (suppression.kind === 'rule' || !isActive(suppression.expiresAt, now))) {
    delete record.suppression;
  }
}

function clone(record: FindingRecord): FindingRecord {
  return structuredClone(record);
}

/**
 * Applies one observation to the current record (or none). Pure: `now` is the record time (transition time,
 * detection latency); the observation's `observedAt` is the state-read time (ordering, firstSeen/lastSeen).
 */
export function applyObservation(
  existing: FindingRecord | undefined,
  observation: Observation,
  suppressions: readonly FindingSuppression[],
  now: Date,
): ObservationResult {
  if (observation.status === 'UNKNOWN' || observation.status === 'ERROR')
    return ignored('inconclusive', existing);
  const observedAt = Date.parse(observation.observedAt);
  if (Number.isNaN(observedAt))
    throw new RangeError(`observation.observedAt is not a date: ${observation.observedAt}`);
  if (existing !== undefined) {
    if (observedAt < Date.parse(existing.lastObservedAt)) return ignored('stale', existing);
    const eventId = observation.trigger?.eventId;
    if (eventId !== undefined && existing.recentEventIds.includes(eventId))
      return ignored('duplicate', existing);
  }
  const failing = observation.status === 'FAIL';
  const eventId = observation.trigger?.eventId;
  const actor = observation.trigger?.actorArn;
  const finding = {
    ruleId: observation.ruleId,
    resource: observation.resource,
    findingKey: observation.findingKey,
  };

  if (existing === undefined) {
    if (!failing) return ignored('no-finding', undefined);
    const suppression = activeSuppressionFor(finding, undefined, suppressions, now);
    const at = now.toISOString();
    const record: FindingRecord = {
      id: findingId(observation.ruleId, observation.resource, observation.findingKey),
      ruleId: observation.ruleId,
      severity: observation.severity,
      status: suppression ? 'SUPPRESSED' : 'OPEN',
      resource: observation.resource,
      resourceType: observation.resourceType,
      accountId: observation.accountId,
      region: observation.region,
      title: observation.title,
      message: observation.message,
      evidence: {},
      remediation: observation.remediation,
      ...(observation.rationale !== undefined ? { rationale: observation.rationale } : {}),
      firstSeen: observation.observedAt,
      lastSeen: observation.observedAt,
      occurrences: 0,
      lastTransitionAt: at,
      lastTransition: 'OPENED',
      history: [],
      lastObservedAt: observation.observedAt,
      recentEventIds: eventId === undefined ? [] : [eventId],
      version: 1,
      updatedAt: at,
    };
    if (observation.findingKey !== undefined) record.findingKey = observation.findingKey;
    if (suppression) record.suppression = suppression;
    refreshFromFail(record, observation);
    setTrigger(record, observation, now);
    const transition = stamp(
      record,
      {
        kind: suppression ? 'SUPPRESSED' : 'OPENED',
        from: null,
        reason: suppression ? suppressedReason(suppression) : observation.message,
        fromSeverity: null,
        eventId,
        actor,
      },
      now,
    );
    return { outcome: 'created', record, transition, write: true };
  }

  const record = clone(existing);
  record.lastObservedAt = observation.observedAt;
  record.version = existing.version + 1;
  record.updatedAt = now.toISOString();
  if (eventId !== undefined)
    record.recentEventIds = pushBounded(record.recentEventIds, eventId, RECENT_EVENT_LIMIT);
  const fromStatus = existing.status;
  const fromSeverity = existing.severity;

  let kind: TransitionKind | undefined;
  let reason = '';
  if (failing) {
    refreshFromFail(record, observation);
    record.severity = observation.severity;
    const manual = existing.suppression?.kind === 'manual' ? existing.suppression : undefined;
    const suppression = activeSuppressionFor(finding, manual, suppressions, now);
    if (suppression) record.suppression = suppression;
    else delete record.suppression;
    record.status = suppression ? 'SUPPRESSED' : 'OPEN';
    if (fromStatus === 'RESOLVED') {
      delete record.resolvedAt;
      kind = suppression ? 'SUPPRESSED' : 'REOPENED';
      reason = suppression ? suppressedReason(suppression) : observation.message;
    } else if (fromStatus === 'OPEN' && suppression) {
      kind = 'SUPPRESSED';
      reason = suppressedReason(suppression);
    } else if (fromStatus === 'SUPPRESSED' && !suppression) {
      kind = 'UNSUPPRESSED';
      reason = unsuppressedReason(existing.suppression, now);
    } else {
      kind = severityKind(fromSeverity, record.severity);
      reason = kind ? `severity ${fromSeverity} → ${record.severity}: ${observation.message}` : '';
    }
  } else if (fromStatus !== 'RESOLVED') {
    record.status = 'RESOLVED';
    record.resolvedAt = observation.observedAt;
    dropLapsedSuppression(record, now);
    kind = 'RESOLVED';
    reason = resolutionReason(observation);
  }

  if (kind === undefined) return { outcome: 'updated', record, transition: undefined, write: true };
  setTrigger(record, observation, now);
  const transition = stamp(record, { kind, from: fromStatus, reason, fromSeverity, eventId, actor }, now);
  return { outcome: 'transitioned', record, transition, write: true };
}

export type ManualStatus = 'OPEN' | 'RESOLVED' | 'SUPPRESSED';

export interface ManualChange {
  status: ManualStatus;
  reason: string;
  /** Who made the change (ARN or user name); recorded in the history and as the record's actor. */
  actor: string;
  /** For SUPPRESSED: when the manual suppression ends. */
  expiresAt?: string;
}

export interface ManualResult {
  record: FindingRecord;
  transition: Transition | undefined;
  /** Whether the record changed (a no-op change is not written). */
  write: boolean;
}

/**
 * A person resolves, suppresses or reopens/unsuppresses a finding by id.
 * - RESOLVED: observations read before this moment are then stale (the person saw it fixed); a later FAIL
 *   reopens it.
 * - SUPPRESSED: a manual suppression stays on the record (also across resolution) until it expires or is
 *   lifted; an already resolved finding stays RESOLVED and is suppressed if it reappears.
 * - OPEN: lifts a manual suppression (a matching suppression rule still applies at the next observation), or
 *   reopens a resolved finding.
 */
export function applyManualStatus(existing: FindingRecord, change: ManualChange, now: Date): ManualResult {
  const record = clone(existing);
  const at = now.toISOString();
  const reason = `manual: ${change.reason}`;
  const from = existing.status;
  let kind: TransitionKind | undefined;
  let changed = false;
  switch (change.status) {
    case 'RESOLVED':
      if (from !== 'RESOLVED') {
        record.status = 'RESOLVED';
        record.resolvedAt = at;
        dropLapsedSuppression(record, now);
        if (Date.parse(record.lastObservedAt) < now.getTime()) record.lastObservedAt = at;
        kind = 'RESOLVED';
      }
      break;
    case 'SUPPRESSED': {
      const manual: AppliedSuppression = {
        kind: 'manual',
        id: 'manual',
        reason: change.reason,
        createdBy: change.actor,
        createdAt: at,
      };
      if (change.expiresAt !== undefined) manual.expiresAt = change.expiresAt;
      record.suppression = manual;
      changed = true;
      if (from === 'OPEN') {
        record.status = 'SUPPRESSED';
        kind = 'SUPPRESSED';
      }
      break;
    }
    case 'OPEN':
      if (record.suppression?.kind === 'manual') {
        delete record.suppression;
        changed = true;
      }
      if (from === 'SUPPRESSED') {
        delete record.suppression;
        record.status = 'OPEN';
        kind = 'UNSUPPRESSED';
      } else if (from === 'RESOLVED') {
        delete record.resolvedAt;
        record.status = 'OPEN';
        kind = 'REOPENED';
      }
      break;
  }
  if (kind === undefined && !changed) return { record: existing, transition: undefined, write: false };
  record.version = existing.version + 1;
  record.updatedAt = at;
  if (kind === undefined) return { record, transition: undefined, write: true };
  delete record.trigger;
  delete record.detectionLatencyMs;
  const transition = stamp(
    record,
    { kind, from, reason, fromSeverity: existing.severity, actor: change.actor },
    now,
  );
  return { record, transition, write: true };
}

/**
 * The suppression sweep for one record: a SUPPRESSED finding whose suppression expired or was removed (and that
 * no other active suppression covers) reopens (UNSUPPRESSED); one now covered by another suppression switches
 * to it silently. Returns undefined when nothing changes.
 */
export function expireSuppression(
  existing: FindingRecord,
  suppressions: readonly FindingSuppression[],
  now: Date,
): ManualResult | undefined {
  if (existing.status !== 'SUPPRESSED') return undefined;
  const manual = existing.suppression?.kind === 'manual' ? existing.suppression : undefined;
  const current = activeSuppressionFor(existing, manual, suppressions, now);
  if (current !== undefined && sameSuppression(current, existing.suppression)) return undefined;
  const record = clone(existing);
  record.version = existing.version + 1;
  record.updatedAt = now.toISOString();
  if (current !== undefined) {
    record.suppression = current;
    return { record, transition: undefined, write: true };
  }
  delete record.suppression;
  record.status = 'OPEN';
  delete record.trigger;
  delete record.detectionLatencyMs;
  const transition = stamp(
    record,
    {
      kind: 'UNSUPPRESSED',
      from: 'SUPPRESSED',
      reason: unsuppressedReason(existing.suppression, now),
      fromSeverity: existing.severity,
    },
    now,
  );
  return { record, transition, write: true };
}

function sameSuppression(a: AppliedSuppression, b: AppliedSuppression | undefined): boolean {
  return (
    b !== undefined &&
    a.kind === b.kind &&
    a.id === b.id &&
    a.reason === b.reason &&
    a.createdBy === b.createdBy &&
    a.createdAt === b.createdAt &&
    a.expiresAt === b.expiresAt
  );
}

/** `expireSuppression` over many records: the changed ones, with their transitions. */
export function expireSuppressions(
  records: readonly FindingRecord[],
  suppressions: readonly FindingSuppression[],
  now: Date,
): ManualResult[] {
  return records
    .map((record) => expireSuppression(record, suppressions, now))
    .filter((result): result is ManualResult => result !== undefined);
}

/**
 * The transition a table write made, from the stream record's old and new images (as records: see
 * `recordFromItem`). Undefined for writes without a transition (re-evaluations, suppression switches) and for
 * removals. Each write moves `version` by one, so the old image is exactly the state before.
 */
export function transitionFromImages(
  oldRecord: FindingRecord | undefined,
  newRecord: FindingRecord | undefined,
): Transition | undefined {
  if (newRecord === undefined) return undefined;
  const entry = newRecord.history.at(-1);
  if (entry === undefined) return undefined;
  if (oldRecord !== undefined && oldRecord.lastTransitionAt === newRecord.lastTransitionAt) {
    const previous = oldRecord.history.at(-1);
    if (previous?.at === entry.at && previous.kind === entry.kind) return undefined;
  }
  return {
    ...entry,
    findingId: newRecord.id,
    ruleId: newRecord.ruleId,
    resource: newRecord.resource,
    fromSeverity: oldRecord?.severity ?? null,
    toSeverity: newRecord.severity,
  };
}
