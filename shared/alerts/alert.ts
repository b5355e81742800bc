/**
 * What an alert is: one finding transition worth telling people about, with a deterministic id. Pure.
 *
 * Alerting transitions: OPENED, REOPENED, UNSUPPRESSED (a suppression ended, so the finding is open again and
 * nobody was told while it was suppressed), RESOLVED (of a finding people were told about) and SEVERITY_RAISED.
 * Never: SUPPRESSED, SEVERITY_LOWERED, anything on a finding that is suppressed now, the resolution of a
 * finding that was suppressed, and writes without a transition (re-evaluations). Every transition, alerting or
 * not, still goes to EventBridge.
 */
import { createHash } from 'node:crypto';
import type { FindingRecord, Transition, TransitionKind } from '../findings/finding-record.ts';
import { SEVERITIES, type Severity, severityRank } from '../rules/rule-types.ts';

export type AlertChannel = 'email' | 'slack';
export const ALERT_CHANNELS: readonly AlertChannel[] = ['email', 'slack'];

export const ALERTING_TRANSITIONS: ReadonlySet<TransitionKind> = new Set<TransitionKind>([
  'OPENED',
  'REOPENED',
  'UNSUPPRESSED',
  'RESOLVED',
  'SEVERITY_RAISED',
]);

/**
 * A finding record as the notifier reads it. `rationale` (why the rule matters) is stored on each record by the
 * evaluators; records written before it was stored fall back to the finding's message. The notifier never loads
 * the rule catalogue to look it up (bundle size).
 */
export type AlertFinding = FindingRecord & { rationale?: string };

/** One finding change from the table's stream: the record after the write and the transition it made. */
export interface FindingChange {
  finding: AlertFinding;
  transition: Transition;
  /** Deterministic per (finding id, version): the same write always gets the same id. */
  id: string;
}

/** An alerting change. */
export type Alert = FindingChange;

/** `al-` + 20 hex chars of sha256(finding id, version): stable across stream retries and containers. */
export function alertId(findingId: string, version: number): string {
  const hash = createHash('sha256').update(`${findingId}\n${version}`).digest('hex');
  return `al-${hash.slice(0, 20)}`;
}

export function changeOf(finding: AlertFinding, transition: Transition): FindingChange {
  return { finding, transition, id: alertId(finding.id, finding.version) };
}

/** Whether a change is worth a message (see the module comment). */
export function isAlerting(change: Pick<FindingChange, 'finding' | 'transition'>): boolean {
  const { finding, transition } = change;
  if (!ALERTING_TRANSITIONS.has(transition.kind)) return false;
  if (finding.status === 'SUPPRESSED' || transition.to === 'SUPPRESSED') return false;
  if (transition.kind === 'RESOLVED' && transition.from === 'SUPPRESSED') return false;
  return true;
}

export function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}

export function atLeast(severity: Severity, minimum: Severity): boolean {
  return severityRank(severity) >= severityRank(minimum);
}

/** The severity an alert is filtered and labelled by: the finding's severity after the change. */
export function alertSeverity(alert: Pick<FindingChange, 'transition'>): Severity {
  return alert.transition.toSeverity;
}

/** Alerts of one channel: at least its minimum severity. */
export function forChannel<T extends Pick<FindingChange, 'transition'>>(
  alerts: readonly T[],
  minimum: Severity,
) {
  return alerts.filter((alert) => atLeast(alertSeverity(alert), minimum));
}
