/**
 * One alert, not thirty: a principal allowed every action on every resource is reported by iam-admin-access, and
 * the narrower identity rules (service wildcards, unscoped writes, data access, credentials, PassRole, invoke,
 * discovery) stand down on it instead of repeating the same fact. Conditional administrators (e.g. MFA-only) are
 * still examined by every rule.
 */
import { type AdminAccess, adminAccess } from '../../engine/admin-equivalence.ts';
import type { ResolvedPrincipal } from '../../snapshot/principal-policies.ts';
import type { RuleResult } from '../rule-types.ts';
import { notApplicable, resourceTypeOf } from './results.ts';

const answers = new WeakMap<ResolvedPrincipal, AdminAccess>();

export function coveredByAdminAccess(principal: ResolvedPrincipal): RuleResult | undefined {
  let access = answers.get(principal);
  if (!access) {
    access = adminAccess(principal);
    answers.set(principal, access);
  }
  if (!access.admin || access.conditional) return undefined;
  return notApplicable(
    principal.arn,
    resourceTypeOf(principal.principal.kind),
    'administrator-equivalent: reported once, by iam-admin-access',
  );
}
