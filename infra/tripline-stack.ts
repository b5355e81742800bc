/**
 * The standalone deployment: `TriplineStack` in the home Region, and, when the home Region is not us-east-1,
 * `IamEventForwarderStack` in us-east-1 (IAM's CloudTrail events reach EventBridge only there). The forwarder sends
 * them, unchanged, to the home Region's default event bus, where Tripline's rules match them.
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledge } from './acknowledgements.ts';
import { forwardedPatterns, IAM_EVENTS_REGION, sourceShortName } from './event-patterns.ts';
import { pascalCase } from './logical-ids.ts';
import { DEFAULTS, Tripline, type TriplineProps } from './tripline-construct.ts';

/** Output keys the CLI reads with CloudFormation DescribeStacks. */
export const OUTPUT_KEYS = {
  table: 'FindingsTableName',
  topic: 'AlertTopicArn',
  region: 'Region',
} as const;

export interface TriplineStackProps extends StackProps, TriplineProps {}

/** Names of the forwarder's rules (they belong to Tripline: the tampering rule watches them). */
export function forwarderRuleNames(namePrefix: string = DEFAULTS.namePrefix): string[] {
  return forwardedPatterns().map((p) => `${namePrefix}-forward-${sourceShortName(p.source)}`);
}

export class TriplineStack extends Stack {
  readonly tripline: Tripline;

  constructor(scope: Construct, id: string, props: TriplineStackProps = {}) {
    super(scope, id, props);
    const forwarded = this.region !== IAM_EVENTS_REGION;
    this.tripline = new Tripline(this, 'Tripline', {
      ...props,
      extraRuleNames: [
        ...(props.extraRuleNames ?? []),
        ...(forwarded ? forwarderRuleNames(props.namePrefix) : []),
      ],
    });
    new CfnOutput(this, OUTPUT_KEYS.table, {
      value: this.tripline.table.tableName,
      description: 'The findings table (tripline findings --table)',
    });
    new CfnOutput(this, OUTPUT_KEYS.topic, {
      value: this.tripline.alertTopic.topicArn,
      description: 'Alerts: subscribe here (message attribute severity)',
    });
    new CfnOutput(this, OUTPUT_KEYS.region, { value: this.region, description: 'Tripline’s home Region' });
    new CfnOutput(this, 'CloudTrailRequirement', {
      value:
        'Events arrive only while a CloudTrail trail records management events (write) in this account; the sweep logs a warning when none does.',
    });
    if (forwarded) {
      new CfnOutput(this, 'IamEventForwarding', {
        value: `IAM events are forwarded from ${IAM_EVENTS_REGION} by the ${props.namePrefix ?? DEFAULTS.namePrefix} forwarder stack: deploy it too.`,
      });
    }
  }
}

export interface IamEventForwarderStackProps extends StackProps {
  /** The Region Tripline runs in (its default event bus receives the events). */
  homeRegion: string;
  namePrefix?: string;
}

/**
 * In us-east-1: rules matching the IAM events Tripline listens to (and changes to EventBridge rules, so that
 * disabling the forwarder is itself detected), targeting the home Region's default event bus with a role that may
 * only `events:PutEvents` on that bus.
 */
export class IamEventForwarderStack extends Stack {
  readonly rules: events.Rule[] = [];
  readonly role: iam.Role;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: IamEventForwarderStackProps) {
    super(scope, id, props);
    if (this.region !== IAM_EVENTS_REGION)
      throw new Error(`the IAM event forwarder runs in ${IAM_EVENTS_REGION}`);
    if (props.homeRegion === IAM_EVENTS_REGION)
      throw new Error('a home Region of us-east-1 needs no forwarder');
    const prefix = props.namePrefix ?? DEFAULTS.namePrefix;
    const busArn = `arn:${this.partition}:events:${props.homeRegion}:${this.account}:event-bus/default`;
    this.role = new iam.Role(this, 'ForwarderRole', {
      description: `Tripline: forwards IAM events to ${props.homeRegion}`,
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    });
    // The EventBus target grants this role exactly `events:PutEvents` on the home bus (its default policy).
    this.deadLetterQueue = new sqs.Queue(this, 'ForwarderDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      this.deadLetterQueue,
      'AwsSolutions-SQS3',
      'This queue is itself the dead-letter queue of the forwarding rules; its depth raises an alarm.',
    );
    const bus = events.EventBus.fromEventBusArn(this, 'HomeBus', busArn);
    const names = forwarderRuleNames(prefix);
    forwardedPatterns().forEach((p, i) => {
      const rule = new events.Rule(this, `Forward${pascalCase(sourceShortName(p.source))}Rule`, {
        ruleName: names[i],
        description: `Tripline: forwards ${p.source} events to ${props.homeRegion}`,
        eventPattern: {
          source: p.pattern.source,
          detailType: p.pattern['detail-type'],
          detail: p.pattern.detail,
        },
        targets: [
          new targets.EventBus(bus, {
            role: this.role,
            deadLetterQueue: this.deadLetterQueue,
          }),
        ],
      });
      this.rules.push(rule);
    });
    // Alarm actions must be in the alarm's Region: this one shows in the console (and any alarm integration).
    new cloudwatch.Alarm(this, 'ForwarderDeadLettersAlarm', {
      alarmDescription: `Tripline: IAM events that could not be forwarded to ${props.homeRegion}`,
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}
