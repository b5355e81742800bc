/**
 * `new Tripline(scope, id, props)`: everything Tripline runs in one account and home Region.
 *
 * - One Lambda function per evaluator group, the sweep, the notifier and the digest; each with its own role whose
 *   policy is generated (`permissions.ts`) from the rules' declared read actions, the StateReader methods its code
 *   calls, and exactly the table, queue, topic, key, log and secret actions it uses.
 * - One EventBridge rule per evaluator and event source, its pattern generated from the rules' triggers
 *   (`event-patterns.ts`); targets retry, then dead-letter.
 * - The findings table from `shared/findings/table-schema.ts`; re-read queues and dead-letter queues; alarms; the
 *   KMS-encrypted alert topic (only the notifier and the digest may publish), optional email subscriptions filtered
 *   by severity, and an operations topic for the alarms; the scheduled sweep and digest; the notifier on the table
 *   stream.
 *
 * IAM events reach EventBridge in us-east-1 only: in another home Region, deploy `IamEventForwarderStack` there too
 * (`tripline-stack.ts`); Tripline's rules here match the forwarded events unchanged.
 */
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FINDINGS_TABLE_SCHEMA, TIME_TO_LIVE_ATTRIBUTE } from '../shared/findings/table-schema.ts';
import {
  type EvaluatorGroup,
  SEVERITIES,
  type Severity,
  severityRank,
  type TriplineDeployment,
} from '../shared/rules/rule-types.ts';
import { parseScanConfig } from '../shared/rules/scan-config.ts';
import { acknowledge } from './acknowledgements.ts';
import { evaluatorPatterns, sourceShortName } from './event-patterns.ts';
import { pascalCase } from './logical-ids.ts';
import {
  type ActionGrant,
  functionGrants,
  permissionStatements,
  type QueueId,
  type ResourceRef,
} from './permissions.ts';
import {
  functionSpec,
  TRIPLINE_FUNCTIONS,
  type TriplineFunctionId,
  type TriplineFunctionSpec,
} from './tripline-functions.ts';

export interface TriplineProps {
  /** Prefix of the physical names Tripline sets (functions, EventBridge rules). Default `tripline`. */
  namePrefix?: string;
  /** Addresses subscribed to the alert topic (filtered by `minEmailSeverity`) and to the operations topic. */
  alertEmails?: string[];
  /** Lowest severity emailed. Default `high`. */
  minEmailSeverity?: Severity;
  /** Lowest severity sent to Slack. Default `high`. */
  minSlackSeverity?: Severity;
  /** ARN of a Secrets Manager secret holding the Slack webhook URL; only the notifier and the digest may read it. */
  slackSecretArn?: string;
  /** Scan configuration (`knownAccounts`, `deployers`…), validated like `--config`. */
  scanConfig?: unknown;
  /** When the sweep runs: an EventBridge schedule expression. Default `rate(1 day)`. */
  sweepSchedule?: string;
  /** When the digest of open findings is sent (UTC). Default `cron(0 8 * * ? *)`. */
  digestSchedule?: string;
  /** Delay of the re-read that confirms an event-carried document (IAM is eventually consistent). Default 60. */
  recheckDelaySeconds?: number;
  /** Retention of the functions' log groups. Default 90 days. */
  logRetentionDays?: number;
  /** Reserve concurrency per function (needs an account concurrency quota above the 10-execution floor). Default true. */
  reserveConcurrency?: boolean;
  /** Names of EventBridge rules outside this construct that belong to Tripline (the us-east-1 forwarder). */
  extraRuleNames?: string[];
  /** Entry points, relative to `projectRoot` or absolute; default each function's `entry`. */
  entries?: Partial<Record<TriplineFunctionId, string>>;
  /** The repository root (package.json, package-lock.json). Default: the parent of `infra/`. */
  projectRoot?: string;
}

export const DEFAULTS = {
  namePrefix: 'tripline',
  minEmailSeverity: 'high',
  minSlackSeverity: 'high',
  sweepSchedule: 'rate(1 day)',
  digestSchedule: 'cron(0 8 * * ? *)',
  recheckDelaySeconds: 60,
  logRetentionDays: 90,
} as const;

/** esbuild: one ESM file per function, every dependency bundled (the SDK too: pinned, and faster to load). */
export const BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: 'node24',
  mainFields: ['module', 'main'],
  // CommonJS dependencies bundled into ESM call `require`: give them one.
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  externalModules: [],
  forceDockerBundling: false,
};

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Severities at or above `minimum`: the email subscription's filter policy. */
export function severitiesFrom(minimum: Severity): Severity[] {
  return SEVERITIES.filter((s) => severityRank(s) >= severityRank(minimum));
}

/**
 * The secret's ARN as an IAM resource: the ARN as given, and the same with `-??????`, because IAM matches the full
 * ARN (with Secrets Manager's random 6-character suffix) and a name-only ARN lacks it.
 */
export function secretResourceArns(arn: string): string[] {
  return [arn, `${arn}-??????`];
}

interface FunctionResources {
  fn: NodejsFunction;
  role: iam.Role;
  logGroup: logs.LogGroup;
}

export class Tripline extends Construct {
  readonly table: dynamodb.Table;
  readonly alertTopic: sns.Topic;
  readonly operationsTopic: sns.Topic;
  readonly alertKey: kms.Key;
  readonly functions: Record<TriplineFunctionId, NodejsFunction>;
  readonly roles: Record<TriplineFunctionId, iam.Role>;
  readonly queues: Record<string, sqs.Queue>;
  readonly rules: events.Rule[] = [];
  readonly alarms: cloudwatch.Alarm[] = [];
  /** Tripline's own resource names, given to the evaluators for the tampering rule. */
  readonly deployment: TriplineDeployment;
  readonly logGroups: Partial<Record<TriplineFunctionId, logs.LogGroup>> = {};
  private readonly slackSecretArn: string | undefined;

  constructor(scope: Construct, id: string, props: TriplineProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    this.slackSecretArn = props.slackSecretArn;
    const prefix = props.namePrefix ?? DEFAULTS.namePrefix;
    const projectRoot = props.projectRoot ?? PROJECT_ROOT;
    const recheckDelay = props.recheckDelaySeconds ?? DEFAULTS.recheckDelaySeconds;
    if (!Number.isInteger(recheckDelay) || recheckDelay < 0 || recheckDelay > 900)
      throw new Error('recheckDelaySeconds must be a whole number from 0 to 900');
    const retention = retentionDays(props.logRetentionDays ?? DEFAULTS.logRetentionDays);
    parseScanConfig(props.scanConfig ?? {}, 'scanConfig');
    const minEmail = props.minEmailSeverity ?? DEFAULTS.minEmailSeverity;
    const minSlack = props.minSlackSeverity ?? DEFAULTS.minSlackSeverity;
    const functionName = (spec: TriplineFunctionSpec) =>
      `${prefix}-${spec.kind === 'evaluator' ? `${spec.id}-evaluator` : spec.id}`;

    // ---- Findings table (schema from shared/findings/table-schema.ts) ------------------------------------------
    this.table = findingsTable(this);

    // ---- Queues -----------------------------------------------------------------------------------------------
    const queue = (queueId: string, props: sqs.QueueProps = {}) =>
      new sqs.Queue(this, queueId, {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        ...props,
      });
    const eventDeadLetters = queue('EventDeadLetterQueue', { retentionPeriod: Duration.days(14) });
    const recheckDeadLetters = queue('RecheckDeadLetterQueue', { retentionPeriod: Duration.days(14) });
    const notifierFailures = queue('NotifierFailureQueue', { retentionPeriod: Duration.days(14) });
    const queues: Record<string, sqs.Queue> = {
      'event-dead-letters': eventDeadLetters,
      'recheck-dead-letters': recheckDeadLetters,
      'notifier-failures': notifierFailures,
    };
    for (const spec of TRIPLINE_FUNCTIONS.filter((s) => s.recheck)) {
      queues[`recheck-${spec.id}`] = queue(`${pascalCase(spec.id)}RecheckQueue`, {
        deliveryDelay: Duration.seconds(recheckDelay),
        // Six times the function timeout, as Lambda recommends for SQS event sources.
        visibilityTimeout: Duration.seconds(6 * spec.timeoutSeconds),
        deadLetterQueue: { queue: recheckDeadLetters, maxReceiveCount: 3 },
      });
    }
    this.queues = queues;
    for (const [q, of] of [
      [
        eventDeadLetters,
        'the EventBridge targets and the evaluators’ and sweep’s failed asynchronous invocations',
      ],
      [recheckDeadLetters, 'the delayed re-read queues (re-reads that failed three times)'],
      [notifierFailures, 'the notifier’s stream mapping and the digest (alerts that could not be sent)'],
    ] as const) {
      acknowledge(
        q,
        'AwsSolutions-SQS3',
        `This queue is itself the dead-letter queue of ${of}; its depth raises an alarm.`,
      );
    }

    // ---- Alert and operations topics ------------------------------------------------------------------------
    this.alertKey = new kms.Key(this, 'AlertTopicKey', {
      description: 'Tripline: encrypts the alert and operations topics',
      enableKeyRotation: true,
    });
    // CloudWatch alarms publish to the (encrypted) operations topic.
    this.alertKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    this.alertTopic = new sns.Topic(this, 'AlertTopic', {
      displayName: 'Tripline alerts',
      masterKey: this.alertKey,
      enforceSSL: true,
    });
    this.operationsTopic = new sns.Topic(this, 'OperationsTopic', {
      displayName: 'Tripline operations (alarms)',
      masterKey: this.alertKey,
      enforceSSL: true,
    });
    this.operationsTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.operationsTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    for (const email of props.alertEmails ?? []) {
      this.alertTopic.addSubscription(
        new subscriptions.EmailSubscription(email, {
          filterPolicy: {
            severity: sns.SubscriptionFilter.stringFilter({ allowlist: severitiesFrom(minEmail) }),
          },
        }),
      );
      this.operationsTopic.addSubscription(new subscriptions.EmailSubscription(email));
    }

    // ---- Names the tampering rule protects -------------------------------------------------------------------
    const ruleNames: string[] = [...(props.extraRuleNames ?? [])];
    const evaluatorRuleName = (group: EvaluatorGroup, source: string) =>
      `${prefix}-${group}-${sourceShortName(source)}`;
    for (const spec of TRIPLINE_FUNCTIONS) {
      if (spec.kind !== 'evaluator') continue;
      for (const p of evaluatorPatterns(spec.id as EvaluatorGroup))
        ruleNames.push(evaluatorRuleName(spec.id as EvaluatorGroup, p.source));
    }
    const scheduleRuleName = (spec: TriplineFunctionSpec) => `${prefix}-${spec.id}-schedule`;
    const schedules: [TriplineFunctionSpec, string, sqs.Queue][] = [
      [functionSpec('sweep'), props.sweepSchedule ?? DEFAULTS.sweepSchedule, eventDeadLetters],
      [functionSpec('digest'), props.digestSchedule ?? DEFAULTS.digestSchedule, notifierFailures],
    ];
    for (const [spec] of schedules) ruleNames.push(scheduleRuleName(spec));
    this.deployment = {
      ruleNames,
      functionNames: TRIPLINE_FUNCTIONS.map(functionName),
      tableName: this.table.tableName,
      topicArn: this.alertTopic.topicArn,
      queueNames: Object.values(queues).map((q) => q.queueName),
      stackName: stack.stackName,
    };

    // ---- Functions, each with its generated role ------------------------------------------------------------
    const created = {} as Record<TriplineFunctionId, FunctionResources>;
    for (const spec of TRIPLINE_FUNCTIONS) {
      const logicalId = pascalCase(spec.id);
      const logGroup = new logs.LogGroup(this, `${logicalId}LogGroup`, {
        retention,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      this.logGroups[spec.id] = logGroup;
      const resolve = (ref: ResourceRef) => this.resourceArn(ref, spec.id);
      const grants = functionGrants(spec, { slackSecret: props.slackSecretArn !== undefined });
      const statements = permissionStatements(grants);
      const role = new iam.Role(this, `${logicalId}Role`, {
        description: `Tripline ${spec.id}: generated least-privilege role (see docs/permissions.md)`,
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        inlinePolicies: {
          Permissions: new iam.PolicyDocument({
            statements: statements.map(
              (s) =>
                new iam.PolicyStatement({
                  sid: s.sid,
                  actions: s.actions,
                  resources: [...new Set(s.resources.flatMap(resolve))],
                }),
            ),
          }),
        },
      });
      acknowledgeWildcards(role, spec, grants, resolve);

      const fn = new NodejsFunction(this, `${logicalId}Function`, {
        functionName: functionName(spec),
        description: spec.description,
        entry: entryPath(projectRoot, props.entries?.[spec.id] ?? spec.entry),
        handler: spec.handler,
        projectRoot,
        depsLockFilePath: `${projectRoot.replace(/\/$/, '')}/package-lock.json`,
        runtime: lambda.Runtime.NODEJS_24_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: spec.memoryMb,
        timeout: Duration.seconds(spec.timeoutSeconds),
        role,
        logGroup,
        loggingFormat: lambda.LoggingFormat.JSON,
        ...(props.reserveConcurrency === false
          ? {}
          : { reservedConcurrentExecutions: spec.reservedConcurrency }),
        bundling: BUNDLING,
        environment: this.environmentFor(spec, {
          recheckDelay,
          // As given (validated above): the function fills in the same defaults.
          scanConfig: props.scanConfig ?? {},
          minEmail,
          minSlack,
          ...(props.slackSecretArn ? { slackSecretArn: props.slackSecretArn } : {}),
        }),
      });
      acknowledge(
        fn,
        'AwsSolutions-L1',
        'Pinned to nodejs24.x, the newest generally available Node.js runtime; the check compares with a preview runtime (nodejs26.x).',
      );
      created[spec.id] = { fn, role, logGroup };
    }
    this.functions = Object.fromEntries(Object.entries(created).map(([k, v]) => [k, v.fn])) as Record<
      TriplineFunctionId,
      NodejsFunction
    >;
    this.roles = Object.fromEntries(Object.entries(created).map(([k, v]) => [k, v.role])) as Record<
      TriplineFunctionId,
      iam.Role
    >;

    // Only the notifier and the digest may publish alerts.
    const publishers = TRIPLINE_FUNCTIONS.filter((f) => f.kind === 'notifier' || f.kind === 'digest').map(
      (f) => created[f.id].role.roleArn,
    );
    this.alertTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyTheNotifierPublishes',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['sns:Publish'],
        resources: [this.alertTopic.topicArn],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': publishers } },
      }),
    );
    this.alertTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'NotifierPublishes',
        principals: publishers.map((arn) => new iam.ArnPrincipal(arn)),
        actions: ['sns:Publish'],
        resources: [this.alertTopic.topicArn],
      }),
    );

    // ---- Asynchronous invocations (EventBridge, schedules): retry, then a dead-letter queue ------------------
    for (const spec of TRIPLINE_FUNCTIONS.filter((s) => s.kind !== 'notifier')) {
      const destination = spec.kind === 'digest' ? notifierFailures : eventDeadLetters;
      new lambda.CfnEventInvokeConfig(this, `${pascalCase(spec.id)}InvokeConfig`, {
        functionName: created[spec.id].fn.functionName,
        qualifier: '$LATEST',
        maximumRetryAttempts: 2,
        maximumEventAgeInSeconds: 6 * 3600,
        destinationConfig: { onFailure: { destination: destination.queueArn } },
      });
    }

    // ---- Delayed re-reads ----------------------------------------------------------------------------------
    for (const spec of TRIPLINE_FUNCTIONS.filter((s) => s.recheck)) {
      const mapping = new lambda.CfnEventSourceMapping(this, `${pascalCase(spec.id)}RecheckSource`, {
        functionName: created[spec.id].fn.functionName,
        eventSourceArn: requiredQueue(queues, `recheck-${spec.id}` as QueueId).queueArn,
        batchSize: 10,
        functionResponseTypes: ['ReportBatchItemFailures'],
      });
      mapping.node.addDependency(created[spec.id].role);
    }

    // ---- Notifier on the table stream ---------------------------------------------------------------------
    const streamMapping = new lambda.CfnEventSourceMapping(this, 'NotifierStreamSource', {
      functionName: created.notifier.fn.functionName,
      eventSourceArn: this.table.tableStreamArn as string,
      startingPosition: 'TRIM_HORIZON',
      batchSize: 25,
      maximumBatchingWindowInSeconds: 5,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 5,
      maximumRecordAgeInSeconds: 24 * 3600,
      functionResponseTypes: ['ReportBatchItemFailures'],
      destinationConfig: { onFailure: { destination: notifierFailures.queueArn } },
      // Findings only: event claims and suppressions change no alert.
      filterCriteria: {
        filters: [{ pattern: JSON.stringify({ dynamodb: { NewImage: { itemType: { S: ['finding'] } } } }) }],
      },
    });
    streamMapping.node.addDependency(created.notifier.role);

    // ---- EventBridge rules from the rules' triggers ------------------------------------------------------------
    for (const spec of TRIPLINE_FUNCTIONS.filter((s) => s.kind === 'evaluator')) {
      const group = spec.id as EvaluatorGroup;
      for (const p of evaluatorPatterns(group)) {
        const rule = new events.Rule(
          this,
          `${pascalCase(group)}${pascalCase(sourceShortName(p.source))}Rule`,
          {
            ruleName: evaluatorRuleName(group, p.source),
            description: `Tripline: ${p.source} events of the ${group} rules`,
            eventPattern: {
              source: p.pattern.source,
              detailType: p.pattern['detail-type'],
              detail: p.pattern.detail,
            },
            targets: [
              new targets.LambdaFunction(created[spec.id].fn, {
                deadLetterQueue: eventDeadLetters,
                retryAttempts: 8,
                maxEventAge: Duration.hours(2),
              }),
            ],
          },
        );
        this.rules.push(rule);
      }
    }
    for (const [spec, schedule, deadLetters] of schedules) {
      const rule = new events.Rule(this, `${pascalCase(spec.id)}ScheduleRule`, {
        ruleName: scheduleRuleName(spec),
        description: `Tripline: runs the ${spec.id} on schedule`,
        schedule: events.Schedule.expression(schedule),
        targets: [
          new targets.LambdaFunction(created[spec.id].fn, {
            deadLetterQueue: deadLetters,
            retryAttempts: 8,
            maxEventAge: Duration.hours(2),
          }),
        ],
      });
      this.rules.push(rule);
    }

    // ---- Alarms -----------------------------------------------------------------------------------------------
    const alarmAction = new cloudwatchActions.SnsAction(this.operationsTopic);
    for (const [name, q] of [
      ['EventDeadLetters', eventDeadLetters],
      ['RecheckDeadLetters', recheckDeadLetters],
      ['NotifierFailures', notifierFailures],
    ] as const) {
      const alarm = new cloudwatch.Alarm(this, `${name}DepthAlarm`, {
        alarmDescription: `Tripline: messages in ${name} (events or alerts that failed every retry)`,
        metric: q.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(alarmAction);
      this.alarms.push(alarm);
    }
    for (const spec of TRIPLINE_FUNCTIONS) {
      const alarm = new cloudwatch.Alarm(this, `${pascalCase(spec.id)}ErrorsAlarm`, {
        alarmDescription: `Tripline: the ${spec.id} function failed`,
        metric: created[spec.id].fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(alarmAction);
      this.alarms.push(alarm);
    }
  }

  /** The ARN (or `*`) a permission's resource reference stands for, for function `fn`. */
  resourceArn(ref: ResourceRef, fn: TriplineFunctionId): string | string[] {
    const stack = Stack.of(this);
    switch (ref.kind) {
      case 'any':
        return '*';
      case 'arn':
        return ref.template
          .replaceAll('${Partition}', stack.partition)
          .replaceAll('${Region}', stack.region)
          .replaceAll('${Account}', stack.account);
      case 'findings-table':
        return this.table.tableArn;
      case 'findings-table-indexes':
        return `${this.table.tableArn}/index/*`;
      case 'findings-table-stream':
        return this.table.tableStreamArn as string;
      case 'queue':
        return requiredQueue(this.queues, ref.queue).queueArn;
      case 'alert-topic':
        return this.alertTopic.topicArn;
      case 'alert-key':
        return this.alertKey.keyArn;
      case 'log-group': {
        const logGroup = this.logGroups[fn];
        if (!logGroup) throw new Error(`no log group for ${fn}`);
        return logGroup.logGroupArn;
      }
      case 'slack-secret':
        if (!this.slackSecretArn) throw new Error('no Slack secret configured');
        return secretResourceArns(this.slackSecretArn);
      case 'default-event-bus':
        return stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' });
    }
  }

  private environmentFor(
    spec: TriplineFunctionSpec,
    options: {
      recheckDelay: number;
      scanConfig: unknown;
      minEmail: Severity;
      minSlack: Severity;
      slackSecretArn?: string;
    },
  ): Record<string, string> {
    // Stack traces name the TypeScript sources (the bundles ship source maps).
    return { NODE_OPTIONS: '--enable-source-maps', ...this.functionEnvironment(spec, options) };
  }

  private functionEnvironment(
    spec: TriplineFunctionSpec,
    options: Parameters<Tripline['environmentFor']>[1],
  ): Record<string, string> {
    const stack = Stack.of(this);
    const config = stack.toJsonString(options.scanConfig);
    switch (spec.kind) {
      case 'evaluator': {
        const env: Record<string, string> = {
          TABLE_NAME: this.table.tableName,
          DEAD_LETTER_QUEUE_URL: requiredQueue(this.queues, 'event-dead-letters').queueUrl,
          RECHECK_DELAY_SECONDS: String(options.recheckDelay),
          TRIPLINE_CONFIG: config,
          TRIPLINE_DEPLOYMENT: stack.toJsonString(this.deployment),
        };
        if (spec.recheck)
          env.RECHECK_QUEUE_URL = requiredQueue(this.queues, `recheck-${spec.id}` as QueueId).queueUrl;
        return env;
      }
      case 'sweep':
        return {
          TABLE_NAME: this.table.tableName,
          // Required by the shared runtime wiring; the sweep itself sends nothing there.
          DEAD_LETTER_QUEUE_URL: requiredQueue(this.queues, 'event-dead-letters').queueUrl,
          TRIPLINE_CONFIG: config,
        };
      case 'notifier':
      case 'digest':
        return {
          TOPIC_ARN: this.alertTopic.topicArn,
          DEAD_LETTER_QUEUE_URL: requiredQueue(this.queues, 'notifier-failures').queueUrl,
          MIN_SEVERITY_EMAIL: options.minEmail,
          MIN_SEVERITY_SLACK: options.minSlack,
          ...(options.slackSecretArn ? { SLACK_SECRET_ARN: options.slackSecretArn } : {}),
          // The notifier puts finding events on the bus; the digest reads open findings from the table.
          ...(spec.kind === 'notifier'
            ? { EVENT_BUS_NAME: 'default' }
            : { TABLE_NAME: this.table.tableName }),
        };
    }
  }
}

function findingsTable(scope: Construct): dynamodb.Table {
  const attributeType = (name: string): dynamodb.AttributeType => {
    const definition = FINDINGS_TABLE_SCHEMA.AttributeDefinitions.find((d) => d.AttributeName === name);
    if (!definition) throw new Error(`table schema: attribute ${name} has no definition`);
    return {
      S: dynamodb.AttributeType.STRING,
      N: dynamodb.AttributeType.NUMBER,
      B: dynamodb.AttributeType.BINARY,
    }[definition.AttributeType];
  };
  const key = (
    schema: readonly { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[],
    type: 'HASH' | 'RANGE',
  ) => {
    const element = schema.find((k) => k.KeyType === type);
    return element ? { name: element.AttributeName, type: attributeType(element.AttributeName) } : undefined;
  };
  const partitionKey = key(FINDINGS_TABLE_SCHEMA.KeySchema, 'HASH');
  if (!partitionKey) throw new Error('table schema: no partition key');
  const sortKey = key(FINDINGS_TABLE_SCHEMA.KeySchema, 'RANGE');
  const table = new dynamodb.Table(scope, 'FindingsTable', {
    partitionKey,
    ...(sortKey ? { sortKey } : {}),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    stream: dynamodb.StreamViewType[FINDINGS_TABLE_SCHEMA.StreamSpecification.StreamViewType],
    timeToLiveAttribute: TIME_TO_LIVE_ATTRIBUTE,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    // AWS-owned key: encrypted at rest at no KMS cost, and the stream needs no key grant.
    encryption: dynamodb.TableEncryption.DEFAULT,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  for (const index of FINDINGS_TABLE_SCHEMA.GlobalSecondaryIndexes) {
    const indexPartition = key(index.KeySchema, 'HASH');
    if (!indexPartition) throw new Error(`table schema: index ${index.IndexName} has no partition key`);
    const indexSort = key(index.KeySchema, 'RANGE');
    table.addGlobalSecondaryIndex({
      indexName: index.IndexName,
      partitionKey: indexPartition,
      ...(indexSort ? { sortKey: indexSort } : {}),
      projectionType: dynamodb.ProjectionType[index.Projection.ProjectionType],
      ...(index.Projection.NonKeyAttributes ? { nonKeyAttributes: index.Projection.NonKeyAttributes } : {}),
    });
  }
  return table;
}

function requiredQueue(queues: Record<string, sqs.Queue>, id: QueueId): sqs.Queue {
  const q = queues[id];
  if (!q) throw new Error(`no queue ${id}`);
  return q;
}

function entryPath(projectRoot: string, entry: string): string {
  return entry.startsWith('/') ? entry : `${projectRoot.replace(/\/$/, '')}/${entry}`;
}

function retentionDays(days: number): logs.RetentionDays {
  const valid = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number');
  if (!valid.includes(days))
    throw new Error(
      `logRetentionDays must be one of CloudWatch Logs' retention periods: ${valid.join(', ')}`,
    );
  return days as logs.RetentionDays;
}

/** A resolved CloudFormation value as cdk-nag prints it: `<Logical.Arn>`, `<AWS::Partition>`. */
function nagForm(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string') return `<${v.Ref}>`;
    const getAtt = v['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${getAtt.join('.')}>`;
    const join = v['Fn::Join'];
    if (Array.isArray(join) && Array.isArray(join[1])) return join[1].map(nagForm).join(String(join[0]));
  }
  return JSON.stringify(value);
}

function wildcardReason(ref: ResourceRef, grants: readonly ActionGrant[]): string {
  const actions = grants.map((g) => g.action).join(', ');
  const why = [...new Set(grants.flatMap((g) => g.reasons))].join('; ');
  switch (ref.kind) {
    case 'any':
      return `${actions}: the action catalogue lists no resource-level permissions for these actions, so IAM accepts only "*". Needed by: ${why}.`;
    case 'arn':
      return `${actions} on any ${ref.label} of this account${ref.template.includes('${Region}') ? ' and Region' : ''}${ref.template.includes(':aws:') ? ' (AWS managed policies attached to principals)' : ''}: Tripline evaluates whichever resource an event names, or all of them in the sweep. Needed by: ${why}.`;
    case 'findings-table-indexes':
      return `${actions} on the global secondary indexes of Tripline's own findings table (and no other table): ${why}.`;
    case 'log-group':
      return `${actions} on the log streams of this function's own log group.`;
    default:
      return `${actions}: ${why}.`;
  }
}

/**
 * cdk-nag's IAM5 flags every wildcard resource. Each one here is generated and acknowledged with its reason: the
 * action has no resource-level permissions (`*`), the function must read any principal, policy or function of the
 * account (`role/*`, `function:*`…), or the resource is Tripline's own (table indexes).
 */
function acknowledgeWildcards(
  role: iam.Role,
  spec: TriplineFunctionSpec,
  grants: readonly ActionGrant[],
  resolve: (ref: ResourceRef) => string | string[],
): void {
  const stack = Stack.of(role);
  const byFinding = new Map<string, { ref: ResourceRef; grants: ActionGrant[] }>();
  for (const grant of grants) {
    for (const ref of grant.resources) {
      for (const resource of [resolve(ref)].flat()) {
        const form = nagForm(stack.resolve(resource));
        if (!form.includes('*')) continue;
        const id = `AwsSolutions-IAM5[Resource::${form}]`;
        const entry = byFinding.get(id) ?? { ref, grants: [] };
        entry.grants.push(grant);
        byFinding.set(id, entry);
      }
    }
  }
  for (const [id, { ref, grants: held }] of byFinding) {
    acknowledge(role, id, `Tripline ${spec.id}: ${wildcardReason(ref, held)}`);
  }
}
