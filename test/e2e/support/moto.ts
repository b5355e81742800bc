/**
 * End-to-end test support against moto (`scripts/moto.sh` starts it and sets TRIPLINE_E2E_ENDPOINT): the endpoint,
 * a clean emulated account per scenario, fake credentials, a minimal Lambda zip, and a reader of the findings
 * table's DynamoDB stream over the real DynamoDB Streams JSON protocol (moto routes on `X-Amz-Target`).
 */
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';

/** The emulated account (moto's default for any non-numeric access key). */
export const MOTO_ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** The moto endpoint. The e2e tier never skips: without moto it fails, naming how to run it. */
export function motoEndpoint(): string {
  const endpoint = process.env['TRIPLINE_E2E_ENDPOINT'];
  if (!endpoint) {
    throw new Error('TRIPLINE_E2E_ENDPOINT is not set: run the e2e tier with `npm run test:e2e`');
  }
  return endpoint;
}

/** SDK client configuration pointed at moto. */
export function clientConfig() {
  return { region: REGION, endpoint: motoEndpoint(), credentials: CREDENTIALS };
}

/** Back to an empty emulated account (every service). */
export async function resetMoto(): Promise<void> {
  const response = await fetch(`${motoEndpoint()}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
}

/** The smallest valid zip archive (an empty one): moto's CreateFunction stores it and never runs it. */
export function emptyZip(): Uint8Array {
  const eocd = new Uint8Array(22);
  new DataView(eocd.buffer).setUint32(0, 0x06054b50, true);
  return eocd;
}

/** A call over the DynamoDB Streams JSON protocol (no streams client is published at the SDK version in use). */
async function streamsCall<T>(operation: string, body: unknown): Promise<T> {
  const response = await fetch(motoEndpoint(), {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDBStreams_20120810.${operation}`,
      authorization: `AWS4-HMAC-SHA256 Credential=testing/20261201/${REGION}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`DynamoDB Streams ${operation}: HTTP ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

interface StreamRecord {
  eventID: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  eventSource?: string;
  awsRegion?: string;
  dynamodb: {
    Keys?: Record<string, AttributeValue>;
    NewImage?: Record<string, AttributeValue>;
    OldImage?: Record<string, AttributeValue>;
    SequenceNumber?: string;
    StreamViewType?: string;
  };
}

/**
 * Follows every shard of a table's stream from TRIM_HORIZON; `next()` returns the records written since the last
 * call, shaped as Lambda delivers them to the notifier.
 */
export class StreamTail {
  private readonly iterators = new Map<string, string | undefined>();

  constructor(private readonly streamArn: string) {}

  async next(): Promise<DynamoDBRecord[]> {
    const description = await streamsCall<{ StreamDescription: { Shards: { ShardId: string }[] } }>(
      'DescribeStream',
      { StreamArn: this.streamArn },
    );
    for (const shard of description.StreamDescription.Shards) {
      if (this.iterators.has(shard.ShardId)) continue;
      const { ShardIterator } = await streamsCall<{ ShardIterator: string }>('GetShardIterator', {
        StreamArn: this.streamArn,
        ShardId: shard.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      });
      this.iterators.set(shard.ShardId, ShardIterator);
    }
    const records: DynamoDBRecord[] = [];
    for (const [shard, iterator] of this.iterators) {
      if (iterator === undefined) continue;
      const out = await streamsCall<{ Records: StreamRecord[]; NextShardIterator?: string }>('GetRecords', {
        ShardIterator: iterator,
      });
      this.iterators.set(shard, out.NextShardIterator);
      for (const r of out.Records) {
        records.push({
          eventID: r.eventID,
          eventName: r.eventName,
          eventSource: 'aws:dynamodb',
          eventVersion: '1.1',
          awsRegion: REGION,
          eventSourceARN: this.streamArn,
          dynamodb: r.dynamodb as DynamoDBRecord['dynamodb'],
        });
      }
    }
    return records;
  }
}

/** A Lambda context good enough for the middy wrappers (Powertools reads these fields). */
export function fakeLambdaContext(functionName: string) {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${MOTO_ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'e2e',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
