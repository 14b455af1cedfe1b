// The whole job, shared by the action and the CLI: resolve through the source, keep this shard's files, plan
// their local paths, download (unless dry-run), and write the manifest — also when the job is cancelled or
// the disk fills, so what did finish stays described.
import type { Dispatcher } from 'undici';
import type { Source } from './source.ts';
import { downloadAll, type DownloadStats } from './download/download-pool.ts';
import { CancelledError } from './errors.ts';
import { LocalPathPlanner, type LocalPathOptions } from './plan/local-paths.ts';
import type { Logger } from './logger.ts';
import { buildManifest, writeManifest, type Manifest } from './report/manifest.ts';
import type { RetryPolicy } from './http/retry-policy.ts';
import { PlanQueue } from './plan/plan-queue.ts';
import { inShard } from './plan/shard.ts';
import type { FileResult, OverwritePolicy, PlannedFile, Shard } from './types.ts';

export interface PipelineRequest {
  /** As the user named it; the manifest says it even when nothing matched. */
  project: string;
  destination: string;
  manifestPath: string;
  overwrite: OverwritePolicy;
  concurrency: number;
  dryRun: boolean;
  shard: Shard | undefined;
  retry: RetryPolicy;
  layout: LocalPathOptions;
}

export interface PipelineDependencies {
  dispatcher: Dispatcher;
  signal: AbortSignal;
  log: Logger;
  onResolved?: (count: number) => void;
  onResult?: (result: FileResult) => void;
}

export interface PipelineReport {
  manifest: Manifest;
  results: FileResult[];
  /** Files the selection resolved to, before sharding. */
  resolvedCount: number;
  storageRequests: number;
  /** Why the manifest could not be written, when it could not (the report still describes every file). */
  manifestError?: Error;
}

/**
 * Thrown when the run could not finish (cancelled, disk full, a resolution that failed after downloads began, a
 * manifest that could not be written), after the manifest was written if it could be: `report` describes every
 * file resolved so far, and `cause` is what stopped the run.
 */
export class StoppedEarlyError extends Error {
  readonly report: PipelineReport;
  constructor(cause: unknown, report: PipelineReport) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'StoppedEarlyError';
    this.report = report;
  }
}

export async function runPipeline(source: Source, request: PipelineRequest, deps: PipelineDependencies): Promise<PipelineReport> {
  const planner = new LocalPathPlanner(request.layout);
  const queue = new PlanQueue();
  let resolvedCount = 0;
  /** Resolves every page into the queue; throws what resolution throws (the queue is closed either way). */
  const resolveAll = async (): Promise<void> => {
    try {
      for await (const page of source.resolve()) {
        if (deps.signal.aborted) throw new CancelledError();
        const mine: PlannedFile[] = [];
        for (const file of page) {
          // Every shard plans every file, so which file wins a contested path does not depend on the shard.
          const placed = planner.plan(file);
          // The same file listed twice (overlapping pages) is one file.
          if (placed === undefined) continue;
          resolvedCount += 1;
          if (inShard(file, request.shard)) mine.push(placed);
        }
        queue.push(mine);
        deps.onResolved?.(queue.items.length);
      }
    } finally {
      queue.close();
    }
  };

  const planned = queue.items;
  const meta = () => ({
    backend: source.name,
    project: planned[0]?.file.project ?? request.project,
    destination: request.destination,
    dryRun: request.dryRun,
    shard: request.shard,
  });
  /** The report of these results, with the manifest written (or why it could not be). */
  const report = async (results: FileResult[], storageRequests: number): Promise<PipelineReport> => {
    const manifest = buildManifest(meta(), results);
    const done: PipelineReport = { manifest, results, resolvedCount, storageRequests };
    try {
      await writeManifest(request.manifestPath, manifest);
    } catch (error) {
      done.manifestError = error as Error;
    }
    return done;
  };
  /** A run that got to its end: a manifest that cannot be written still stops it, with everything else reported. */
  const finish = async (results: FileResult[], storageRequests: number): Promise<PipelineReport> => {
    const done = await report(results, storageRequests);
    if (done.manifestError !== undefined) throw new StoppedEarlyError(done.manifestError, done);
    return done;
  };

  if (request.dryRun) {
    await resolveAll();
    return finish(
      planned.map((p): FileResult => {
        if (p.finalPath === undefined) return rejected(p);
        const reference = p.file.reference;
        if (reference !== undefined) return { planned: p, status: 'reference', bytes: 0, attempts: 0, error: reference.note };
        return { planned: p, status: 'planned', bytes: 0, attempts: 0 };
      }),
      0,
    );
  }

  // Downloads start with the first resolved page. A resolution that fails later stops them; the files that
  // finished stay, described by the manifest, and the resolution's error is what the run reports.
  const stopDownloads = new AbortController();
  const signal = AbortSignal.any([deps.signal, stopDownloads.signal]);
  const done = new Map<PlannedFile, FileResult>();
  const stats: DownloadStats = { storageRequests: 0 };
  const downloading = downloadAll(
    queue,
    source,
    {
      destination: request.destination,
      concurrency: request.concurrency,
      overwrite: request.overwrite,
      retry: request.retry,
      dispatcher: deps.dispatcher,
      signal,
      log: deps.log,
      onResult: (r) => {
        done.set(r.planned, r);
        deps.onResult?.(r);
      },
    },
    stats,
  );
  // Awaited only once resolution has ended; a run-stopping error (disk full, a planted link) can reject it
  // before that, and must not surface as an unhandled rejection that kills the process without a manifest.
  downloading.catch(() => undefined);
  let resolutionError: unknown;
  let resolved = false;
  await resolveAll().then(
    () => (resolved = true),
    (error: unknown) => {
      resolutionError = error;
      stopDownloads.abort(error);
    },
  );
  let results: FileResult[] | undefined;
  let downloadError: unknown;
  try {
    results = await downloading;
  } catch (error) {
    downloadError = error;
  }
  if (resolved && results !== undefined) return finish(results, stats.storageRequests);

  const cause = resolved || deps.signal.aborted ? downloadError : resolutionError;
  // Nothing was downloaded yet: the resolution's error alone, as when it fails before any download starts.
  if (!resolved && done.size === 0 && !deps.signal.aborted) throw cause;
  const why =
    cause instanceof CancelledError
      ? 'cancelled before it finished'
      : resolved
        ? 'not downloaded: the run stopped early'
        : 'not downloaded: resolving the selection failed';
  const partial = planned.map(
    (p): FileResult => done.get(p) ?? { planned: p, status: 'failed', bytes: 0, attempts: 0, error: p.rejected ?? why },
  );
  throw new StoppedEarlyError(cause, await report(partial, stats.storageRequests));
}

function rejected(p: PlannedFile): FileResult {
  return { planned: p, status: 'failed', bytes: 0, attempts: 0, error: p.rejected ?? 'no local path' };
}
