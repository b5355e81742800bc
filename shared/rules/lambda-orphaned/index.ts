import type { LambdaFunction } from '../../snapshot/account-snapshot.ts';
import type { FunctionRule, RuleContext, RuleResult } from '../rule-types.ts';
import { fail, notApplicable, pass, unknown } from '../support/results.ts';

const TYPE = 'AWS::Lambda::Function' as const;
/** The snapshot holds the CloudWatch Invocations sum over this many days. */
const METRIC_WINDOW_DAYS = 90;
const DAY = 86_400_000;

/**
 * Zero invocations over the 90-day metric window proves no invocation over any threshold up to 90 days. A
 * threshold above 90 cannot be proven from the snapshot (UNKNOWN). A function changed within the threshold is
 * too new to call orphaned (its metrics may predate it). A missing count is NOT_APPLICABLE: the inventory was
 * collected without metrics.
 */
function evaluate(fn: LambdaFunction, ctx: RuleContext): RuleResult[] {
  const threshold = ctx.config.thresholds.orphanedFunctionDays;
  if (fn.invocations90d === undefined) {
    return [
      notApplicable(
        fn.arn,
        TYPE,
        'no invocation count in the snapshot (collect it with cloudwatch:GetMetricStatistics)',
      ),
    ];
  }
  if (fn.invocations90d > 0) {
    return [pass(fn.arn, TYPE, `invoked ${fn.invocations90d} times in the last ${METRIC_WINDOW_DAYS} days`)];
  }
  if (threshold > METRIC_WINDOW_DAYS) {
    return [
      unknown(
        fn.arn,
        TYPE,
        `not invoked in ${METRIC_WINDOW_DAYS} days; the snapshot cannot show ${threshold} days (orphanedFunctionDays)`,
      ),
    ];
  }
  const modified =
    fn.lastModified === undefined
      ? Number.NaN
      : Date.parse(fn.lastModified.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (!Number.isNaN(modified) && ctx.now.getTime() - modified < threshold * DAY) {
    const days = Math.floor((ctx.now.getTime() - modified) / DAY);
    return [pass(fn.arn, TYPE, `not invoked yet, but changed ${days} days ago: too recent to call orphaned`)];
  }
  return [
    fail(fn.arn, TYPE, `function ${fn.name} has not been invoked in ${METRIC_WINDOW_DAYS} days`, {
      invocations: 0,
      windowDays: METRIC_WINDOW_DAYS,
      thresholdDays: threshold,
      lastModified: fn.lastModified ?? null,
      role: fn.role,
    }),
  ];
}

export const rule: FunctionRule = {
  id: 'lambda-orphaned',
  title: 'Function has not been invoked for months',
  severity: 'low',
  resourceType: 'AWS::Lambda::Function',
  scope: 'function',
  evaluator: 'lambda-config',
  rationale:
    'A function nobody invokes still holds an execution role, triggers, URLs and permissions: attack surface ' +
    'without an owner watching it, often on an old runtime with old dependencies. Deleting it (and its role) ' +
    'removes the surface; if it must stay, its permissions should be reviewed like any other.',
  remediation: {
    summary: 'Confirm with the owner, then delete the function, its triggers and its execution role.',
    cli: 'aws lambda delete-function --function-name FUNCTION && aws iam delete-role --role-name ROLE',
    cdk: 'Remove the Function construct (and its event sources) from the stack and deploy.',
  },
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html',
    'https://docs.aws.amazon.com/wellarchitected/latest/serverless-applications-lens/identity-and-access-management.html',
  ],
  triggers: [{ source: 'aws.lambda', eventNames: ['CreateFunction20150331', 'DeleteFunction20150331'] }],
  readActions: ['lambda:ListFunctions', 'lambda:GetFunctionConfiguration', 'cloudwatch:GetMetricStatistics'],
  evaluate,
};
