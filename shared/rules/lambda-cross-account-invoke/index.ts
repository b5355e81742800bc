import { accountOf } from '../../engine/arn.ts';
import type { LambdaFunction } from '../../snapshot/account-snapshot.ts';
import type { FunctionRule, RuleContext, RuleResult } from '../rule-types.ts';
import { probeForeignAccounts, statementList } from '../support/foreign-callers.ts';
import { describeStatement, fail, notApplicable, pass, unknown } from '../support/results.ts';

const TYPE = 'AWS::Lambda::Function' as const;
const INVOKE_ACTIONS = ['lambda:InvokeFunction', 'lambda:InvokeFunctionUrl'];

/**
 * For each account the function policy names (its root or a principal in it), other than the function's own and
 * the known accounts, a principal of that account asks to invoke from an organisation that is not ours. If it gets
 * through, the account can run the function.
 */
function evaluate(fn: LambdaFunction, ctx: RuleContext): RuleResult[] {
  if (!fn.policy) return [notApplicable(fn.arn, TYPE, 'function has no resource-based policy')];
  if (!fn.policy.ok) return [unknown(fn.arn, TYPE, 'function policy cannot be parsed (see policy-invalid)')];
  const access = probeForeignAccounts(fn.policy.policy, {
    resource: fn.arn,
    actions: INVOKE_ACTIONS,
    ownAccount: accountOf(fn.arn),
    knownAccounts: ctx.config.knownAccounts,
  });
  if (access.length === 0) return [pass(fn.arn, TYPE, 'function policy grants invoke to no unknown account')];
  return access.map((a) => {
    const first = a.grantedBy[0];
    const conditional = a.allowed === 'unknown';
    return fail(
      fn.arn,
      TYPE,
      `account ${a.account} can invoke function ${fn.name}` +
        (first ? ` through ${describeStatement(first)}` : '') +
        (conditional ? ', under some conditions' : ''),
      {
        account: a.account,
        principals: a.principals,
        actions: a.actions,
        policy: first?.policyId ?? `function-policy:${fn.name}`,
        statements: statementList(a.grantedBy),
        conditional,
      },
      a.account,
    );
  });
}

export const rule: FunctionRule = {
  id: 'lambda-cross-account-invoke',
  title: 'Function can be invoked from an unknown account',
  severity: 'high',
  resourceType: 'AWS::Lambda::Function',
  scope: 'function',
  evaluator: 'lambda-policies',
  rationale:
    'A function policy that names another account (its root, or a role or user in it) lets that account run the ' +
    'function with its execution role, its data access and at your cost. Grants to accounts you do not list in ' +
    'knownAccounts are often left over from a test, a partner integration that ended, or a typo in an account id.',
  remediation: {
    summary:
      'Remove the statement granting the unknown account, or add the account to knownAccounts if it is yours.',
    cli: 'aws lambda remove-permission --function-name FUNCTION --statement-id SID',
    cdk: 'Remove fn.grantInvoke(new iam.AccountPrincipal("...")) / fn.addPermission(...) for the account, or scope it with principalOrgId.',
  },
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-cross-account.html',
    'https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html',
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
