import type { AccountSnapshot } from '../../snapshot/account-snapshot.ts';
import type { ResolvedPrincipal } from '../../snapshot/principal-policies.ts';
import type { Evidence, PrincipalRule, RuleContext, RuleResult } from '../rule-types.ts';
import { fail, notApplicable, pass, unknown } from '../support/results.ts';

const DAY_MS = 86_400_000;
/** How far back IAM tracks RoleLastUsed: an empty value means "no use in this window". */
const TRACKING_DAYS = 400;

function daysBetween(from: number, to: Date): number {
  return Math.floor((to.getTime() - from) / DAY_MS);
}

const byRole = new WeakMap<AccountSnapshot, Map<string, string[]>>();

/** Function names by execution role ARN, built once per snapshot. */
function functionsByRole(snapshot: AccountSnapshot): Map<string, string[]> {
  let map = byRole.get(snapshot);
  if (!map) {
    map = new Map();
    for (const fn of snapshot.functions ?? []) {
      const list = map.get(fn.role) ?? [];
      list.push(fn.name);
      map.set(fn.role, list);
    }
    byRole.set(snapshot, map);
  }
  return map;
}

function evaluate(principal: ResolvedPrincipal, ctx: RuleContext): RuleResult[] {
  const role = principal.principal;
  const type = 'AWS::IAM::Role' as const;
  if (role.kind !== 'role') return [notApplicable(principal.arn, type, 'only roles record their last use')];
  if (role.path.startsWith('/aws-service-role/')) {
    return [
      notApplicable(principal.arn, type, `role ${role.name} is service-linked: AWS creates and deletes it`),
    ];
  }
  const threshold = ctx.config.thresholds.unusedRoleDays;
  if (role.lastUsed === undefined) {
    return [
      unknown(
        principal.arn,
        type,
        `the snapshot does not say when role ${role.name} was last used (RoleLastUsed missing; iam:GetRole returns it)`,
      ),
    ];
  }
  const functions = functionsByRole(ctx.snapshot).get(role.arn) ?? [];
  const evidence: Evidence = { thresholdDays: threshold };
  if (functions.length) evidence.functions = functions;
  if (role.createDate) evidence.createDate = role.createDate;
  if (role.lastUsed.date !== undefined) {
    const last = Date.parse(role.lastUsed.date);
    if (Number.isNaN(last)) {
      return [
        unknown(
          principal.arn,
          type,
          `role ${role.name} has an unreadable last-used date: ${role.lastUsed.date}`,
        ),
      ];
    }
    const days = daysBetween(last, ctx.now);
    if (days < threshold) {
      return [
        pass(
          principal.arn,
          type,
          `role ${role.name} was used ${Math.max(days, 0)} days ago (threshold ${threshold})`,
        ),
      ];
    }
    evidence.lastUsedDate = role.lastUsed.date;
    if (role.lastUsed.region) evidence.lastUsedRegion = role.lastUsed.region;
    evidence.daysUnused = days;
    return [
      fail(
        principal.arn,
        type,
        `role ${role.name} was last used ${days} days ago (${role.lastUsed.date.slice(0, 10)}` +
          `${role.lastUsed.region ? ` in ${role.lastUsed.region}` : ''}; threshold ${threshold} days)` +
          (functions.length ? `; still the role of ${functions.join(', ')}` : ''),
        evidence,
      ),
    ];
  }
  // IAM reports no use within its tracking window: decide by the role's age.
  const created = role.createDate ? Date.parse(role.createDate) : Number.NaN;
  if (Number.isNaN(created)) {
    return [
      unknown(
        principal.arn,
        type,
        `role ${role.name} has no recorded use and the snapshot has no creation date for it`,
      ),
    ];
  }
  const age = daysBetween(created, ctx.now);
  if (age < threshold) {
    return [
      pass(
        principal.arn,
        type,
        `role ${role.name} was created ${Math.max(age, 0)} days ago and has not been used yet`,
      ),
    ];
  }
  evidence.daysSinceCreation = age;
  return [
    fail(
      principal.arn,
      type,
      `role ${role.name} has no recorded use (IAM tracks the last ${TRACKING_DAYS} days) and was created ${age} days ago` +
        ` (threshold ${threshold} days)` +
        (functions.length ? `; still the role of ${functions.join(', ')}` : ''),
      { ...evidence, lastUsedDate: null },
    ),
  ];
}

export const rule: PrincipalRule = {
  id: 'iam-unused-role',
  title: 'Role has not been used for a long time',
  severity: 'low',
  resourceType: 'AWS::IAM::Role',
  scope: 'principal',
  principalKinds: ['role'],
  evaluator: 'activity',
  rationale:
    'A role nobody has assumed for months (RoleLastUsed older than thresholds.unusedRoleDays, default 90, or ' +
    'never used and created longer ago than that) is standing access with no owner watching it: the role of a ' +
    'deleted function, a forgotten deployment pipeline or an old cross-account integration. Its trust policy ' +
    'and permissions still work for whoever can assume it. Service-linked roles (path /aws-service-role/) are ' +
    'managed by AWS and not applicable; a snapshot without RoleLastUsed gives UNKNOWN.',
  remediation: {
    summary:
      'Delete the role (or remove it from the stack) after confirming nothing uses it; detach its policies and instance profiles first.',
    cli:
      'aws iam get-role --role-name ROLE --query Role.RoleLastUsed && aws iam list-attached-role-policies ' +
      '--role-name ROLE && aws iam delete-role --role-name ROLE',
    cdk: 'Remove the unused iam.Role (or the function that owned it) from the stack and deploy.',
  },
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed.html',
    'https://docs.aws.amazon.com/IAM/latest/APIReference/API_RoleLastUsed.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#remove-credentials',
  ],
  triggers: [{ source: 'aws.iam', eventNames: ['CreateRole', 'DeleteRole'] }],
  readActions: ['iam:GetAccountAuthorizationDetails', 'iam:ListRoles', 'iam:GetRole'],
  evaluate,
};
