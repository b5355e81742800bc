/**
 * Test support: a Powertools logger whose output (every level, as written to stdout/stderr) is captured, so a
 * test can assert what was logged — and what never was.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { vi } from 'vitest';

export interface CapturedLogs {
  logger: Logger;
  /** Everything written to stdout and stderr since the capture started. */
  text(): string;
  entries(): Record<string, unknown>[];
  restore(): void;
}

export function captureLogs(serviceName = 'tripline-notifier-test'): CapturedLogs {
  const chunks: string[] = [];
  const capture = (chunk: unknown) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture as typeof process.stdout.write);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture as typeof process.stderr.write);
  const logger = new Logger({ serviceName, logLevel: 'DEBUG' });
  return {
    logger,
    text: () => chunks.join(''),
    entries: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    restore: () => {
      out.mockRestore();
      err.mockRestore();
    },
  };
}
