import { matchesWildcard } from '../../engine/policy-variables.ts';
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
import { type Actor, actorOf, describeActor, isFailedCall } from '../../events/parse-event.ts';
import type { EventRule, EventRuleContext, RuleResult } from '../rule-types.ts';
import { fail, unknown } from '../support/results.ts';

/**
 * The ARNs a deployer pattern is matched against: the session issuer first (the role that CloudFormation or
 * the pipeline assumed, with its path), then the caller itself (a user, or a role session ARN, so patterns
 * such as `arn:aws:sts::*:assumed-role/deployer/*` work too).
 */
function candidates(actor: Actor): string[] {
  return [actor.issuerArn, actor.arn].filter((arn): arn is string => arn !== undefined);
}

function evaluate(event: CloudTrailEvent, ctx: EventRuleContext): RuleResult[] {
  const deployers = ctx.config.deployers;
  // Without a list of deployers every change would look out of band: the rule is off until one is configured.
  if (deployers.length === 0 || isFailedCall(event) || event.detail.readOnly === true) return [];
  const actor = actorOf(event);
  // An AWS service acting for itself (a service-linked role) is not a person or pipeline bypassing review.
  if (actor.type === 'AWSService') return [];
  const resources = affectedResources(event);
  const primary = resources[0];
  const detail = event.detail;
  const resource = primary ? resourceArn(primary, event) : `arn:aws:iam::${event.account}:root`;
  const type = resourceTypeOfKind(primary?.kind);
  const arns = candidates(actor);
  if (arns.length === 0) {
    const result = unknown(
      resource,
      type,
      `cannot tell who made ${detail.eventName} ${detail.eventID}: the record names no ARN for its ` +
        `${actor.type} caller`,
    );
    result.findingKey = detail.eventID;
    return [result];
  }
  const deployer = deployers.find((pattern) => arns.some((arn) => matchesWildcard(pattern, arn)));
  if (deployer !== undefined) return [];
  const target = primary ? describeResource(primary, event) : 'the account';
  return [
    fail(
      resource,
      type,
      `${target} was changed (${detail.eventName}) by ${describeActor(actor)}, which is not a configured deployer`,
      {
        ...eventEvidence(event, actor),
        matchedAgainst: arns,
        deployers: [...deployers],
        resources: resourcesEvidence(resources, event),
      },
      detail.eventID,
    ),
  ];
}

export const rule: EventRule = {
  id: 'event-out-of-band-change',
  title: 'IAM or Lambda changed outside the deployment pipeline',
  severity: 'medium',
  resourceType: 'AWS::CloudTrail::Event',
  scope: 'event',
  evaluator: 'activity',
  rationale:
    'When infrastructure is deployed by a pipeline (CloudFormation, CDK, Terraform), every legitimate IAM and ' +
    'Lambda change comes from a few deployer roles. A change made by anyone else, from the console or a ' +
    'laptop, skipped code review, will be silently reverted or drift from the template, and is the first ' +
    'visible step of most account takeovers (a new access key, a widened trust policy, a replaced function). ' +
    'The rule runs only when `deployers` lists the ARN patterns of those roles.',
  remediation: {
    summary:
      'Ask the person who made the change why; make it through the pipeline or revert it. Restrict IAM and ' +
      'Lambda writes to the deployer roles, and give people read-only roles plus an audited break-glass role.',
    cli: 'aws cloudformation detect-stack-drift --stack-name STACK',
    cdk: 'Deploy with the CDK bootstrap roles and add their ARN patterns to deployers, e.g. "arn:aws:iam::*:role/cdk-*-cfn-exec-role-*".',
  },
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html',
    'https://docs.aws.amazon.com/lambda/latest/dg/logging-using-cloudtrail.html',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-drift.html',
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html',
  ],
  triggers: [
    { source: 'aws.iam', eventNames: [...IAM_CHANGE_EVENTS] },
    { source: 'aws.lambda', eventNames: [...LAMBDA_CHANGE_EVENTS] },
  ],
  readActions: [],
  evaluate,
};
