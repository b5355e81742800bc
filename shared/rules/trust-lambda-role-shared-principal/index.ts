import { evaluateRequest } from '../../engine/evaluate.ts';
import type { Policy } from '../../engine/policy-types.ts';
import type { ResolvedPrincipal } from '../../snapshot/principal-policies.ts';
import type { PrincipalRule, RuleResult } from '../rule-types.ts';
import { CALLER_ALLOWS_EVERYTHING, statementList } from '../support/foreign-callers.ts';
import { OUTSIDER_PRINCIPAL } from '../support/outsider.ts';
import { fail, notApplicable, pass, unknown } from '../support/results.ts';

const TYPE = 'AWS::IAM::Role' as const;
const LAMBDA = 'lambda.amazonaws.com';
/** Lambda@Edge requires both lambda and edgelambda in the trust policy: together they are one workload. */
const LAMBDA_FAMILY = new Set([LAMBDA, 'edgelambda.amazonaws.com']);

interface Candidate {
  /** As reported: a service, an ARN, a federated provider, or `*`. */
  label: string;
  kind: 'service' | 'aws' | 'federated' | 'any';
  /** The caller the engine is asked about. */
  principal: string;
  actions: string[];
}

function candidatesOf(trust: Policy): Candidate[] {
  const seen = new Map<string, Candidate>();
  const add = (c: Candidate) => {
    if (!seen.has(`${c.kind}:${c.label}`)) seen.set(`${c.kind}:${c.label}`, c);
  };
  for (const statement of trust.statements) {
    if (statement.effect !== 'Allow') continue;
    if (statement.notPrincipal) {
      add({ label: '*', kind: 'any', principal: OUTSIDER_PRINCIPAL, actions: ['sts:AssumeRole'] });
    }
    const set = statement.principal;
    if (!set) continue;
    for (const service of set.service) {
      if (!LAMBDA_FAMILY.has(service))
        add({ label: service, kind: 'service', principal: service, actions: ['sts:AssumeRole'] });
    }
    for (const entry of set.aws) {
      if (entry === '*')
        add({ label: '*', kind: 'any', principal: OUTSIDER_PRINCIPAL, actions: ['sts:AssumeRole'] });
      else add({ label: entry, kind: 'aws', principal: entry, actions: ['sts:AssumeRole'] });
    }
    for (const provider of set.federated) {
      const action = provider.includes(':saml-provider/')
        ? 'sts:AssumeRoleWithSAML'
        : 'sts:AssumeRoleWithWebIdentity';
      add({ label: provider, kind: 'federated', principal: provider, actions: [action] });
    }
  }
  return [...seen.values()];
}

/**
 * Lambda is asked first (a Deny that removes it makes the role no Lambda role); then every other principal the
 * trust policy names is asked under an unknown context: one that may assume the role under some context shares
 * the function's credentials. A Deny that always applies to it removes it.
 */
function evaluate(principal: ResolvedPrincipal): RuleResult[] {
  const role = principal.principal;
  if (role.kind !== 'role') return [notApplicable(principal.arn, TYPE, 'not a role')];
  if (!role.trustPolicy.ok) {
    return [
      unknown(role.arn, TYPE, `trust policy of role ${role.name} cannot be parsed (see policy-invalid)`),
    ];
  }
  const trust = role.trustPolicy.policy;
  const namesLambda = trust.statements.some(
    (s) => s.effect === 'Allow' && s.principal?.service.includes(LAMBDA),
  );
  if (!namesLambda) return [notApplicable(role.arn, TYPE, 'not a Lambda execution role')];
  const ask = (caller: string, action: string) =>
    evaluateRequest(
      { principal: caller, action, resource: role.arn, context: {}, missingKeys: 'unknown' },
      { identity: [CALLER_ALLOWS_EVERYTHING], resource: trust },
    );
  if (ask(LAMBDA, 'sts:AssumeRole').allowed === 'false') {
    return [
      notApplicable(role.arn, TYPE, 'Lambda is denied by the trust policy: not a Lambda execution role'),
    ];
  }
  const shared: { candidate: Candidate; conditional: boolean; statements: string[] }[] = [];
  for (const candidate of candidatesOf(trust)) {
    for (const action of candidate.actions) {
      const result = ask(candidate.principal, action);
      if (result.allowed === 'false') continue;
      const refs = result.allowedBy.filter((r) => r.policyKind === 'trust');
      shared.push({ candidate, conditional: result.allowed === 'unknown', statements: statementList(refs) });
      break;
    }
  }
  if (shared.length === 0) return [pass(role.arn, TYPE, 'only Lambda may assume this execution role')];
  const labels = (kind: Candidate['kind']) =>
    shared.filter((s) => s.candidate.kind === kind).map((s) => s.candidate.label);
  const others = shared.map((s) => s.candidate.label);
  return [
    fail(role.arn, TYPE, `Lambda execution role ${role.name} is also trusted by ${others.join(', ')}`, {
      policy: `trust:${role.name}`,
      services: labels('service'),
      awsPrincipals: [...labels('aws'), ...labels('any')],
      federated: labels('federated'),
      statements: [...new Set(shared.flatMap((s) => s.statements))],
      conditional: shared.every((s) => s.conditional),
    }),
  ];
}

export const rule: PrincipalRule = {
  id: 'trust-lambda-role-shared-principal',
  title: 'Lambda execution role is shared with other principals',
  severity: 'medium',
  resourceType: 'AWS::IAM::Role',
  scope: 'principal',
  principalKinds: ['role'],
  evaluator: 'trust-policies',
  rationale:
    'A Lambda execution role that other services (EC2, ECS tasks, Step Functions), accounts, users or federated ' +
    'identities may also assume hands the function credentials to other workloads and people: a compromise of ' +
    'any of them is a compromise of the function, and least privilege for the function can no longer be ' +
    'reasoned about. Lambda@Edge (edgelambda.amazonaws.com) is part of Lambda and not reported.',
  remediation: {
    summary:
      'Give each workload its own role: keep only lambda.amazonaws.com in the execution role trust policy.',
    cli:
      'aws iam update-assume-role-policy --role-name ROLE --policy-document ' +
      '\'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}\'',
    cdk: 'Let each Function create its own role (omit `role`), or new iam.Role(this, "FnRole", { assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com") }) — not a CompositePrincipal',
  },
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html',
    'https://docs.aws.amazon.com/wellarchitected/latest/serverless-applications-lens/identity-and-access-management.html',
  ],
  triggers: [{ source: 'aws.iam', eventNames: ['CreateRole', 'UpdateAssumeRolePolicy', 'DeleteRole'] }],
  readActions: ['iam:GetRole', 'iam:ListRoles'],
  evaluate,
};
