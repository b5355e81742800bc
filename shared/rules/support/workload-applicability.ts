/**
 * For rules that only look at workload roles: the result that ends the evaluation when the principal is not
 * one (NOT_APPLICABLE), or when its trust policy could not be read to tell (UNKNOWN).
 */
import type { ResolvedPrincipal } from '../../snapshot/principal-policies.ts';
import type { RuleResult } from '../rule-types.ts';
import { notApplicable, resourceTypeOf, unknown } from './results.ts';
import { isWorkloadRole, trustedServices } from './workload-role.ts';

/** `undefined` when the principal is a workload role (the rule goes on); otherwise the result to return. */
export function workloadRoleGate(
  principal: ResolvedPrincipal,
  workloadServices: readonly string[],
): RuleResult | undefined {
  const p = principal.principal;
  const type = resourceTypeOf(p.kind);
  if (p.kind !== 'role') return notApplicable(principal.arn, type, `${p.kind}s are not workload roles`);
  if (!p.trustPolicy.ok) {
    return unknown(
      principal.arn,
      type,
      `trust policy of role ${p.name} is invalid (see policy-invalid): cannot tell whether it is a workload role`,
    );
  }
  if (!isWorkloadRole(p, workloadServices)) {
    const services = trustedServices(p);
    return notApplicable(
      principal.arn,
      type,
      `not a workload role (trusted by ${services.length ? services.join(', ') : 'no service'}; workload services: ${workloadServices.join(', ')})`,
    );
  }
  return undefined;
}
