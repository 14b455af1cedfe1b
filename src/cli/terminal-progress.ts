// Progress on the terminal: a bar with files, bytes, rate and ETA when stderr is a TTY (cli-progress), plain
// lines at most every few seconds otherwise (CI logs, pipes).
import { SingleBar, Presets } from 'cli-progress';
import { formatBytes, formatProgress, ProgressCounter } from '../core/report/progress.ts';
import type { FileResult } from '../core/types.ts';

export interface TerminalProgress {
  /** The files resolved so far: called after each resolved page (downloads start with the first). */
  start(total: number): void;
  add(result: FileResult): void;
  stop(): void;
}

export function createTerminalProgress(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): TerminalProgress {
  if (!enabled) return { start: () => {}, add: () => {}, stop: () => {} };
  if (!stream.isTTY) {
    let counter: ProgressCounter | undefined;
    return {
      start: (total) => {
        if (counter === undefined) counter = new ProgressCounter(total);
        else counter.setTotal(total);
      },
      add: (result) => {
        const line = counter?.add(result);
        if (line) stream.write(`${formatProgress(line)}\n`);
      },
      stop: () => {},
    };
  }
  const bar = new SingleBar(
    { format: '{bar} {value}/{total} files | {bytes} | {rate}/s | ETA {eta_formatted}', stream, hideCursor: true, clearOnComplete: false },
    Presets.shades_classic,
  );
  let bytes = 0;
  let started = 0;
  return {
    start: (total) => {
      if (started !== 0) return bar.setTotal(total);
      started = Date.now();
      bar.start(total, 0, { bytes: formatBytes(0), rate: formatBytes(0) });
    },
    add: (result) => {
      if (result.status === 'downloaded') bytes += result.bytes;
      const seconds = Math.max((Date.now() - started) / 1000, 0.001);
      // Whole bytes: formatBytes prints values under 1 KiB as they are, fractions included.
      bar.increment(1, { bytes: formatBytes(bytes), rate: formatBytes(Math.round(bytes / seconds)) });
    },
    stop: () => bar.stop(),
  };
}
