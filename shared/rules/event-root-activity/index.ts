import {
  affectedResources,
  IAM_CHANGE_EVENTS,
  LAMBDA_CHANGE_EVENTS,
  resourceArn,
} from '../../events/affected-resources.ts';
import type { CloudTrailEvent } from '../../events/cloudtrail-event.ts';
import {
  describeResource,
  eventEvidence,
  resourcesEvidence,
  resourceTypeOfKind,
} from '../../events/event-evidence.ts';
import { actorOf, isFailedCall } from '../../events/parse-event.ts';
import type { EventRule, RuleResult } from '../rule-types.ts';
import { fail } from '../support/results.ts';

/**
 * The root user's own call, as the CIS "root account usage" filter defines it: not a call an AWS service made
 * with root credentials on the account's behalf (invokedBy set), not an AWS service event.
 */
function isRootCall(event: CloudTrailEvent): boolean {
  const identity = event.detail.userIdentity;
  return identity.type === 'Root' && !identity.invokedBy && event.detail.eventType !== 'AwsServiceEvent';
}

function evaluate(event: CloudTrailEvent): RuleResult[] {
  if (!isRootCall(event) || isFailedCall(event) || event.detail.readOnly === true) return [];
  const actor = actorOf(event);
  const resources = affectedResources(event);
  const primary = resources[0];
  const target = primary ? describeResource(primary, event) : 'the account';
  const detail = event.detail;
  return [
    fail(
      primary ? resourceArn(primary, event) : (actor.arn ?? `arn:aws:iam::${event.account}:root`),
      resourceTypeOfKind(primary?.kind),
      `the root user changed ${target} (${detail.eventName}) from ${detail.sourceIPAddress ?? 'an unknown address'}`,
      {
        ...eventEvidence(event, actor),
        mfaAuthenticated: detail.userIdentity.sessionContext?.attributes?.mfaAuthenticated === 'true',
        resources: resourcesEvidence(resources, event),
      },
      detail.eventID,
    ),
  ];
}

export const rule: EventRule = {
  id: 'event-root-activity',
  title: 'Root user changed IAM or Lambda',
  severity: 'high',
  resourceType: 'AWS::CloudTrail::Event',
  scope: 'event',
  evaluator: 'activity',
  rationale:
    'The root user cannot be restricted by IAM policies or permissions boundaries, and AWS recommends using it ' +
    'only for the few tasks that require it. An IAM or Lambda change made with root credentials is either an ' +
    'emergency someone should know about or a sign the root credentials are in the wrong hands; either way ' +
    'the change bypassed the roles and pipelines that normally review it.',
  remediation: {
    summary:
      'Confirm with the account owner that they made the change. If not, secure the root user at once (reset ' +
      'its password, replace its MFA device, delete any root access keys) and review the change. Make routine ' +
      'changes with IAM roles.',
    cli: "aws iam get-account-summary --query 'SummaryMap.[AccountAccessKeysPresent,AccountMFAEnabled]'",
  },
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-best-practices.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#root-user-tasks',
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html',
    'https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-1',
  ],
  triggers: [
    { source: 'aws.iam', eventNames: [...IAM_CHANGE_EVENTS] },
    { source: 'aws.lambda', eventNames: [...LAMBDA_CHANGE_EVENTS] },
  ],
  readActions: [],
  evaluate,
};
