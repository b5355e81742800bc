import { accountOf, parseArn } from '../../engine/arn.ts';
import type { LambdaFunction } from '../../snapshot/account-snapshot.ts';
import type { FunctionRule, RuleContext, RuleResult } from '../rule-types.ts';
import { fail, notApplicable, pass } from '../support/results.ts';

const TYPE = 'AWS::Lambda::Function' as const;

/**
 * Accounts that publish widely used public layers, named in evidence only. They are still foreign: code from
 * them runs inside the function with its role, and the publisher decides what a new layer version contains.
 * Trust them by adding the account to knownAccounts. (Lambda Insights and the Parameters and Secrets extension
 * publish from one account per Region; the us-east-1 ones are listed.)
 */
const WELL_KNOWN_PUBLISHERS: Readonly<Record<string, string>> = {
  '094274105915': 'Powertools for AWS Lambda (TypeScript)',
  '017000801446': 'Powertools for AWS Lambda (Python)',
  '580247275435': 'Amazon CloudWatch Lambda Insights (us-east-1)',
  '177933569100': 'AWS Parameters and Secrets Lambda Extension (us-east-1)',
};

/** `arn:aws:lambda:us-east-1:123456789012:layer:name:3` → `{ name, version }`. */
function layerParts(arn: string): { name: string; version: string } | undefined {
  const parsed = parseArn(arn);
  if (parsed?.service !== 'lambda' || !parsed.resource.startsWith('layer:')) return undefined;
  const [, name, version] = parsed.resource.split(':');
  return name ? { name, version: version ?? '' } : undefined;
}

function evaluate(fn: LambdaFunction, ctx: RuleContext): RuleResult[] {
  if (fn.layers.length === 0) return [notApplicable(fn.arn, TYPE, 'function uses no layers')];
  const own = accountOf(fn.arn);
  const results: RuleResult[] = [];
  for (const layer of fn.layers) {
    const account = accountOf(layer);
    const parts = layerParts(layer);
    if (!account || !parts || account === own || ctx.config.knownAccounts.includes(account)) continue;
    const publisher = WELL_KNOWN_PUBLISHERS[account];
    results.push(
      fail(
        fn.arn,
        TYPE,
        `function ${fn.name} runs code from layer ${parts.name} of account ${account}` +
          (publisher ? ` (${publisher})` : '') +
          ', which is not a known account',
        {
          layer,
          account,
          layerName: parts.name,
          version: parts.version,
          publisher: publisher ?? null,
        },
        // Without the version: upgrading the layer keeps the same finding.
        `${account}:${parts.name}`,
      ),
    );
  }
  return results.length
    ? results
    : [
        pass(
          fn.arn,
          TYPE,
          `all ${fn.layers.length} layers come from the function's account or known accounts`,
        ),
      ];
}

export const rule: FunctionRule = {
  id: 'lambda-cross-account-layer',
  title: 'Function uses a layer from an unknown account',
  severity: 'high',
  resourceType: 'AWS::Lambda::Function',
  scope: 'function',
  evaluator: 'lambda-config',
  rationale:
    'A layer is code that runs inside the function with its execution role and sees every event and secret it ' +
    'handles. A layer published by another account is a supply-chain dependency that account controls; a typo ' +
    'in an account id or a layer shared by a stranger gives them code execution. Well-known publishers ' +
    '(Powertools, Lambda Insights) are reported too until their account is added to knownAccounts.',
  remediation: {
    summary:
      'Use layers published in your own account (copy and pin the content you reviewed), or add the publisher ' +
      'account to knownAccounts if you trust it.',
    cli: 'aws lambda update-function-configuration --function-name FUNCTION --layers arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION',
    cdk: 'new lambda.LayerVersion(this, "Deps", { code: lambda.Code.fromAsset("layer") }) in your own stack instead of LayerVersion.fromLayerVersionArn(...) for a foreign ARN',
  },
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/chapter-layers.html',
    'https://docs.aws.amazon.com/lambda/latest/dg/permissions-layer-cross-account.html',
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
