// Uploads what this job downloaded (and the manifest) as one workflow artifact with @actions/artifact.
// checkArtifactUpload runs before the download, so a job that cannot upload (GHES, where the v2+ artifact service
// does not exist; a run that already has the name) fails before it spends the time.
import * as core from '@actions/core';
import path from 'node:path';
import { InputError, redact, UserFacingError } from '../core/errors.ts';
import type { Manifest } from '../core/report/manifest.ts';
import type { ArtifactSettings } from '../settings/parse-settings.ts';

const ARTIFACT_PATH_FORBIDDEN = /[":<>|*?\r\n]/;

/**
 * @actions/artifact (with the Azure SDK) is most of the bundle; loaded only by jobs that upload, it keeps the
 * memory and start-up of every other job small.
 */
const loadArtifactClient = () => import('@actions/artifact');

export interface UploadedArtifact {
  id?: number;
  url?: string;
  digest?: string;
}

/** GHES unless the server is github.com, *.ghe.com or *.localhost (github-actions.md §3.3). */
export function isGhes(serverUrl: string | undefined): boolean {
  const host = new URL(serverUrl || 'https://github.com').hostname.toLowerCase();
  return !(host === 'github.com' || host.endsWith('.ghe.com') || host.endsWith('.localhost'));
}

/** What a user sees when the run already has an artifact of this name: the service refuses a second one (§3.6). */
export function duplicateNameMessage(name: string): string {
  return `An artifact named '${name}' already exists in this workflow run. Give each job its own artifact-name (matrix jobs: include the matrix value, or use 'shard', which appends -<i>-of-<n>; re-runs: include github.run_attempt).`;
}

/**
 * Before any download: the runner gives ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL only to JavaScript
 * actions (github-actions.md §3.3), and the service answers 409 to a name already used in the run (§3.4), which
 * would otherwise only show after the whole download. A failed look-up is not fatal: the upload reports properly.
 * GHES is left to uploadArtifact, which warns.
 */
export async function checkArtifactUpload(settings: ArtifactSettings): Promise<void> {
  if (isGhes(process.env.GITHUB_SERVER_URL)) {
    // As actions/upload-artifact v4+ does: before the work, not after it.
    throw new InputError(
      'artifact-name',
      `is set ('${settings.name}'), but artifact uploads with @actions/artifact v2+ are not supported on GitHub Enterprise Server (${process.env.GITHUB_SERVER_URL}). Leave artifact-name empty and upload the destination with actions/upload-artifact@v3, or keep the files in the workspace.`,
    );
  }
  const missing = ['ACTIONS_RUNTIME_TOKEN', 'ACTIONS_RESULTS_URL'].filter((v) => !process.env[v]);
  if (missing.length > 0) {
    throw new UserFacingError(
      'INVALID_INPUT',
      `artifact-name '${settings.name}' is set, but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not: the runner gives ${missing.length > 1 ? 'them' : 'it'} only to actions started with 'uses:' (not to 'run:' steps). Run this action with 'uses:', or leave artifact-name empty and upload the destination with actions/upload-artifact.`,
    );
  }
  const { ArtifactNotFoundError, DefaultArtifactClient } = await loadArtifactClient();
  let existing: number | undefined;
  try {
    existing = (await new DefaultArtifactClient().getArtifact(settings.name)).artifact.id;
  } catch (error) {
    if (error instanceof ArtifactNotFoundError) return;
    const message = error instanceof Error ? error.message : String(error);
    core.info(`Could not check whether artifact '${settings.name}' already exists (${redact(message)}); going on with the download.`);
    return;
  }
  throw new UserFacingError('INVALID_INPUT', `${duplicateNameMessage(settings.name)} (The existing one has id ${existing}.)`);
}

export async function uploadArtifact(
  settings: ArtifactSettings,
  manifest: Manifest,
  destination: string,
  manifestPath: string,
): Promise<UploadedArtifact | undefined> {
  const present = manifest.files
    .filter((f) => f.path !== null && (f.status === 'downloaded' || f.status === 'skipped'))
    .map((f) => f.path as string);
  // The service rejects these characters in paths inside an artifact, and one such path would fail the whole
  // upload (github-actions.md §3.2). W&B names keep them on Linux and macOS, so leave those files out, loudly.
  const unfit = present.filter((p) => ARTIFACT_PATH_FORBIDDEN.test(p));
  if (unfit.length > 0) {
    core.warning(
      `${unfit.length} file(s) are not in artifact '${settings.name}' because the artifact service rejects the characters " : < > | * ? in paths (they are downloaded and listed in the manifest): ${unfit.slice(0, 5).join(', ')}${unfit.length > 5 ? ', …' : ''}`,
    );
  }
  const files = present.filter((p) => !ARTIFACT_PATH_FORBIDDEN.test(p)).map((p) => path.join(destination, p));
  files.push(manifestPath);
  const { DefaultArtifactClient, GHESNotSupportedError } = await loadArtifactClient();
  const client = new DefaultArtifactClient();
  try {
    const result = await client.uploadArtifact(settings.name, files, destination, {
      retentionDays: settings.retentionDays === 0 ? undefined : settings.retentionDays,
      compressionLevel: settings.compressionLevel,
    });
    const repo = process.env.GITHUB_REPOSITORY;
    const runId = process.env.GITHUB_RUN_ID;
    const server = process.env.GITHUB_SERVER_URL || 'https://github.com';
    const url = result.id !== undefined && repo && runId ? `${server}/${repo}/actions/runs/${runId}/artifacts/${result.id}` : undefined;
    return { id: result.id, url, digest: result.digest };
  } catch (error) {
    if (error instanceof GHESNotSupportedError) {
      core.warning(`Artifact '${settings.name}' was not uploaded: ${error.message}`);
      return undefined;
    }
    const message = error instanceof Error ? error.message : String(error);
    if (/already exists/i.test(message)) {
      throw new UserFacingError('INVALID_INPUT', duplicateNameMessage(settings.name), { cause: error });
    }
    throw new UserFacingError('SERVER', redact(`Uploading artifact '${settings.name}' failed: ${message}`), { cause: error });
  }
}
