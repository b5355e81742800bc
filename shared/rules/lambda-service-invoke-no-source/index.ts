import { evaluateRequest, type StatementRef } from '../../engine/evaluate.ts';
import type { Policy } from '../../engine/policy-types.ts';
import type { LambdaFunction } from '../../snapshot/account-snapshot.ts';
import type { FunctionRule, RuleResult } from '../rule-types.ts';
import { CALLER_ALLOWS_EVERYTHING } from '../support/foreign-callers.ts';
import { OUTSIDER_ACCOUNT, outsiderContext } from '../support/outsider.ts';
import {
  describeStatement,
  fail,
  notApplicable,
  pass,
  statementEvidence,
  unknown,
} from '../support/results.ts';

const TYPE = 'AWS::Lambda::Function' as const;
const SOURCE_ARN_KEY = 'aws:sourcearn';

/** `s3.amazonaws.com` → `s3`. */
function serviceName(principal: string): string {
  return principal.split('.')[0] ?? principal;
}

/** A wildcard pattern turned into one concrete value it matches. */
function instantiate(segment: string): string {
  return segment.replace(/\*+/g, 'x').replace(/\?/g, 'x');
}

/**
 * Source ARNs an outsider could own that the statement's own aws:SourceArn values might match: each value with
 * its account replaced by the outsider's (resources live in their owner's account) and its wildcards filled in.
 * S3 bucket ARNs carry no account: a literal bucket name is yours, a wildcard one can be claimed by anyone.
 */
function outsiderSourceArns(policy: Policy, service: string): string[] {
  const arns = new Set<string>([
    service === 's3'
      ? `arn:aws:s3:::outsider-bucket-${OUTSIDER_ACCOUNT}`
      : `arn:aws:${service}:us-east-1:${OUTSIDER_ACCOUNT}:outsider`,
  ]);
  for (const statement of policy.statements) {
    for (const clause of statement.conditions) {
      if (clause.key.toLowerCase() !== SOURCE_ARN_KEY) continue;
      for (const value of clause.values) {
        if (value.includes('${')) continue;
        const parts = value.split(':');
        if (parts.length < 6 || parts[0] !== 'arn') continue;
        if (parts[2] === 's3' && (parts[4] ?? '') === '') {
          if (/[*?]/.test(value)) arns.add(instantiate(value));
          continue;
        }
        parts[4] = OUTSIDER_ACCOUNT;
        arns.add(
          parts.map((part, i) => (i === 3 && part.includes('*') ? 'us-east-1' : instantiate(part))).join(':'),
        );
      }
    }
  }
  return [...arns];
}

/**
 * Each service principal the function policy names asks to invoke on behalf of an outsider: aws:SourceAccount,
 * aws:SourceOwner and aws:SourceOrgID are the outsider's, and aws:SourceArn is tried with outsider-owned ARNs
 * shaped like the ones the policy names. If one request gets through, the service can be made to invoke the
 * function for a resource in another account (confused deputy).
 */
function evaluate(fn: LambdaFunction): RuleResult[] {
  if (!fn.policy) return [notApplicable(fn.arn, TYPE, 'function has no resource-based policy')];
  if (!fn.policy.ok) return [unknown(fn.arn, TYPE, 'function policy cannot be parsed (see policy-invalid)')];
  const policy = fn.policy.policy;
  const services = new Set<string>();
  for (const statement of policy.statements) {
    if (statement.effect === 'Allow') for (const s of statement.principal?.service ?? []) services.add(s);
  }
  if (services.size === 0) return [notApplicable(fn.arn, TYPE, 'function policy names no service principal')];
  const results: RuleResult[] = [];
  for (const service of [...services].sort()) {
    let granted: { ref: StatementRef; conditional: boolean; sourceArn: string } | undefined;
    for (const sourceArn of outsiderSourceArns(policy, serviceName(service))) {
      const result = evaluateRequest(
        {
          principal: service,
          action: 'lambda:InvokeFunction',
          resource: fn.arn,
          context: {
            ...outsiderContext(),
            'aws:SourceArn': sourceArn,
            'lambda:EventSourceToken': 'outsider-token',
          },
          missingKeys: 'unknown',
        },
        { identity: [CALLER_ALLOWS_EVERYTHING], resource: policy },
      );
      if (result.allowed === 'false') continue;
      const ref = result.allowedBy.find((r) => r.policyKind === 'resource');
      if (!ref) continue;
      granted = { ref, conditional: result.allowed === 'unknown', sourceArn };
      if (!granted.conditional) break;
    }
    if (!granted) continue;
    results.push(
      fail(
        fn.arn,
        TYPE,
        `${service} can invoke function ${fn.name} for resources in any account (${describeStatement(granted.ref)}): ` +
          'no aws:SourceAccount or aws:SourceArn condition pins the source',
        {
          ...statementEvidence(granted.ref),
          service,
          action: 'lambda:InvokeFunction',
          probeSourceArn: granted.sourceArn,
          conditional: granted.conditional,
        },
        service,
      ),
    );
  }
  return results.length
    ? results
    : [pass(fn.arn, TYPE, 'every service principal is pinned to a source account or ARN')];
}

export const rule: FunctionRule = {
  id: 'lambda-service-invoke-no-source',
  title: 'Service may invoke the function on behalf of any account',
  severity: 'medium',
  resourceType: 'AWS::Lambda::Function',
  scope: 'function',
  evaluator: 'lambda-policies',
  rationale:
    'When a function policy lets a service principal (s3, sns, events, apigateway…) invoke without an ' +
    'aws:SourceAccount or aws:SourceArn condition, anyone can point their own bucket, topic or rule at your ' +
    'function and the service will invoke it for them: the confused-deputy problem. Wildcard source ARNs ' +
    '(arn:aws:s3:::*, an account segment of *) do not pin the source either.',
  remediation: {
    summary:
      'Add aws:SourceArn (the exact bucket, topic, rule or API) and aws:SourceAccount conditions to the permission.',
    cli:
      'aws lambda remove-permission --function-name FUNCTION --statement-id SID && aws lambda add-permission ' +
      '--function-name FUNCTION --statement-id SID --action lambda:InvokeFunction --principal s3.amazonaws.com ' +
      '--source-arn arn:aws:s3:::BUCKET --source-account ACCOUNT',
    cdk: 'fn.addPermission("S3", { principal: new iam.ServicePrincipal("s3.amazonaws.com"), sourceArn: bucket.bucketArn, sourceAccount: Stack.of(this).account })',
  },
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html',
    'https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-services.html',
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
