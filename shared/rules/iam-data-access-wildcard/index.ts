import { DATA_ACCESS_ACTIONS } from '../../engine/principal-analysis.ts';
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

/** What "every resource" means for each store of DATA_ACCESS_ACTIONS (the engine's list of data-plane actions). */
const STORE_NOUNS: Record<string, string> = {
  s3: 'every S3 object',
  dynamodb: 'every DynamoDB table',
  secretsmanager: 'every Secrets Manager secret value',
  ssm: 'every SSM parameter',
  kms: 'data encrypted under every KMS key',
  'rds-data': 'every Aurora database through the RDS Data API',
  sqs: 'every SQS queue',
  kinesis: 'every Kinesis stream',
};

const ALL_DATA_ACTIONS = DATA_ACCESS_ACTIONS.flatMap((g) => g.actions);

function evaluate(principal: ResolvedPrincipal): RuleResult[] {
  const covered = coveredByAdminAccess(principal);
  if (covered) return [covered];
  const type = resourceTypeOf(principal.principal.kind);
  const { kind, name } = principal.principal;
  const grants = grantsOnEveryResource(principal, { actions: ALL_DATA_ACTIONS });
  const findings: RuleResult[] = [];
  const scopedKeys = new Set<string>();
  for (const group of DATA_ACCESS_ACTIONS) {
    const inGroup = grants.filter((g) =>
      group.actions.some((a) => a.toLowerCase() === g.action.id.toLowerCase()),
    );
    for (const g of inGroup) if (g.scopedByCondition) for (const k of g.conditionKeys) scopedKeys.add(k);
    const reported = inGroup.filter((g) => !g.scopedByCondition);
    const main = reported.find((g) => g.allowed === 'true') ?? reported[0];
    const first = main?.grantedBy[0];
    if (!main || !first) continue;
    const conditional = reported.every((g) => g.allowed === 'unknown');
    const actions = reported.map((g) => g.action.id);
    const result = fail(
      principal.arn,
      type,
      `${kind} ${name} can ${group.access} ${STORE_NOUNS[group.store] ?? `every ${group.store} resource`} ` +
        `(${actions.join(', ')} on ${describeResources(main)}) through ${describeStatement(first)}` +
        (conditional ? conditionNote(main) : ''),
      { ...grantEvidence(main), conditional, store: group.store, access: group.access, actions },
      `${group.store}:${group.access}`,
    );
    if (conditional) result.severity = conditionalSeverity(SEVERITY);
    findings.push(result);
  }
  const passMessage = scopedKeys.size
    ? `data access on every resource is limited by ${[...scopedKeys].sort().join(', ')}`
    : 'no data read or write is granted on every resource';
  return concludePrincipal(principal, type, findings, passMessage, 'data access on every resource');
}

export const rule: PrincipalRule = {
  id: 'iam-data-access-wildcard',
  title: 'Principal can read or write every data store of a kind',
  severity: SEVERITY,
  resourceType: 'AWS::IAM::Role',
  scope: 'principal',
  principalKinds: ['role', 'user', 'group'],
  evaluator: 'identity-policies',
  rationale:
    'Data-plane reads and writes — S3 objects, DynamoDB items, Secrets Manager values, SSM parameters, KMS ' +
    'decryption, RDS Data API statements, SQS messages, Kinesis records — granted on "*" (or on every resource ' +
    'of the kind, arn:aws:s3:::*/*, arn:aws:dynamodb:*:ACCOUNT:table/*) turn one compromised function into a ' +
    "breach of every bucket, table and secret in the account, and of other accounts' stores that trust it. " +
    'A function needs its own table and bucket. One finding per store and direction (read/write). Grants ' +
    'limited by a resource-scoping condition (kms:ViaService, s3:prefix, aws:ResourceTag/...) are not ' +
    'reported; grants under other conditions are reported as conditional, one severity lower.',
  remediation: {
    summary:
      'Grant the data actions on the ARNs of the tables, buckets, secrets, parameters and keys the principal uses.',
    cli:
      'aws iam put-role-policy --role-name ROLE --policy-name orders-data --policy-document ' +
      '\'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:PutItem"],' +
      '"Resource":"arn:aws:dynamodb:REGION:ACCOUNT:table/orders"}]}\'',
    cdk: 'table.grantReadWriteData(fn), bucket.grantRead(fn), secret.grantRead(fn) instead of resources: ["*"].',
  },
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege',
    'https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html',
    'https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service',
  ],
  triggers: identityPolicyTriggers(),
  readActions: [...IDENTITY_POLICY_READ_ACTIONS],
  evaluate,
};
