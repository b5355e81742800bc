/**
 * Errors of the alert path. Delivery failures that Lambda should retry (SNS, EventBridge, the dead-letter queue,
 * Secrets Manager) propagate as these errors with `cause`; they are never turned into success. None of them
 * ever carries the Slack webhook URL: messages are written here, and causes that could hold it are scrubbed.
 */

/** A notifier environment variable is missing or invalid (the message names it). */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

/** SNS did not accept a message after the SDK's retries. */
export class EmailDeliveryError extends Error {
  override readonly name = 'EmailDeliveryError';
}

/** EventBridge rejected entries after our retries of the failed ones. */
export class FindingEventsError extends Error {
  override readonly name = 'FindingEventsError';
  constructor(
    message: string,
    readonly failedEntries: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The webhook secret could not be read, or does not hold a webhook URL. Never includes the secret value. */
export class WebhookSecretError extends Error {
  override readonly name = 'WebhookSecretError';
}

/** A Slack message could neither be delivered nor parked on the dead-letter queue. */
export class SlackDeliveryError extends Error {
  override readonly name = 'SlackDeliveryError';
  constructor(
    message: string,
    /** The dead-letter queue itself failed (so the batch's other messages would fail the same way). */
    readonly deadLetterFailed: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Several channels failed in one batch: each failure is in `errors` (and the first is the `cause`). */
export class AlertBatchError extends AggregateError {
  override readonly name = 'AlertBatchError';
}
