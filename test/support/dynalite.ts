/**
 * dynalite (DynamoDB's wire protocol on an in-memory LevelDB) started in-process on a random loopback port, for
 * store tests that should talk real DynamoDB protocol without Docker or the network. Credentials are
 * placeholders: dynalite does not check signatures.
 */

import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

const require = createRequire(import.meta.url);

interface DynaliteOptions {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
  path?: string;
}
const dynalite = require('dynalite') as (options?: DynaliteOptions) => Server;

export const TEST_REGION = 'us-east-1';
/** Placeholder credentials (AWS documentation's example key pair): never real ones. */
export const TEST_CREDENTIALS = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

export interface LocalDynamo {
  endpoint: string;
  /** A new client for the endpoint (each test can add its own middleware). */
  client(options?: { maxAttempts?: number }): DynamoDBClient;
  stop(): Promise<void>;
}

/** Starts dynalite on 127.0.0.1, port chosen by the OS; tables are ACTIVE at once (no CREATING delay). */
export async function startDynalite(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: DynamoDBClient[] = [];
  return {
    endpoint,
    client(options = {}) {
      const client = new DynamoDBClient({
        endpoint,
        region: TEST_REGION,
        credentials: TEST_CREDENTIALS,
        maxAttempts: options.maxAttempts ?? 3,
      });
      clients.push(client);
      return client;
    },
    async stop() {
      for (const client of clients) client.destroy();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
