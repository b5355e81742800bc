/**
 * `tripline collect --out DIR`: reads a live account with read-only calls and writes the two files
 * `tripline scan` takes (DIR/authorization-details.json, DIR/lambdas.json). The permissions it needs are in
 * docs/collect-policy.json. Exit codes: 0 written, 1 AWS refused or failed (the message names the action),
 * 2 bad options.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { AccountReadError, type AccountReader } from '../../shared/adapters/account-reader.ts';
import { type CollectEvent, collectAccount } from '../../shared/adapters/collect-account.ts';
import type { SdkAccountReaderOptions } from '../../shared/adapters/sdk-account-reader.ts';
import { type CliIo, CommandFailedError, withErrorReporting } from '../cli-io.ts';
import { InputError } from '../input-error.ts';
import { createProgress, type Progress, progressMode } from '../progress.ts';

export const COLLECT_FILES = {
  authorizationDetails: 'authorization-details.json',
  lambdas: 'lambdas.json',
} as const;

export type AccountReaderFactory = (
  options: SdkAccountReaderOptions,
) => AccountReader | Promise<AccountReader>;

/** The real reader; the SDK is loaded only when `collect` runs. */
export const sdkAccountReaderFactory: AccountReaderFactory = async (options) => {
  const { SdkAccountReader } = await import('../../shared/adapters/sdk-account-reader.ts');
  return new SdkAccountReader(options);
};

export interface CollectCommandOptions {
  out: string;
  profile?: string;
  region?: string;
  endpoint?: string;
  concurrency: string;
  progress?: boolean;
}

function readerOptions(io: CliIo, options: CollectCommandOptions): SdkAccountReaderOptions {
  const out: SdkAccountReaderOptions = {};
  if (options.profile !== undefined) {
    if (!/^[\w.+@:/-]+$/.test(options.profile))
      throw new InputError(`--profile ${options.profile}: not a profile name`);
    out.profile = options.profile;
  }
  const region = options.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  if (region !== undefined) {
    if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region))
      throw new InputError(`--region ${region}: expected a Region such as us-east-1`);
    out.region = region;
  }
  if (options.endpoint !== undefined) {
    let url: URL;
    try {
      url = new URL(options.endpoint);
    } catch {
      throw new InputError(`--endpoint ${options.endpoint}: expected a URL such as http://127.0.0.1:5000`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new InputError(`--endpoint ${options.endpoint}: expected http or https`);
    out.endpoint = options.endpoint;
  }
  return out;
}

function reportEvent(progress: Progress, event: CollectEvent): void {
  switch (event.phase) {
    case 'identity':
      progress.note(`collecting account ${event.account} as ${event.arn}`);
      break;
    case 'iam':
      progress.note(
        `iam:GetAccountAuthorizationDetails page ${event.pages}: ${event.roles} roles, ${event.users} users, ` +
          `${event.groups} groups, ${event.policies} managed policies`,
      );
      break;
    case 'list-functions':
      progress.note(`lambda:ListFunctions: ${event.functions} function(s)`);
      break;
    case 'functions':
      progress.step('reading function policies, URLs and invocations', event.done, event.total);
      break;
  }
}

function writePrivate(path: string, value: unknown): void {
  // Owner-only: the inventory holds environment variable values, which may be secrets.
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600); // `mode` applies only when the file is created
}

export async function collectCommand(
  io: CliIo,
  options: CollectCommandOptions,
  createReader: AccountReaderFactory,
): Promise<void> {
  const concurrency = Number(options.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) {
    throw new InputError(`--concurrency ${options.concurrency}: expected a whole number from 1 to 32`);
  }
  const outDir = resolve(io.cwd, options.out);
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      `${options.out}: cannot create the output directory (${code ?? (error as Error).message})`,
      { cause: error },
    );
  }
  const reader = await createReader(readerOptions(io, options));
  // Progress is the only feedback collect gives: on by default, also when stderr is not a terminal.
  const progress = createProgress(io.stderr, progressMode(io.stderr, options.progress ?? true));
  let collected: Awaited<ReturnType<typeof collectAccount>>;
  try {
    collected = await collectAccount(reader, {
      now: io.now(),
      concurrency,
      onProgress: (e) => reportEvent(progress, e),
    });
  } catch (error) {
    progress.finish();
    if (error instanceof AccountReadError) throw new CommandFailedError(error.message, 1, { cause: error });
    throw error;
  }
  progress.finish();

  const authFile = join(options.out, COLLECT_FILES.authorizationDetails);
  const lambdaFile = join(options.out, COLLECT_FILES.lambdas);
  writePrivate(join(outDir, COLLECT_FILES.authorizationDetails), collected.authorizationDetails);
  writePrivate(join(outDir, COLLECT_FILES.lambdas), collected.lambdas);
  const d = collected.authorizationDetails;
  for (const arn of collected.vanished)
    io.stderr.write(`tripline: ${arn} was deleted while collecting: left out\n`);
  io.stderr.write(
    `tripline: wrote ${authFile} (${d.RoleDetailList.length} roles, ${d.UserDetailList.length} users, ` +
      `${d.GroupDetailList.length} groups, ${d.Policies.length} managed policies)\n` +
      `tripline: wrote ${lambdaFile} (${collected.lambdas.Functions.length} functions; it holds environment ` +
      'variable values: keep it private)\n' +
      `next: tripline scan --input ${authFile} --lambdas ${lambdaFile}\n`,
  );
}

export function registerCollectCommand(
  program: Command,
  io: CliIo,
  createReader: AccountReaderFactory = sdkAccountReaderFactory,
): void {
  program
    .command('collect')
    .description(
      'Read a live account with read-only calls (the policy is docs/collect-policy.json) and write the input files ' +
        'of `tripline scan`: DIR/authorization-details.json and DIR/lambdas.json.',
    )
    .requiredOption('-o, --out <dir>', 'directory to write the two files to (created if needed)')
    .option('--profile <profile>', 'AWS profile (default: the SDK credential chain, AWS_PROFILE)')
    .option(
      '--region <region>',
      'Region of the Lambda functions (default: AWS_REGION, AWS_DEFAULT_REGION or the profile)',
    )
    .option('--endpoint <url>', 'send every call to this endpoint instead of AWS (an emulator such as moto)')
    .option('--concurrency <n>', 'functions read at once', '4')
    .option('--no-progress', 'print nothing on stderr until the end')
    .addHelpText(
      'after',
      '\nExit codes: 0 files written; 1 AWS refused a call (the message names the IAM action) or kept throttling; ' +
        '2 bad options.\nCredentials are never written; lambdas.json holds environment variable values (mode 600).',
    )
    .action(
      withErrorReporting(io, (options: CollectCommandOptions) => collectCommand(io, options, createReader)),
    );
}
