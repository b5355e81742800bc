/**
 * Feeds CloudTrail events through the same routing and evaluators as the deployed stack, reading state from a
 * StateReader (an offline snapshot for `tripline replay` and the demo), and collects the transitions.
 */
import type { CloudTrailEvent } from '../events/cloudtrail-event.ts';
import { isTriggeredBy } from '../events/run-event-rules.ts';
import type { Transition } from '../findings/finding-record.ts';
import type { FindingsStore } from '../findings/findings-store.ts';
import { RULES as ACTIVITY } from '../rules/groups/activity.ts';
import { RULES as IDENTITY } from '../rules/groups/identity-policies.ts';
import { RULES as LAMBDA_CONFIG } from '../rules/groups/lambda-config.ts';
import { RULES as LAMBDA_POLICIES } from '../rules/groups/lambda-policies.ts';
import { RULES as TRUST } from '../rules/groups/trust-policies.ts';
import type { EvaluatorGroup, Rule, TriplineDeployment } from '../rules/rule-types.ts';
import type { ScanConfig } from '../rules/scan-config.ts';
import { AccountContextCache } from './account-context.ts';
import { type EvaluationOutcome, evaluateEvent } from './evaluate-event.ts';
import type { StateReader } from './state-reader.ts';

export const EVALUATORS: readonly { group: EvaluatorGroup; rules: readonly Rule[] }[] = [
  { group: 'identity-policies', rules: IDENTITY },
  { group: 'trust-policies', rules: TRUST },
  { group: 'lambda-config', rules: LAMBDA_CONFIG },
  { group: 'lambda-policies', rules: LAMBDA_POLICIES },
  { group: 'activity', rules: ACTIVITY },
];

export interface ReplayOptions {
  reader: StateReader;
  store: FindingsStore;
  config: ScanConfig;
  deployment?: TriplineDeployment;
  region: string;
  /** The clock of each evaluation: by default the event's own time plus one second (detection latency ≈ 1 s). */
  now?: (event: CloudTrailEvent) => Date;
}

export interface ReplayedEvent {
  eventId: string;
  eventName: string;
  /** Evaluators the event was routed to, as the stack's EventBridge rules would. */
  evaluators: EvaluatorGroup[];
  outcomes: EvaluationOutcome[];
  transitions: Transition[];
}

/** Replays events in order; a duplicate eventID is evaluated once, as the deployed evaluators' claims ensure. */
export async function replayEvents(
  events: Iterable<CloudTrailEvent>,
  options: ReplayOptions,
): Promise<ReplayedEvent[]> {
  const cache = new AccountContextCache(options.reader, options.store);
  const seen = new Set<string>();
  const replayed: ReplayedEvent[] = [];
  for (const event of events) {
    const entry: ReplayedEvent = {
      eventId: event.detail.eventID,
      eventName: event.detail.eventName,
      evaluators: [],
      outcomes: [],
      transitions: [],
    };
    replayed.push(entry);
    if (seen.has(event.detail.eventID)) continue;
    seen.add(event.detail.eventID);
    for (const evaluator of EVALUATORS) {
      if (!evaluator.rules.some((r) => isTriggeredBy(r, event))) continue;
      entry.evaluators.push(evaluator.group);
      const now = options.now?.(event) ?? new Date(Date.parse(event.detail.eventTime) + 1000);
      const outcome = await evaluateEvent(event, {
        reader: options.reader,
        store: options.store,
        rules: evaluator.rules,
        config: options.config,
        deployment: options.deployment ?? { ruleNames: [], functionNames: [], queueNames: [] },
        region: options.region,
        now: () => now,
        // Offline state is already the state after the event: no document to prefer, nothing to re-read.
        useEventDocuments: false,
        ...(evaluator.group === 'identity-policies'
          ? { accountContext: (touched) => cache.contextFor(touched) }
          : {}),
      });
      entry.outcomes.push(outcome);
      entry.transitions.push(...outcome.transitions);
    }
  }
  return replayed;
}
