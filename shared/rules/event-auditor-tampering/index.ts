import {
  type AffectedResource,
  affectedResources,
  lambdaOperation,
  resourceArn,
} from '../../events/affected-resources.ts';
import type { CloudTrailEvent } from '../../events/cloudtrail-event.ts';
import { eventEvidence, resourceTypeOfKind } from '../../events/event-evidence.ts';
import { actorOf, describeActor, isFailedCall } from '../../events/parse-event.ts';
import type { EventRule, EventRuleContext, Evidence, RuleResult, TriplineDeployment } from '../rule-types.ts';
import { fail, unknown } from '../support/results.ts';

type Tampering = { what: string; evidence?: Evidence } | { unknown: string } | undefined;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether the trail still records management write events after PutEventSelectors: true, false, or undefined
 * when the request does not say. Basic selectors: some selector with includeManagementEvents not false and
 * readWriteType All or WriteOnly. Advanced selectors: some selector on eventCategory Management that is not
 * limited to read-only events.
 */
export function managementWritesLogged(request: Record<string, unknown>): boolean | undefined {
  const basic = request['eventSelectors'];
  if (Array.isArray(basic)) {
    return basic.some(
      (s) =>
        isRecord(s) &&
        s['includeManagementEvents'] !== false &&
        ['All', 'WriteOnly', undefined].includes(s['readWriteType'] as string | undefined),
    );
  }
  const advanced = request['advancedEventSelectors'];
  if (Array.isArray(advanced)) {
    return advanced.some((s) => {
      const fields =
        isRecord(s) && Array.isArray(s['fieldSelectors']) ? s['fieldSelectors'].filter(isRecord) : [];
      const equals = (field: string) => {
        const selector = fields.find((f) => f['field'] === field);
        return Array.isArray(selector?.['equals']) ? (selector['equals'] as unknown[]) : undefined;
      };
      const readOnly = equals('readOnly');
      return (
        (equals('eventCategory') ?? []).includes('Management') &&
        !(readOnly?.length === 1 && readOnly[0] === 'true')
      );
    });
  }
  return undefined;
}

function triplineOwns(resource: AffectedResource, deployment: TriplineDeployment): boolean {
  const name = resource.name ?? '';
  switch (resource.kind) {
    case 'event-rule':
      return deployment.ruleNames.includes(name);
    case 'function':
      return deployment.functionNames.includes(name);
    case 'table':
      return deployment.tableName === name;
    case 'topic':
      return deployment.topicArn !== undefined && deployment.topicArn === resource.arn;
    case 'queue':
      return deployment.queueNames.includes(name);
    case 'stack':
      return deployment.stackName === name;
    default:
      return false;
  }
}

/** What the call did to CloudTrail logging or to Tripline's own resources, if it disabled or deleted any. */
function tampering(event: CloudTrailEvent, resource: AffectedResource, ctx: EventRuleContext): Tampering {
  const request = isRecord(event.detail.requestParameters) ? event.detail.requestParameters : {};
  const operation = `${event.source}:${lambdaOperation(event.detail.eventName)}`;
  if (resource.kind === 'trail') {
    switch (operation) {
      case 'aws.cloudtrail:StopLogging':
        return { what: `stopped CloudTrail logging on trail ${resource.name}` };
      case 'aws.cloudtrail:DeleteTrail':
        return { what: `deleted CloudTrail trail ${resource.name}` };
      case 'aws.cloudtrail:UpdateTrail': {
        const changed = Object.keys(request).filter((k) => k !== 'name');
        return {
          what: `changed CloudTrail trail ${resource.name} (${changed.join(', ') || 'no settings named'})`,
          evidence: { changedSettings: changed },
        };
      }
      case 'aws.cloudtrail:PutEventSelectors': {
        const logged = managementWritesLogged(request);
        if (logged === undefined) {
          return {
            unknown: `cannot tell from PutEventSelectors whether trail ${resource.name} still logs management events`,
          };
        }
        return logged
          ? undefined
          : {
              what: `changed the event selectors of trail ${resource.name} so it no longer records management write events`,
              evidence: { managementWriteEventsLogged: false },
            };
      }
      default:
        return undefined;
    }
  }
  if (!triplineOwns(resource, ctx.deployment)) return undefined;
  const tripline = `Tripline's ${resource.kind.replace('-', ' ')} ${resource.name}`;
  switch (operation) {
    case 'aws.events:DeleteRule':
      return { what: `deleted ${tripline}` };
    case 'aws.events:DisableRule':
      return { what: `disabled ${tripline}` };
    case 'aws.events:RemoveTargets':
      return {
        what: `removed targets from ${tripline}`,
        evidence: { targetIds: Array.isArray(request['ids']) ? request['ids'].map(String) : [] },
      };
    case 'aws.events:PutRule':
      return request['state'] === 'DISABLED' ? { what: `disabled ${tripline} with PutRule` } : undefined;
    case 'aws.lambda:DeleteFunction':
      // Deleting one published version leaves the function in place.
      return resource.deleted ? { what: `deleted ${tripline}` } : undefined;
    case 'aws.lambda:PutFunctionConcurrency':
      return request['reservedConcurrentExecutions'] === 0
        ? { what: `throttled ${tripline} to zero concurrency, so it never runs` }
        : undefined;
    case 'aws.dynamodb:DeleteTable':
    case 'aws.sns:DeleteTopic':
    case 'aws.sqs:DeleteQueue':
    case 'aws.cloudformation:DeleteStack':
      return { what: `deleted ${tripline}` };
    default:
      return undefined;
  }
}

function evaluate(event: CloudTrailEvent, ctx: EventRuleContext): RuleResult[] {
  if (isFailedCall(event)) return [];
  const actor = actorOf(event);
  const detail = event.detail;
  const results: RuleResult[] = [];
  for (const resource of affectedResources(event)) {
    const found = tampering(event, resource, ctx);
    if (!found) continue;
    const arn = resourceArn(resource, event);
    const type = resourceTypeOfKind(resource.kind);
    if ('unknown' in found) {
      const result = unknown(arn, type, found.unknown);
      result.findingKey = detail.eventID;
      results.push(result);
      continue;
    }
    results.push(
      fail(
        arn,
        type,
        `${describeActor(actor)} ${found.what} (${detail.eventName} from ${detail.sourceIPAddress ?? 'an unknown address'})`,
        {
          ...eventEvidence(event, actor),
          target: resource.kind,
          targetName: resource.name ?? null,
          ...found.evidence,
        },
        detail.eventID,
      ),
    );
  }
  return results;
}

export const rule: EventRule = {
  id: 'event-auditor-tampering',
  title: 'CloudTrail logging or Tripline itself was disabled or deleted',
  severity: 'critical',
  resourceType: 'AWS::CloudTrail::Event',
  scope: 'event',
  evaluator: 'activity',
  rationale:
    'An attacker who gains a foothold first blinds the monitoring: stopping or deleting the trail, filtering ' +
    'management events out of it, or deleting or disabling the rules, functions, table and topic that detect ' +
    'and report changes. Tripline sees IAM and Lambda changes only through CloudTrail and its own EventBridge ' +
    'rules, so after such a call every later change goes unseen. The call itself is the last thing it can ' +
    'report.',
  remediation: {
    summary:
      'Restore logging and Tripline at once (start the trail, restore its event selectors, enable or redeploy ' +
      "Tripline's stack), then treat the account as possibly compromised: find who made the call and review " +
      'everything they changed since.',
    cli: 'aws cloudtrail start-logging --name TRAIL && aws events enable-rule --name RULE',
    cdk: 'Enable termination protection on the Tripline stack and add an SCP that denies cloudtrail:StopLogging, cloudtrail:DeleteTrail and changes to Tripline resources except by the deployer role.',
  },
  references: [
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html',
    'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html',
    'https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html',
    'https://attack.mitre.org/techniques/T1562/008/',
  ],
  triggers: [
    {
      source: 'aws.cloudtrail',
      eventNames: ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors'],
    },
    { source: 'aws.events', eventNames: ['DeleteRule', 'DisableRule', 'RemoveTargets', 'PutRule'] },
    { source: 'aws.lambda', eventNames: ['DeleteFunction20150331', 'PutFunctionConcurrency20171031'] },
    { source: 'aws.dynamodb', eventNames: ['DeleteTable'] },
    { source: 'aws.sns', eventNames: ['DeleteTopic'] },
    { source: 'aws.sqs', eventNames: ['DeleteQueue'] },
    { source: 'aws.cloudformation', eventNames: ['DeleteStack'] },
  ],
  readActions: [],
  evaluate,
};
