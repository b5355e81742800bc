import { describe, it } from 'vitest';
import { checkEventRuleCase, type EventRuleCase } from '../../events/event-rule-cases.ts';
import cases from './cases.json' with { type: 'json' };
import { rule } from './index.ts';

describe(rule.id, () => {
  it.each(cases as EventRuleCase[])('$name', (c) => checkEventRuleCase(rule, c));
});
