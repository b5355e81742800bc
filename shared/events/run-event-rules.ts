/**
 * Runs event rules on one CloudTrail event: only rules whose triggers name the event's source and eventName,
 * skipping disabled rules. A rule that throws yields ERROR for the event; the other rules still run.
 */
import type { EventRule, EventRuleContext, Rule, RuleMetadata, RuleResult } from '../rules/rule-types.ts';
import type { CloudTrailEvent } from './cloudtrail-event.ts';
import { actorArn } from './parse-event.ts';

/** True when one of the rule's triggers names the event's EventBridge source and exact eventName. */
export function isTriggeredBy(rule: Pick<RuleMetadata, 'triggers'>, event: CloudTrailEvent): boolean {
  return rule.triggers.some(
    (t) => t.source === event.source && t.eventNames.includes(event.detail.eventName),
  );
}

export interface EventRuleOutcome {
  rule: EventRule;
  result: RuleResult;
}

export function evaluateEventRules(
  event: CloudTrailEvent,
  rules: readonly Rule[],
  ctx: EventRuleContext,
  emit: (outcome: EventRuleOutcome) => void,
): void {
  for (const rule of rules) {
    if (rule.scope !== 'event' || ctx.config.disabledRules.includes(rule.id) || !isTriggeredBy(rule, event)) {
      continue;
    }
    let produced: RuleResult[];
    try {
      produced = rule.evaluate(event, ctx);
    } catch (error) {
      produced = [
        {
          status: 'ERROR',
          resource: actorArn(event) ?? `event:${event.detail.eventID}`,
          resourceType: 'AWS::CloudTrail::Event',
          message: `rule ${rule.id} failed on ${event.detail.eventName} ${event.detail.eventID}: ${(error as Error).message}`,
          findingKey: event.detail.eventID,
        },
      ];
    }
    for (const result of produced) emit({ rule, result });
  }
}
