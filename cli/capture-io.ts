/**
 * Runs the command line in-process with captured output, for tests: no child process, no terminal.
 */
import type { CliIo } from './cli-io.ts';
import { type CliDependencies, runCli } from './main.ts';

export interface CapturedRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface CaptureOptions extends CliDependencies {
  env?: Record<string, string | undefined>;
  cwd?: string;
  now?: Date;
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
}

export async function runCliCaptured(
  argv: readonly string[],
  options: CaptureOptions = {},
): Promise<CapturedRun> {
  let stdout = '';
  let stderr = '';
  const now = options.now ?? new Date('2026-12-01T00:00:00.000Z');
  const io: CliIo = {
    stdout: {
      write: (text) => {
        stdout += text;
      },
      isTTY: options.stdoutIsTTY ?? false,
    },
    stderr: {
      write: (text) => {
        stderr += text;
      },
      isTTY: options.stderrIsTTY ?? false,
    },
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    now: () => now,
    exitCode: 0,
  };
  const deps: CliDependencies = options.createAccountReader
    ? { createAccountReader: options.createAccountReader }
    : {};
  const exitCode = await runCli(argv, io, deps);
  return { stdout, stderr, exitCode };
}
