import { nameFromArn } from '../../engine/arn.ts';
import { EscalationAnalysis, type EscalationPath } from '../../escalation/escalation-graph.ts';
import type { AccountSnapshot } from '../../snapshot/account-snapshot.ts';
import type { ResolvedPrincipal } from '../../snapshot/principal-policies.ts';
import type { Evidence, PrincipalRule, RuleContext, RuleResult } from '../rule-types.ts';
import { describeStatement, fail, pass, resourceTypeOf } from '../support/results.ts';

const analyses = new WeakMap<AccountSnapshot, EscalationAnalysis>();

/** One analysis per snapshot, shared by every principal of a scan. */
export function escalationAnalysisFor(snapshot: AccountSnapshot): EscalationAnalysis {
  let analysis = analyses.get(snapshot);
  if (!analysis) {
    analysis = new EscalationAnalysis(snapshot);
    analyses.set(snapshot, analysis);
  }
  return analysis;
}

/** Lets a caller that keeps an analysis up to date incrementally (the identity evaluator) share it with the rule. */
export function useEscalationAnalysis(snapshot: AccountSnapshot, analysis: EscalationAnalysis): void {
  analyses.set(snapshot, analysis);
}

function label(arn: string): string {
  return arn === 'ADMIN' ? 'administrator' : nameFromArn(arn);
}

export function pathEvidence(path: EscalationPath): Evidence {
  return {
    reaches: path.reaches,
    conditional: path.conditional,
    path: path.steps.map((step) => ({
      from: step.from,
      to: step.to,
      method: step.method,
      via: step.via,
      actions: step.grants.map((g) => g.action),
      statements: step.grants.flatMap((g) => g.allowedBy.map((ref) => describeStatement(ref))),
      ...(step.notes.length ? { notes: step.notes } : {}),
    })),
  };
}

function evaluate(principal: ResolvedPrincipal, ctx: RuleContext): RuleResult[] {
  const type = resourceTypeOf(principal.principal.kind);
  const analysis = escalationAnalysisFor(ctx.snapshot);
  if (analysis.isAdmin(principal.arn)) {
    return [pass(principal.arn, type, 'already administrator-equivalent (see iam-admin-access)')];
  }
  const path = analysis.pathFor(principal.arn);
  if (!path) return [pass(principal.arn, type, 'no path to administrator found')];
  const route = [principal.arn, ...path.steps.map((s) => s.to)].map(label).join(' → ');
  const methods = path.steps.map((s) => s.method).join(', ');
  return [
    fail(
      principal.arn,
      type,
      `${principal.principal.kind} ${principal.principal.name} can escalate to administrator in ${path.steps.length} ` +
        `step(s): ${route} (${methods})${path.conditional ? ', under some conditions' : ''}`,
      pathEvidence(path),
    ),
  ];
}

export const rule: PrincipalRule = {
  id: 'iam-privilege-escalation',
  title: 'Principal can escalate its own privileges to administrator',
  severity: 'critical',
  resourceType: 'AWS::IAM::Role',
  scope: 'principal',
  principalKinds: ['role', 'user'],
  evaluator: 'identity-policies',
  rationale:
    'A principal that can rewrite its own policies, mint credentials for others, pass a more privileged role to ' +
    'compute it controls, change the code of a function that runs as a more privileged role, or assume such a role ' +
    'is an administrator in waiting: stealing it (a leaked key, one compromised Lambda function) is enough to take ' +
    'the account. The analysis follows every path through the account, honouring Deny, boundaries, conditions and ' +
    'trust policies, and reports the shortest one.',
  remediation: {
    summary:
      'Break the first step of the reported path: scope iam:PassRole to specific low-privilege roles with an ' +
      'iam:PassedToService condition, remove IAM write actions from workload roles, and narrow trust policies.',
    cli: 'tripline escalation --principal ARN  # shows the path; then detach or scope the policy granting its first step',
    cdk: 'Use role.grantPassRole(principal) on one role instead of iam:PassRole on "*"; never add iam:* to function roles.',
  },
  references: [
    'https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html',
  ],
  triggers: [
    {
      source: 'aws.iam',
      eventNames: [
        'PutRolePolicy',
        'AttachRolePolicy',
        'DetachRolePolicy',
        'DeleteRolePolicy',
        'PutUserPolicy',
        'AttachUserPolicy',
        'DetachUserPolicy',
        'DeleteUserPolicy',
        'PutGroupPolicy',
        'AttachGroupPolicy',
        'DetachGroupPolicy',
        'DeleteGroupPolicy',
        'AddUserToGroup',
        'RemoveUserFromGroup',
        'CreatePolicyVersion',
        'SetDefaultPolicyVersion',
        'UpdateAssumeRolePolicy',
        'CreateRole',
        'DeleteRole',
        'PutRolePermissionsBoundary',
        'DeleteRolePermissionsBoundary',
        'PutUserPermissionsBoundary',
        'DeleteUserPermissionsBoundary',
      ],
    },
    {
      source: 'aws.lambda',
      eventNames: [
        'CreateFunction20150331',
        'UpdateFunctionConfiguration20150331v2',
        'DeleteFunction20150331',
      ],
    },
  ],
  readActions: [
    'iam:GetAccountAuthorizationDetails',
    'iam:GetRole',
    'iam:GetRolePolicy',
    'iam:GetUserPolicy',
    'iam:GetGroupPolicy',
    'iam:GetPolicyVersion',
    'iam:ListPolicyVersions',
    'lambda:ListFunctions',
  ],
  evaluate,
};
