import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  AccountReadError,
  type AccountReader,
  type AuthorizationDetailsPage,
  FUNCTION_GONE,
} from '../../shared/adapters/account-reader.ts';
import type { SdkAccountReaderOptions } from '../../shared/adapters/sdk-account-reader.ts';
import { runCliCaptured } from '../capture-io.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));

/** An in-memory account built from the CLI fixtures, with policy documents URL-encoded as the IAM API returns them. */
function fakeAccount(
  overrides: Partial<AccountReader> = {},
): AccountReader & { options?: SdkAccountReaderOptions } {
  const details = fixture('authorization-details.json');
  const encode = (value: unknown) => encodeURIComponent(JSON.stringify(value));
  for (const role of details.RoleDetailList) {
    role.AssumeRolePolicyDocument = encode(role.AssumeRolePolicyDocument);
    for (const p of role.RolePolicyList) p.PolicyDocument = encode(p.PolicyDocument);
  }
  for (const user of details.UserDetailList)
    for (const p of user.UserPolicyList) p.PolicyDocument = encode(p.PolicyDocument);
  for (const policy of details.Policies)
    for (const v of policy.PolicyVersionList) v.Document = encode(v.Document);
  const pages: AuthorizationDetailsPage[] = [
    {
      UserDetailList: details.UserDetailList,
      GroupDetailList: details.GroupDetailList,
      RoleDetailList: details.RoleDetailList.slice(0, 1),
      Policies: [],
    },
    {
      UserDetailList: [],
      GroupDetailList: [],
      RoleDetailList: details.RoleDetailList.slice(1),
      Policies: details.Policies,
    },
  ];
  const inventory = fixture('lambdas.json').Functions as Record<string, unknown>[];
  const byArn = new Map(inventory.map((f) => [f.FunctionArn as string, f]));
  return {
    identity: async () => ({ account: '111122223333', arn: 'arn:aws:iam::111122223333:user/auditor' }),
    async *authorizationDetailsPages() {
      yield* pages;
    },
    async *functionPages() {
      yield inventory.map(({ Policy, FunctionUrlConfig, Invocations90d, ...config }) => config);
    },
    functionPolicy: async (arn) => byArn.get(arn)?.Policy as string | undefined,
    functionUrlConfig: async (arn) =>
      byArn.get(arn)?.FunctionUrlConfig as { AuthType: string; FunctionUrl: string } | undefined,
    invocationSum: async (name) =>
      (inventory.find((f) => f.FunctionName === name)?.Invocations90d as number) ?? 0,
    ...overrides,
  };
}

function collect(args: string[], reader: AccountReader, options: Parameters<typeof runCliCaptured>[1] = {}) {
  const seen: SdkAccountReaderOptions[] = [];
  const run = runCliCaptured(['collect', ...args], {
    createAccountReader: (o) => {
      seen.push(o);
      return reader;
    },
    ...options,
  });
  return { run, seen };
}

describe('tripline collect', () => {
  it('writes both input files, and scan reads them to the same findings as the fixtures', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tripline-collect-'));
    const { run, seen } = collect(
      ['--out', out, '--region', 'eu-west-1', '--profile', 'audit'],
      fakeAccount(),
    );
    const result = await run;
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('');
    expect(seen).toEqual([{ profile: 'audit', region: 'eu-west-1' }]);
    expect(result.stderr).toContain(
      'collecting account 111122223333 as arn:aws:iam::111122223333:user/auditor',
    );
    expect(result.stderr).toContain('page 2: 2 roles, 1 users, 1 groups, 2 managed policies');
    expect(result.stderr).toContain(`tripline: wrote ${join(out, 'lambdas.json')} (2 functions;`);

    const auth = JSON.parse(readFileSync(join(out, 'authorization-details.json'), 'utf8'));
    expect(auth.RoleDetailList[0].AssumeRolePolicyDocument.Statement[0].Principal).toEqual({
      Service: 'lambda.amazonaws.com',
    });
    const lambdas = JSON.parse(readFileSync(join(out, 'lambdas.json'), 'utf8'));
    expect(lambdas.Functions.map((f: { FunctionName: string }) => f.FunctionName)).toEqual([
      'orders-api',
      'reports-worker',
    ]);
    expect(statSync(join(out, 'lambdas.json')).mode & 0o777).toBe(0o600);

    const args = (dir: string, a: string, l: string) => [
      'scan',
      '--input',
      join(dir, a),
      '--lambdas',
      join(dir, l),
      '--format',
      'json',
    ];
    const fromCollect = await runCliCaptured(args(out, 'authorization-details.json', 'lambdas.json'));
    const fromFixtures = await runCliCaptured(args(FIXTURES, 'authorization-details.json', 'lambdas.json'));
    expect(fromCollect.exitCode).toBe(0);
    const ids = (text: string) => (JSON.parse(text).findings as { id: string }[]).map((f) => f.id);
    expect(ids(fromCollect.stdout)).toEqual(ids(fromFixtures.stdout));
  });

  it('passes --endpoint and takes the Region from AWS_REGION', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tripline-collect-'));
    writeFileSync(join(out, 'lambdas.json'), '{}', { mode: 0o644 });
    const { run, seen } = collect(['--out', out, '--endpoint', 'http://127.0.0.1:5000'], fakeAccount(), {
      env: { AWS_REGION: 'us-west-2' },
    });
    expect((await run).exitCode).toBe(0);
    expect(seen).toEqual([{ region: 'us-west-2', endpoint: 'http://127.0.0.1:5000' }]);
    // An existing file is made private too.
    expect(statSync(join(out, 'lambdas.json')).mode & 0o777).toBe(0o600);
  });

  it('leaves out a function deleted while collecting', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tripline-collect-'));
    const gone = 'arn:aws:lambda:us-east-1:111122223333:function:reports-worker';
    const reader = fakeAccount();
    const { run } = collect(['--out', out], {
      ...reader,
      functionPolicy: async (arn) => (arn === gone ? FUNCTION_GONE : reader.functionPolicy(arn)),
    });
    const result = await run;
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain(`tripline: ${gone} was deleted while collecting: left out`);
    expect(JSON.parse(readFileSync(join(out, 'lambdas.json'), 'utf8')).Functions).toHaveLength(1);
  });

  it('stops with exit code 1 and names the missing permission on AccessDenied', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tripline-collect-'));
    const denied = new AccountReadError(
      'access denied: the caller is not allowed lambda:GetPolicy on arn:aws:lambda:us-east-1:111122223333:function:orders-api. Grant the read-only policy in docs/collect-policy.json (AccessDeniedException: no)',
      'lambda:GetPolicy',
      'access-denied',
    );
    const { run } = collect(
      ['--out', out],
      fakeAccount({ functionPolicy: async () => Promise.reject(denied) }),
    );
    const result = await run;
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe(`tripline: ${denied.message}`);
    expect(() => statSync(join(out, 'lambdas.json'))).toThrow();
  });

  it.each([
    [['--endpoint', 'not a url'], '--endpoint not a url: expected a URL'],
    [['--endpoint', 'ftp://x'], '--endpoint ftp://x: expected http or https'],
    [['--region', 'moon-1'], '--region moon-1: expected a Region'],
    [['--concurrency', '0'], '--concurrency 0: expected a whole number from 1 to 32'],
  ])('rejects %j with exit code 2', async (extra, message) => {
    const out = mkdtempSync(join(tmpdir(), 'tripline-collect-'));
    const result = await collect(['--out', out, ...extra], fakeAccount()).run;
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('requires --out', async () => {
    const result = await collect([], fakeAccount()).run;
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("required option '-o, --out <dir>' not specified");
  });

  it('never writes credentials: the output holds only what the reader returned', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tripline-collect-'));
    const result = await collect(['--out', out], fakeAccount(), {
      env: { AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    }).run;
    expect(result.exitCode).toBe(0);
    for (const file of ['authorization-details.json', 'lambdas.json']) {
      expect(readFileSync(join(out, file), 'utf8')).not.toContain('wJalrXUtnFEMI');
    }
    expect(result.stderr).not.toContain('wJalrXUtnFEMI');
  });
});
