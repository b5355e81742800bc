/**
 * Progress on stderr for long runs. On a terminal one line is redrawn (at most every 100 ms); otherwise (with
 * `--progress`) a line is printed at each tenth of the work, so logs stay short. Stdout is never touched.
 */
import type { OutputStream } from './cli-io.ts';

export type ProgressMode = 'off' | 'redraw' | 'lines';

export interface Progress {
  /** `label: done/total`. */
  step(label: string, done: number, total: number): void;
  /** A line that stays (a phase finished, a warning). */
  note(text: string): void;
  /** Clears the redrawn line. */
  finish(): void;
}

export function progressMode(stream: OutputStream, requested: boolean | undefined): ProgressMode {
  if (requested === false) return 'off';
  if (stream.isTTY) return 'redraw';
  return requested ? 'lines' : 'off';
}

export function createProgress(
  stream: OutputStream,
  mode: ProgressMode,
  clock: () => number = Date.now,
): Progress {
  let lastDraw = Number.NEGATIVE_INFINITY;
  let drawn = false;
  let lastLabel = '';
  let lastTenth = -1;
  const clear = () => {
    if (drawn) stream.write('\r\u001b[K');
    drawn = false;
  };
  return {
    step(label, done, total) {
      if (mode === 'off') return;
      const percent = total > 0 ? Math.floor((done * 100) / total) : 100;
      const text = `${label}: ${done}/${total} (${percent}%)`;
      if (mode === 'redraw') {
        const now = clock();
        if (now - lastDraw < 100 && done < total) return;
        lastDraw = now;
        stream.write(`\r\u001b[K${text}`);
        drawn = true;
        return;
      }
      const tenth = Math.floor(percent / 10);
      if (label === lastLabel && tenth <= lastTenth) return;
      lastLabel = label;
      lastTenth = tenth;
      stream.write(`${text}\n`);
    },
    note(text) {
      if (mode === 'off') return;
      clear();
      stream.write(`${text}\n`);
    },
    finish() {
      if (mode === 'redraw') clear();
    },
  };
}
