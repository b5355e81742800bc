/**
 * The synthesized stack (home Region us-east-1), asserted fact by fact: generated roles, generated event patterns,
 * the table from its schema, encryption, alarms, cdk-nag, and a self-audit with Tripline's own rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookupAction } from '../shared/catalogue/action-catalogue.ts';
import { fixtureNames, readFixture } from '../shared/events/event-fixtures.ts';
import { FINDINGS_TABLE_SCHEMA, TIME_TO_LIVE_ATTRIBUTE } from '../shared/findings/table-schema.ts';
import { ALL_RULES } from '../shared/rules/index.ts';
import { severityRank } from '../shared/rules/rule-types.ts';
import { parseScanConfig } from '../shared/rules/scan-config.ts';
import { runScan } from '../shared/scan/run-scan.ts';
import { matchesEventPattern } from './event-pattern-matcher.ts';
import { CLOUDTRAIL_DETAIL_TYPE } from './event-patterns.ts';
import { pascalCase } from './logical-ids.ts';
import { functionGrants } from './permissions.ts';
import { type SynthesizedApp, synthesizeApp } from './synth-fixture.ts';
import { snapshotFromTemplates, type TemplateResource } from './template-snapshot.ts';
import {
  EVALUATOR_GROUPS,
  EVALUATOR_RULES,
  TRIPLINE_FUNCTIONS,
  type TriplineFunctionId,
} from './tripline-functions.ts';

const SLACK_SECRET = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:tripline/slack';
const CONTEXT = {
  alertEmails: 'security@example.com,oncall@example.com',
  minEmailSeverity: 'high',
  slackSecretArn: SLACK_SECRET,
  knownAccounts: '444455556666',
  deployers: 'arn:aws:iam::111122223333:role/cdk-*-cfn-exec-role-*',
};

let synth: SynthesizedApp;
let resources: Record<string, TemplateResource>;

beforeAll(() => {
  const started = Date.now();
  synth = synthesizeApp(CONTEXT);
  resources = synth.main.template.Resources;
  console.log(`synth ${Date.now() - started} ms`);
}, 120_000);
afterAll(() => synth?.cleanup());

type Statement = {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Sid?: string;
  Condition?: unknown;
};

function ofType(type: string): [string, TemplateResource][] {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

function logicalIdOf(construct: { node: { defaultChild?: unknown } } | { node: { path: string } }): string {
  const stack = synth.stacks.main;
  const child = (construct as { node: { defaultChild?: unknown } }).node.defaultChild ?? construct;
  return stack.getLogicalId(child as Parameters<typeof stack.getLogicalId>[0]);
}

function asList<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Every statement of a role: its inline policies and any AWS::IAM::Policy attached to it. */
function roleStatements(roleLogicalId: string): Statement[] {
  const role = resources[roleLogicalId];
  type Document = { Statement: Statement[] };
  const inline = asList(role?.Properties?.Policies as unknown as { PolicyDocument: Document }[]).map(
    (p) => p.PolicyDocument,
  );
  const attached = ofType('AWS::IAM::Policy')
    .filter(([, p]) => JSON.stringify(p.Properties?.Roles).includes(`"Ref":"${roleLogicalId}"`))
    .map(([, p]) => p.Properties?.PolicyDocument as unknown as Document);
  return [...inline, ...attached].flatMap((d) => d.Statement);
}

function tripline() {
  return synth.stacks.main.tripline;
}

describe('synthesis', () => {
  it('synthesizes offline and passes cdk-nag AwsSolutions (every finding fixed or acknowledged)', () => {
    expect(synth.validationError).toBeUndefined();
  });

  it('every cdk-nag acknowledgement carries its own specific reason', () => {
    expect(synth.acknowledgements.length).toBeGreaterThan(0);
    for (const ack of synth.acknowledgements) {
      expect(ack.reason.length, ack.id).toBeGreaterThan(40);
      if (ack.id.startsWith('AwsSolutions-IAM5[Resource::')) {
        // The reason names the actions the wildcard is for.
        expect(ack.reason).toMatch(/[a-z0-9-]+:[A-Z][A-Za-z]+/);
      }
    }
    const reasons = synth.acknowledgements.map((a) => `${a.path} ${a.reason}`);
    expect(new Set(reasons).size).toBe(reasons.length);
    // Only the rules we decided to acknowledge, no blanket ones.
    expect(new Set(synth.acknowledgements.map((a) => a.id.replace(/\[.*$/, '')))).toEqual(
      new Set(['AwsSolutions-IAM5', 'AwsSolutions-L1', 'AwsSolutions-SQS3']),
    );
  });
});

describe('function roles', () => {
  it.each(TRIPLINE_FUNCTIONS.map((f) => f.id))(
    '%s: grants exactly its generated actions and resources',
    (id) => {
      const spec = TRIPLINE_FUNCTIONS.find((f) => f.id === id)!;
      const t = tripline();
      const roleId = logicalIdOf(t.roles[id]);
      const statements = roleStatements(roleId);
      const stack = synth.stacks.main;
      const actual = new Set<string>();
      for (const s of statements) {
        expect(s.Effect).toBe('Allow');
        for (const action of asList(s.Action)) {
          for (const resource of asList(s.Resource)) actual.add(`${action} ${JSON.stringify(resource)}`);
        }
      }
      const expected = new Set<string>();
      for (const grant of functionGrants(spec, { slackSecret: true })) {
        for (const ref of grant.resources) {
          for (const resource of [t.resourceArn(ref, id)].flat())
            expected.add(`${grant.action} ${JSON.stringify(stack.resolve(resource))}`);
        }
      }
      expect([...actual].sort()).toEqual([...expected].sort());
    },
  );

  it.each(TRIPLINE_FUNCTIONS.map((f) => f.id))(
    '%s: no wildcard action; "*" only where IAM allows nothing else',
    (id) => {
      for (const s of roleStatements(logicalIdOf(tripline().roles[id]))) {
        for (const action of asList(s.Action)) {
          expect(action).not.toContain('*');
          const entry = lookupAction(action);
          expect(entry, action).toBeDefined();
          if (asList(s.Resource).includes('*')) expect(entry?.supportsResourceLevel, action).toBe(false);
        }
      }
    },
  );

  it.each(EVALUATOR_GROUPS)('%s evaluator: reads include every read action its rules declare', (group) => {
    const granted = new Set(
      roleStatements(logicalIdOf(tripline().roles[group])).flatMap((s) => asList(s.Action)),
    );
    for (const rule of EVALUATOR_RULES[group]) for (const a of rule.readActions) expect(granted).toContain(a);
  });

  it('IAM and Lambda actions are reads only (List or Read access level)', () => {
    for (const id of TRIPLINE_FUNCTIONS.map((f) => f.id)) {
      for (const s of roleStatements(logicalIdOf(tripline().roles[id]))) {
        for (const action of asList(s.Action).filter((a) => /^(iam|lambda):/.test(a))) {
          const levels = lookupAction(action)?.accessLevels ?? [];
          expect(
            levels.every((l) => l === 'List' || l === 'Read'),
            `${id} ${action}`,
          ).toBe(true);
        }
      }
    }
  });

  it('IAM and Lambda reads are scoped to this account (and Region), AWS managed policies aside', () => {
    for (const id of TRIPLINE_FUNCTIONS.map((f) => f.id)) {
      for (const s of roleStatements(logicalIdOf(tripline().roles[id]))) {
        const actions = asList(s.Action);
        if (!actions.some((a) => a.startsWith('iam:') || a.startsWith('lambda:'))) continue;
        for (const resource of asList(s.Resource)) {
          if (resource === '*') continue;
          const text = JSON.stringify(resource);
          expect(text).toMatch(/:iam::(111122223333|aws):|:lambda:us-east-1:111122223333:function:\*/);
        }
      }
    }
  });

  it('only the notifier and the digest read the Slack secret, and only that secret', () => {
    for (const id of TRIPLINE_FUNCTIONS.map((f) => f.id)) {
      const secretStatements = roleStatements(logicalIdOf(tripline().roles[id])).filter((s) =>
        asList(s.Action).some((a) => a.startsWith('secretsmanager:')),
      );
      if (id !== 'notifier' && id !== 'digest') {
        expect(secretStatements).toEqual([]);
        continue;
      }
      expect(secretStatements).toHaveLength(1);
      expect(secretStatements[0]?.Action).toBe('secretsmanager:GetSecretValue');
      expect(secretStatements[0]?.Resource).toEqual([SLACK_SECRET, `${SLACK_SECRET}-??????`]);
    }
  });

  it('each role is assumable by Lambda only, and no role has a managed policy', () => {
    for (const [, role] of ofType('AWS::IAM::Role')) {
      expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
      const trust = role.Properties?.AssumeRolePolicyDocument as { Statement: { Principal: unknown }[] };
      expect(trust.Statement.map((s) => s.Principal)).toEqual([{ Service: 'lambda.amazonaws.com' }]);
    }
    expect(ofType('AWS::IAM::Role')).toHaveLength(TRIPLINE_FUNCTIONS.length);
  });
});

describe('EventBridge rules', () => {
  const eventRules = () =>
    ofType('AWS::Events::Rule')
      .map(([, r]) => r.Properties ?? {})
      .filter((p) => p.EventPattern !== undefined);

  /** Union of the group's declared triggers, by source (computed here, independently of event-patterns.ts). */
  function declared(group: (typeof EVALUATOR_GROUPS)[number]): Map<string, string[]> {
    const map = new Map<string, Set<string>>();
    for (const rule of EVALUATOR_RULES[group]) {
      for (const t of rule.triggers) {
        const set = map.get(t.source) ?? new Set<string>();
        for (const n of t.eventNames) set.add(n);
        map.set(t.source, set);
      }
    }
    return new Map([...map].map(([k, v]) => [k, [...v].sort()]));
  }

  function rulesOf(group: string) {
    const fnId = logicalIdOf(tripline().functions[group as TriplineFunctionId]);
    return eventRules().filter((p) => JSON.stringify(p.Targets).includes(`"${fnId}"`));
  }

  it.each(EVALUATOR_GROUPS)(
    '%s: one rule per source, pattern = the union of its rules’ triggers',
    (group) => {
      const rules = rulesOf(group);
      const expected = declared(group);
      expect(rules).toHaveLength(expected.size);
      for (const [source, names] of expected) {
        const rule = rules.find(
          (r) => JSON.stringify((r.EventPattern as { source: string[] }).source) === `["${source}"]`,
        );
        expect(rule?.EventPattern, source).toEqual({
          source: [source],
          'detail-type': [CLOUDTRAIL_DETAIL_TYPE],
          detail: { eventName: names, errorCode: [{ exists: false }] },
        });
        expect(rule?.State).toBe('ENABLED');
        const [target] = (rule?.Targets ?? []) as { DeadLetterConfig?: unknown; RetryPolicy?: unknown }[];
        expect(target?.DeadLetterConfig).toEqual({
          Arn: { 'Fn::GetAtt': [logicalIdOf(tripline().queues['event-dead-letters']!), 'Arn'] },
        });
        expect(target?.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 7200, MaximumRetryAttempts: 8 });
      }
    },
  );

  it.each(EVALUATOR_GROUPS)(
    '%s: matches the fixture of every trigger event and of no other event',
    (group) => {
      const patterns = rulesOf(group).map((r) => r.EventPattern);
      const triggers = new Set([...declared(group).values()].flat());
      for (const name of fixtureNames()) {
        const event = readFixture(name);
        const detail = event.detail as { eventName: string; errorCode?: string };
        const expected = triggers.has(detail.eventName) && detail.errorCode === undefined;
        expect(
          patterns.some((p) => matchesEventPattern(p, event)),
          `${group} ${name}`,
        ).toBe(expected);
      }
    },
  );

  it('failed calls and unrelated events match no rule', () => {
    const patterns = eventRules().map((r) => r.EventPattern);
    for (const name of ['AttachRolePolicy.access-denied', 'PutBucketTagging']) {
      expect(
        patterns.some((p) => matchesEventPattern(p, readFixture(name))),
        name,
      ).toBe(false);
    }
  });

  it('the sweep and the digest run on their schedules, with dead-letter queues', () => {
    const t = tripline();
    const scheduled = ofType('AWS::Events::Rule')
      .map(([, r]) => r.Properties ?? {})
      .filter((p) => p.ScheduleExpression !== undefined);
    const target = (id: TriplineFunctionId) =>
      scheduled.find((p) => JSON.stringify(p.Targets).includes(`"${logicalIdOf(t.functions[id])}"`));
    expect(scheduled).toHaveLength(2);
    expect(target('sweep')?.ScheduleExpression).toBe('rate(1 day)');
    expect(target('digest')?.ScheduleExpression).toBe('cron(0 8 * * ? *)');
    for (const p of scheduled) {
      expect((p.Targets as { DeadLetterConfig?: unknown }[])[0]?.DeadLetterConfig).toBeDefined();
    }
  });

  it('TRIPLINE_DEPLOYMENT names exactly Tripline’s rules and functions', () => {
    const ruleNames = ofType('AWS::Events::Rule').map(([, r]) => r.Properties?.Name);
    const functionNames = ofType('AWS::Lambda::Function').map(([, r]) => r.Properties?.FunctionName);
    expect([...tripline().deployment.ruleNames].sort()).toEqual([...ruleNames].sort());
    expect([...tripline().deployment.functionNames].sort()).toEqual([...functionNames].sort());
    expect(tripline().deployment.queueNames).toHaveLength(ofType('AWS::SQS::Queue').length);
  });
});

describe('findings table', () => {
  const table = () => ofType('AWS::DynamoDB::Table')[0]?.[1];

  it('has exactly the schema of shared/findings/table-schema.ts', () => {
    const p = table()?.Properties ?? {};
    expect(p.KeySchema).toEqual(FINDINGS_TABLE_SCHEMA.KeySchema);
    const byName = (a: { AttributeName: string }, b: { AttributeName: string }) =>
      a.AttributeName.localeCompare(b.AttributeName);
    expect([...(p.AttributeDefinitions as { AttributeName: string }[])].sort(byName)).toEqual(
      [...FINDINGS_TABLE_SCHEMA.AttributeDefinitions].sort(byName),
    );
    expect(p.GlobalSecondaryIndexes).toEqual(FINDINGS_TABLE_SCHEMA.GlobalSecondaryIndexes);
    expect(p.BillingMode).toBe(FINDINGS_TABLE_SCHEMA.BillingMode);
    expect(p.StreamSpecification).toEqual({
      StreamViewType: FINDINGS_TABLE_SCHEMA.StreamSpecification.StreamViewType,
    });
    expect(p.TimeToLiveSpecification).toEqual({ AttributeName: TIME_TO_LIVE_ATTRIBUTE, Enabled: true });
  });

  it('point-in-time recovery and deletion protection on, retained on stack deletion, encrypted', () => {
    const t = table();
    expect(t?.Properties?.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(t?.Properties?.DeletionProtectionEnabled).toBe(true);
    expect((t as { DeletionPolicy?: string }).DeletionPolicy).toBe('Retain');
    // DynamoDB always encrypts at rest; SSEEnabled false = the AWS owned key (no KMS key to grant the stream).
    expect(t?.Properties?.SSESpecification).toEqual({ SSEEnabled: false });
  });
});

describe('queues, topics, alarms', () => {
  it('every queue is encrypted and refuses non-TLS access', () => {
    const queues = ofType('AWS::SQS::Queue');
    expect(queues).toHaveLength(3 + TRIPLINE_FUNCTIONS.filter((f) => f.recheck).length);
    for (const [id, q] of queues) {
      expect(q.Properties?.SqsManagedSseEnabled, id).toBe(true);
      const policy = ofType('AWS::SQS::QueuePolicy').find(([, p]) =>
        JSON.stringify(p.Properties?.Queues).includes(`"${id}"`),
      );
      expect(JSON.stringify(policy?.[1].Properties?.PolicyDocument), id).toContain(
        '"aws:SecureTransport":"false"',
      );
    }
  });

  it('re-read queues delay by recheckDelaySeconds and redrive to their dead-letter queue', () => {
    const t = tripline();
    for (const spec of TRIPLINE_FUNCTIONS.filter((f) => f.recheck)) {
      const q = resources[logicalIdOf(t.queues[`recheck-${spec.id}`]!)];
      expect(q?.Properties?.DelaySeconds).toBe(60);
      expect(q?.Properties?.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdOf(t.queues['recheck-dead-letters']!), 'Arn'] },
        maxReceiveCount: 3,
      });
      const mapping = ofType('AWS::Lambda::EventSourceMapping').find(([, m]) =>
        JSON.stringify(m.Properties?.EventSourceArn).includes(logicalIdOf(t.queues[`recheck-${spec.id}`]!)),
      );
      expect(mapping?.[1].Properties?.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      expect(JSON.stringify(mapping?.[1].Properties?.FunctionName)).toContain(
        logicalIdOf(t.functions[spec.id]),
      );
    }
    // Exactly the groups whose rules read IAM principals (documents may come from the event).
    expect(TRIPLINE_FUNCTIONS.filter((f) => f.recheck).map((f) => f.id)).toEqual(
      EVALUATOR_GROUPS.filter((g) => EVALUATOR_RULES[g].some((r) => r.scope === 'principal')),
    );
  });

  it('both topics are KMS-encrypted with a rotated key and refuse non-TLS publishing', () => {
    const keyId = logicalIdOf(tripline().alertKey);
    expect(resources[keyId]?.Properties?.EnableKeyRotation).toBe(true);
    for (const [id, topic] of ofType('AWS::SNS::Topic')) {
      expect(topic.Properties?.KmsMasterKeyId, id).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    }
    for (const [, policy] of ofType('AWS::SNS::TopicPolicy')) {
      expect(JSON.stringify(policy.Properties?.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('only the notifier’s and the digest’s roles may publish alerts', () => {
    const topicId = logicalIdOf(tripline().alertTopic);
    const [, policy] = ofType('AWS::SNS::TopicPolicy').find(([, p]) =>
      JSON.stringify(p.Properties?.Topics).includes(topicId),
    )!;
    const statements = (policy.Properties!.PolicyDocument as unknown as { Statement: Statement[] }).Statement;
    const notifierArn = { 'Fn::GetAtt': [logicalIdOf(tripline().roles.notifier), 'Arn'] };
    const digestArn = { 'Fn::GetAtt': [logicalIdOf(tripline().roles.digest), 'Arn'] };
    expect(statements).toContainEqual({
      Sid: 'OnlyTheNotifierPublishes',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'sns:Publish',
      Resource: { Ref: topicId },
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': [notifierArn, digestArn] } },
    });
    const publishers = statements.filter((s) => s.Effect === 'Allow');
    expect(publishers.map((s) => (s as { Principal?: unknown }).Principal)).toEqual([
      { AWS: [notifierArn, digestArn] },
    ]);
  });

  it('email subscriptions: alerts filtered by minimum severity, operations unfiltered', () => {
    const subs = ofType('AWS::SNS::Subscription').map(([, s]) => s.Properties ?? {});
    const alertTopic = logicalIdOf(tripline().alertTopic);
    const alerts = subs.filter((s) => JSON.stringify(s.TopicArn).includes(alertTopic));
    expect(alerts.map((s) => s.Endpoint).sort()).toEqual(['oncall@example.com', 'security@example.com']);
    for (const s of alerts) {
      expect(s.Protocol).toBe('email');
      expect(s.FilterPolicy).toEqual({ severity: ['high', 'critical'] });
    }
    const operations = subs.filter((s) => !JSON.stringify(s.TopicArn).includes(alertTopic));
    expect(operations).toHaveLength(2);
    for (const s of operations) expect(s.FilterPolicy).toBeUndefined();
  });

  it('alarms: each dead-letter queue’s depth and each function’s errors, notifying the operations topic', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties ?? {});
    const t = tripline();
    const opsTopic = { Ref: logicalIdOf(t.operationsTopic) };
    for (const q of ['event-dead-letters', 'recheck-dead-letters', 'notifier-failures']) {
      const queueName = { 'Fn::GetAtt': [logicalIdOf(t.queues[q]!), 'QueueName'] };
      const alarm = alarms.find(
        (a) =>
          a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'QueueName', Value: queueName }]),
      );
      expect(alarm, q).toBeDefined();
      expect(alarm?.Threshold).toBe(1);
      expect(alarm?.AlarmActions).toEqual([opsTopic]);
    }
    for (const spec of TRIPLINE_FUNCTIONS) {
      const alarm = alarms.find(
        (a) =>
          a.MetricName === 'Errors' &&
          JSON.stringify(a.Dimensions) ===
            JSON.stringify([{ Name: 'FunctionName', Value: { Ref: logicalIdOf(t.functions[spec.id]) } }]),
      );
      expect(alarm, spec.id).toBeDefined();
      expect(alarm?.AlarmActions).toEqual([opsTopic]);
    }
  });
});

describe('functions', () => {
  it.each(TRIPLINE_FUNCTIONS.map((f) => f.id))('%s: nodejs24.x on arm64, own log group, sized', (id) => {
    const spec = TRIPLINE_FUNCTIONS.find((f) => f.id === id)!;
    const t = tripline();
    const p = resources[logicalIdOf(t.functions[id])]?.Properties ?? {};
    expect(p.Runtime).toBe('nodejs24.x');
    expect(p.Architectures).toEqual(['arm64']);
    expect(p.Timeout).toBe(spec.timeoutSeconds);
    expect(p.MemorySize).toBe(spec.memoryMb);
    expect(p.ReservedConcurrentExecutions).toBe(spec.reservedConcurrency);
    const logGroupId = logicalIdOf(t.logGroups[id]!);
    expect(p.LoggingConfig).toEqual({ LogFormat: 'JSON', LogGroup: { Ref: logGroupId } });
    expect(resources[logGroupId]?.Properties?.RetentionInDays).toBe(90);
    expect(p.Role).toEqual({ 'Fn::GetAtt': [logicalIdOf(t.roles[id]), 'Arn'] });
  });

  it('environment contract', () => {
    const env = (id: TriplineFunctionId) =>
      ((resources[logicalIdOf(tripline().functions[id])]?.Properties?.Environment as { Variables: object })
        ?.Variables ?? {}) as Record<string, unknown>;
    for (const group of EVALUATOR_GROUPS) {
      const keys = Object.keys(env(group)).sort();
      const expected = [
        'DEAD_LETTER_QUEUE_URL',
        'NODE_OPTIONS',
        'RECHECK_DELAY_SECONDS',
        'TABLE_NAME',
        'TRIPLINE_CONFIG',
        'TRIPLINE_DEPLOYMENT',
        ...(TRIPLINE_FUNCTIONS.find((f) => f.id === group)?.recheck ? ['RECHECK_QUEUE_URL'] : []),
      ].sort();
      expect(keys, group).toEqual(expected);
      expect(parseScanConfig(JSON.parse(String(env(group).TRIPLINE_CONFIG)))).toMatchObject({
        knownAccounts: ['444455556666'],
        deployers: [CONTEXT.deployers],
      });
    }
    const alerting = ['DEAD_LETTER_QUEUE_URL', 'MIN_SEVERITY_EMAIL', 'MIN_SEVERITY_SLACK', 'NODE_OPTIONS'];
    expect(Object.keys(env('notifier')).sort()).toEqual(
      [...alerting, 'EVENT_BUS_NAME', 'SLACK_SECRET_ARN', 'TOPIC_ARN'].sort(),
    );
    expect(Object.keys(env('digest')).sort()).toEqual(
      [...alerting, 'SLACK_SECRET_ARN', 'TABLE_NAME', 'TOPIC_ARN'].sort(),
    );
    for (const id of ['notifier', 'digest'] as const) {
      expect(env(id).SLACK_SECRET_ARN).toBe(SLACK_SECRET);
      expect(env(id).MIN_SEVERITY_EMAIL).toBe('high');
      expect(env(id).DEAD_LETTER_QUEUE_URL).toEqual({
        Ref: logicalIdOf(tripline().queues['notifier-failures']!),
      });
    }
    expect(Object.keys(env('sweep')).sort()).toEqual([
      'DEAD_LETTER_QUEUE_URL',
      'NODE_OPTIONS',
      'TABLE_NAME',
      'TRIPLINE_CONFIG',
    ]);
  });

  it('each function’s environment, resolved, stays under Lambda’s 4 KB limit', () => {
    for (const fn of snapshotFromTemplates([synth.main]).functions ?? []) {
      const size = Object.entries(fn.environment).reduce((n, [k, v]) => n + k.length + v.length, 0);
      expect(size, fn.name).toBeLessThan(3500);
    }
  });

  it('the notifier reads the table stream in batches, bisecting and dead-lettering failures', () => {
    const t = tripline();
    const [, mapping] = ofType('AWS::Lambda::EventSourceMapping').find(([, m]) =>
      JSON.stringify(m.Properties?.EventSourceArn).includes('StreamArn'),
    )!;
    expect(mapping.Properties).toMatchObject({
      FunctionName: { Ref: logicalIdOf(t.functions.notifier) },
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(t.table), 'StreamArn'] },
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [logicalIdOf(t.queues['notifier-failures']!), 'Arn'] } },
      },
    });
  });

  it('asynchronous invocations retry, then go to a dead-letter queue', () => {
    const t = tripline();
    const configs = ofType('AWS::Lambda::EventInvokeConfig').map(([, c]) => c.Properties ?? {});
    expect(configs).toHaveLength(TRIPLINE_FUNCTIONS.length - 1);
    for (const spec of TRIPLINE_FUNCTIONS.filter((f) => f.kind !== 'notifier')) {
      const fn = JSON.stringify({ Ref: logicalIdOf(t.functions[spec.id]) });
      const c = configs.find((x) => JSON.stringify(x.FunctionName) === fn);
      expect(c?.MaximumRetryAttempts, spec.id).toBe(2);
      const queue = t.queues[spec.kind === 'digest' ? 'notifier-failures' : 'event-dead-letters']!;
      expect(c?.DestinationConfig).toEqual({
        OnFailure: { Destination: { 'Fn::GetAtt': [logicalIdOf(queue), 'Arn'] } },
      });
    }
  });

  it('outputs the table name, topic ARN and Region for the CLI', () => {
    const outputs = (synth.main.template as unknown as { Outputs: Record<string, { Value: unknown }> })
      .Outputs;
    expect(outputs.FindingsTableName?.Value).toEqual({ Ref: logicalIdOf(tripline().table) });
    expect(outputs.AlertTopicArn?.Value).toEqual({ Ref: logicalIdOf(tripline().alertTopic) });
    expect(outputs.Region?.Value).toBe('us-east-1');
    expect(outputs.IamEventForwarding).toBeUndefined();
  });
});

/**
 * Findings above `info` that Tripline's rules report on Tripline itself, each accepted with its reason, keyed
 * `<rule id> <function id>` (the function whose role or configuration it is about). Anything not listed fails.
 */
const SELF_AUDIT_EXCEPTIONS: Record<string, string> = {
  'iam-discovery-permissions identity-policies':
    'Reading any role, user, group and policy an IAM event names, and the whole account for privilege-escalation paths, is this evaluator’s job: it lists their policies by design.',
  'iam-discovery-permissions trust-policies':
    'The trust-policy rules declare iam:ListRoles, and the evaluator reads any role an event names (its policies, instance profiles and attached policy versions).',
  'iam-discovery-permissions lambda-config':
    'lambda-shared-role must list the Region’s functions to find those sharing a role; lambda-url-auth-none declares lambda:ListFunctionUrlConfigs.',
  'iam-discovery-permissions activity':
    'iam-unused-role (an activity rule) declares iam:ListRoles, and the evaluator reads the roles an event names (policies, instance profiles, attached policy versions).',
  'iam-discovery-permissions sweep':
    'The sweep re-reads the whole account (GetAccountAuthorizationDetails, ListFunctions) to catch what events missed: enumeration is its purpose.',
};

/** `…role/Tripline-TriplineLambdaConfigRole286E6AF8` → `lambda-config`; a function ARN → its id. */
function functionIdOf(resource: string): string {
  const name = resource.split(/[:/]/).pop() ?? resource;
  const spec = TRIPLINE_FUNCTIONS.find(
    (f) =>
      name.includes(`Tripline${pascalCase(f.id)}Role`) ||
      name === `tripline-${f.kind === 'evaluator' ? `${f.id}-evaluator` : f.id}`,
  );
  return spec?.id ?? name;
}

describe('self-audit: Tripline’s rules on Tripline’s own roles and functions', () => {
  it('reports nothing above info, except the listed exceptions', () => {
    const snapshot = snapshotFromTemplates([synth.main]);
    expect(snapshot.roles).toHaveLength(TRIPLINE_FUNCTIONS.length);
    expect(snapshot.functions).toHaveLength(TRIPLINE_FUNCTIONS.length);
    const report = runScan(snapshot, ALL_RULES, parseScanConfig({ knownAccounts: ['444455556666'] }), {
      now: new Date('2026-12-01T00:00:00Z'),
    });
    expect(report.summary.results.PASS).toBeGreaterThan(0);
    const above = report.findings.filter((f) => severityRank(f.severity) > severityRank('info'));
    const keys = above.map((f) => `${f.ruleId} ${functionIdOf(f.resource)}`);
    const unexpected = above.filter((_, i) => !((keys[i] as string) in SELF_AUDIT_EXCEPTIONS));
    expect(unexpected.map((f) => `${f.ruleId} ${f.severity} ${f.resource}: ${f.message}`)).toEqual([]);
    // No stale exception: each one still happens (once its rule is registered).
    const registered = new Set(ALL_RULES.map((r) => r.id));
    for (const key of Object.keys(SELF_AUDIT_EXCEPTIONS)) {
      if (registered.has(key.split(' ')[0] as string)) expect(keys).toContain(key);
    }
    expect(report.issues.filter((i) => i.status === 'ERROR')).toEqual([]);
  });
});
