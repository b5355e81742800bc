import { evaluateRequest } from '../../engine/evaluate.ts';
import type { LambdaFunction } from '../../snapshot/account-snapshot.ts';
import type { FunctionRule, RuleContext, RuleResult } from '../rule-types.ts';
import { CALLER_ALLOWS_EVERYTHING } from '../support/foreign-callers.ts';
import { OUTSIDER_PRINCIPAL, outsiderContext } from '../support/outsider.ts';
import {
  describeStatement,
  fail,
  notApplicable,
  pass,
  statementEvidence,
  unknown,
} from '../support/results.ts';

const INVOKE_ACTIONS = ['lambda:InvokeFunction', 'lambda:InvokeFunctionUrl'];

function evaluate(fn: LambdaFunction, _ctx: RuleContext): RuleResult[] {
  const type = 'AWS::Lambda::Function' as const;
  if (!fn.policy) return [notApplicable(fn.arn, type, 'function has no resource-based policy')];
  if (!fn.policy.ok) return [unknown(fn.arn, type, 'function policy cannot be parsed (see policy-invalid)')];
  const results: RuleResult[] = [];
  for (const action of INVOKE_ACTIONS) {
    const result = evaluateRequest(
      {
        principal: OUTSIDER_PRINCIPAL,
        action,
        resource: fn.arn,
        context: outsiderContext(),
        missingKeys: 'unknown',
      },
      // The outsider's own account grants it everything: only the function policy stands in the way.
      {
        identity: [CALLER_ALLOWS_EVERYTHING],
        resource: fn.policy.policy,
      },
    );
    if (result.allowed === 'false') continue;
    const granting = result.allowedBy.filter((r) => r.policyKind === 'resource');
    const first = granting[0];
    if (!first) continue;
    results.push(
      fail(
        fn.arn,
        type,
        `function ${fn.name} can be invoked by anyone (${action}) through ${describeStatement(first)}` +
          (result.allowed === 'unknown' ? ', unless other conditions stop it' : ''),
        { ...statementEvidence(first), action, principal: '*' },
        `${action}:${first.sid ?? first.statementIndex}`,
      ),
    );
  }
  return results.length
    ? results
    : [pass(fn.arn, type, 'function policy does not admit callers outside known accounts')];
}

export const rule: FunctionRule = {
  id: 'lambda-public-invoke',
  title: 'Function can be invoked by anyone',
  severity: 'critical',
  resourceType: 'AWS::Lambda::Function',
  scope: 'function',
  evaluator: 'lambda-policies',
  rationale:
    'A function policy that lets Principal "*" invoke without a condition fixing the source account, source ARN ' +
    'or organisation lets any AWS account run the function — with its role, its data access and its cost.',
  remediation: {
    summary:
      'Remove the public statement, or add aws:SourceAccount / aws:SourceArn / aws:PrincipalOrgID conditions.',
    cli: 'aws lambda remove-permission --function-name FUNCTION --statement-id SID',
    cdk: 'fn.addPermission("S3", { principal: new iam.ServicePrincipal("s3.amazonaws.com"), sourceArn: bucket.bucketArn, sourceAccount: stack.account })',
  },
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html',
  ],
  triggers: [
    {
      source: 'aws.lambda',
      eventNames: [
        'AddPermission20150331v2',
        'RemovePermission20150331v2',
        'CreateFunction20150331',
        'DeleteFunction20150331',
      ],
    },
  ],
  readActions: ['lambda:GetPolicy', 'lambda:GetFunctionConfiguration'],
  evaluate,
};
