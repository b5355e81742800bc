import type { LambdaFunction } from '../../snapshot/account-snapshot.ts';
import type { FunctionRule, RuleResult } from '../rule-types.ts';
import { fail, notApplicable, pass } from '../support/results.ts';

const TYPE = 'AWS::Lambda::Function' as const;

function evaluate(fn: LambdaFunction): RuleResult[] {
  if (!fn.url) return [notApplicable(fn.arn, TYPE, 'function has no function URL')];
  if (fn.url.authType !== 'NONE') {
    return [pass(fn.arn, TYPE, `function URL requires ${fn.url.authType} authentication`)];
  }
  const evidence = { authType: fn.url.authType, ...(fn.url.url ? { url: fn.url.url } : {}) };
  return [
    fail(
      fn.arn,
      TYPE,
      `function ${fn.name} has a function URL with AuthType NONE: Lambda does not authenticate callers`,
      evidence,
    ),
  ];
}

export const rule: FunctionRule = {
  id: 'lambda-url-auth-none',
  title: 'Function URL without authentication',
  severity: 'high',
  resourceType: 'AWS::Lambda::Function',
  scope: 'function',
  evaluator: 'lambda-config',
  rationale:
    'A function URL with AuthType NONE is an HTTPS endpoint on the internet that Lambda does not authenticate: ' +
    'whoever finds the URL can call the function, and every call runs with the execution role and is billed to ' +
    'you. Unless the function authenticates each request itself (and is meant to be public), use AWS_IAM or put ' +
    'API Gateway or CloudFront with origin access control in front.',
  remediation: {
    summary:
      'Switch the URL to AWS_IAM authentication, or delete it and expose the function through API Gateway.',
    cli: 'aws lambda update-function-url-config --function-name FUNCTION --auth-type AWS_IAM',
    cdk: 'fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM })',
  },
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html',
    'https://docs.aws.amazon.com/lambda/latest/dg/urls-configuration.html',
  ],
  triggers: [
    {
      source: 'aws.lambda',
      eventNames: [
        'CreateFunctionUrlConfig20211031',
        'UpdateFunctionUrlConfig20211031',
        'DeleteFunctionUrlConfig20211031',
        'DeleteFunction20150331',
      ],
    },
  ],
  readActions: ['lambda:GetFunctionUrlConfig', 'lambda:ListFunctionUrlConfigs', 'lambda:ListFunctions'],
  evaluate,
};
