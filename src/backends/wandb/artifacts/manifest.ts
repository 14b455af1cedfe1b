// An artifact version's manifest (wandb-artifacts.md §4): format version 1 of storage policy
// `wandb-storage-policy-v1`, one entry per file by its path, with the base64 MD5 every downloaded entry is
// verified against, its size, the version that first uploaded the blob, and for references the URI.
import { createHash } from 'node:crypto';
import { ServerError } from '../../../core/errors.ts';

export interface ManifestEntry {
  /** POSIX path relative to the version's root (the `contents` key). */
  path: string;
  /** Base64 MD5 of the bytes; for a reference its ETag or version digest (or the URI itself). */
  digest: string;
  size: number | null;
  /** The version that first uploaded the blob: part of the fallback URL (§5.3). */
  birthArtifactId: string | null;
  /** The URI of a reference entry, else null. */
  ref: string | null;
  /**
   * The digest's algorithm, `extra.alg`: `MD5` unless the entry says otherwise. Clients from 0.30 on can write
   * `XXH128` digests (base64 of an XXH3-128 hash), which are not MD5s (wandb-artifacts.md §0).
   */
  algorithm: string;
}

export interface ArtifactManifest {
  /** `storagePolicyConfig.storageLayout`: `V1` when absent (§4 table). */
  storageLayout: string;
  /** `storagePolicyConfig.storageRegion`: `default` when absent. */
  storageRegion: string;
  entries: ManifestEntry[];
}

const STORAGE_POLICY = 'wandb-storage-policy-v1';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses and checks the manifest's JSON text; `what` names the version in errors. */
export function parseManifest(text: string, what: string): ArtifactManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw bad(what, `it is not JSON (${(error as Error).message})`);
  }
  if (!isRecord(json)) throw bad(what, 'it is not a JSON object');
  if (json.version !== 1) throw bad(what, `its format version is ${JSON.stringify(json.version)}, and only version 1 exists`);
  if (json.storagePolicy !== STORAGE_POLICY) {
    throw bad(what, `its storage policy is ${JSON.stringify(json.storagePolicy)}, not ${STORAGE_POLICY}`);
  }
  if (!isRecord(json.contents)) throw bad(what, 'it has no contents');
  const config = isRecord(json.storagePolicyConfig) ? json.storagePolicyConfig : {};
  const entries: ManifestEntry[] = [];
  for (const [path, raw] of Object.entries(json.contents)) {
    if (!isRecord(raw) || typeof raw.digest !== 'string' || raw.digest === '')
      throw bad(what, `entry ${JSON.stringify(path)} has no digest`);
    const size = typeof raw.size === 'number' && Number.isSafeInteger(raw.size) && raw.size >= 0 ? raw.size : null;
    entries.push({
      path,
      digest: raw.digest,
      size,
      birthArtifactId: typeof raw.birthArtifactID === 'string' && raw.birthArtifactID !== '' ? raw.birthArtifactID : null,
      ref: typeof raw.ref === 'string' && raw.ref !== '' ? raw.ref : null,
      algorithm: isRecord(raw.extra) && typeof raw.extra.alg === 'string' && raw.extra.alg !== '' ? raw.extra.alg : 'MD5',
    });
  }
  return {
    storageLayout: typeof config.storageLayout === 'string' ? config.storageLayout : 'V1',
    storageRegion: typeof config.storageRegion === 'string' && config.storageRegion !== '' ? config.storageRegion : 'default',
    entries,
  };
}

/**
 * §4: the artifact's digest as the client computes it from a manifest, the hex MD5 of
 * `wandb-artifact-manifest-v1\n` and `<path>:<digest>\n` per entry in path order.
 */
export function manifestDigest(entries: readonly ManifestEntry[]): string {
  const hash = createHash('md5').update('wandb-artifact-manifest-v1\n');
  // Python sorts str by code point, which is the order of their UTF-8 bytes (not of JavaScript's UTF-16 units).
  const sorted = [...entries].sort((a, b) => Buffer.compare(Buffer.from(a.path, 'utf8'), Buffer.from(b.path, 'utf8')));
  for (const e of sorted) hash.update(`${e.path}:${e.digest}\n`);
  return hash.digest('hex');
}

function bad(what: string, why: string): ServerError {
  return new ServerError(`The manifest of W&B artifact ${what} cannot be read: ${why}.`);
}
