// The one small interface every tracker backend implements. The core resolves through it, plans the
// layout from what it returns, and asks it where each file's bytes are; backends never touch the disk.
import type { BackendName, RemoteFile } from './types.ts';
import type { ApiClient } from './http/api-client.ts';
import type { Logger } from './logger.ts';

/** Thrown by `locate()` to fail one file (kind `fatal`/`missing`) without ending the whole job. */
export { AttemptError } from './download/storage-fetch.ts';

/** How the downloader should treat a failed storage answer. */
export type FailureKind =
  /** The signed URL expired: ask the backend to locate the file again (renew = true) and retry at once. */
  | 'expired'
  /** The blob does not exist: the file ends as `missing`. */
  | 'missing'
  /** Worth another attempt after a back-off (429, 5xx, resets…). */
  | 'transient'
  /** Will not get better by retrying. */
  | 'fatal'
  /** The tracker refuses our credential itself: no other file will do better, so the whole run stops. */
  | 'refused';

export interface StorageAnswer {
  /** The URL that gave this answer (after redirects): tells an API host's refusal from a storage host's. */
  url: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The first few KiB of the error body, as text. */
  body: string;
}

/** Where the bytes of one file are, and how to read them. */
export interface Locator {
  url: string;
  /**
   * Credentials for the tracker's API host. The downloader sends them only while the request URL's origin is
   * `authOrigin`, and never after a redirect leaves it (storage hosts must not see them).
   */
  authHeaders?: Record<string, string>;
  authOrigin?: string;
  /** Non-secret headers for every request of this file (e.g. Azure's x-ms-version). */
  headers?: Record<string, string>;
  /** Fetch in ranged GETs (Azure): a first range, then fixed-size chunks, using this header. */
  ranged?: { firstBytes: number; chunkBytes: number; header: string };
  /** Maps a non-2xx storage answer to what the downloader should do. */
  classify(answer: StorageAnswer): FailureKind;
}

export interface SourceContext {
  api: ApiClient;
  log: Logger;
  signal: AbortSignal;
}

export interface Source {
  readonly name: BackendName;
  /**
   * Streams the resolved files, one page at a time, as the tracker's paging yields them. Throws typed
   * errors (InputError, AuthenticationError, NotFoundError…) for problems the user must fix.
   */
  resolve(): AsyncIterable<RemoteFile[]>;
  /**
   * Tells where a file's bytes are. Called once per attempt; `renew` is true after the previous
   * locator's URL was classified as `expired`, so a cached signature must not be reused.
   */
  locate(file: RemoteFile, renew: boolean): Promise<Locator>;
  /**
   * Called once with the full download order before downloads start, so a backend that signs in batches
   * can sign ahead of the downloads (pipelining) instead of one file at a time.
   */
  prepare?(files: readonly RemoteFile[]): void;
}
