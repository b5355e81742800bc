import type { CatalogueAction } from '../../catalogue/action-catalogue.ts';
import type { ResolvedPrincipal } from '../../snapshot/principal-policies.ts';
import type { PrincipalRule, RuleResult } from '../rule-types.ts';
import { coveredByAdminAccess } from '../support/admin-coverage.ts';
import { IDENTITY_POLICY_READ_ACTIONS, identityPolicyTriggers } from '../support/identity-policy-events.ts';
import { actionSet, LAMBDA_PLATFORM_WRITE_ACTIONS } from '../support/lambda-platform-actions.ts';
import { concludePrincipal } from '../support/missing-documents.ts';
import { describeElements } from '../support/resource-grants.ts';
import { resourceTypeOf } from '../support/results.ts';
import { findingsPerStatement } from '../support/statement-findings.ts';

const SEVERITY = 'medium';

const isPlatformAction = actionSet(LAMBDA_PLATFORM_WRITE_ACTIONS);

/** Write or Permissions-management actions that could have been scoped to resource ARNs (Lambda's own needs aside). */
export function isScopableChange(action: CatalogueAction): boolean {
  return (
    action.supportsResourceLevel &&
    !isPlatformAction(action.id) &&
    (action.accessLevels.includes('Write') || action.accessLevels.includes('Permissions management'))
  );
}

function evaluate(principal: ResolvedPrincipal): RuleResult[] {
  const covered = coveredByAdminAccess(principal);
  if (covered) return [covered];
  const type = resourceTypeOf(principal.principal.kind);
  const { kind, name } = principal.principal;
  const { findings, notes } = findingsPerStatement(
    principal,
    type,
    SEVERITY,
    isScopableChange,
    (grant, summary, shown) => {
      const permissions = summary.permissionsManagement;
      return {
        message:
          `${kind} ${name} can use ${grant.actions.length} write action${grant.actions.length === 1 ? '' : 's'}` +
          `${permissions ? ` (${permissions} permissions management)` : ''} on ${describeElements(grant.resources)} ` +
          `that could be limited to resource ARNs (${shown})`,
        evidence: { permissionsManagement: permissions },
      };
    },
  );
  const passMessage = notes.length
    ? notes.join('; ')
    : 'every write action that supports resource-level permissions is scoped to resources';
  return concludePrincipal(principal, type, findings, passMessage, 'unscoped write action');
}

export const rule: PrincipalRule = {
  id: 'iam-unscoped-resource',
  title: 'Write actions granted on every resource',
  severity: SEVERITY,
  resourceType: 'AWS::IAM::Role',
  scope: 'principal',
  principalKinds: ['role', 'user', 'group'],
  evaluator: 'identity-policies',
  rationale:
    'Write and permissions-management actions that support resource-level permissions (sqs:SendMessage, ' +
    'dynamodb:PutItem, sns:Publish, lambda:UpdateFunctionCode, s3:PutBucketPolicy…) granted on "*" — or on every ' +
    'resource of their kind, arn:aws:sqs:*:*:* — reach every queue, table, topic and function in the account ' +
    'when the function needs one. It is the most common over-grant in serverless templates ("Resource": "*" ' +
    'copied from an example). Actions that only accept "*" (wildcard-only) are not reported, nor are the log ' +
    'and VPC network-interface actions Lambda itself needs (as AWSLambdaBasicExecutionRole and ' +
    'AWSLambdaVPCAccessExecutionRole grant them). One finding per ' +
    'granting statement; grants limited by a resource-scoping condition (aws:ResourceTag/...) are not reported, ' +
    'grants under other conditions are reported as conditional, one severity lower.',
  remediation: {
    summary: 'Replace "Resource": "*" with the ARNs of the resources the principal writes to.',
    cli:
      'aws iam put-role-policy --role-name ROLE --policy-name POLICY --policy-document ' +
      '\'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage",' +
      '"Resource":"arn:aws:sqs:REGION:ACCOUNT:orders-queue"}]}\'',
    cdk: 'queue.grantSendMessages(fn), table.grantWriteData(fn), topic.grantPublish(fn) instead of resources: ["*"].',
  },
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html',
    'https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html',
  ],
  triggers: identityPolicyTriggers(),
  readActions: [...IDENTITY_POLICY_READ_ACTIONS],
  evaluate,
};
