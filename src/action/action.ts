// The action: mask the credentials, read and check inputs, run the shared job, then outputs, summary,
// annotations and the artifact. The only module that reads inputs or sets outputs.
import * as core from '@actions/core';
import { errorMessage, onSecret, registerSecret, UserFacingError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { StoppedEarlyError, type PipelineReport } from '../core/pipeline.ts';
import { referencesNote } from '../core/report/describe.ts';
import type { Manifest } from '../core/report/manifest.ts';
import { formatProgress, ProgressCounter } from '../core/report/progress.ts';
import { cancelOnSignals } from '../job/cancellation.ts';
import { readSettings, runJob, secretVariables, type JobReport } from '../job/job.ts';
import { decideArtifact, judge, type Level } from '../job/verdict.ts';
import { Outputs } from '../settings/common-inputs.ts';
import type { Settings } from '../settings/parse-settings.ts';
import { checkArtifactUpload, uploadArtifact } from './artifact-upload.ts';
import { setRunOutputs } from './outputs.ts';
import { writeSummary } from './summary.ts';

const actionLogger: Logger = {
  debug: (m) => core.debug(m),
  info: (m) => core.info(m),
  warning: (m) => core.warning(m),
  error: (m) => core.error(m),
};

/** The input every source reads its credential from. */
const CREDENTIAL_INPUT = 'api-token';

/**
 * Masks every credential the action may use before anything else can print it, and every secret a source
 * derives later (the key inside a Neptune token, an Authorization header…).
 */
function maskCredentials(): void {
  onSecret((secret) => core.setSecret(secret));
  for (const value of [core.getInput(CREDENTIAL_INPUT), ...secretVariables().map((v) => process.env[v])]) {
    const v = value?.trim();
    if (v) registerSecret(v);
  }
}

/** Says `message` at `level`; an error fails the step. */
function say(level: Level, message: string): void {
  if (level === 'error') core.setFailed(message);
  else if (level === 'warning') core.warning(message);
  else core.info(message);
}

export async function runAction(): Promise<void> {
  maskCredentials();
  const cancellation = cancelOnSignals((message) => core.warning(message));
  try {
    await run(cancellation.signal);
  } catch (error) {
    core.setFailed(errorMessage(error));
    if (!(error instanceof UserFacingError) && error instanceof Error && error.stack) core.debug(errorMessage(error.stack));
  } finally {
    cancellation.dispose();
  }
}

async function run(signal: AbortSignal): Promise<void> {
  const settings = readSettings((name) => core.getInput(name), {
    env: process.env,
    baseDirectory: process.env.GITHUB_WORKSPACE || process.cwd(),
  });
  if (settings.artifact && !settings.dryRun) await checkArtifactUpload(settings.artifact);
  core.info(`Resolving ${settings.source.description}`);
  let progress: ProgressCounter | undefined;
  let report: JobReport;
  try {
    report = await core.group('Download', () =>
      runJob(settings, {
        log: actionLogger,
        signal,
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
      const { manifestError } = error.report;
      if (manifestError !== undefined && manifestError !== error.cause) core.warning(errorMessage(manifestError));
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
  applyVerdict(settings, report);
  for (const [endpoint, count] of report.apiRequests) core.debug(`API requests to ${endpoint}: ${count}`);
  if (uploadError !== undefined) throw uploadError;
}

function finish(settings: Settings, report: PipelineReport): void {
  setRunOutputs(report, settings.destination, settings.manifestPath);
  const t = report.manifest.totals;
  const shard = settings.shard ? ` in shard ${settings.shard.index}/${settings.shard.count} (of ${report.resolvedCount} resolved)` : '';
  core.info(
    `${settings.dryRun ? `${t.planned} files planned (dry run)` : `${t.downloaded} downloaded, ${t.skipped} already present`}, ${t.missing} missing, ${t.failed} failed${referencesNote(t.reference)}${shard}. Manifest: ${report.manifestError === undefined ? settings.manifestPath : 'not written'}`,
  );
  const verdict = judge(settings, report.manifest);
  for (const f of verdict.missingFiles) core.warning(`Missing in storage: ${f} (the tracker lists it, the storage has no such file).`);
  if (verdict.moreMissing > 0) core.warning(`… and ${verdict.moreMissing} more missing files (see the manifest).`);
  for (const line of verdict.references) core.warning(line);
  if (verdict.moreReferences > 0)
    core.warning(`… and ${verdict.moreReferences} more references that were not downloaded (see the manifest).`);
}

async function maybeUpload(settings: Settings, manifest: Manifest): Promise<{ name: string; url?: string } | undefined> {
  const decision = decideArtifact(settings, manifest);
  if (!settings.artifact || !decision) return undefined;
  if (!decision.upload) {
    say(decision.level, decision.message);
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
function applyVerdict(settings: Settings, report: PipelineReport): void {
  const verdict = judge(settings, report.manifest, 5);
  if (verdict.noFiles) return say(verdict.noFiles.level, verdict.noFiles.message);
  if (!verdict.failed) return;
  const t = report.manifest.totals;
  const more = verdict.moreFailed > 0 ? `\n… and ${verdict.moreFailed} more (see ${settings.manifestPath})` : '';
  core.setFailed(`${t.failed} of ${t.files} files could not be downloaded:\n${verdict.failedFiles.join('\n')}${more}`);
}
