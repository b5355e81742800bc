/**
 * EventBridge patterns generated from the rules' declared triggers: one pattern per evaluator and event source,
 * matching the exact `eventName`s of its rules, only successful calls (`errorCode` absent). Pure data.
 */
import type { EvaluatorGroup, Rule } from '../shared/rules/rule-types.ts';
import { EVALUATOR_GROUPS, EVALUATOR_RULES } from './tripline-functions.ts';

export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

/** IAM is global: its CloudTrail events reach EventBridge in us-east-1 only. */
export const IAM_EVENTS_REGION = 'us-east-1';
export const IAM_SOURCE = 'aws.iam';

export interface CloudTrailEventPattern {
  source: string[];
  'detail-type': string[];
  detail: {
    eventName: string[];
    errorCode: [{ exists: false }];
  };
}

export interface SourcePattern {
  source: string;
  eventNames: string[];
  pattern: CloudTrailEventPattern;
}

/** The union of the rules' triggers, by source: event names sorted and deduplicated. */
export function triggerUnion(rules: readonly Rule[]): Map<string, string[]> {
  const bySource = new Map<string, Set<string>>();
  for (const rule of rules) {
    for (const trigger of rule.triggers) {
      const names = bySource.get(trigger.source) ?? new Set<string>();
      for (const name of trigger.eventNames) names.add(name);
      bySource.set(trigger.source, names);
    }
  }
  return new Map([...bySource.keys()].sort().map((s) => [s, [...(bySource.get(s) ?? [])].sort()]));
}

export function cloudTrailPattern(source: string, eventNames: readonly string[]): CloudTrailEventPattern {
  return {
    source: [source],
    'detail-type': [CLOUDTRAIL_DETAIL_TYPE],
    // Failed calls changed nothing; they carry an errorCode.
    detail: { eventName: [...eventNames], errorCode: [{ exists: false }] },
  };
}

/** The patterns of one evaluator: one per source its rules trigger on. */
export function evaluatorPatterns(group: EvaluatorGroup): SourcePattern[] {
  return [...triggerUnion(EVALUATOR_RULES[group])].map(([source, eventNames]) => ({
    source,
    eventNames,
    pattern: cloudTrailPattern(source, eventNames),
  }));
}

export function allEvaluatorPatterns(): { group: EvaluatorGroup; patterns: SourcePattern[] }[] {
  return EVALUATOR_GROUPS.map((group) => ({ group, patterns: evaluatorPatterns(group) }));
}

/** Event names of `source` that any evaluator listens to. */
export function eventNamesOf(source: string): string[] {
  const names = new Set<string>();
  for (const { patterns } of allEvaluatorPatterns()) {
    for (const p of patterns) if (p.source === source) for (const n of p.eventNames) names.add(n);
  }
  return [...names].sort();
}

/**
 * What a us-east-1 forwarder sends to another home Region: every IAM event an evaluator listens to, and the
 * EventBridge events of the tampering rule (so disabling or deleting the forwarder's own rules is detected too).
 */
export function forwardedPatterns(): SourcePattern[] {
  return [IAM_SOURCE, 'aws.events'].map((source) => {
    const eventNames =
      source === IAM_SOURCE
        ? eventNamesOf(IAM_SOURCE)
        : [...(triggerUnion(EVALUATOR_RULES.activity).get(source) ?? [])];
    return { source, eventNames, pattern: cloudTrailPattern(source, eventNames) };
  });
}

/** `aws.cloudformation` → `cloudformation`: for rule names. */
export function sourceShortName(source: string): string {
  return source.replace(/^aws\./, '');
}
