/**
 * What every event rule result says about the event: who made the call, what call, from where. Activity
 * findings are about an event, so the evidence names it precisely enough to find it again in CloudTrail.
 */
import type { Evidence, ResourceType } from '../rules/rule-types.ts';
import type { AffectedResource, ResourceKind } from './affected-resources.ts';
import { resourceArn } from './affected-resources.ts';
import type { CloudTrailEvent } from './cloudtrail-event.ts';
import { type Actor, actorOf } from './parse-event.ts';

/** `{ actor, actorType, issuer?, invokedBy?, eventName, eventSource, eventId, eventTime, awsRegion, sourceIPAddress, userAgent }`. */
export function eventEvidence(event: CloudTrailEvent, actor: Actor = actorOf(event)): Evidence {
  const detail = event.detail;
  const evidence: Evidence = {
    actor: actor.arn ?? null,
    actorType: actor.type,
    eventName: detail.eventName,
    eventSource: detail.eventSource,
    eventId: detail.eventID,
    eventTime: detail.eventTime,
    awsRegion: detail.awsRegion,
    sourceIPAddress: detail.sourceIPAddress ?? null,
    userAgent: detail.userAgent ?? null,
  };
  if (actor.issuerArn) evidence.issuer = actor.issuerArn;
  if (actor.invokedBy) evidence.invokedBy = actor.invokedBy;
  if (detail.sessionCredentialFromConsole === 'true') evidence.console = true;
  return evidence;
}

/** The affected resources as evidence: `[{ kind, name, arn, change }]`. */
export function resourcesEvidence(resources: AffectedResource[], event: CloudTrailEvent): Evidence[] {
  return resources.map((r) => {
    const entry: Evidence = { kind: r.kind, change: r.change, arn: resourceArn(r, event) };
    if (r.name) entry.name = r.name;
    return entry;
  });
}

/** Result resource type for an affected resource; resources outside the rule vocabulary are the event's. */
export function resourceTypeOfKind(kind: ResourceKind | undefined): ResourceType {
  switch (kind) {
    case 'role':
      return 'AWS::IAM::Role';
    case 'user':
    case 'root':
      return 'AWS::IAM::User';
    case 'group':
      return 'AWS::IAM::Group';
    case 'managed-policy':
      return 'AWS::IAM::Policy';
    case 'function':
      return 'AWS::Lambda::Function';
    default:
      return 'AWS::CloudTrail::Event';
  }
}

/** `role orders-api` / `function orders-api:live` / `trail management-events`, for messages. */
export function describeResource(resource: AffectedResource, event: CloudTrailEvent): string {
  const label = resource.kind.replace('-', ' ');
  const name = resource.name ?? resourceArn(resource, event);
  return `${label} ${name}${resource.qualifier ? `:${resource.qualifier}` : ''}`;
}
