/**
 * `tripline collect` end to end over the real AWS wire protocols, against moto (`python3 -m moto.server`):
 * IAM, Lambda, CloudWatch and STS. Part of the e2e tier (`npm run test:e2e`): moto is
 * always there, started by scripts/moto.sh; the account is reset first.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  CreateFunctionUrlConfigCommand,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCliCaptured } from '../../cli/capture-io.ts';
import { motoEndpoint, resetMoto } from './support/moto.ts';

const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
/** The SDK reads credentials from the process environment; the CLI reads the Region from its own. */
const ENV = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' };

const doc = (value: unknown) => JSON.stringify(value);

/** Names the setup call that failed (moto answers unsupported calls with an HTML page). */
async function setup<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    throw new Error(`moto setup: ${what} failed (HTTP ${status}): ${(error as Error).message}`);
  }
}

describe('tripline collect against moto', () => {
  let endpoint = '';
  const out = mkdtempSync(join(tmpdir(), 'tripline-moto-'));

  beforeAll(async () => {
    endpoint = motoEndpoint();
    await resetMoto();
    for (const [key, value] of Object.entries(ENV)) vi.stubEnv(key, value);
    vi.stubEnv('AWS_PROFILE', undefined);

    const config = { region: 'us-east-1', endpoint, credentials: CREDENTIALS };
    const iam = new IAMClient(config);
    const lambda = new LambdaClient(config);
    const trust = doc({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    });
    const allow = (Action: string, Resource: string) =>
      doc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action, Resource }] });
    const role = await setup('CreateRole', () =>
      iam.send(new CreateRoleCommand({ RoleName: 'orders-api', AssumeRolePolicyDocument: trust })),
    );
    const policy = await setup('CreatePolicy', () =>
      iam.send(new CreatePolicyCommand({ PolicyName: 'everything', PolicyDocument: allow('*', '*') })),
    );
    await setup('AttachRolePolicy', () =>
      iam.send(new AttachRolePolicyCommand({ RoleName: 'orders-api', PolicyArn: policy.Policy?.Arn })),
    );
    await setup('PutRolePolicy', () =>
      iam.send(
        new PutRolePolicyCommand({
          RoleName: 'orders-api',
          PolicyName: 'read-orders',
          PolicyDocument: allow('dynamodb:GetItem', 'arn:aws:dynamodb:us-east-1:123456789012:table/orders'),
        }),
      ),
    );
    await setup('CreateUser', () => iam.send(new CreateUserCommand({ UserName: 'ops' })));
    await setup('PutUserPolicy', () =>
      iam.send(
        new PutUserPolicyCommand({
          UserName: 'ops',
          PolicyName: 'logs',
          PolicyDocument: allow('logs:GetLogEvents', '*'),
        }),
      ),
    );
    const code = {
      ZipFile: new Uint8Array(Buffer.from('not really a zip: moto does not unpack it without invoking')),
    };
    for (const name of ['orders-api', 'reports-worker']) {
      await setup(`CreateFunction ${name}`, () =>
        lambda.send(
          new CreateFunctionCommand({
            FunctionName: name,
            Runtime: 'nodejs24.x',
            Role: role.Role?.Arn,
            Handler: 'index.handler',
            Code: code,
          }),
        ),
      );
    }
    await setup('AddPermission', () =>
      lambda.send(
        new AddPermissionCommand({
          FunctionName: 'orders-api',
          StatementId: 'public',
          Action: 'lambda:InvokeFunction',
          Principal: '*',
        }),
      ),
    );
    await setup('CreateFunctionUrlConfig', () =>
      lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'orders-api', AuthType: 'NONE' })),
    );
  }, 60_000);

  afterAll(() => {
    vi.unstubAllEnvs();
  });

  it('collects both files, and scan reads them', async () => {
    const collected = await runCliCaptured(['collect', '--out', out, '--endpoint', endpoint], { env: ENV });
    expect(collected.stderr).toContain('collecting account 123456789012');
    expect(collected.exitCode, collected.stderr).toBe(0);

    const auth = JSON.parse(readFileSync(join(out, 'authorization-details.json'), 'utf8'));
    const role = auth.RoleDetailList.find((r: { RoleName: string }) => r.RoleName === 'orders-api');
    // Documents arrive URL-encoded over the wire and are written decoded, as the AWS CLI prints them.
    expect(role.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'lambda.amazonaws.com' });
    expect(role.RolePolicyList[0].PolicyDocument.Statement[0].Action).toBe('dynamodb:GetItem');

    const lambdas = JSON.parse(readFileSync(join(out, 'lambdas.json'), 'utf8'));
    const byName = Object.fromEntries(
      lambdas.Functions.map((f: { FunctionName: string }) => [f.FunctionName, f]),
    );
    expect(Object.keys(byName).sort()).toEqual(['orders-api', 'reports-worker']);
    expect(JSON.parse(byName['orders-api'].Policy).Statement[0].Principal).toBe('*');
    expect(byName['orders-api'].FunctionUrlConfig.AuthType).toBe('NONE');
    expect(byName['reports-worker'].Policy).toBeUndefined();
    expect(byName['reports-worker'].FunctionUrlConfig).toBeUndefined();
    expect(byName['reports-worker'].Invocations90d).toBe(0);

    const scan = await runCliCaptured(
      [
        'scan',
        '--input',
        join(out, 'authorization-details.json'),
        '--lambdas',
        join(out, 'lambdas.json'),
        '--format',
        'json',
      ],
      { env: {} },
    );
    expect(scan.exitCode, scan.stderr).toBe(0);
    const report = JSON.parse(scan.stdout);
    expect(report.summary.accountId).toBe('123456789012');
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        ruleId: 'lambda-public-invoke',
        resource: 'arn:aws:lambda:us-east-1:123456789012:function:orders-api',
      }),
    );
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        ruleId: 'iam-admin-access',
        resource: 'arn:aws:iam::123456789012:role/orders-api',
      }),
    );
  }, 60_000);
});
