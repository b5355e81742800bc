/**
 * Opens the findings table for the CLI: named with `--table`, or discovered from the deployed stack's outputs
 * (CloudFormation `FindingsTableName`), or a local DynamoDB-protocol server with `--endpoint` — where a command
 * that writes creates the table with the stack's exact schema when it does not exist yet.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { fromIni } from '@aws-sdk/credential-providers';
import { createTableIfMissing, DynamoFindingsStore } from '../shared/findings/dynamo-findings-store.ts';
import type { CliIo } from './cli-io.ts';
import { InputError } from './input-error.ts';

export const DEFAULT_STACK_NAME = 'Tripline';
export const DEFAULT_LOCAL_TABLE = 'tripline-findings';

export interface TableOptions {
  table?: string;
  endpoint?: string;
  region?: string;
  profile?: string;
  stack?: string;
  /** The command writes: with an endpoint, create the table when missing. */
  write?: boolean;
}

export interface OpenedTable {
  store: DynamoFindingsStore;
  client: DynamoDBClient;
  tableName: string;
  region: string;
}

function isLoopback(endpoint: string): boolean {
  try {
    const host = new URL(endpoint).hostname;
    return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
  } catch {
    return false;
  }
}

/** An error a user can act on, from an AWS SDK failure. */
export function explainAwsError(error: unknown, action: string, hint: string): InputError {
  const name = (error as { name?: string }).name ?? 'Error';
  const message = (error as Error).message ?? String(error);
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return new InputError(
      `no AWS credentials found: set a profile (--profile) or AWS_* variables, or use --endpoint for a local table`,
      { cause: error },
    );
  }
  if (/AccessDenied|UnauthorizedOperation|not authorized/i.test(name + message)) {
    return new InputError(`access denied: your credentials lack ${action} (${message})`, { cause: error });
  }
  if (name === 'ResourceNotFoundException') return new InputError(`${hint} (${message})`, { cause: error });
  return new InputError(`${action} failed: ${name}: ${message}`, { cause: error });
}

function clientConfig(io: CliIo, options: TableOptions) {
  const region = options.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const config: ConstructorParameters<typeof DynamoDBClient>[0] = { region, maxAttempts: 5 };
  if (options.endpoint) config.endpoint = options.endpoint;
  if (options.profile) config.credentials = fromIni({ profile: options.profile });
  else if (options.endpoint && isLoopback(options.endpoint) && !io.env.AWS_ACCESS_KEY_ID) {
    // A local DynamoDB-protocol server accepts any signature; it still wants one.
    config.credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  }
  return { region, config };
}

async function discoverTable(io: CliIo, options: TableOptions, region: string): Promise<string> {
  const stack = options.stack ?? DEFAULT_STACK_NAME;
  const cfn = new CloudFormationClient({
    region,
    ...(options.profile ? { credentials: fromIni({ profile: options.profile }) } : {}),
  });
  try {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: stack }));
    const value = out.Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === 'FindingsTableName')?.OutputValue;
    if (!value)
      throw new InputError(`stack ${stack} in ${region} has no FindingsTableName output: pass --table`);
    return value;
  } catch (error) {
    if (error instanceof InputError) throw error;
    if (/does not exist/i.test((error as Error).message ?? '')) {
      throw new InputError(
        `no Tripline stack named ${stack} in ${region}: deploy it (npx cdk deploy), or pass --table / --stack / --region`,
        {
          cause: error,
        },
      );
    }
    throw explainAwsError(error, 'cloudformation:DescribeStacks', `stack ${stack} not found`);
  }
}

export async function openFindingsStore(io: CliIo, options: TableOptions): Promise<OpenedTable> {
  const { region, config } = clientConfig(io, options);
  const client = new DynamoDBClient(config);
  const tableName =
    options.table ?? (options.endpoint ? DEFAULT_LOCAL_TABLE : await discoverTable(io, options, region));
  try {
    if (options.endpoint && options.write) {
      const created = await createTableIfMissing(client, tableName);
      if (created === 'created')
        io.stderr.write(`tripline: created table ${tableName} at ${options.endpoint}\n`);
    } else {
      await client.send(new DescribeTableCommand({ TableName: tableName }));
    }
  } catch (error) {
    throw explainAwsError(
      (error as { cause?: unknown }).cause ?? error,
      'dynamodb:DescribeTable',
      `table ${tableName} not found in ${region}: pass --table, or deploy the stack (npx cdk deploy)`,
    );
  }
  return { store: new DynamoFindingsStore({ client, tableName }), client, tableName, region };
}
