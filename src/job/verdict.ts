// How a finished job ends, decided once for both shells: whether the step (or command) fails, what to say when
// nothing matched (if-no-files-found), which failed files to name, and whether the files go into an artifact.
import { describeRecord, describeReference, noFilesMessage, printable } from '../core/report/describe.ts';
import type { Manifest } from '../core/report/manifest.ts';
import type { Settings } from '../settings/parse-settings.ts';

export type Level = 'error' | 'warning' | 'info';

export interface Verdict {
  /** The step fails (the CLI exits with 1). */
  failed: boolean;
  /** Said when the selection matched no file, at the if-no-files-found level. */
  noFiles?: { level: Level; message: string };
  /** `container: attribute: reason` of the first failed files, printable. */
  failedFiles: string[];
  /** How many failed files `failedFiles` leaves out. */
  moreFailed: number;
  /** `container: attribute` of the first files the tracker lists but its storage does not have, printable. */
  missingFiles: string[];
  /** How many missing files `missingFiles` leaves out. */
  moreMissing: number;
  /** One line for each of the first files the tracker only references (not downloaded: where they point). */
  references: string[];
  /** How many references `references` leaves out. */
  moreReferences: number;
}

export function judge(settings: Pick<Settings, 'ifNoFilesFound' | 'shard' | 'source'>, manifest: Manifest, listed = 10): Verdict {
  const t = manifest.totals;
  if (t.files === 0) {
    const message = noFilesMessage(settings.source.description, settings.shard);
    const level: Level = settings.ifNoFilesFound === 'error' ? 'error' : settings.ifNoFilesFound === 'warn' ? 'warning' : 'info';
    return {
      failed: level === 'error',
      noFiles: { level, message },
      failedFiles: [],
      moreFailed: 0,
      missingFiles: [],
      moreMissing: 0,
      references: [],
      moreReferences: 0,
    };
  }
  const failedFiles = manifest.files
    .filter((f) => f.status === 'failed')
    .slice(0, listed)
    .map((f) => `${describeRecord(f)}: ${printable(f.error ?? 'failed')}`);
  const missingFiles = manifest.files
    .filter((f) => f.status === 'missing')
    .slice(0, MISSING_LISTED)
    .map((f) => describeRecord(f));
  const references = manifest.files
    .filter((f) => f.status === 'reference')
    .slice(0, MISSING_LISTED)
    .map((f) => describeReference(f));
  return {
    failed: t.failed > 0,
    failedFiles,
    moreFailed: t.failed - failedFiles.length,
    missingFiles,
    moreMissing: t.missing - missingFiles.length,
    references,
    moreReferences: t.reference - references.length,
  };
}

/** Missing files and references named one by one (warnings in the action, lines in the CLI); the rest counted. */
const MISSING_LISTED = 10;

export type ArtifactDecision = { upload: true } | { upload: false; level: Level; message: string };

/**
 * Whether this job's files go into the workflow artifact. Nothing is uploaded in a dry run, when nothing is on
 * disk, or when a file failed: the step fails anyway, and an artifact now would make "Re-run failed jobs" fail
 * on the taken name (the service refuses a name twice in one run, github-actions.md §3.6).
 */
export function decideArtifact(
  settings: Pick<Settings, 'artifact' | 'dryRun' | 'ifNoFilesFound' | 'manifestPath'>,
  manifest: Manifest,
): ArtifactDecision | undefined {
  const { artifact } = settings;
  if (!artifact) return undefined;
  if (settings.dryRun) return { upload: false, level: 'info', message: `Dry run: no artifact '${artifact.name}' is uploaded.` };
  const t = manifest.totals;
  if (t.downloaded + t.skipped === 0) {
    const message = `Nothing was downloaded, so no artifact '${artifact.name}' is uploaded.`;
    // No match at all is reported by judge() at the if-no-files-found level; matches that all ended missing or
    // failed are "no files" for the artifact, so that input decides here, as in actions/upload-artifact (§5).
    if (t.files === 0 || settings.ifNoFilesFound === 'ignore') return { upload: false, level: 'info', message };
    const detail = `${message} None of the ${t.files} matching file(s) could be downloaded: ${t.missing} missing, ${t.failed} failed${t.reference > 0 ? `, ${t.reference} only referenced` : ''} (see ${settings.manifestPath}).`;
    return { upload: false, level: settings.ifNoFilesFound === 'error' ? 'error' : 'warning', message: detail };
  }
  if (t.failed > 0) {
    return {
      upload: false,
      level: 'warning',
      message: `${t.failed} file(s) could not be downloaded, so no artifact '${artifact.name}' is uploaded; re-running the job can upload it under the same name.`,
    };
  }
  return { upload: true };
}
