/**
 * Publishes email messages to the alerts SNS topic (standard topic: subscribers can see a message twice, and
 * the `alertId` attribute lets them tell). The message attributes are what subscription filter policies match
 * (`severity` above all). Checks the SNS limits before calling, so a bad message fails here and clearly.
 */
import { type MessageAttributeValue, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { EmailDeliveryError } from './alert-errors.ts';
import {
  attributeBytes,
  type EmailMessage,
  SNS_MESSAGE_MAX_BYTES,
  SNS_SUBJECT_MAX,
} from './email-message.ts';
import { utf8Length } from './text-fitting.ts';

export interface EmailSender {
  /** Returns the SNS message id. Throws EmailDeliveryError (with the SDK error as cause). */
  publish(message: EmailMessage): Promise<string>;
}

export function publishInput(topicArn: string, message: EmailMessage) {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(message.attributes)) {
    attributes[name] = { DataType: 'String', StringValue: value };
  }
  return {
    TopicArn: topicArn,
    Subject: message.subject,
    Message: message.body,
    MessageAttributes: attributes,
  };
}

export function checkSnsLimits(message: EmailMessage): void {
  if (message.subject.length > SNS_SUBJECT_MAX || !/^[\x20-\x7e]+$/.test(message.subject)) {
    throw new EmailDeliveryError('email subject is not ASCII text under 100 characters');
  }
  const size = utf8Length(message.body) + attributeBytes(message.attributes);
  if (size > SNS_MESSAGE_MAX_BYTES) {
    throw new EmailDeliveryError(
      `email message is ${size} bytes, over the SNS limit of ${SNS_MESSAGE_MAX_BYTES}`,
    );
  }
  if (Object.keys(message.attributes).length > 10) {
    throw new EmailDeliveryError('SNS allows at most 10 message attributes');
  }
}

export function snsEmailSender(client: SNSClient, topicArn: string): EmailSender {
  return {
    async publish(message) {
      checkSnsLimits(message);
      try {
        const out = await client.send(new PublishCommand(publishInput(topicArn, message)));
        return out.MessageId ?? '';
      } catch (error) {
        const e = error as { name?: string; message?: string };
        throw new EmailDeliveryError(
          `sns:Publish to ${topicArn} failed: ${e.name ?? 'Error'}: ${e.message}`,
          {
            cause: error,
          },
        );
      }
    },
  };
}
