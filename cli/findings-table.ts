/**
 * Opens the findings table for the CLI: named with `--table`, or discovered from the deployed stack's outputs
 * (CloudFormation `FindingsTableName`), or a local DynamoDB-protocol server with `--endpoint` — where a command
 * that writes creates the table with the stack's exact schema when it does not exist yet. Also who the caller is
 * (recorded on manual finding changes) and the region and credentials other clients of the command share.
 */
import { userInfo } from 'node:os';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
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
  /** The store's clock (the time manual changes are recorded at); default the system clock. */
  now?: () => Date;
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
    // AWS names the action it refused ("... is not authorized to perform: dynamodb:Query on resource ..."):
    // that one is the missing permission, whatever the caller guessed.
    const missing = deniedAction(message) ?? action;
    return new InputError(`access denied: your credentials lack ${missing} (${message})`, { cause: error });
  }
  if (name === 'ResourceNotFoundException') return new InputError(`${hint} (${message})`, { cause: error });
  return new InputError(`${action} failed: ${name}: ${message}`, { cause: error });
}

/** The IAM action an AccessDenied message names, e.g. `dynamodb:Query`. */
export function deniedAction(message: string): string | undefined {
  return /not authorized to perform:?\s+([a-z0-9-]+:[A-Za-z0-9*]+)/i.exec(message)?.[1];
}

/** No credentials are configured for a local endpoint: the CLI signs with placeholders (a local server ignores them). */
function usesPlaceholderCredentials(io: CliIo, options: TableOptions): boolean {
  return (
    options.endpoint !== undefined &&
    isLoopback(options.endpoint) &&
    !options.profile &&
    !io.env.AWS_ACCESS_KEY_ID
  );
}

function clientConfig(io: CliIo, options: TableOptions) {
  const region = options.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const config: ConstructorParameters<typeof DynamoDBClient>[0] = { region, maxAttempts: 5 };
  if (options.endpoint) config.endpoint = options.endpoint;
  if (options.profile) config.credentials = fromIni({ profile: options.profile });
  else if (usesPlaceholderCredentials(io, options)) {
    // A local DynamoDB-protocol server accepts any signature; it still wants one.
    config.credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  }
  return { region, config };
}

async function discoverTable(io: CliIo, options: TableOptions, region: string): Promise<string> {
  const stack = options.stack ?? DEFAULT_STACK_NAME;
  const cfn = new CloudFormationClient(awsClientConfig(io, { ...options, region }));
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
  const store = new DynamoFindingsStore({ client, tableName, ...(options.now ? { now: options.now } : {}) });
  return { store, client, tableName, region };
}

/** Region and credentials for another AWS client of the same command (STS, Security Hub): never the endpoint. */
export function awsClientConfig(
  io: CliIo,
  options: Pick<TableOptions, 'region' | 'profile'>,
): { region: string; credentials?: ReturnType<typeof fromIni> } {
  const region = options.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  return options.profile ? { region, credentials: fromIni({ profile: options.profile }) } : { region };
}

/** The OS user, as recorded for changes made against a local table without AWS credentials. */
function localUser(io: CliIo): string {
  let name = io.env.USER ?? io.env.USERNAME ?? io.env.LOGNAME;
  if (!name) {
    try {
      name = userInfo().username;
    } catch {
      name = 'unknown';
    }
  }
  return `local:${name}`;
}

/**
 * Who is making a change (recorded on the finding): the caller's ARN from STS GetCallerIdentity, or
 * `local:<OS user>` against a local endpoint without AWS credentials (no AWS call then).
 */
export async function callerIdentity(io: CliIo, options: TableOptions): Promise<string> {
  if (usesPlaceholderCredentials(io, options)) return localUser(io);
  const sts = new STSClient({ ...awsClientConfig(io, options), maxAttempts: 3 });
  try {
    const arn = (await sts.send(new GetCallerIdentityCommand({}))).Arn;
    if (!arn)
      throw new InputError('sts:GetCallerIdentity returned no ARN: cannot record who made the change');
    return arn;
  } catch (error) {
    if (error instanceof InputError) throw error;
    // A local table with credentials that do not work (or none the SDK can find): record the OS user.
    if (options.endpoint !== undefined) return localUser(io);
    throw explainAwsError(error, 'sts:GetCallerIdentity', 'sts:GetCallerIdentity failed');
  } finally {
    sts.destroy();
  }
}
