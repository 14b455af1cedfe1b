// Runs the per-file downloads with bounded concurrency over one shared dispatcher. Stops taking new files when
// cancelled or when the disk is full, and always removes its temporary files before it returns or throws.
import type { Dispatcher } from 'undici';
import type { Source } from '../source.ts';
import { CancelledError, ServerError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { ContentTwins } from './content-twins.ts';
import { downloadFile, RunStoppingError } from './file-download.ts';
import { FolderMaker } from './folder-maker.ts';
import { removeStaleStaging, StagingArea } from './staging-area.ts';
import { PlanQueue } from '../plan/plan-queue.ts';
import type { RetryPolicy } from '../http/retry-policy.ts';
import type { FileResult, OverwritePolicy, PlannedFile } from '../types.ts';

/** The fewest consecutive failed files that stop a run (more with higher concurrency, see downloadAll). */
export const MIN_FAILURES_IN_A_ROW = 5;

export interface DownloadOptions {
  destination: string;
  concurrency: number;
  overwrite: OverwritePolicy;
  retry: RetryPolicy;
  dispatcher: Dispatcher;
  signal: AbortSignal;
  /** Called after each file ends (in completion order). */
  onResult?: (result: FileResult) => void;
  log?: Logger;
}

export interface DownloadStats {
  /** GET requests sent to storage (and redirecting API URLs), retries and ranges included. */
  storageRequests: number;
}

/**
 * Downloads every planned file, from a list or from a queue that resolution is still filling (downloads then
 * start as files arrive and end when the queue is closed and drained). Results come back in plan order.
 * Throws CancelledError or FilesystemError (disk full) after cleaning up; the caller records what had finished
 * from `onResult`.
 */
export async function downloadAll(
  plan: readonly PlannedFile[] | PlanQueue,
  source: Source,
  options: DownloadOptions,
  stats: DownloadStats = { storageRequests: 0 },
): Promise<FileResult[]> {
  const queue = plan instanceof PlanQueue ? plan : PlanQueue.of(plan);
  const planned = queue.items;
  const results: FileResult[] = [];
  const folders = new FolderMaker(options.destination);
  // Before any download: a destination that cannot be made stops the run; what killed runs left is removed.
  await folders.ensureRoot();
  const stale = await removeStaleStaging(options.destination);
  if (stale > 0) options.log?.info(`Removed the unfinished downloads of ${stale} earlier run(s) into this destination that did not end.`);
  const staging = await StagingArea.open(options.destination);
  // A run-wide stop: the caller's signal, or the first fatal error (disk full) of any worker.
  const stop = new AbortController();
  const onAbort = (): void => stop.abort(options.signal.reason);
  options.signal.addEventListener('abort', onAbort, { once: true });
  stop.signal.addEventListener('abort', () => queue.interrupt(), { once: true });
  let fatal: unknown;
  let next = 0;
  // A run-wide breaker: when storage is down for everything, every file would spend its whole retry budget
  // and a big run would take hours to say so. After this many files in a row failed, stop the run.
  const breakerLimit = Math.max(MIN_FAILURES_IN_A_ROW, 2 * options.concurrency);
  let failuresInARow = 0;

  queue.onAdd((added) =>
    source.prepare?.(added.filter((p) => p.finalPath !== undefined && p.file.reference === undefined).map((p) => p.file)),
  );

  // Workers allowed to take new files: all of them, until the process runs out of file descriptors (a low
  // `ulimit -n`); then half as many each time, so files in flight (a socket and a temporary file each) fit.
  let allowedWorkers = Math.max(1, options.concurrency);
  const ctx = {
    onOutOfDescriptors: () => {
      if (allowedWorkers === 1) return;
      allowedWorkers = Math.max(1, Math.floor(allowedWorkers / 2));
      options.log?.warning(
        `Too many open files (EMFILE): downloading ${allowedWorkers} file(s) at a time from now on. Raise the open-file limit (ulimit -n) or lower 'concurrency'.`,
      );
    },
    source,
    log: options.log,
    retry: options.retry,
    overwrite: options.overwrite,
    folders,
    staging,
    dispatcher: options.dispatcher,
    signal: stop.signal,
    onRequest: () => {
      stats.storageRequests += 1;
    },
  };

  // Files with the same bytes (contentKey) are fetched once; twins are copied from the verified file.
  const twins = new ContentTwins<{ index: number; item: PlannedFile }>();
  const twinKey = (item: PlannedFile): string | undefined =>
    item.finalPath !== undefined && item.file.reference === undefined ? item.file.contentKey : undefined;

  /**
   * Runs one file to its end and records how it ended; never throws (a run-stopping error aborts `stop`). A file
   * with a content key either copies its verified twin or is fetched itself, and then settles the twins that
   * were parked while it was fetched.
   */
  const settle = async (index: number, item: PlannedFile, onReceived: () => void): Promise<void> => {
    const key = twinKey(item);
    const twinPath = key === undefined ? undefined : twins.present(key);
    const fetching = key !== undefined && twinPath === undefined;
    if (fetching) twins.begin(key);
    let verifiedPath: string | undefined;
    try {
      const result = await downloadFile(item, ctx, onReceived, twinPath);
      if (result.status === 'downloaded' || result.status === 'skipped') verifiedPath = item.finalPath;
      results[index] = result;
      options.onResult?.(result);
      failuresInARow = result.status === 'failed' && result.attempts > 0 ? failuresInARow + 1 : 0;
      if (failuresInARow >= breakerLimit && fatal === undefined) {
        fatal = new ServerError(
          `Stopped after ${failuresInARow} files in a row failed, each after its retries (the last: ${result.error ?? 'failed'}). The storage or the tracker seems to be down or refusing; the files not tried are listed as failed in the manifest. Try again later.`,
        );
        stop.abort(fatal);
      }
    } catch (error) {
      // downloadFile ends every file with a result but for run-stopping errors (anything else is a bug, and
      // stops the run the same way rather than vanish).
      const cause = error instanceof RunStoppingError ? error.cause : error;
      if (fatal === undefined && !(cause instanceof CancelledError)) {
        fatal = cause;
        // The file that met the run-stopping error (disk full) keeps that reason in the manifest.
        if (error instanceof RunStoppingError) {
          results[index] = error.result;
          options.onResult?.(error.result);
        }
      }
      stop.abort(cause);
    }
    if (!fetching) return;
    // Copies are local and quick: this worker does them (a failed fetch hands the key to the next twin).
    for (const twin of twins.end(key, verifiedPath)) {
      if (stop.signal.aborted) break;
      await settle(twin.index, twin.item, () => undefined);
    }
  };

  // Each worker keeps one transfer going. Once a file's bytes are all in, its flush, close, verification and
  // rename go on while the worker starts the next transfer, so the network never waits for the disk; at most
  // one such file per worker, so open files stay under 2 × concurrency. (A file whose bytes then fail
  // verification is fetched again from there, briefly beyond the concurrency.)
  const worker = async (id: number): Promise<void> => {
    let finishing: Promise<void> | undefined;
    while (!stop.signal.aborted && id < allowedWorkers) {
      const index = next;
      next += 1;
      if (!(await queue.waitFor(index, () => stop.signal.aborted))) break;
      const item = planned[index] as PlannedFile;
      const key = twinKey(item);
      // A twin of a file being fetched waits for it without holding this worker.
      if (key !== undefined && twins.park(key, { index, item })) continue;
      let received: () => void = () => undefined;
      const transferred = new Promise<void>((resolve) => (received = resolve));
      const done = settle(index, item, received);
      await Promise.race([transferred, done]);
      await finishing;
      finishing = done;
    }
    await finishing;
  };

  try {
    const workers = Math.max(1, options.concurrency);
    await Promise.all(Array.from({ length: workers }, (_, id) => worker(id)));
  } finally {
    options.signal.removeEventListener('abort', onAbort);
    await staging.close();
  }
  if (fatal !== undefined) throw fatal;
  if (options.signal.aborted) throw new CancelledError();
  return results;
}
