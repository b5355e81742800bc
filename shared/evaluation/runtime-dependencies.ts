/**
 * Builds an evaluator's dependencies from its Lambda environment: the findings store, the live state reader, the
 * re-read and dead-letter queues, and the scan configuration. Every variable is validated once, at cold start, with
 * an error naming the variable.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoFindingsStore } from '../findings/dynamo-findings-store.ts';
import type { TriplineDeployment } from '../rules/rule-types.ts';
import { parseScanConfig } from '../rules/scan-config.ts';
import { AccountContextCache } from './account-context.ts';
import type { MessageSender, RuntimeDependencies } from './evaluator-handler.ts';
import { createSdkStateReader } from './sdk-state-reader.ts';

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

export type Environment = Readonly<Record<string, string | undefined>>;

function required(env: Environment, name: string): string {
  const value = env[name];
  if (!value) throw new ConfigurationError(`environment variable ${name} is required`);
  return value;
}

function json(env: Environment, name: string, fallback: unknown): unknown {
  const value = env[name];
  if (!value) return fallback;
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new ConfigurationError(`environment variable ${name} is not valid JSON`, { cause: error });
  }
}

export function parseDeployment(value: unknown): TriplineDeployment {
  const d = (value ?? {}) as Partial<TriplineDeployment>;
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const deployment: TriplineDeployment = {
    ruleNames: list(d.ruleNames),
    functionNames: list(d.functionNames),
    queueNames: list(d.queueNames),
  };
  if (typeof d.tableName === 'string') deployment.tableName = d.tableName;
  if (typeof d.topicArn === 'string') deployment.topicArn = d.topicArn;
  if (typeof d.stackName === 'string') deployment.stackName = d.stackName;
  return deployment;
}

export function sqsSender(client: SQSClient, queueUrl: string): MessageSender {
  return {
    async send(body, delaySeconds) {
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify(body),
          ...(delaySeconds !== undefined ? { DelaySeconds: Math.min(900, Math.max(0, delaySeconds)) } : {}),
        }),
      );
    },
  };
}

/** Dependencies of a deployed evaluator (AWS clients on the function's role). Logger and metrics come from the wrapper. */
export function dependenciesFromEnvironment(
  env: Environment,
  options: { wholeAccount: boolean },
): RuntimeDependencies {
  const region = required(env, 'AWS_REGION');
  const endpoint = env.TRIPLINE_AWS_ENDPOINT; // emulators only (end-to-end tests)
  const clientConfig = { region, ...(endpoint ? { endpoint } : {}) };
  const store = new DynamoFindingsStore({
    client: new DynamoDBClient(clientConfig),
    tableName: required(env, 'TABLE_NAME'),
  });
  const reader = createSdkStateReader({ region, ...(endpoint ? { endpoint } : {}) });
  const sqs = new SQSClient(clientConfig);
  const delay = Number(env.RECHECK_DELAY_SECONDS ?? '60');
  if (!Number.isInteger(delay) || delay < 0 || delay > 900) {
    throw new ConfigurationError(
      'environment variable RECHECK_DELAY_SECONDS must be a whole number from 0 to 900',
    );
  }
  const deps: RuntimeDependencies = {
    reader,
    store,
    config: parseScanConfig(json(env, 'TRIPLINE_CONFIG', {}), 'TRIPLINE_CONFIG'),
    deployment: parseDeployment(json(env, 'TRIPLINE_DEPLOYMENT', {})),
    region,
    recheckDelaySeconds: delay,
    deadLetter: sqsSender(sqs, required(env, 'DEAD_LETTER_QUEUE_URL')),
  };
  if (env.RECHECK_QUEUE_URL) deps.recheck = sqsSender(sqs, env.RECHECK_QUEUE_URL);
  if (options.wholeAccount) {
    const cache = new AccountContextCache(reader, store);
    deps.accountContext = (touched) => cache.contextFor(touched);
  }
  return deps;
}
