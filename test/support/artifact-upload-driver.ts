// Child-process driver for test/e2e/artifact-upload.test.ts: runs src/action/artifact-upload.ts's uploadArtifact
// the way the action does, in a process of its own whose environment the test sets (@actions/artifact reads
// ACTIONS_RUNTIME_TOKEN and friends from process.env when called), with @actions/core commands on stdout.
//
// Usage: node artifact-upload-driver.ts <spec.json>. It writes a manifest for the spec's files (which must
// already exist under `destination`), optionally runs the action's pre-download check (checkArtifactUpload),
// uploads, and prints one last line: `ARTIFACT_RESULT <json>` on success (exit 0) or `ARTIFACT_ERROR <json>`
// (exit 1).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { checkArtifactUpload, uploadArtifact } from '../../src/action/artifact-upload.ts';
import { MANIFEST_FILE_NAME, writeManifest, type Manifest, type ManifestRecord, type Totals } from '../../src/core/report/manifest.ts';
import type { FileStatus } from '../../src/core/types.ts';
import type { ArtifactSettings } from '../../src/settings/parse-settings.ts';

export interface DriverFile {
  /** POSIX path relative to the destination, or null for a file the layout could not place. */
  path: string | null;
  status: FileStatus;
}

export interface DriverSpec {
  destination: string;
  artifact: ArtifactSettings;
  files: DriverFile[];
  /** Run checkArtifactUpload first, as the action does before downloading (a ListArtifacts call). */
  checkFirst?: boolean;
}

export const RESULT_PREFIX = 'ARTIFACT_RESULT ';
export const ERROR_PREFIX = 'ARTIFACT_ERROR ';

function record(file: DriverFile, index: number): ManifestRecord {
  return {
    backend: 'wandb',
    project: 'e2e/artifacts',
    containerKind: 'run',
    container: 'run1',
    attribute: file.path ?? `unplaceable-${index}`,
    step: null,
    path: file.path,
    size: null,
    md5: null,
    mimeType: null,
    status: file.status,
    error: file.status === 'failed' ? 'failed in the test' : null,
  };
}

export function manifestFor(spec: DriverSpec): Manifest {
  const totals: Totals = { files: spec.files.length, downloaded: 0, skipped: 0, missing: 0, failed: 0, planned: 0, reference: 0, bytes: 0 };
  for (const f of spec.files) totals[f.status] += 1;
  return {
    tool: 'download-experiment-files',
    formatVersion: 1,
    backend: 'wandb',
    project: 'e2e/artifacts',
    destination: spec.destination,
    dryRun: false,
    shard: null,
    createdAt: new Date().toISOString(),
    totals,
    files: spec.files.map(record),
  };
}

async function main(specFile: string): Promise<void> {
  const spec = JSON.parse(await readFile(specFile, 'utf8')) as DriverSpec;
  const manifest = manifestFor(spec);
  const manifestPath = path.join(spec.destination, MANIFEST_FILE_NAME);
  await writeManifest(manifestPath, manifest);
  try {
    if (spec.checkFirst) await checkArtifactUpload(spec.artifact);
    const uploaded = await uploadArtifact(spec.artifact, manifest, spec.destination, manifestPath);
    process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(uploaded ?? null)}\n`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
    process.stdout.write(`${ERROR_PREFIX}${JSON.stringify({ message, cause })}\n`);
    process.exitCode = 1;
  }
}

if (import.meta.main) {
  const specFile = process.argv[2];
  if (specFile === undefined) throw new Error('usage: artifact-upload-driver.ts <spec.json>');
  await main(specFile);
}
