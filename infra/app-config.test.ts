import { describe, expect, it } from 'vitest';
import { AppConfigError, OFFLINE_ACCOUNT, readAppConfig } from './app-config.ts';

const from = (context: Record<string, unknown>, env: Record<string, string> = {}) =>
  readAppConfig((key) => context[key], env);

describe('readAppConfig', () => {
  it('offline, without context: account 111122223333 in us-east-1, stack Tripline, defaults', () => {
    expect(from({})).toEqual({
      account: OFFLINE_ACCOUNT,
      homeRegion: 'us-east-1',
      stackName: 'Tripline',
      props: {},
    });
  });

  it('takes the CLI’s account and Region, and context over both', () => {
    expect(from({}, { CDK_DEFAULT_ACCOUNT: '444455556666', CDK_DEFAULT_REGION: 'eu-west-1' })).toMatchObject({
      account: '444455556666',
      homeRegion: 'eu-west-1',
    });
    expect(from({ homeRegion: 'ap-southeast-2' }, { CDK_DEFAULT_REGION: 'eu-west-1' }).homeRegion).toBe(
      'ap-southeast-2',
    );
  });

  it('reads every option', () => {
    const config = from({
      alertEmails: 'a@example.com, b@example.com',
      minEmailSeverity: 'medium',
      minSlackSeverity: 'critical',
      slackSecretArn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:tripline/slack-AbCdEf',
      knownAccounts: '444455556666,777788889999',
      deployers: 'arn:aws:iam::111122223333:role/deploy-*',
      sweepSchedule: 'rate(12 hours)',
      digestSchedule: 'cron(0 6 * * ? *)',
      recheckDelaySeconds: '120',
      logRetentionDays: '30',
      reserveConcurrency: 'false',
      namePrefix: 'tl',
      stackName: 'Security-Tripline',
    });
    expect(config.stackName).toBe('Security-Tripline');
    expect(config.props).toEqual({
      namePrefix: 'tl',
      alertEmails: ['a@example.com', 'b@example.com'],
      minEmailSeverity: 'medium',
      minSlackSeverity: 'critical',
      slackSecretArn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:tripline/slack-AbCdEf',
      scanConfig: {
        knownAccounts: ['444455556666', '777788889999'],
        deployers: ['arn:aws:iam::111122223333:role/deploy-*'],
      },
      sweepSchedule: 'rate(12 hours)',
      digestSchedule: 'cron(0 6 * * ? *)',
      recheckDelaySeconds: 120,
      logRetentionDays: 30,
      reserveConcurrency: false,
    });
  });

  it('accepts JSON arrays from cdk.json', () => {
    expect(from({ alertEmails: ['a@example.com'] }).props.alertEmails).toEqual(['a@example.com']);
  });

  it.each([
    [{ alertEmails: 'not-an-address' }, /alertEmails/],
    [{ minEmailSeverity: 'urgent' }, /minEmailSeverity: expected one of info, low, medium, high, critical/],
    [{ slackSecretArn: 'https://hooks.slack.com/services/T000/B000/XXXX' }, /slackSecretArn/],
    [{ knownAccounts: '1234' }, /knownAccounts/],
    [{ sweepSchedule: 'daily' }, /sweepSchedule/],
    [{ recheckDelaySeconds: '901' }, /recheckDelaySeconds: at most 900/],
    [{ recheckDelaySeconds: '-1' }, /recheckDelaySeconds: expected a whole number/],
    [{ homeRegion: 'Ireland' }, /homeRegion/],
    [{ reserveConcurrency: 'maybe' }, /reserveConcurrency/],
    [{ namePrefix: 'Tripline_Prod' }, /namePrefix/],
  ])('refuses %j, naming the option', (context, message) => {
    expect(() => from(context)).toThrow(AppConfigError);
    expect(() => from(context)).toThrow(message);
  });
});
