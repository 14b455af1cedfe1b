// The manifest: one JSON record per resolved file, written atomically next to the downloads, so later steps
// (and a re-run) can see exactly what is where and what went wrong.
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stagingName } from '../download/staging-area.ts';
import { FilesystemError } from '../errors.ts';
import type { ContainerKind, FileDetail, FileResult, FileStatus, Shard } from '../types.ts';

export const MANIFEST_FILE_NAME = 'manifest.json';

/** One manifest per shard, so the shards' artifacts merge without overwriting each other's manifest. */
export function manifestFileName(shard: Shard | undefined): string {
  return shard && shard.count > 1 ? `manifest-${shard.index}-of-${shard.count}.json` : MANIFEST_FILE_NAME;
}

/**
 * The names no downloaded file may take: every shard's manifest, so that all shards (which plan every file)
 * reject the same files and stay disjoint and complete.
 */
export function reservedManifestNames(shard: Shard | undefined): string[] {
  const names = [MANIFEST_FILE_NAME];
  for (let i = 1; shard && shard.count > 1 && i <= shard.count; i += 1) names.push(manifestFileName({ index: i, count: shard.count }));
  return names;
}

export interface ManifestRecord {
  backend: string;
  project: string;
  containerKind: ContainerKind;
  container: string;
  attribute: string;
  step: number | null;
  /** POSIX path relative to the destination; null when the name could not be placed. */
  path: string | null;
  /** Bytes on disk for downloaded/skipped files, else the size the tracker reported (null if unknown). */
  size: number | null;
  /** Base64 MD5 of the bytes on disk when it was computed (there was a checksum to compare it with), else the tracker's checksum. */
  md5: string | null;
  mimeType: string | null;
  status: FileStatus;
  /** Why the file is not on disk (failed, missing, reference), else null. */
  error: string | null;
  /** For status `reference`: the URI the tracker points to, which this tool does not fetch. */
  reference?: string;
  /** The source's own facts about the file (RemoteFile.details); absent when it gives none. */
  details?: Readonly<Record<string, FileDetail>>;
}

export interface Totals {
  files: number;
  downloaded: number;
  skipped: number;
  missing: number;
  failed: number;
  planned: number;
  /** Files the tracker only references (not downloaded, not on disk). */
  reference: number;
  /** Bytes of downloaded and skipped files now at their final paths. */
  bytes: number;
}

export interface Manifest {
  tool: 'download-experiment-files';
  formatVersion: 1;
  backend: string;
  project: string;
  destination: string;
  dryRun: boolean;
  shard: string | null;
  createdAt: string;
  totals: Totals;
  files: ManifestRecord[];
}

export function toRecord(result: FileResult): ManifestRecord {
  const { file } = result.planned;
  const onDisk = result.status === 'downloaded' || result.status === 'skipped';
  return {
    backend: file.backend,
    project: file.project,
    containerKind: file.containerKind,
    container: file.container,
    attribute: file.attribute,
    step: file.step ?? null,
    path: result.planned.relativePath ?? null,
    size: onDisk ? result.bytes : (file.size ?? null),
    md5: result.md5 ?? file.checksum?.value ?? null,
    mimeType: file.mimeType ?? null,
    status: result.status,
    error: result.error ?? null,
    ...(file.reference === undefined ? {} : { reference: file.reference.uri }),
    ...(file.details === undefined ? {} : { details: file.details }),
  };
}

export function computeTotals(results: readonly FileResult[]): Totals {
  const totals: Totals = { files: results.length, downloaded: 0, skipped: 0, missing: 0, failed: 0, planned: 0, reference: 0, bytes: 0 };
  for (const r of results) {
    totals[r.status] += 1;
    if (r.status === 'downloaded' || r.status === 'skipped') totals.bytes += r.bytes;
  }
  return totals;
}

export function buildManifest(
  meta: { backend: string; project: string; destination: string; dryRun: boolean; shard: Shard | undefined },
  results: readonly FileResult[],
  now: Date = new Date(),
): Manifest {
  return {
    tool: 'download-experiment-files',
    formatVersion: 1,
    backend: meta.backend,
    project: meta.project,
    destination: meta.destination,
    dryRun: meta.dryRun,
    shard: meta.shard ? `${meta.shard.index}/${meta.shard.count}` : null,
    createdAt: now.toISOString(),
    totals: computeTotals(results),
    files: results.map(toRecord),
  };
}

/**
 * Writes through a temporary file and a rename, so a reader never sees half a manifest; the temporary file is
 * removed whatever happens (and, named like the staging folder, removed by a later run if this process is
 * killed meanwhile). Throws FilesystemError saying what is in the way.
 */
export async function writeManifest(file: string, manifest: Manifest): Promise<void> {
  const tmp = path.join(path.dirname(file), stagingName('.json'));
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(tmp, `${JSON.stringify(manifest, null, 1)}\n`, { flag: 'wx' });
    await rename(tmp, file);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    const { code, message } = error as NodeJS.ErrnoException;
    const why =
      code === 'EISDIR' || code === 'ENOTEMPTY'
        ? `'${path.basename(file)}' in the destination is a folder; remove it`
        : code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG'
          ? 'the disk is full; free space or choose another destination'
          : message;
    throw new FilesystemError(`The manifest ${file} could not be written: ${why}.`, { cause: error });
  }
}
