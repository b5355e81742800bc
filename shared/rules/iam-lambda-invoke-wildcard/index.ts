import type { ResolvedPrincipal } from '../../snapshot/principal-policies.ts';
import type { PrincipalRule, RuleResult } from '../rule-types.ts';
import { coveredByAdminAccess } from '../support/admin-coverage.ts';
import { IDENTITY_POLICY_READ_ACTIONS, identityPolicyTriggers } from '../support/identity-policy-events.ts';
import { concludePrincipal } from '../support/missing-documents.ts';
import {
  conditionalSeverity,
  conditionNote,
  describeResources,
  grantEvidence,
  grantsOnEveryResource,
} from '../support/resource-grants.ts';
import { describeStatement, fail, resourceTypeOf } from '../support/results.ts';

const SEVERITY = 'high';
/** `lambda:InvokeAsync` is deprecated but still authorises asynchronous invocation. */
const INVOKE_ACTIONS = ['lambda:InvokeFunction', 'lambda:InvokeAsync'];

function evaluate(principal: ResolvedPrincipal): RuleResult[] {
  const covered = coveredByAdminAccess(principal);
  if (covered) return [covered];
  const type = resourceTypeOf(principal.principal.kind);
  const { kind, name } = principal.principal;
  const grants = grantsOnEveryResource(principal, { actions: INVOKE_ACTIONS });
  const reported = grants.filter((g) => !g.scopedByCondition);
  const scoped = grants.filter((g) => g.scopedByCondition);
  const findings: RuleResult[] = [];
  // One finding per principal: InvokeFunction and InvokeAsync are the same exposure, usually in one statement.
  const main = reported.find((g) => g.allowed === 'true') ?? reported[0];
  const first = main?.grantedBy[0];
  if (main && first) {
    const conditional = reported.every((g) => g.allowed === 'unknown');
    const result = fail(
      principal.arn,
      type,
      `${kind} ${name} can invoke every function (${reported.map((g) => g.action.id).join(', ')} on ` +
        `${describeResources(main)}) through ${describeStatement(first)}${conditional ? conditionNote(main) : ''}`,
      { ...grantEvidence(main), conditional, actions: reported.map((g) => g.action.id) },
    );
    if (conditional) result.severity = conditionalSeverity(SEVERITY);
    findings.push(result);
  }
  const passMessage = scoped.length
    ? `invoking every function is limited by ${[...new Set(scoped.flatMap((g) => g.conditionKeys))].join(', ')}`
    : 'lambda:InvokeFunction is not granted on every function';
  return concludePrincipal(principal, type, findings, passMessage, 'lambda:InvokeFunction on every function');
}

export const rule: PrincipalRule = {
  id: 'iam-lambda-invoke-wildcard',
  title: 'Principal can invoke every Lambda function',
  severity: SEVERITY,
  resourceType: 'AWS::IAM::Role',
  scope: 'principal',
  principalKinds: ['role', 'user', 'group'],
  evaluator: 'identity-policies',
  rationale:
    'lambda:InvokeFunction (or InvokeAsync, lambda:Invoke*, lambda:*) on "*" or on every function of an account ' +
    "(arn:aws:lambda:*:ACCOUNT:function:*) lets the principal run any function with that function's role and " +
    'input of its choosing: a compromised function can reach the data and permissions of every other function, ' +
    'including admin or deployment helpers. Invokes are data events, so CloudTrail usually does not even record ' +
    'them. Grants limited by a resource-scoping condition (aws:ResourceTag/...) are not reported; grants under ' +
    'other conditions are reported as conditional, one severity lower.',
  remediation: {
    summary: 'Grant lambda:InvokeFunction on the ARNs of the functions the principal calls.',
    cli:
      'aws iam put-role-policy --role-name ROLE --policy-name invoke-orders --policy-document ' +
      '\'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction",' +
      '"Resource":"arn:aws:lambda:REGION:ACCOUNT:function:orders-*"}]}\'',
    cdk: 'ordersFn.grantInvoke(callerRole) instead of a PolicyStatement with resources: ["*"].',
  },
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html',
    'https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html',
    'https://docs.aws.amazon.com/lambda/latest/dg/attribute-based-access-control.html',
  ],
  triggers: identityPolicyTriggers(),
  readActions: [...IDENTITY_POLICY_READ_ACTIONS],
  evaluate,
};
