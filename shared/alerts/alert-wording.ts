/**
 * Words shared by every channel: severity labels, what a transition means, short resource names, who did it,
 * and the commands people act with. Pure.
 */
import type { FindingTrigger, Transition, TransitionKind } from '../findings/finding-record.ts';
import type { Severity } from '../rules/rule-types.ts';
import type { AlertFinding, FindingChange } from './alert.ts';
import { singleLine, truncateChars } from './text-fitting.ts';

export function severityLabel(severity: Severity): string {
  return severity.toUpperCase();
}

/** What happened to the finding, as a short past-tense phrase. */
export function transitionPhrase(
  transition: Pick<Transition, 'kind' | 'fromSeverity' | 'toSeverity'>,
): string {
  switch (transition.kind) {
    case 'OPENED':
      return 'opened';
    case 'REOPENED':
      return 're-opened';
    case 'RESOLVED':
      return 'resolved';
    case 'SUPPRESSED':
      return 'suppressed';
    case 'UNSUPPRESSED':
      return 're-opened (suppression ended)';
    case 'SEVERITY_RAISED':
      return `severity raised from ${transition.fromSeverity ?? '?'} to ${transition.toSeverity}`;
    case 'SEVERITY_LOWERED':
      return `severity lowered from ${transition.fromSeverity ?? '?'} to ${transition.toSeverity}`;
  }
}

/** Short tag for subjects: nothing for OPENED (the common case). */
export function transitionTag(kind: TransitionKind): string {
  switch (kind) {
    case 'OPENED':
      return '';
    case 'REOPENED':
    case 'UNSUPPRESSED':
      return 'reopened';
    case 'RESOLVED':
      return 'resolved';
    case 'SEVERITY_RAISED':
      return 'severity raised';
    case 'SEVERITY_LOWERED':
      return 'severity lowered';
    case 'SUPPRESSED':
      return 'suppressed';
  }
}

/**
 * The name people know a resource by: `my-function` for a function ARN (with its qualifier), `Worker` for
 * `role/app/Worker`, the whole string when it is not an ARN.
 */
export function shortResourceName(resource: string): string {
  if (!resource.startsWith('arn:')) return resource;
  const rest = resource.split(':').slice(5).join(':');
  if (rest === '') return resource;
  if (rest.startsWith('function:')) return rest.slice('function:'.length) || rest;
  const slash = rest.lastIndexOf('/');
  return slash >= 0 && slash < rest.length - 1 ? rest.slice(slash + 1) : rest;
}

/** Values from CloudTrail (user agent, actor) are attacker-influenced: one line, bounded. */
export function eventValue(value: string | undefined, max = 512): string | undefined {
  if (value === undefined || value === '') return undefined;
  return truncateChars(singleLine(value), max);
}

export interface ActorDetails {
  actor?: string;
  sourceIp?: string;
  userAgent?: string;
  eventName?: string;
  eventTime?: string;
  eventId?: string;
}

/** Who caused the change: the CloudTrail event's caller, or the person who changed the status. */
export function actorDetails(change: Pick<FindingChange, 'finding' | 'transition'>): ActorDetails {
  const trigger: FindingTrigger | undefined =
    change.finding.trigger !== undefined &&
    (change.transition.eventId === undefined || change.finding.trigger.eventId === change.transition.eventId)
      ? change.finding.trigger
      : undefined;
  const details: ActorDetails = {};
  const actor = eventValue(change.transition.actor ?? trigger?.actorArn ?? change.finding.actorArn);
  if (actor !== undefined) details.actor = actor;
  const sourceIp = eventValue(trigger?.sourceIp, 64);
  if (sourceIp !== undefined) details.sourceIp = sourceIp;
  const userAgent = eventValue(trigger?.userAgent);
  if (userAgent !== undefined) details.userAgent = userAgent;
  const eventName = eventValue(trigger?.eventName, 128);
  if (eventName !== undefined) details.eventName = eventName;
  const eventTime = eventValue(trigger?.eventTime, 64);
  if (eventTime !== undefined) details.eventTime = eventTime;
  const eventId = eventValue(trigger?.eventId ?? change.transition.eventId, 128);
  if (eventId !== undefined) details.eventId = eventId;
  return details;
}

/** How the change was found, when no CloudTrail event names a caller. */
export function noActorExplanation(change: Pick<FindingChange, 'transition'>): string {
  return change.transition.reason.startsWith('manual:')
    ? 'changed by hand (no CloudTrail event)'
    : 'found by a scheduled sweep, not by a CloudTrail event: the caller is unknown';
}

/**
 * Why the finding matters: the rule's rationale when the record carries it; else the rule's title and
 * severity, and where the rule's page explains the risk (the notifier does not load the rule catalogue).
 */
export function whyItMatters(finding: AlertFinding): string {
  if (finding.rationale !== undefined && finding.rationale.trim() !== '') return finding.rationale;
  return (
    `${finding.title} (rated ${finding.severity} by rule ${finding.ruleId}). ` +
    `The rule's page explains the risk: docs/rules/${finding.ruleId}.md`
  );
}

/** The command that accepts the risk of one finding. */
export function suppressCommand(findingId: string): string {
  return `tripline findings suppress ${findingId} --reason "<why this is acceptable>"`;
}

/** The command that shows a finding with its history. */
export function showCommand(findingId: string): string {
  return `tripline findings show ${findingId}`;
}

/** The command that lists the open findings of one rule. */
export function listCommand(ruleId: string): string {
  return `tripline findings list --rule ${ruleId}`;
}

/** Detection latency as people read it: `35 s`, `4 min`, `2 h`. */
export function formatLatency(ms: number | undefined): string | undefined {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return undefined;
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  return `${Math.round(minutes / 60)} h`;
}

/** `2026-12-01 10:00:05 UTC`. */
export function formatTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
