import type { LambdaFunction } from '../../snapshot/account-snapshot.ts';
import type { FunctionRule, RuleResult } from '../rule-types.ts';
import { fail, notApplicable, pass, unknown } from '../support/results.ts';
import { classifyVariable } from './secret-detectors.ts';

const TYPE = 'AWS::Lambda::Function' as const;

/** One FAIL per variable holding a secret; evidence carries the name, the detector and the length, never the value. */
function evaluate(fn: LambdaFunction): RuleResult[] {
  const names = Object.keys(fn.environment).sort();
  if (names.length === 0) return [notApplicable(fn.arn, TYPE, 'function has no environment variables')];
  const results: RuleResult[] = [];
  const redacted: string[] = [];
  for (const name of names) {
    const value = fn.environment[name] ?? '';
    const verdict = classifyVariable(name, value);
    if (verdict.kind === 'redacted') redacted.push(name);
    if (verdict.kind !== 'secret') continue;
    results.push(
      fail(
        fn.arn,
        TYPE,
        `environment variable ${name} of function ${fn.name} holds a literal secret ` +
          `(${verdict.detector}, ${value.length} characters)`,
        { variable: name, detector: verdict.detector, length: value.length },
        name,
      ),
    );
  }
  if (redacted.length > 0) {
    results.push(
      unknown(
        fn.arn,
        TYPE,
        `values of ${redacted.join(', ')} were redacted by CloudTrail: read the function configuration ` +
          '(lambda:GetFunctionConfiguration) to check them',
      ),
    );
  }
  return results.length
    ? results
    : [pass(fn.arn, TYPE, `no secret in ${names.length} environment variables`)];
}

export const rule: FunctionRule = {
  id: 'lambda-env-secrets',
  title: 'Secret stored in a function environment variable',
  severity: 'high',
  resourceType: 'AWS::Lambda::Function',
  scope: 'function',
  evaluator: 'lambda-config',
  rationale:
    'Environment variables are returned in plain text to anyone allowed lambda:GetFunctionConfiguration ' +
    '(read-only roles, auditors, CI), copied into CloudFormation templates, state files and logs, and cannot be ' +
    'rotated without a redeploy. Keys such as AWS access keys, private keys and API tokens belong in Secrets ' +
    'Manager or SSM Parameter Store (SecureString), read at run time by the function.',
  remediation: {
    summary:
      'Move the secret to Secrets Manager or a SecureString parameter, pass its ARN or name instead, rotate the ' +
      'exposed value, and read it at run time (e.g. the Parameters and Secrets Lambda extension).',
    cli:
      'aws secretsmanager create-secret --name FUNCTION/VARIABLE --secret-string file://secret.txt && ' +
      'aws lambda update-function-configuration --function-name FUNCTION --environment "Variables={VARIABLE_ARN=SECRET_ARN}"',
    cdk: 'const secret = secretsmanager.Secret.fromSecretNameV2(this, "S", "name"); secret.grantRead(fn); fn.addEnvironment("SECRET_ARN", secret.secretArn)',
  },
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html',
    'https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets_lambda.html',
    'https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-integration-lambda-extensions.html',
  ],
  triggers: [
    {
      source: 'aws.lambda',
      eventNames: [
        'CreateFunction20150331',
        'UpdateFunctionConfiguration20150331v2',
        'DeleteFunction20150331',
      ],
    },
  ],
  readActions: ['lambda:GetFunctionConfiguration', 'lambda:ListFunctions'],
  evaluate,
};
