/**
 * `tripline alerts preview`: renders exactly what the notifier would send for a finding (Slack: the webhook's
 * JSON body; email: the SNS subject, attributes and body), from a finding record, a table item or a Tripline
 * Finding event in a file.
 *
 * `tripline alerts test`: sends one clearly labelled test message to the channels of a deployed stack, straight
 * to the topic and the webhook (it does not go through the table or the notifier function). The topic comes from
 * `--topic` or the stack output `AlertTopicArn`; the Slack secret from `--slack-secret` or the stack output
 * `SlackSecretArn`. The webhook URL is never printed.
 */
import { resolve } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { fromIni } from '@aws-sdk/credential-providers';
import { type Command, Option } from 'commander';
import { type AlertChannel, isAlerting, isSeverity } from '../../shared/alerts/alert.ts';
import { renderEmail } from '../../shared/alerts/email-message.ts';
import {
  FindingInputError,
  findingFromDocument,
  isTransitionKind,
  previewAlert,
  testAlert,
} from '../../shared/alerts/preview-alert.ts';
import { renderSlack } from '../../shared/alerts/slack-message.ts';
import { SlackWebhook } from '../../shared/alerts/slack-webhook.ts';
import { snsEmailSender } from '../../shared/alerts/sns-email-sender.ts';
import { secretsManagerWebhookUrl } from '../../shared/alerts/webhook-secret.ts';
import { TRANSITION_KINDS, type TransitionKind } from '../../shared/findings/finding-record.ts';
import { SEVERITIES, type Severity } from '../../shared/rules/rule-types.ts';
import { type CliIo, CommandFailedError, withErrorReporting } from '../cli-io.ts';
import { DEFAULT_STACK_NAME, explainAwsError } from '../findings-table.ts';
import { InputError } from '../input-error.ts';
import { readJsonDocument } from '../json-input.ts';

/** Stack outputs `alerts test` reads (the table's is `FindingsTableName`). */
export const ALERT_OUTPUT_KEYS = { topic: 'AlertTopicArn', slackSecret: 'SlackSecretArn' } as const;

interface PreviewOptions {
  finding: string;
  channel: AlertChannel;
  transition?: string;
}

export function alertsPreviewCommand(io: CliIo, options: PreviewOptions): void {
  const document = readJsonDocument(resolve(io.cwd, options.finding), options.finding);
  let kind: TransitionKind | undefined;
  if (options.transition !== undefined) {
    const upper = options.transition.toUpperCase();
    if (!isTransitionKind(upper)) {
      throw new InputError(
        `--transition ${options.transition}: expected one of ${TRANSITION_KINDS.join(', ')}`,
      );
    }
    kind = upper;
  }
  let alert: ReturnType<typeof previewAlert>;
  try {
    alert = previewAlert(findingFromDocument(document), kind);
  } catch (error) {
    if (error instanceof FindingInputError)
      throw new InputError(`${options.finding}: ${error.message}`, { cause: error });
    throw error;
  }
  if (!isAlerting(alert)) {
    io.stderr.write(
      `tripline: note: the notifier sends nothing for a ${alert.transition.kind} transition of a ${alert.finding.status} finding; rendered anyway\n`,
    );
  }
  if (options.channel === 'slack') {
    io.stdout.write(`${JSON.stringify(renderSlack(alert), null, 2)}\n`);
    return;
  }
  const email = renderEmail(alert);
  const attributes = Object.entries(email.attributes)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
  io.stdout.write(`Subject: ${email.subject}\nAttributes: ${attributes}\n\n${email.body}\n`);
}

interface TestOptions {
  channel: AlertChannel | 'all';
  topic?: string;
  slackSecret?: string;
  stack?: string;
  region?: string;
  profile?: string;
  severity: string;
}

function accountOf(arn: string | undefined): string | undefined {
  const account = arn?.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

async function stackOutputs(options: TestOptions, region: string): Promise<Record<string, string>> {
  const stack = options.stack ?? DEFAULT_STACK_NAME;
  const cfn = new CloudFormationClient({
    region,
    ...(options.profile ? { credentials: fromIni({ profile: options.profile }) } : {}),
  });
  try {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: stack }));
    const outputs: Record<string, string> = {};
    for (const o of out.Stacks?.[0]?.Outputs ?? [])
      if (o.OutputKey && o.OutputValue) outputs[o.OutputKey] = o.OutputValue;
    return outputs;
  } catch (error) {
    if (/does not exist/i.test((error as Error).message ?? '')) {
      throw new InputError(
        `no Tripline stack named ${stack} in ${region}: pass --topic / --slack-secret, or --stack / --region`,
        {
          cause: error,
        },
      );
    }
    throw explainAwsError(error, 'cloudformation:DescribeStacks', `stack ${stack} not found`);
  }
}

export async function alertsTestCommand(io: CliIo, options: TestOptions): Promise<void> {
  const severity = options.severity.toLowerCase();
  if (!isSeverity(severity))
    throw new InputError(`--severity ${options.severity}: expected one of ${SEVERITIES.join(', ')}`);
  const region = options.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const wantEmail = options.channel !== 'slack';
  const wantSlack = options.channel !== 'email';
  let topic = options.topic;
  let slackSecret = options.slackSecret;
  if ((wantEmail && topic === undefined) || (wantSlack && slackSecret === undefined)) {
    const outputs = await stackOutputs(options, region);
    topic ??= outputs[ALERT_OUTPUT_KEYS.topic];
    slackSecret ??= outputs[ALERT_OUTPUT_KEYS.slackSecret];
  }
  if (wantEmail && topic === undefined) {
    throw new InputError(`the stack has no ${ALERT_OUTPUT_KEYS.topic} output: pass --topic`);
  }
  if (wantSlack && slackSecret === undefined) {
    if (options.channel === 'slack') {
      throw new InputError(`the stack has no ${ALERT_OUTPUT_KEYS.slackSecret} output: pass --slack-secret`);
    }
    io.stderr.write(
      'tripline: no Slack webhook secret configured (pass --slack-secret to test one): email only\n',
    );
  }
  const credentials = options.profile ? { credentials: fromIni({ profile: options.profile }) } : {};
  const alert = testAlert({
    accountId: accountOf(topic) ?? accountOf(slackSecret) ?? '000000000000',
    region,
    severity: severity as Severity,
    now: io.now(),
    actor: 'tripline alerts test',
  });
  const failures: string[] = [];

  if (wantEmail && topic !== undefined) {
    const sender = snsEmailSender(new SNSClient({ region, ...credentials }), topic);
    try {
      const messageId = await sender.publish(renderEmail(alert, { test: true }));
      io.stdout.write(
        `email: published to ${topic} (message ${messageId}); subscriptions whose filter policy allows severity "${severity}" receive it\n`,
      );
    } catch (error) {
      failures.push('email');
      io.stderr.write(
        `tripline: email: ${explainAwsError((error as Error).cause ?? error, 'sns:Publish', `topic ${topic} not found`).message}\n`,
      );
    }
  }
  if (wantSlack && slackSecret !== undefined) {
    const webhook = new SlackWebhook({
      webhookUrl: secretsManagerWebhookUrl(new SecretsManagerClient({ region, ...credentials }), slackSecret),
      maxAttempts: 3,
    });
    try {
      const delivery = await webhook.post(renderSlack(alert, { test: true }));
      if (delivery.delivered) {
        io.stdout.write(
          `slack: delivered (${delivery.attempts} attempt(s)) through the webhook in ${slackSecret}\n`,
        );
      } else {
        failures.push('slack');
        io.stderr.write(
          `tripline: slack: not delivered after ${delivery.attempts} attempt(s): ${delivery.reason}\n`,
        );
      }
    } catch (error) {
      failures.push('slack');
      io.stderr.write(`tripline: slack: ${(error as Error).message}\n`);
    }
  }
  if (failures.length > 0) throw new CommandFailedError(`test message not sent to: ${failures.join(', ')}`);
}

export function registerAlertsCommand(program: Command, io: CliIo): void {
  const alerts = program.command('alerts').description('preview and test the alerts the notifier sends');
  alerts
    .command('preview')
    .description('render what the notifier would send for a finding (Slack JSON, or email subject and body)')
    .requiredOption('--finding <file>', 'a finding record, table item or Tripline Finding event (JSON)')
    .addOption(
      new Option('--channel <channel>', 'which message').choices(['slack', 'email']).makeOptionMandatory(),
    )
    .option(
      '--transition <kind>',
      `the change to render (${TRANSITION_KINDS.join(', ')}); default: the finding's last`,
    )
    .action(withErrorReporting(io, (options: PreviewOptions) => alertsPreviewCommand(io, options)));
  alerts
    .command('test')
    .description('send a test message to the alert channels of a deployed stack')
    .addOption(
      new Option('--channel <channel>', 'where to send').choices(['email', 'slack', 'all']).default('all'),
    )
    .option('--topic <arn>', `alert topic (default: the stack output ${ALERT_OUTPUT_KEYS.topic})`)
    .option(
      '--slack-secret <arn>',
      `secret holding the webhook URL (default: the stack output ${ALERT_OUTPUT_KEYS.slackSecret})`,
    )
    .option('--stack <name>', `the Tripline stack (default ${DEFAULT_STACK_NAME})`)
    .option('--region <region>', 'the stack’s Region (default AWS_REGION)')
    .option('--profile <name>', 'AWS profile')
    .addOption(
      new Option(
        '--severity <severity>',
        'the test message’s severity attribute (filter policies match on it)',
      )
        .choices([...SEVERITIES])
        .default('critical'),
    )
    .action(withErrorReporting(io, (options: TestOptions) => alertsTestCommand(io, options)));
}
