import { describe, it } from 'vitest';
import { checkRuleCase, type RuleCase } from '../../../test/support/rule-cases.ts';
import cases from './cases.json' with { type: 'json' };
import { rule } from './index.ts';

describe(rule.id, () => {
  it.each(cases as RuleCase[])('$name', (c) => checkRuleCase(rule, c));
});
