/**
 * A home Region other than us-east-1: the app adds a us-east-1 stack forwarding the IAM events (and EventBridge
 * rule changes) to the home Region's default bus, with a role that may do nothing else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureNames, readFixture } from '../shared/events/event-fixtures.ts';
import { ALL_RULES } from '../shared/rules/index.ts';
import { severityRank } from '../shared/rules/rule-types.ts';
import { parseScanConfig } from '../shared/rules/scan-config.ts';
import { runScan } from '../shared/scan/run-scan.ts';
import { matchesEventPattern } from './event-pattern-matcher.ts';
import { type SynthesizedApp, synthesizeApp } from './synth-fixture.ts';
import { snapshotFromTemplates, type TemplateResource } from './template-snapshot.ts';
import { forwarderRuleNames } from './tripline-stack.ts';

let synth: SynthesizedApp;
let forwarder: Record<string, TemplateResource>;

beforeAll(() => {
  synth = synthesizeApp({ homeRegion: 'eu-west-1' });
  forwarder = synth.forwarder?.template.Resources ?? {};
}, 120_000);
afterAll(() => synth?.cleanup());

function ofType(type: string): [string, TemplateResource][] {
  return Object.entries(forwarder).filter(([, r]) => r.Type === type);
}

const HOME_BUS = {
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:eu-west-1:111122223333:event-bus/default']],
};

describe('IAM event forwarder (home Region eu-west-1)', () => {
  it('synthesizes both stacks, in their Regions, and passes cdk-nag', () => {
    expect(synth.validationError).toBeUndefined();
    expect(synth.stacks.main.region).toBe('eu-west-1');
    expect(synth.stacks.forwarder?.region).toBe('us-east-1');
  });

  it('forwards every IAM event an evaluator listens to, successful calls only, to the home bus', () => {
    const rules = ofType('AWS::Events::Rule').map(([, r]) => r.Properties ?? {});
    expect(rules.map((r) => r.Name).sort()).toEqual([...forwarderRuleNames()].sort());
    const iamNames = new Set(
      ALL_RULES.flatMap((r) => r.triggers.filter((t) => t.source === 'aws.iam').flatMap((t) => t.eventNames)),
    );
    const iamRule = rules.find((r) => JSON.stringify(r.EventPattern).includes('"aws.iam"'));
    expect(iamRule?.EventPattern).toEqual({
      source: ['aws.iam'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: { eventName: [...iamNames].sort(), errorCode: [{ exists: false }] },
    });
    for (const rule of rules) {
      const [target] = (rule.Targets ?? []) as {
        Arn: unknown;
        RoleArn: unknown;
        DeadLetterConfig: unknown;
      }[];
      expect(target?.Arn).toEqual(HOME_BUS);
      expect(target?.DeadLetterConfig).toBeDefined();
    }
    const patterns = rules.map((r) => r.EventPattern);
    for (const name of fixtureNames()) {
      const event = readFixture(name);
      const detail = event.detail as { eventName: string; errorCode?: string };
      if (event.source !== 'aws.iam') continue;
      const expected = iamNames.has(detail.eventName) && detail.errorCode === undefined;
      expect(
        patterns.some((p) => matchesEventPattern(p, event)),
        name,
      ).toBe(expected);
    }
  });

  it('the forwarder role may only put events on the home bus, and only EventBridge may assume it', () => {
    const roles = ofType('AWS::IAM::Role');
    expect(roles).toHaveLength(1);
    const [roleId, role] = roles[0] as [string, TemplateResource];
    expect(role.Properties?.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
        },
      ],
    });
    expect(role.Properties?.Policies).toBeUndefined();
    const statements = ofType('AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties?.Roles).includes(`"Ref":"${roleId}"`))
      .flatMap(([, p]) => (p.Properties!.PolicyDocument as unknown as { Statement: unknown[] }).Statement);
    expect(statements).toEqual([{ Effect: 'Allow', Action: 'events:PutEvents', Resource: HOME_BUS }]);
  });

  it('its dead-letter queue is encrypted, TLS-only, and alarmed', () => {
    const [[queueId, queue]] = ofType('AWS::SQS::Queue') as [[string, TemplateResource]];
    expect(queue.Properties?.SqsManagedSseEnabled).toBe(true);
    expect(JSON.stringify(ofType('AWS::SQS::QueuePolicy'))).toContain('"aws:SecureTransport":"false"');
    expect(JSON.stringify(ofType('AWS::CloudWatch::Alarm'))).toContain(queueId);
  });

  it('the home stack still matches IAM events, names the forwarder’s rules, and says to deploy it', () => {
    const main = synth.main.template.Resources;
    const iamRules = Object.values(main).filter(
      (r) =>
        r.Type === 'AWS::Events::Rule' &&
        JSON.stringify(r.Properties?.EventPattern ?? {}).includes('"aws.iam"'),
    );
    expect(iamRules.length).toBeGreaterThan(0);
    for (const name of forwarderRuleNames())
      expect(synth.stacks.main.tripline.deployment.ruleNames).toContain(name);
    const outputs = (synth.main.template as unknown as { Outputs: Record<string, { Value: unknown }> })
      .Outputs;
    expect(outputs.Region?.Value).toBe('eu-west-1');
    expect(String(outputs.IamEventForwarding?.Value)).toContain('us-east-1');
  });

  it('self-audit of both stacks: nothing above info outside the evaluators’ and sweep’s own reads', () => {
    const report = runScan(
      snapshotFromTemplates([synth.main, synth.forwarder!]),
      ALL_RULES,
      parseScanConfig({}),
      {
        now: new Date('2026-12-01T00:00:00Z'),
      },
    );
    const forwarderFindings = report.findings.filter(
      (f) => f.resource.includes('IamEventForwarder') && severityRank(f.severity) > severityRank('info'),
    );
    expect(forwarderFindings).toEqual([]);
  });
});
