// Uploads what this job downloaded (and the manifest) as one workflow artifact with @actions/artifact. On GHES,
// where the v2+ artifact service does not exist, the download still counts and the upload becomes a warning.
import * as core from '@actions/core';
import { DefaultArtifactClient, GHESNotSupportedError } from '@actions/artifact';
import path from 'node:path';
import { redact, UserFacingError } from '../core/errors.ts';
import type { Manifest } from '../core/manifest.ts';
import type { ArtifactSettings } from '../settings/parse-settings.ts';

const ARTIFACT_PATH_FORBIDDEN = /[":<>|*?\r\n]/;

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

export async function uploadArtifact(
  settings: ArtifactSettings,
  manifest: Manifest,
  destination: string,
  manifestPath: string,
): Promise<UploadedArtifact | undefined> {
  if (isGhes(process.env.GITHUB_SERVER_URL)) {
    core.warning(
      `Artifact '${settings.name}' was not uploaded: artifact uploads with @actions/artifact v2+ are not supported on GitHub Enterprise Server. The files are in ${destination}.`,
    );
    return undefined;
  }
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
      throw new UserFacingError(
        'INVALID_INPUT',
        `An artifact named '${settings.name}' already exists in this workflow run. Give each job its own artifact-name (matrix jobs: include the matrix value, or use 'shard', which appends -<i>-of-<n>).`,
        { cause: error },
      );
    }
    throw new UserFacingError('SERVER', redact(`Uploading artifact '${settings.name}' failed: ${message}`), { cause: error });
  }
}
