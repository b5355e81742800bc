import type { LambdaFunction } from '../../snapshot/account-snapshot.ts';
import type { AccountRule, RuleContext, RuleResult } from '../rule-types.ts';
import { fail, notApplicable, pass } from '../support/results.ts';

const TYPE = 'AWS::IAM::Role' as const;

function evaluate(ctx: RuleContext): RuleResult[] {
  const { snapshot } = ctx;
  const account = `arn:${snapshot.partition}:iam::${snapshot.accountId}:root`;
  if (!snapshot.functions) return [notApplicable(account, TYPE, 'no Lambda inventory in the snapshot')];
  const byRole = new Map<string, LambdaFunction[]>();
  for (const fn of snapshot.functions) {
    const fns = byRole.get(fn.role) ?? [];
    fns.push(fn);
    byRole.set(fn.role, fns);
  }
  const results: RuleResult[] = [];
  for (const [role, fns] of [...byRole].sort(([a], [b]) => a.localeCompare(b))) {
    // The same function deployed to several Regions is one workload: only distinct names count.
    const names = [...new Set(fns.map((fn) => fn.name))].sort();
    if (names.length < 2) continue;
    results.push(
      fail(role, TYPE, `execution role is shared by ${names.length} functions: ${names.join(', ')}`, {
        role,
        functions: names,
        functionArns: fns.map((fn) => fn.arn).sort(),
        count: names.length,
      }),
    );
  }
  if (results.length === 0) {
    return [pass(account, TYPE, `each of ${snapshot.functions.length} functions has its own execution role`)];
  }
  return results;
}

export const rule: AccountRule = {
  id: 'lambda-shared-role',
  title: 'Execution role shared by several functions',
  severity: 'medium',
  resourceType: 'AWS::IAM::Role',
  scope: 'account',
  evaluator: 'lambda-config',
  rationale:
    'Functions that share one execution role hold the union of what each of them needs: a bug or injection in ' +
    'the least trusted function (a public API handler) gives access to the data of the most privileged one ' +
    '(a payments processor). One role per function keeps each blast radius to the function itself.',
  remediation: {
    summary: 'Create one execution role per function with only the permissions that function uses.',
    cli: 'aws lambda update-function-configuration --function-name FUNCTION --role arn:aws:iam::ACCOUNT:role/FUNCTION-role',
    cdk: 'Omit the `role` prop so each lambda.Function creates its own role, and grant per function (table.grantReadData(fn)).',
  },
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html',
    'https://docs.aws.amazon.com/wellarchitected/latest/serverless-applications-lens/identity-and-access-management.html',
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
  readActions: ['lambda:ListFunctions', 'lambda:GetFunctionConfiguration'],
  evaluate,
};
