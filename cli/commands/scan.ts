/**
 * `tripline scan`: every rule over an account snapshot (get-account-authorization-details output and an
 * optional Lambda inventory), reported as a table, JSON, SARIF, CSV or ASFF. Without `--input` it scans the
 * bundled example account. Exit codes: 0 done, 1 an open finding at or above `--fail-on`, 2 bad input,
 * options or config (the message names the file and the location).
 */
import { writeFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Command, Option } from 'commander';
import { ALL_RULES } from '../../shared/rules/index.ts';
import { SEVERITIES, type Severity, severityRank } from '../../shared/rules/rule-types.ts';
import { parseScanConfig, type ScanConfig } from '../../shared/rules/scan-config.ts';
import { runScan } from '../../shared/scan/run-scan.ts';
import type { AccountSnapshot } from '../../shared/snapshot/account-snapshot.ts';
import {
  buildSnapshot,
  parseAuthorizationDetails,
  parseLambdaInventory,
} from '../../shared/snapshot/parse-authorization-details.ts';
import { type CliIo, withErrorReporting } from '../cli-io.ts';
import { renderReport } from '../format/render-report.ts';
import type { InputSource } from '../format/report-context.ts';
import { REPORT_FORMATS, type ReportFormat } from '../format/report-context.ts';
import { InputError } from '../input-error.ts';
import { readJsonDocument, readJsonValues } from '../json-input.ts';
import { readPackageVersion } from '../package-version.ts';
import { createProgress, progressMode } from '../progress.ts';

/** The example account that `tripline scan` (and `npm start`) scans when no `--input` is given. */
export const EXAMPLE_ACCOUNT = {
  authorizationDetails: fileURLToPath(
    new URL('../../examples/account/authorization-details.json', import.meta.url),
  ),
  lambdas: fileURLToPath(new URL('../../examples/account/lambdas.json', import.meta.url)),
};

export interface ScanOptions {
  input?: string;
  lambdas?: string;
  config?: string;
  format: ReportFormat;
  failOn?: Severity;
  output?: string;
  region?: string;
  progress?: boolean;
}

export interface LoadedSnapshot {
  snapshot: AccountSnapshot;
  sources: { authorizationDetails: InputSource; lambdas?: InputSource };
}

/** A path as shown to the user: as given, or relative to the working directory for bundled files. */
function displayPath(io: CliIo, absolute: string): string {
  const rel = relative(io.cwd, absolute);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : absolute;
}

/** How a file is named in messages: as the user gave it, bundled (absolute) paths relative to the working directory. */
function fileName(io: CliIo, file: string): string {
  return isAbsolute(file) ? displayPath(io, file) : file;
}

/** Reads and parses the input files; structural problems throw errors naming the file and location. */
export function loadSnapshot(io: CliIo, files: { input: string; lambdas?: string }): LoadedSnapshot {
  const authPath = resolve(io.cwd, files.input);
  const authName = fileName(io, files.input);
  const auth = readJsonValues(authPath, authName);
  const details = parseAuthorizationDetails(auth.values, authName);
  const sources: LoadedSnapshot['sources'] = { authorizationDetails: { uri: authName, text: auth.text } };
  let functions: ReturnType<typeof parseLambdaInventory> | undefined;
  if (files.lambdas !== undefined) {
    const lambdaPath = resolve(io.cwd, files.lambdas);
    const lambdaName = fileName(io, files.lambdas);
    const inventory = readJsonValues(lambdaPath, lambdaName);
    functions = parseLambdaInventory(
      inventory.values.length === 1 ? inventory.values[0] : inventory.values,
      lambdaName,
    );
    sources.lambdas = { uri: lambdaName, text: inventory.text };
  }
  const snapshot = buildSnapshot(details, functions, {
    authorizationDetails: authName,
    ...(sources.lambdas ? { lambdas: sources.lambdas.uri } : {}),
  });
  return { snapshot, sources };
}

/** Reads and validates `--config`; a bad field is a ConfigError naming the file and the field. */
export function loadScanConfig(io: CliIo, file: string | undefined): ScanConfig {
  if (file === undefined) return parseScanConfig({});
  const config = parseScanConfig(readJsonDocument(resolve(io.cwd, file), file), file);
  const known = new Set(ALL_RULES.map((r) => r.id));
  const unknown = (ids: [string, string][]) => ids.filter(([, id]) => id !== '*' && !known.has(id));
  const mentions: [string, string][] = [
    ...config.disabledRules.map((id, i): [string, string] => [`disabledRules[${i}]`, id]),
    ...Object.keys(config.severityOverrides).map((id): [string, string] => [`severityOverrides.${id}`, id]),
    ...config.suppressions.map((s, i): [string, string] => [`suppressions[${i}].rule`, s.rule]),
  ];
  for (const [path, id] of unknown(mentions))
    io.stderr.write(`tripline: warning: ${file}: ${path}: no rule is named "${id}"\n`);
  return config;
}

function reportRegion(io: CliIo, option: string | undefined): string {
  const region = option ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region))
    throw new InputError(`--region ${region}: expected a Region such as us-east-1`);
  return region;
}

function useColour(io: CliIo, options: ScanOptions): boolean {
  if (options.format !== 'table' || options.output !== undefined) return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0') return true;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  return io.stdout.isTTY;
}

export async function scanCommand(io: CliIo, options: ScanOptions): Promise<void> {
  let files: { input: string; lambdas?: string };
  if (options.input !== undefined) {
    files = { input: options.input, ...(options.lambdas !== undefined ? { lambdas: options.lambdas } : {}) };
  } else {
    if (options.lambdas !== undefined)
      throw new InputError('--lambdas needs --input (the authorization details of the same account)');
    files = { input: EXAMPLE_ACCOUNT.authorizationDetails, lambdas: EXAMPLE_ACCOUNT.lambdas };
  }
  const region = reportRegion(io, options.region);
  const config = loadScanConfig(io, options.config);
  const progress = createProgress(io.stderr, progressMode(io.stderr, options.progress));
  progress.note(
    `reading ${fileName(io, files.input)}${files.lambdas ? ` and ${fileName(io, files.lambdas)}` : ''}`,
  );
  const { snapshot, sources } = loadSnapshot(io, files);
  const now = io.now();
  const rules = ALL_RULES.filter((r) => !config.disabledRules.includes(r.id));
  const report = runScan(snapshot, ALL_RULES, config, {
    now,
    onProgress: (done, total) => progress.step('scanning', done, total),
  });
  progress.finish();

  const text = renderReport(options.format, {
    report,
    rules,
    tool: { name: 'Tripline', version: readPackageVersion() },
    generatedAt: now,
    sources,
    region,
    colour: useColour(io, options),
  });
  if (options.output !== undefined) {
    try {
      writeFileSync(resolve(io.cwd, options.output), text);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new InputError(
        `${options.output}: cannot write the report (${code ?? (error as Error).message})`,
        { cause: error },
      );
    }
    io.stderr.write(
      `tripline: wrote ${options.output} (${options.format}): ${report.summary.findings} open finding(s), ` +
        `${report.summary.suppressed} suppressed\n`,
    );
  } else {
    io.stdout.write(text);
  }
  if (report.issues.length > 0 && (options.format !== 'table' || options.output !== undefined)) {
    io.stderr.write(
      `tripline: ${report.issues.length} result(s) could not be decided (UNKNOWN or ERROR: missing data or a rule error); the table and --format json list them\n`,
    );
  }

  if (options.failOn !== undefined) {
    const threshold = severityRank(options.failOn);
    const failing = report.findings.filter(
      (f) => f.status === 'OPEN' && severityRank(f.severity) >= threshold,
    );
    if (failing.length > 0) {
      io.stderr.write(
        `tripline: ${failing.length} open finding(s) at or above ${options.failOn} (--fail-on)\n`,
      );
      io.exitCode = 1;
    }
  }
}

export function registerScanCommand(program: Command, io: CliIo): void {
  program
    .command('scan')
    .description(
      'Run every rule over an account snapshot and report the findings. Without --input, scans the bundled ' +
        'example account (examples/account/).',
    )
    .option(
      '-i, --input <file>',
      'output of `aws iam get-account-authorization-details` (CLI or raw API form; pages may be concatenated)',
    )
    .option(
      '-l, --lambdas <file>',
      'Lambda inventory: {"Functions": [GetFunctionConfiguration objects, each with optional Policy, FunctionUrlConfig, Invocations90d]}',
    )
    .option(
      '-c, --config <file>',
      'scan configuration (JSON): known accounts, severity overrides, disabled rules, suppressions',
    )
    .addOption(new Option('-f, --format <format>', 'report format').choices(REPORT_FORMATS).default('table'))
    .addOption(
      new Option(
        '--fail-on <severity>',
        'exit with code 1 when an open finding at or above this severity is found',
      ).choices(SEVERITIES),
    )
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option(
      '--region <region>',
      'AWS Region for ASFF ProductArn (default: AWS_REGION, AWS_DEFAULT_REGION or us-east-1)',
    )
    .option('--progress', 'show progress on stderr even when stderr is not a terminal')
    .option('--no-progress', 'never show progress')
    .addHelpText(
      'after',
      '\nExit codes: 0 scan done; 1 an open finding at or above --fail-on; 2 malformed input, options or config.\n' +
        'Stdout carries only the report; progress and warnings go to stderr.',
    )
    .action(withErrorReporting(io, (options: ScanOptions) => scanCommand(io, options)));
}
