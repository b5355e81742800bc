/**
 * "Workload role": a role that a compute service (by default Lambda) may assume — the credentials an attacker
 * gets when one function is compromised.
 */
import { matchesActionPattern } from '../../engine/action-match.ts';
import type { Role } from '../../snapshot/account-snapshot.ts';

/** Service principals trusted by the role's trust policy (Allow statements that cover sts:AssumeRole). */
export function trustedServices(role: Role): string[] {
  if (!role.trustPolicy.ok) return [];
  const services = new Set<string>();
  for (const statement of role.trustPolicy.policy.statements) {
    if (statement.effect !== 'Allow' || !statement.principal) continue;
    const assumes = (statement.actions ?? []).some((a) => matchesActionPattern(a, 'sts:AssumeRole'));
    if (!assumes) continue;
    for (const service of statement.principal.service) services.add(service);
  }
  return [...services].sort();
}

export function isWorkloadRole(role: Role, workloadServices: readonly string[]): boolean {
  return trustedServices(role).some((s) => workloadServices.includes(s));
}
