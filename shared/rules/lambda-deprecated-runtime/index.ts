import type { LambdaFunction } from '../../snapshot/account-snapshot.ts';
import type { FunctionRule, RuleContext, RuleResult } from '../rule-types.ts';
import { fail, notApplicable, pass } from '../support/results.ts';
import { LIFECYCLE_CHECKED, RUNTIME_LIFECYCLE, reached } from './runtime-lifecycle.ts';

const TYPE = 'AWS::Lambda::Function' as const;
const DAY = 86_400_000;

function evaluate(fn: LambdaFunction, ctx: RuleContext): RuleResult[] {
  if (!fn.runtime) {
    const why =
      fn.packageType === 'Image'
        ? 'a container image brings its own runtime'
        : 'no runtime in the configuration';
    return [notApplicable(fn.arn, TYPE, why)];
  }
  const lifecycle = RUNTIME_LIFECYCLE[fn.runtime];
  if (!lifecycle) return [pass(fn.arn, TYPE, `runtime ${fn.runtime} has no announced deprecation`)];
  if (!reached(lifecycle.deprecated, ctx.now)) {
    const days = Math.ceil((Date.parse(`${lifecycle.deprecated}T00:00:00Z`) - ctx.now.getTime()) / DAY);
    return [
      pass(fn.arn, TYPE, `runtime ${fn.runtime} is supported until ${lifecycle.deprecated} (${days} days)`),
    ];
  }
  const createBlocked = reached(lifecycle.blockCreate, ctx.now);
  const updateBlocked = reached(lifecycle.blockUpdate, ctx.now);
  const stage = updateBlocked
    ? `updates blocked since ${lifecycle.blockUpdate}`
    : createBlocked
      ? `creation blocked since ${lifecycle.blockCreate}, updates blocked from ${lifecycle.blockUpdate}`
      : `updates blocked from ${lifecycle.blockUpdate}`;
  const result = fail(
    fn.arn,
    TYPE,
    `function ${fn.name} runs on ${lifecycle.name} (${fn.runtime}), deprecated since ${lifecycle.deprecated}: ${stage}`,
    {
      runtime: fn.runtime,
      deprecated: lifecycle.deprecated,
      blockCreate: lifecycle.blockCreate,
      blockUpdate: lifecycle.blockUpdate,
      createBlocked,
      updateBlocked,
      severity: updateBlocked ? 'high' : 'medium',
      scheduleChecked: LIFECYCLE_CHECKED,
    },
  );
  // Once updates are blocked, even a security fix to the code cannot be deployed without a runtime upgrade.
  if (updateBlocked) result.severity = 'high';
  return [result];
}

export const rule: FunctionRule = {
  id: 'lambda-deprecated-runtime',
  title: 'Function runs on a deprecated runtime',
  severity: 'medium',
  resourceType: 'AWS::Lambda::Function',
  scope: 'function',
  evaluator: 'lambda-config',
  rationale:
    'After a runtime is deprecated, AWS no longer patches its language runtime or operating system and the ' +
    'function is not eligible for technical support. Later Lambda blocks creating and then updating functions ' +
    'on it: from then on even an urgent security fix to the code cannot ship without a runtime upgrade, which is ' +
    'why the finding becomes high once updates are blocked.',
  remediation: {
    summary: 'Upgrade the function to a supported runtime of the same language and redeploy.',
    cli: 'aws lambda update-function-configuration --function-name FUNCTION --runtime nodejs24.x',
    cdk: 'new lambda.Function(this, "Fn", { runtime: lambda.Runtime.NODEJS_24_X, ... })',
  },
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html#runtime-support-policy',
    'https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html',
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
