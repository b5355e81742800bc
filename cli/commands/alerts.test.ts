import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findingLife } from '../../shared/alerts/alert-fixtures.ts';
import type { SlackMessage } from '../../shared/alerts/slack-message.ts';
import { SlackStandIn } from '../../shared/alerts/slack-stand-in.ts';
import { findingItem } from '../../shared/findings/table-schema.ts';
import { runCliCaptured } from '../capture-io.ts';

const cfn = mockClient(CloudFormationClient);
const sns = mockClient(SNSClient);
const secrets = mockClient(SecretsManagerClient);

const dir = mkdtempSync(join(tmpdir(), 'tripline-alerts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const opened = findingLife()[0]!.after;
function file(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:Tripline-AlertTopic';
const SECRET = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:tripline-slack-AbCdEf';
const ENV = { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };

describe('tripline alerts preview', () => {
  it('prints the Slack webhook body for a finding record', async () => {
    const out = await runCliCaptured([
      'alerts',
      'preview',
      '--finding',
      file('record.json', opened),
      '--channel',
      'slack',
    ]);
    expect(out.exitCode).toBe(0);
    const message = JSON.parse(out.stdout) as SlackMessage;
    expect(message.text).toBe(
      '[Tripline] HIGH lambda-public-invoke opened on my-function: Function can be invoked by anyone',
    );
    expect(message.blocks[0]?.type).toBe('header');
    expect(message.attachments?.[0]?.color).toBe('#e8590c');
    expect(out.stderr).toBe('');
  });

  it('prints the email subject, attributes and body', async () => {
    const out = await runCliCaptured([
      'alerts',
      'preview',
      '--finding',
      file('record.json', opened),
      '--channel',
      'email',
    ]);
    expect(out.exitCode).toBe(0);
    const [subject, attributes, blank] = out.stdout.split('\n');
    expect(subject).toBe('Subject: [Tripline] HIGH lambda-public-invoke on my-function');
    expect(attributes).toMatch(
      /^Attributes: severity=high ruleId=lambda-public-invoke status=OPEN account=111122223333 transition=OPENED alertId=al-/,
    );
    expect(blank).toBe('');
    expect(out.stdout).toContain(`tripline findings suppress ${opened.id} --reason`);
  });

  it('renders a chosen transition, from a table item or an EventBridge event', async () => {
    const fromItem = await runCliCaptured([
      'alerts',
      'preview',
      '--finding',
      file('item.json', findingItem(opened)),
      '--channel',
      'email',
      '--transition',
      'resolved',
    ]);
    expect(fromItem.exitCode).toBe(0);
    expect(fromItem.stdout.split('\n')[0]).toBe(
      'Subject: [Tripline] HIGH lambda-public-invoke on my-function - resolved',
    );
    const event = {
      'detail-type': 'Tripline Finding',
      source: 'tripline',
      detail: {
        finding: opened,
        transition: {
          ...opened.history[0],
          findingId: opened.id,
          ruleId: opened.ruleId,
          resource: opened.resource,
          fromSeverity: null,
          toSeverity: 'high',
        },
      },
    };
    const fromEvent = await runCliCaptured([
      'alerts',
      'preview',
      '--finding',
      file('event.json', event),
      '--channel',
      'slack',
    ]);
    expect(fromEvent.exitCode).toBe(0);
    expect(JSON.parse(fromEvent.stdout).text).toContain('opened on my-function');
  });

  it('says when the notifier would send nothing for the transition', async () => {
    const out = await runCliCaptured([
      'alerts',
      'preview',
      '--finding',
      file('record.json', opened),
      '--channel',
      'email',
      '--transition',
      'SUPPRESSED',
    ]);
    expect(out.exitCode).toBe(0);
    expect(out.stderr).toBe(
      'tripline: note: the notifier sends nothing for a SUPPRESSED transition of a SUPPRESSED finding; rendered anyway\n',
    );
  });

  it.each([
    [['--finding', 'missing.json', '--channel', 'slack'], /missing\.json: cannot read file \(no such file\)/],
    [
      ['--channel', 'slack', '--finding', 'PLACEHOLDER'],
      /not a finding record: missing id, ruleId, .*remediation\.summary/,
    ],
    [
      ['--finding', 'PLACEHOLDER', '--channel', 'email', '--transition', 'DELETED'],
      /--transition DELETED: expected one of OPENED/,
    ],
    [['--finding', 'PLACEHOLDER', '--channel', 'sms'], /argument 'sms' is invalid/],
  ])('usage and input errors exit 2: %j', async (args, message) => {
    const path = file('partial.json', { title: 'x' });
    const out = await runCliCaptured(
      ['alerts', 'preview', ...args.map((a) => (a === 'PLACEHOLDER' ? path : a))],
      {
        cwd: dir,
      },
    );
    expect(out.exitCode).toBe(2);
    expect(out.stderr).toMatch(message);
  });
});

describe('tripline alerts test', () => {
  let slack: SlackStandIn;
  beforeEach(async () => {
    cfn.reset();
    sns.reset();
    secrets.reset();
    slack = await new SlackStandIn().start();
    cfn.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'Tripline',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [
            { OutputKey: 'AlertTopicArn', OutputValue: TOPIC },
            { OutputKey: 'SlackSecretArn', OutputValue: SECRET },
          ],
        },
      ],
    });
    sns.on(PublishCommand).resolves({ MessageId: 'msg-123' });
    secrets.on(GetSecretValueCommand).resolves({ SecretString: slack.url });
  });
  afterEach(async () => {
    await slack.stop();
  });

  it('sends a labelled test message to email and Slack, found from the stack outputs', async () => {
    const out = await runCliCaptured(['alerts', 'test'], { env: ENV, now: new Date('2026-12-04T09:00:00Z') });
    expect(out.stderr).toBe('');
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toBe(
      `email: published to ${TOPIC} (message msg-123); subscriptions whose filter policy allows severity "critical" receive it\n` +
        `slack: delivered (1 attempt(s)) through the webhook in ${SECRET}\n`,
    );
    const publish = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(publish.TopicArn).toBe(TOPIC);
    expect(publish.Subject).toBe('[Tripline] TEST CRITICAL tripline-alerts-test on tripline-alerts-test');
    expect(publish.MessageAttributes?.['test']).toEqual({ DataType: 'String', StringValue: 'true' });
    expect(publish.MessageAttributes?.['account']?.StringValue).toBe('111122223333');
    const message = slack.requests[0]!.body as SlackMessage;
    expect(message.text).toMatch(/^TEST \[Tripline\] CRITICAL tripline-alerts-test/);
    expect(JSON.stringify(message)).toContain('no action is needed');
    expect(out.stdout + out.stderr).not.toContain(slack.path);
    expect(cfn.commandCalls(DescribeStacksCommand)[0]!.args[0].input).toEqual({ StackName: 'Tripline' });
  });

  it('email only with --topic: no stack lookup', async () => {
    const out = await runCliCaptured(
      ['alerts', 'test', '--channel', 'email', '--topic', TOPIC, '--severity', 'high'],
      {
        env: ENV,
      },
    );
    expect(out.exitCode).toBe(0);
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
    expect(
      sns.commandCalls(PublishCommand)[0]!.args[0].input.MessageAttributes?.['severity']?.StringValue,
    ).toBe('high');
    expect(slack.requests).toHaveLength(0);
  });

  it('reports a Slack failure with exit code 1, without the URL', async () => {
    slack.script({ status: 404, body: 'no_service' });
    const out = await runCliCaptured(['alerts', 'test', '--channel', 'slack', '--slack-secret', SECRET], {
      env: ENV,
    });
    expect(out.exitCode).toBe(1);
    expect(out.stderr).toBe(
      'tripline: slack: not delivered after 1 attempt(s): HTTP 404 no_service\ntripline: test message not sent to: slack\n',
    );
    expect(out.stderr).not.toContain(slack.path);
  });

  it('without a Slack secret: email only, and says so', async () => {
    cfn.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'Tripline',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [{ OutputKey: 'AlertTopicArn', OutputValue: TOPIC }],
        },
      ],
    });
    const out = await runCliCaptured(['alerts', 'test'], { env: ENV });
    expect(out.exitCode).toBe(0);
    expect(out.stderr).toContain('no Slack webhook secret configured');
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });

  it('a missing stack is an input error naming the options', async () => {
    cfn
      .on(DescribeStacksCommand)
      .rejects(
        Object.assign(new Error('Stack with id Tripline does not exist'), { name: 'ValidationError' }),
      );
    const out = await runCliCaptured(['alerts', 'test'], { env: ENV });
    expect(out.exitCode).toBe(2);
    expect(out.stderr).toBe(
      'tripline: no Tripline stack named Tripline in eu-west-1: pass --topic / --slack-secret, or --stack / --region\n',
    );
  });
});
