/**
 * What a command may touch outside itself: its two output streams, the environment, the working directory and
 * the clock. The real process provides them in `cli/main.ts`; tests pass captured ones and read what came out,
 * without spawning a process.
 */
import { ConfigError } from '../shared/rules/scan-config.ts';
import { SnapshotInputError } from '../shared/snapshot/parse-authorization-details.ts';
import { InputError } from './input-error.ts';

export interface OutputStream {
  write(text: string): void;
  /** Whether a person is watching (colour, progress). */
  readonly isTTY: boolean;
}

export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  now: () => Date;
  /** Set by commands; 0 unless something went wrong or a `--fail-on` threshold was met. */
  exitCode: number;
}

/** The real process. `exitCode` writes through to `process.exitCode`. */
export function processIo(): CliIo {
  return {
    stdout: { write: (text) => void process.stdout.write(text), isTTY: process.stdout.isTTY === true },
    stderr: { write: (text) => void process.stderr.write(text), isTTY: process.stderr.isTTY === true },
    env: process.env,
    cwd: process.cwd(),
    now: () => new Date(),
    get exitCode() {
      return typeof process.exitCode === 'number' ? process.exitCode : 0;
    },
    set exitCode(code: number) {
      process.exitCode = code;
    },
  };
}

/** A failure that is not the user's input: printed as one line, with its own exit code (1 unless said). */
export class CommandFailedError extends Error {
  override readonly name = 'CommandFailedError';
  constructor(
    message: string,
    readonly exitCode = 1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Runs a command action: bad input (files, options, config) prints `tripline: message` with exit code 2;
 * a CommandFailedError prints its message with its exit code; anything else is a bug and propagates.
 */
export function withErrorReporting<A extends unknown[]>(
  io: CliIo,
  action: (...args: A) => void | Promise<void>,
) {
  return async (...args: A): Promise<void> => {
    try {
      await action(...args);
    } catch (error) {
      if (
        error instanceof InputError ||
        error instanceof ConfigError ||
        error instanceof SnapshotInputError
      ) {
        io.stderr.write(`tripline: ${error.message}\n`);
        io.exitCode = 2;
        return;
      }
      if (error instanceof CommandFailedError) {
        io.stderr.write(`tripline: ${error.message}\n`);
        io.exitCode = error.exitCode;
        return;
      }
      throw error;
    }
  };
}
