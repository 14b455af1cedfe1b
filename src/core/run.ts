// The whole job, shared by the action and the CLI: resolve through the backend, keep this shard's files, plan
// their local paths, download (unless dry-run), and write the manifest — also when the job is cancelled or
// the disk fills, so what did finish stays described.
import type { Dispatcher } from 'undici';
import type { Backend } from './backend.ts';
import { downloadAll, type DownloadStats } from './downloader.ts';
import { CancelledError } from './errors.ts';
import { LayoutPlanner, type LayoutOptions } from './layout.ts';
import type { Logger } from './logger.ts';
import { buildManifest, writeManifest, type Manifest } from './manifest.ts';
import type { RetryPolicy } from './retry-policy.ts';
import { inShard } from './shard.ts';
import type { FileResult, OverwritePolicy, PlannedFile, Shard } from './types.ts';

export interface RunRequest {
  /** As the user named it; the manifest says it even when nothing matched. */
  project: string;
  destination: string;
  manifestPath: string;
  overwrite: OverwritePolicy;
  concurrency: number;
  dryRun: boolean;
  shard: Shard | undefined;
  retry: RetryPolicy;
  layout: LayoutOptions;
}

export interface RunDependencies {
  dispatcher: Dispatcher;
  signal: AbortSignal;
  log: Logger;
  onResolved?: (count: number) => void;
  onResult?: (result: FileResult) => void;
}

export interface RunReport {
  manifest: Manifest;
  results: FileResult[];
  /** Files the selection resolved to, before sharding. */
  resolvedCount: number;
  storageRequests: number;
}

/** Thrown after the manifest was written when the run could not finish (cancelled, disk full). */
export class IncompleteRunError extends Error {
  readonly report: RunReport;
  constructor(cause: unknown, report: RunReport) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'IncompleteRunError';
    this.report = report;
  }
}

export async function runDownload(backend: Backend, request: RunRequest, deps: RunDependencies): Promise<RunReport> {
  const planner = new LayoutPlanner(request.layout);
  const planned: PlannedFile[] = [];
  let resolvedCount = 0;
  for await (const page of backend.resolve()) {
    if (deps.signal.aborted) throw new CancelledError();
    resolvedCount += page.length;
    for (const file of page) {
      // Every shard plans every file, so which file wins a contested path does not depend on the shard.
      const placed = planner.plan(file);
      if (inShard(file, request.shard)) planned.push(placed);
    }
    deps.onResolved?.(planned.length);
  }

  const meta = {
    backend: backend.name,
    project: planned[0]?.file.project ?? request.project,
    destination: request.destination,
    dryRun: request.dryRun,
    shard: request.shard,
  };
  const finish = async (results: FileResult[], storageRequests: number): Promise<RunReport> => {
    const manifest = buildManifest(meta, results);
    await writeManifest(request.manifestPath, manifest);
    return { manifest, results, resolvedCount, storageRequests };
  };

  if (request.dryRun) {
    return finish(
      planned.map((p) => (p.finalPath === undefined ? rejected(p) : { planned: p, status: 'planned', bytes: 0, attempts: 0 })),
      0,
    );
  }

  const done = new Map<PlannedFile, FileResult>();
  const stats: DownloadStats = { storageRequests: 0 };
  try {
    const results = await downloadAll(
      planned,
      backend,
      {
        destination: request.destination,
        concurrency: request.concurrency,
        overwrite: request.overwrite,
        retry: request.retry,
        dispatcher: deps.dispatcher,
        signal: deps.signal,
        onResult: (r) => {
          done.set(r.planned, r);
          deps.onResult?.(r);
        },
      },
      stats,
    );
    return await finish(results, stats.storageRequests);
  } catch (error) {
    const why = error instanceof CancelledError ? 'cancelled before it finished' : 'not downloaded: the run stopped early';
    const partial = planned.map(
      (p): FileResult => done.get(p) ?? { planned: p, status: 'failed', bytes: 0, attempts: 0, error: p.rejected ?? why },
    );
    throw new IncompleteRunError(error, await finish(partial, stats.storageRequests));
  }
}

function rejected(p: PlannedFile): FileResult {
  return { planned: p, status: 'failed', bytes: 0, attempts: 0, error: p.rejected ?? 'no local path' };
}
