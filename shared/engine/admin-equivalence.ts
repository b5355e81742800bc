/**
 * "Administrator-equivalent": allowed every action on every resource (Action "*", "*:*", a NotAction with a
 * tiny exclusion, AdministratorAccess), after Deny, boundary and conditions.
 */
import { expandActionPattern, listServices, lookupAction } from '../catalogue/action-catalogue.ts';
import { evaluateRequest, type StatementRef } from './evaluate.ts';
import type { Policy } from './policy-types.ts';
import { type PrincipalPolicies, policySetFor } from './principal-analysis.ts';

/** Actions an administrator holds; every one must be allowed on `*`. */
const CORE_ACTIONS = [
  'iam:CreateUser',
  'iam:AttachRolePolicy',
  'iam:PutRolePolicy',
  'iam:CreateAccessKey',
  'sts:AssumeRole',
  'ec2:RunInstances',
  's3:GetObject',
  'lambda:UpdateFunctionCode',
  'kms:Decrypt',
];

/** Share of services (one probe action each) that must be allowed: NotAction with a tiny exclusion still counts. */
const SERVICE_SHARE = 0.95;

let probes: string[] | undefined;
function serviceProbes(): string[] {
  probes ??= listServices()
    .map((s) => expandActionPattern(`${s.key}:*`)[0]?.id)
    .filter((id): id is string => id !== undefined);
  return probes;
}

export type AdminAccess =
  | { admin: false; reason: string }
  | {
      admin: true;
      conditional: boolean;
      grantedBy: StatementRef;
      servicesAllowed: number;
      servicesProbed: number;
    };

/** Cheap structural precheck: some Allow on every resource with a wildcard action or a NotAction. */
export function hasBroadAllow(policies: readonly Policy[]): boolean {
  return policies.some((p) =>
    p.statements.some(
      (s) =>
        s.effect === 'Allow' &&
        (s.resources?.includes('*') || s.notResources !== undefined) &&
        (s.notActions !== undefined || s.actions?.some((a) => a === '*' || a.startsWith('*:'))),
    ),
  );
}

export function adminAccess(principal: PrincipalPolicies): AdminAccess {
  if (!hasBroadAllow(principal.policies)) {
    return { admin: false, reason: 'no statement allows every action on every resource' };
  }
  // Only broad Allows, Denies that can reach `*`, and the boundary decide: evaluate that reduced set (a principal
  // with twenty large managed policies then costs a handful of statements per probe, not thousands).
  const reduced: Policy[] = [];
  for (const policy of principal.policies) {
    const statements = policy.statements.filter((s) =>
      s.effect === 'Allow'
        ? (s.resources?.includes('*') || s.notResources !== undefined) &&
          (s.notActions !== undefined || s.actions?.some((a) => a === '*' || a.startsWith('*:')))
        : s.resources === undefined || s.resources.includes('*'),
    );
    if (statements.length > 0) reduced.push({ ...policy, statements });
  }
  const set = policySetFor({ ...principal, policies: reduced });
  const check = (action: string) =>
    evaluateRequest({ principal: principal.arn, action, resource: '*', missingKeys: 'unknown' }, set);
  const core = CORE_ACTIONS.map((action) => ({ action, result: check(lookupAction(action)?.id ?? action) }));
  const blocked = core.filter((c) => c.result.allowed === 'false').map((c) => c.action);
  if (blocked.length > 0)
    return { admin: false, reason: `broad grant, but ${blocked.join(', ')} not allowed` };
  const all = serviceProbes();
  let allowed = 0;
  for (const action of all) if (check(action).allowed !== 'false') allowed++;
  if (allowed / all.length < SERVICE_SHARE) {
    return {
      admin: false,
      reason: `broad grant limited to ${((allowed / all.length) * 100).toFixed(0)}% of services`,
    };
  }
  const grantedBy = core[0]?.result.allowedBy.find((r) => r.effect === 'Allow');
  if (!grantedBy) return { admin: false, reason: 'no Allow statement found' };
  return {
    admin: true,
    conditional: core.some((c) => c.result.allowed === 'unknown'),
    grantedBy,
    servicesAllowed: allowed,
    servicesProbed: all.length,
  };
}
