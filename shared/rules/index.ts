/**
 * The rule catalogue: every rule module, in one list. Adding a rule = adding its folder and one line here
 * (a test fails when a rule folder is not registered).
 */
import { rule as iamAdminAccess } from './iam-admin-access/index.ts';
import { rule as iamPrivilegeEscalation } from './iam-privilege-escalation/index.ts';
import { rule as lambdaPublicInvoke } from './lambda-public-invoke/index.ts';
import type { Rule } from './rule-types.ts';

export const ALL_RULES: readonly Rule[] = [iamAdminAccess, iamPrivilegeEscalation, lambdaPublicInvoke];

export function findRule(id: string): Rule | undefined {
  return ALL_RULES.find((r) => r.id === id);
}
