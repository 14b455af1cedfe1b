// The job both shells run: settings → source → resolve, plan, download → report. The action and the CLI
// differ only in how they read inputs and show progress and results.
import { SOURCES } from '../backends/index.ts';
import { ApiClient } from '../core/http/api-client.ts';
import { createDispatcher } from '../core/http/dispatcher.ts';
import type { InputEnvironment, InputReader } from '../core/inputs/input-spec.ts';
import type { Logger } from '../core/logger.ts';
import { defaultLocalPathOptions } from '../core/plan/local-paths.ts';
import { runPipeline, type PipelineReport } from '../core/pipeline.ts';
import { reservedManifestNames } from '../core/report/manifest.ts';
import type { FileResult } from '../core/types.ts';
import { parseSettings, type Settings } from '../settings/parse-settings.ts';
import { concurrencyWithin, readOpenFileLimit } from './open-file-limit.ts';

export interface JobHooks {
  log: Logger;
  signal: AbortSignal;
  onResolved?: (count: number) => void;
  onResult?: (result: FileResult) => void;
}

export interface JobReport extends PipelineReport {
  /** API requests per endpoint label. */
  apiRequests: Map<string, number>;
}

/** Every source the job can download from (the CLI makes its flags from their declarations). */
export { SOURCES } from '../backends/index.ts';

/** Reads and checks every input (the source's and the job's) without any network call; throws InputError. */
export function readSettings(read: InputReader, environment: InputEnvironment): Settings {
  return parseSettings(read, environment, SOURCES);
}

/** Environment variables of every source that may hold a credential: masked before any input is read. */
export function secretVariables(): string[] {
  return SOURCES.flatMap((s) => s.secretVariables);
}

/** Runs the job; StoppedEarlyError (cancelled, disk full) carries the partial report. */
export async function runJob(settings: Settings, hooks: JobHooks): Promise<JobReport> {
  const concurrency = concurrencyWithin(settings.concurrency, readOpenFileLimit());
  if (concurrency < settings.concurrency) {
    hooks.log.info(
      `The open-file limit (ulimit -n ${readOpenFileLimit()}) allows ${concurrency} files at a time; downloading that many instead of ${settings.concurrency}.`,
    );
  }
  const tuning = { ...settings.tuning, transport: { ...settings.tuning.transport, connectionsPerOrigin: Math.max(concurrency, 4) } };
  const dispatcher = createDispatcher(tuning.transport, settings.source.tls);
  const api = new ApiClient({ dispatcher, retry: tuning.retry, signal: hooks.signal, log: hooks.log });
  try {
    const source = settings.source.create({ api, log: hooks.log, signal: hooks.signal });
    const report = await runPipeline(
      source,
      {
        project: settings.source.project,
        destination: settings.destination,
        manifestPath: settings.manifestPath,
        overwrite: settings.overwrite,
        concurrency,
        dryRun: settings.dryRun,
        shard: settings.shard,
        retry: tuning.retry,
        layout: { ...defaultLocalPathOptions(settings.destination), reserved: reservedManifestNames(settings.shard) },
      },
      { dispatcher, signal: hooks.signal, log: hooks.log, onResolved: hooks.onResolved, onResult: hooks.onResult },
    );
    return { ...report, apiRequests: api.counts };
  } finally {
    await dispatcher.destroy().catch(() => undefined);
  }
}
