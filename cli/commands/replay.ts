/**
 * `tripline replay`: CloudTrail events through the same routing and evaluators as the deployed stack, with state
 * read from an account snapshot instead of the live APIs. Prints the finding transitions. A bad line is reported
 * with its line number and the rest still run.
 */
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { replayEvents } from '../../shared/evaluation/replay.ts';
import { SnapshotStateReader } from '../../shared/evaluation/snapshot-state-reader.ts';
import type { CloudTrailEvent } from '../../shared/events/cloudtrail-event.ts';
import { parseEvent, parseLogFile } from '../../shared/events/parse-event.ts';
import type { FindingsStore } from '../../shared/findings/findings-store.ts';
import { MemoryFindingsStore } from '../../shared/findings/memory-findings-store.ts';
import { type CliIo, withErrorReporting } from '../cli-io.ts';
import { openFindingsStore } from '../findings-table.ts';
import { InputError } from '../input-error.ts';
import { readText } from '../json-input.ts';
import { loadScanConfig, loadSnapshot } from './scan.ts';

interface ReplayOptions {
  events: string;
  input: string;
  lambdas?: string;
  config?: string;
  store: 'memory' | 'dynamodb';
  endpoint?: string;
  table?: string;
  region?: string;
  profile?: string;
  format: 'text' | 'json';
}

/** One EventBridge envelope per line (JSON Lines), or a CloudTrail log file `{"Records": [...]}`. */
export function readEvents(io: CliIo, file: string): { events: CloudTrailEvent[]; problems: string[] } {
  const text = readText(resolve(io.cwd, file), file);
  const events: CloudTrailEvent[] = [];
  const problems: string[] = [];
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') && /^\{\s*"Records"\s*:/.test(trimmed)) {
    let log: unknown;
    try {
      log = JSON.parse(text);
    } catch (error) {
      throw new InputError(`${file}: not valid JSON (${(error as Error).message})`, { cause: error });
    }
    parseLogFile(log).forEach((result, i) => {
      if (result.ok) events.push(result.event);
      else problems.push(`${file}: Records[${i}]: ${result.reason}`);
    });
    return { events, problems };
  }
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      problems.push(`${file}: line ${i + 1}: not valid JSON (${(error as Error).message})`);
      return;
    }
    const parsed = parseEvent(value);
    if (parsed.ok) events.push(parsed.event);
    else problems.push(`${file}: line ${i + 1}: ${parsed.reason}`);
  });
  return { events, problems };
}

export async function replayCommand(io: CliIo, options: ReplayOptions): Promise<void> {
  const { events, problems } = readEvents(io, options.events);
  for (const problem of problems) io.stderr.write(`tripline: skipped: ${problem}\n`);
  const { snapshot } = loadSnapshot(io, {
    input: options.input,
    ...(options.lambdas ? { lambdas: options.lambdas } : {}),
  });
  const config = loadScanConfig(io, options.config);
  let store: FindingsStore;
  if (options.store === 'memory') {
    store = new MemoryFindingsStore();
  } else {
    store = (
      await openFindingsStore(io, {
        ...(options.table ? { table: options.table } : {}),
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        ...(options.region ? { region: options.region } : {}),
        ...(options.profile ? { profile: options.profile } : {}),
        write: true,
      })
    ).store;
  }
  const replayed = await replayEvents(events, {
    reader: new SnapshotStateReader(snapshot),
    store,
    config,
    region: options.region ?? io.env.AWS_REGION ?? 'us-east-1',
  });
  if (options.format === 'json') {
    io.stdout.write(`${JSON.stringify({ events: replayed, problems }, null, 2)}\n`);
  } else {
    for (const entry of replayed) {
      const routed = entry.evaluators.length ? entry.evaluators.join(', ') : 'no evaluator (unrelated)';
      io.stdout.write(`${entry.eventName} ${entry.eventId} → ${routed}\n`);
      for (const t of entry.transitions) {
        io.stdout.write(
          `  ${t.to.padEnd(10)} ${t.toSeverity.padEnd(8)} ${t.ruleId} on ${t.resource} (${t.reason})\n`,
        );
      }
    }
    const total = replayed.reduce((n, e) => n + e.transitions.length, 0);
    io.stdout.write(
      `${replayed.length} event(s), ${total} transition(s), ${problems.length} skipped line(s)\n`,
    );
  }
  if (problems.length > 0 && events.length === 0) io.exitCode = 2;
}

export function registerReplayCommand(program: Command, io: CliIo): void {
  program
    .command('replay')
    .description(
      'Feed CloudTrail events through the evaluators with state from an account snapshot, and print the finding transitions.',
    )
    .requiredOption(
      '-e, --events <file>',
      'events: one EventBridge envelope per line, or a CloudTrail log file with "Records"',
    )
    .requiredOption(
      '-i, --input <file>',
      'account state: output of `aws iam get-account-authorization-details`',
    )
    .option('-l, --lambdas <file>', 'Lambda inventory, as for `tripline scan`')
    .option('-c, --config <file>', 'scan configuration (JSON), as for `tripline scan`')
    .addOption(
      new Option('--store <store>', 'where transitions are recorded')
        .choices(['memory', 'dynamodb'])
        .default('memory'),
    )
    .option(
      '--endpoint <url>',
      'DynamoDB-protocol endpoint (e.g. a local dynalite); the table is created when missing',
    )
    .option('--table <name>', 'findings table name (default: discovered from the deployed stack)')
    .option('--region <region>', 'AWS Region')
    .option('--profile <profile>', 'AWS named profile')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(withErrorReporting(io, (options: ReplayOptions) => replayCommand(io, options)));
}
