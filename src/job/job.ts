// The job both shells run: settings → backend → resolve, plan, download → report. The action and the CLI
// differ only in how they read settings and show progress and results.
import { ApiClient } from '../core/http/api-client.ts';
import { createDispatcher } from '../core/http/dispatcher.ts';
import { defaultLocalPathOptions } from '../core/plan/local-paths.ts';
import type { Logger } from '../core/logger.ts';
import { reservedManifestNames } from '../core/report/manifest.ts';
import { runPipeline, type PipelineReport } from '../core/pipeline.ts';
import type { FileResult } from '../core/types.ts';
import { checkBackendSettings, createBackend } from '../backends/create-backend.ts';
import type { Settings } from '../settings/parse-settings.ts';
import { readTuning } from '../settings/tuning.ts';

export interface JobHooks {
  log: Logger;
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  onResolved?: (count: number) => void;
  onResult?: (result: FileResult) => void;
}

export interface JobReport extends PipelineReport {
  /** API requests per endpoint label. */
  apiRequests: Map<string, number>;
}

/** Checks everything that needs no network; throws InputError. Call before printing "starting". */
export function checkSettings(settings: Settings, env: NodeJS.ProcessEnv): void {
  checkBackendSettings(settings);
  readTuning(env, settings.concurrency);
}

/** Runs the job; StoppedEarlyError (cancelled, disk full) carries the partial report. */
export async function runJob(settings: Settings, hooks: JobHooks): Promise<JobReport> {
  const tuning = readTuning(hooks.env, settings.concurrency);
  const dispatcher = createDispatcher(tuning.transport);
  const api = new ApiClient({ dispatcher, retry: tuning.retry, signal: hooks.signal, log: hooks.log });
  try {
    const backend = createBackend(settings, { api, log: hooks.log, signal: hooks.signal });
    const report = await runPipeline(
      backend,
      {
        project: settings.selection.project,
        destination: settings.destination,
        manifestPath: settings.manifestPath,
        overwrite: settings.overwrite,
        concurrency: settings.concurrency,
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
