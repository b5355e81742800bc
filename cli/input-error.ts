import { readFileSync } from 'node:fs';

/** A problem with what the user gave us (a file, an option): printed as one line, exit code 2. */
export class InputError extends Error {
  override readonly name = 'InputError';
  readonly exitCode = 2;
}

/** Reads a file as text, turning I/O failures into an InputError naming the file. */
export function readTextFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${path}: cannot read file (${code ?? (error as Error).message})`, { cause: error });
  }
}

/** Runs a command action, printing InputErrors as `tripline: message` with exit code 2 instead of a stack trace. */
export function withInputErrors<A extends unknown[]>(action: (...args: A) => void | Promise<void>) {
  return async (...args: A): Promise<void> => {
    try {
      await action(...args);
    } catch (error) {
      if (error instanceof InputError) {
        process.stderr.write(`tripline: ${error.message}\n`);
        process.exitCode = error.exitCode;
        return;
      }
      throw error;
    }
  };
}
