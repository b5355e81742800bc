/**
 * The findings table's record of one finding (one rule, one resource, one finding key) as the event-driven
 * evaluators keep it: its current status, when it was seen, what triggered its last transition, and a bounded
 * history of transitions. Types and pure helpers only: no I/O, no clock (callers pass `now`).
 */
import { createHash } from 'node:crypto';
import { matchesWildcard } from '../engine/policy-variables.ts';
import type {
  Evidence,
  Remediation,
  ResourceType,
  ResultStatus,
  RuleMetadata,
  RuleResult,
  Severity,
} from '../rules/rule-types.ts';

export const FINDING_STATUSES = ['OPEN', 'RESOLVED', 'SUPPRESSED'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

export const TRANSITION_KINDS = [
  'OPENED',
  'REOPENED',
  'RESOLVED',
  'SUPPRESSED',
  'UNSUPPRESSED',
  'SEVERITY_RAISED',
  'SEVERITY_LOWERED',
] as const;
export type TransitionKind = (typeof TRANSITION_KINDS)[number];

/** Transitions kept on the record (newest last); older ones live only in the table's stream consumers. */
export const HISTORY_LIMIT = 20;
/** Event ids of the last accepted observations, so a redelivered event is not counted twice. */
export const RECENT_EVENT_LIMIT = 20;

/** The CloudTrail event that led to an observation (absent for scheduled sweeps and manual changes). */
export interface FindingTrigger {
  /** CloudTrail `eventID`. */
  eventId: string;
  eventName: string;
  /** CloudTrail `eventTime` (ISO 8601). */
  eventTime: string;
  /** ARN of the caller (`userIdentity.arn`, or the session issuer for assumed roles). */
  actorArn?: string;
  sourceIp?: string;
  userAgent?: string;
}

/** One transition as kept in the record's history. */
export interface HistoryEntry {
  at: string;
  kind: TransitionKind;
  /** `null` when the transition created the finding. */
  from: FindingStatus | null;
  to: FindingStatus;
  reason: string;
  eventId?: string;
  actor?: string;
}

/** A transition as returned to the caller (and seen by the notifier in the stream's new image). */
export interface Transition extends HistoryEntry {
  findingId: string;
  ruleId: string;
  resource: string;
  /** Severity before and after (equal unless the kind is SEVERITY_*, or severity changed with the status). */
  fromSeverity: Severity | null;
  toSeverity: Severity;
}

/** What suppresses a finding: a suppression rule (by pattern) or a manual suppression of this finding. */
export interface AppliedSuppression {
  kind: 'rule' | 'manual';
  /** The suppression rule's id, or `manual`. */
  id: string;
  reason: string;
  createdBy: string;
  createdAt: string;
  expiresAt?: string;
}

/** A suppression rule: rule id (or `*`) + resource ARN pattern with `*` and `?` (+ optional finding key). */
export interface FindingSuppression {
  /** Deterministic: `sp-` + hash of rule, pattern and finding key (putting the same triple again updates it). */
  id: string;
  ruleId: string;
  resourcePattern: string;
  findingKey?: string;
  reason: string;
  createdBy: string;
  createdAt: string;
  expiresAt?: string;
}

export type SuppressionInput = Omit<FindingSuppression, 'id' | 'createdAt'> & { createdAt?: string };

export interface FindingRecord {
  /** `findingId(ruleId, resource, findingKey)`: the same finding always has the same id. */
  id: string;
  ruleId: string;
  findingKey?: string;
  severity: Severity;
  status: FindingStatus;
  resource: string;
  resourceType: ResourceType;
  accountId: string;
  region: string;
  title: string;
  message: string;
  /** Evidence as the rule gave it, with secret-looking strings redacted. */
  evidence: Evidence;
  remediation: Remediation;
  /** Why the rule matters (shown in alerts). */
  rationale?: string;
  /** State-read time of the first FAIL ever observed. */
  firstSeen: string;
  /** State-read time of the latest FAIL observed. */
  lastSeen: string;
  /** State-read time of the resolution, while RESOLVED. */
  resolvedAt?: string;
  /** FAIL observations counted (re-evaluations included, redelivered events excluded). */
  occurrences: number;
  /** The event behind the last transition (absent when a sweep or a person caused it). */
  trigger?: FindingTrigger;
  /** Record time minus event time of the last transition, when an event caused it. */
  detectionLatencyMs?: number;
  /** Time of the last transition (record time). */
  lastTransitionAt: string;
  lastTransition: TransitionKind;
  /** Who caused the last transition: the event's actor, or the person who changed the status. */
  actorArn?: string;
  /** Last transitions, oldest first, at most HISTORY_LIMIT. */
  history: HistoryEntry[];
  /** State-read time of the newest observation applied: older observations are ignored. */
  lastObservedAt: string;
  recentEventIds: string[];
  suppression?: AppliedSuppression;
  /** Incremented on every write; conditional writes compare it. */
  version: number;
  updatedAt: string;
}

/**
 * One rule result for one (rule, resource, finding key), with when the state was read and what triggered the
 * read. Build it with `observationFromResult`.
 */
export interface Observation {
  ruleId: string;
  title: string;
  remediation: Remediation;
  /** Why the rule matters (shown in alerts). */
  rationale?: string;
  /** Effective severity of this result (rule severity, result override, config override). */
  severity: Severity;
  status: ResultStatus;
  resource: string;
  resourceType: ResourceType;
  findingKey?: string;
  accountId: string;
  region: string;
  message: string;
  evidence?: Evidence;
  /** When the evaluated state was read (ISO 8601): orders observations of one finding. */
  observedAt: string;
  trigger?: FindingTrigger;
  /** NOT_APPLICABLE because the resource no longer exists (names the resolution reason). */
  resourceDeleted?: boolean;
}

export interface ObservationContext {
  accountId: string;
  region: string;
  observedAt: Date | string;
  trigger?: FindingTrigger;
  /** Overrides the result's and rule's severity (scan config `severityOverrides`). */
  severity?: Severity;
  resourceDeleted?: boolean;
}

/** An observation from a rule's metadata and one of its results. */
export function observationFromResult(
  rule: Pick<RuleMetadata, 'id' | 'title' | 'severity' | 'remediation'> & { rationale?: string },
  result: RuleResult,
  context: ObservationContext,
): Observation {
  const observation: Observation = {
    ruleId: rule.id,
    title: rule.title,
    remediation: rule.remediation,
    ...(rule.rationale !== undefined ? { rationale: rule.rationale } : {}),
    severity: context.severity ?? result.severity ?? rule.severity,
    status: result.status,
    resource: result.resource,
    resourceType: result.resourceType,
    accountId: context.accountId,
    region: context.region,
    message: result.message,
    observedAt: toIso(context.observedAt),
  };
  if (result.findingKey !== undefined) observation.findingKey = result.findingKey;
  if (result.evidence !== undefined) observation.evidence = result.evidence;
  if (context.trigger !== undefined) observation.trigger = context.trigger;
  if (context.resourceDeleted) observation.resourceDeleted = true;
  return observation;
}

export function toIso(time: Date | string): string {
  const ms = typeof time === 'string' ? Date.parse(time) : time.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`not a date: ${String(time)}`);
  return new Date(ms).toISOString();
}

/** `sp-` + 16 hex chars of sha256(rule, pattern, key). */
export function suppressionId(ruleId: string, resourcePattern: string, findingKey?: string): string {
  const hash = createHash('sha256')
    .update(`${ruleId}\n${resourcePattern}\n${findingKey ?? ''}`)
    .digest('hex');
  return `sp-${hash.slice(0, 16)}`;
}

export function buildSuppression(input: SuppressionInput, now: Date): FindingSuppression {
  const suppression: FindingSuppression = {
    id: suppressionId(input.ruleId, input.resourcePattern, input.findingKey),
    ruleId: input.ruleId,
    resourcePattern: input.resourcePattern,
    reason: input.reason,
    createdBy: input.createdBy,
    createdAt: toIso(input.createdAt ?? now),
  };
  if (input.findingKey !== undefined) suppression.findingKey = input.findingKey;
  if (input.expiresAt !== undefined) suppression.expiresAt = toIso(input.expiresAt);
  return suppression;
}

export function isActive(expiresAt: string | undefined, now: Date): boolean {
  return expiresAt === undefined || Date.parse(expiresAt) > now.getTime();
}

/** Does the suppression rule cover this finding (ignoring expiry)? */
export function suppressionMatches(
  suppression: FindingSuppression,
  finding: { ruleId: string; resource: string; findingKey?: string | undefined },
): boolean {
  return (
    (suppression.ruleId === '*' || suppression.ruleId === finding.ruleId) &&
    (suppression.findingKey === undefined || suppression.findingKey === finding.findingKey) &&
    matchesWildcard(suppression.resourcePattern, finding.resource)
  );
}

/**
 * The suppression in force for a finding at `now`: an active manual suppression on the record first, else the
 * active matching suppression rule that lasts longest (no expiry first; ties by id, so the choice is stable).
 */
export function activeSuppressionFor(
  finding: { ruleId: string; resource: string; findingKey?: string | undefined },
  manual: AppliedSuppression | undefined,
  suppressions: readonly FindingSuppression[],
  now: Date,
): AppliedSuppression | undefined {
  if (manual?.kind === 'manual' && isActive(manual.expiresAt, now)) return manual;
  const ends = (s: FindingSuppression) =>
    s.expiresAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(s.expiresAt);
  const match = suppressions
    .filter((s) => isActive(s.expiresAt, now) && suppressionMatches(s, finding))
    .sort((a, b) => ends(b) - ends(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))[0];
  if (match === undefined) return undefined;
  const applied: AppliedSuppression = {
    kind: 'rule',
    id: match.id,
    reason: match.reason,
    createdBy: match.createdBy,
    createdAt: match.createdAt,
  };
  if (match.expiresAt !== undefined) applied.expiresAt = match.expiresAt;
  return applied;
}
