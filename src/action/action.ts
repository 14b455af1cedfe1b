// The action: mask the credential, read and check inputs, run the shared job, then outputs, summary,
// annotations and the artifact. The only module that reads inputs or sets outputs.
import * as core from '@actions/core';
import { errorMessage, onSecret, registerSecret, UserFacingError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { Manifest } from '../core/report/manifest.ts';
import { formatProgress, ProgressCounter } from '../core/report/progress.ts';
import { StoppedEarlyError, type PipelineReport } from '../core/pipeline.ts';
import { checkSettings, runJob, type JobReport } from '../job/job.ts';
import { Inputs, Outputs, type InputName } from '../settings/input-names.ts';
import { parseSettings, type Settings } from '../settings/parse-settings.ts';
import { checkArtifactUpload, uploadArtifact } from './artifact-upload.ts';
import { setRunOutputs } from './outputs.ts';
import { writeSummary } from './summary.ts';
import { describeRecord, describeSelection, noFilesMessage, printable } from '../core/report/describe.ts';

const MAX_ANNOTATIONS = 10;

const actionLogger: Logger = {
  debug: (m) => core.debug(m),
  info: (m) => core.info(m),
  warning: (m) => core.warning(m),
  error: (m) => core.error(m),
};

/**
 * Masks every credential the action may use before anything else can print it, and every secret a backend
 * derives later (the key inside a Neptune token, an Authorization header…).
 */
function maskCredentials(): void {
  onSecret((secret) => core.setSecret(secret));
  for (const value of [core.getInput(Inputs.apiToken), process.env.NEPTUNE_API_TOKEN, process.env.WANDB_API_KEY]) {
    const v = value?.trim();
    if (v) registerSecret(v);
  }
}

export async function runAction(): Promise<void> {
  maskCredentials();
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    core.warning(`Received ${signal}: stopping downloads and removing temporary files.`);
    controller.abort(new Error(signal));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await run(controller.signal);
  } catch (error) {
    core.setFailed(errorMessage(error));
    if (!(error instanceof UserFacingError) && error instanceof Error && error.stack) core.debug(errorMessage(error.stack));
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

async function run(signal: AbortSignal): Promise<void> {
  const settings = parseSettings((name: InputName) => core.getInput(name), {
    env: process.env,
    baseDirectory: process.env.GITHUB_WORKSPACE || process.cwd(),
  });
  checkSettings(settings, process.env);
  if (settings.artifact && !settings.dryRun) await checkArtifactUpload(settings.artifact);
  core.info(`Resolving ${describeSelection(settings.selection)}`);
  let progress: ProgressCounter | undefined;
  let report: JobReport;
  try {
    report = await core.group('Download', () =>
      runJob(settings, {
        log: actionLogger,
        signal,
        env: process.env,
        // Called after every resolved page; downloads start with the first.
        onResolved: (count) => {
          if (progress === undefined) progress = new ProgressCounter(count);
          else progress.setTotal(count);
        },
        onResult: (result) => {
          const line = progress?.add(result);
          if (line) core.info(formatProgress(line));
        },
      }),
    );
  } catch (error) {
    if (error instanceof StoppedEarlyError) {
      finish(settings, error.report);
      await writeSummary(error.report.manifest).catch(() => undefined);
      throw error.cause;
    }
    throw error;
  }
  finish(settings, report);
  // A failed upload still leaves the files on disk: the summary and the verdict on the download come first.
  let artifact: { name: string; url?: string } | undefined;
  let uploadError: unknown;
  try {
    artifact = await maybeUpload(settings, report.manifest);
  } catch (error) {
    uploadError = error;
  }
  await writeSummary(report.manifest, artifact ? { artifact } : {}).catch((e: unknown) =>
    core.warning(`Could not write the job summary: ${errorMessage(e)}`),
  );
  judge(settings, report);
  for (const [endpoint, count] of report.apiRequests) core.debug(`API requests to ${endpoint}: ${count}`);
  if (uploadError !== undefined) throw uploadError;
}

function finish(settings: Settings, report: PipelineReport): void {
  setRunOutputs(report, settings.destination, settings.manifestPath);
  const t = report.manifest.totals;
  const shard = settings.shard ? ` in shard ${settings.shard.index}/${settings.shard.count} (of ${report.resolvedCount} resolved)` : '';
  core.info(
    `${settings.dryRun ? `${t.planned} files planned (dry run)` : `${t.downloaded} downloaded, ${t.skipped} already present`}, ${t.missing} missing, ${t.failed} failed${shard}. Manifest: ${settings.manifestPath}`,
  );
  annotate(report.manifest);
}

function annotate(manifest: Manifest): void {
  const missing = manifest.files.filter((f) => f.status === 'missing');
  for (const f of missing.slice(0, MAX_ANNOTATIONS)) {
    core.warning(`Missing in storage: ${describeRecord(f)} (the tracker lists it, the storage has no such file).`);
  }
  if (missing.length > MAX_ANNOTATIONS) core.warning(`… and ${missing.length - MAX_ANNOTATIONS} more missing files (see the manifest).`);
}

async function maybeUpload(settings: Settings, manifest: Manifest): Promise<{ name: string; url?: string } | undefined> {
  if (!settings.artifact) return undefined;
  if (settings.dryRun) {
    core.info(`Dry run: no artifact '${settings.artifact.name}' is uploaded.`);
    return undefined;
  }
  const t = manifest.totals;
  if (t.downloaded + t.skipped === 0) {
    const message = `Nothing was downloaded, so no artifact '${settings.artifact.name}' is uploaded.`;
    // No match at all is reported by judge() at the if-no-files-found level; matches that all ended missing or
    // failed are "no files" for the artifact, so that input decides here, as in actions/upload-artifact (§5).
    if (t.files === 0 || settings.ifNoFilesFound === 'ignore') core.info(message);
    else {
      const detail = `${message} None of the ${t.files} matching file(s) could be downloaded: ${t.missing} missing, ${t.failed} failed (see ${settings.manifestPath}).`;
      if (settings.ifNoFilesFound === 'error') core.setFailed(detail);
      else core.warning(detail);
    }
    return undefined;
  }
  if (t.failed > 0) {
    // The step fails anyway; an artifact now would make "Re-run failed jobs" fail on the taken name (the
    // service refuses a name twice in one run, github-actions.md §3.6), as a later upload step would not run.
    core.warning(
      `${t.failed} file(s) could not be downloaded, so no artifact '${settings.artifact.name}' is uploaded; re-running the job can upload it under the same name.`,
    );
    return undefined;
  }
  const uploaded = await uploadArtifact(settings.artifact, manifest, settings.destination, settings.manifestPath);
  if (!uploaded) return undefined;
  if (uploaded.id !== undefined) core.setOutput(Outputs.artifactId, String(uploaded.id));
  if (uploaded.url !== undefined) core.setOutput(Outputs.artifactUrl, uploaded.url);
  if (uploaded.digest !== undefined) core.setOutput(Outputs.artifactDigest, uploaded.digest);
  core.info(`Uploaded artifact '${settings.artifact.name}'${uploaded.id === undefined ? '' : ` (id ${uploaded.id})`}.`);
  return { name: settings.artifact.name, url: uploaded.url };
}

/** Fails the step for failed files, and applies if-no-files-found when the selection matched nothing. */
function judge(settings: Settings, report: PipelineReport): void {
  const t = report.manifest.totals;
  if (t.files === 0) {
    const message = noFilesMessage(settings.selection, settings.shard);
    if (settings.ifNoFilesFound === 'error') core.setFailed(message);
    else if (settings.ifNoFilesFound === 'warn') core.warning(message);
    else core.info(message);
    return;
  }
  if (t.failed > 0) {
    const first = report.manifest.files
      .filter((f) => f.status === 'failed')
      .slice(0, 5)
      .map((f) => `${describeRecord(f)}: ${printable(f.error ?? 'failed')}`);
    core.setFailed(
      `${t.failed} of ${t.files} files could not be downloaded:\n${first.join('\n')}${t.failed > 5 ? `\n… and ${t.failed - 5} more (see ${settings.manifestPath})` : ''}`,
    );
  }
}
