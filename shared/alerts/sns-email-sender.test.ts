import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { transitionFromImages } from '../findings/transitions.ts';
import { type Alert, changeOf } from './alert.ts';
import { EmailDeliveryError } from './alert-errors.ts';
import { findingLife } from './alert-fixtures.ts';
import { renderEmail, SNS_MESSAGE_MAX_BYTES } from './email-message.ts';
import { checkSnsLimits, snsEmailSender } from './sns-email-sender.ts';
import { utf8Length } from './text-fitting.ts';

const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:us-east-1:111122223333:tripline-alerts';
const step = findingLife()[0]!;
const alert = (): Alert =>
  structuredClone(changeOf(step.after, transitionFromImages(step.before, step.after)!));

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

describe('SNS email sender', () => {
  it('publishes subject, body and the filterable message attributes', async () => {
    const email = renderEmail(alert());
    const id = await snsEmailSender(new SNSClient({ region: 'us-east-1' }), TOPIC).publish(email);
    expect(id).toBe('m-1');
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input.TopicArn).toBe(TOPIC);
    expect(input.Subject).toBe('[Tripline] HIGH lambda-public-invoke on my-function');
    expect(input.Message).toBe(email.body);
    expect(input.MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'high' },
      ruleId: { DataType: 'String', StringValue: 'lambda-public-invoke' },
      status: { DataType: 'String', StringValue: 'OPEN' },
      account: { DataType: 'String', StringValue: '111122223333' },
      transition: { DataType: 'String', StringValue: 'OPENED' },
      alertId: { DataType: 'String', StringValue: alert().id },
    });
  });

  it('keeps the subject under 100 ASCII characters for a very long resource name', async () => {
    const a = alert();
    a.finding.resource = `arn:aws:iam::111122223333:role/${'Ü'.repeat(200)}`;
    await snsEmailSender(new SNSClient({ region: 'us-east-1' }), TOPIC).publish(renderEmail(a));
    const subject = sns.commandCalls(PublishCommand)[0]!.args[0].input.Subject!;
    expect(subject.length).toBeLessThan(100);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
  });

  it('keeps body + attributes within 256 KB when the evidence is huge', async () => {
    const a = alert();
    a.finding.evidence = { blob: 'x'.repeat(400_000), more: ['€'.repeat(50_000)] };
    await snsEmailSender(new SNSClient({ region: 'us-east-1' }), TOPIC).publish(renderEmail(a));
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    const attributeBytes = Object.entries(input.MessageAttributes!).reduce(
      (n, [k, v]) => n + utf8Length(k) + utf8Length(v.StringValue!) + utf8Length(v.DataType!),
      0,
    );
    expect(utf8Length(input.Message!) + attributeBytes).toBeLessThanOrEqual(SNS_MESSAGE_MAX_BYTES);
  });

  it('refuses a message over the limits instead of letting SNS reject it', () => {
    expect(() => checkSnsLimits({ subject: 'x'.repeat(100), body: 'b', attributes: {} })).toThrow(
      EmailDeliveryError,
    );
    expect(() => checkSnsLimits({ subject: 'line\nbreak', body: 'b', attributes: {} })).toThrow(/ASCII/);
    expect(() =>
      checkSnsLimits({ subject: 's', body: 'x'.repeat(SNS_MESSAGE_MAX_BYTES), attributes: { a: 'b' } }),
    ).toThrow(/over the SNS limit/);
  });

  it('raises an EmailDeliveryError with the SDK error as cause when SNS fails', async () => {
    sns.on(PublishCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' }));
    const publish = snsEmailSender(new SNSClient({ region: 'us-east-1', maxAttempts: 1 }), TOPIC).publish(
      renderEmail(alert()),
    );
    await expect(publish).rejects.toThrow(EmailDeliveryError);
    await expect(publish).rejects.toMatchObject({ cause: { name: 'ThrottledException' } });
  });
});
