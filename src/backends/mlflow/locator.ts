// Where one artifact's bytes are (mlflow.md §3): the proxied download route (§3.2), or for runs in other stores a
// presigned URL where the server offers one (fetched without MLflow credentials) and otherwise the server's
// `/get-artifact` route (§3.3). Failed answers are read the MLflow way: a 500 that says "No such file" is a
// missing file (§3.2, recorded), not a reason to retry for minutes; a `--no-serve-artifacts` 503 will not change;
// and a 500 for a non-ASCII name on the proxied route (recorded) is retried once through `/get-artifact`.
import { classifySignedUrlAnswer } from '../../core/download/signed-url-answers.ts';
import { AuthenticationError, CancelledError, errorMessage } from '../../core/errors.ts';
import { isRetryableStatus } from '../../core/http/retry-policy.ts';
import type { FailureKind, Locator, StorageAnswer } from '../../core/source.ts';
import { AttemptError } from '../../core/source.ts';
import type { RemoteFile } from '../../core/types.ts';
import { isArtifactServiceDisabled } from './api/artifact-lists.ts';
import { presignedDownloadUrl, type Presigned } from './api/presigned.ts';
import { MLFLOW_USER_AGENT, type MlflowRestClient } from './api/rest-client.ts';
import { joinPath } from './artifact-paths.ts';
import type { ArtifactStore } from './artifact-store.ts';

/** RemoteFile.handle of an MLflow artifact. */
export interface MlflowFileHandle {
  store: ArtifactStore;
  /** Path relative to the store's root. */
  rel: string;
  /** The run it belongs to and its run-relative path, when known (for `/get-artifact`). */
  runId?: string;
  runPath?: string;
  /** Set after the proxied route failed for this file in a way the UI route does not (a non-ASCII name). */
  viaUiRoute: boolean;
  /** The presigned URL in use, until it expires. */
  presigned?: { url: string; headers: Record<string, string> };
  /** Bytes the source makes itself (registered_model_meta). */
  body?: Buffer;
}

export function isMlflowHandle(value: unknown): value is MlflowFileHandle {
  const h = value as Partial<MlflowFileHandle> | null;
  return typeof h === 'object' && h !== null && typeof h.rel === 'string' && typeof h.store === 'object';
}

/** `No such file or directory` (a local store) or `No such artifact` (others), inside the 500 of §3.2. */
const MISSING_FILE = /No such file or directory|No such artifact|RESOURCE_DOES_NOT_EXIST|NoSuchKey|does not exist/i;
const NON_ASCII = /[^\u0000-\u007f]/;

/** Each path segment percent-encoded, `/` kept between them. */
export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

export class MlflowLocator {
  private readonly client: MlflowRestClient;
  /** Whether the server offers presigned URLs: learnt from the first answer, shared by every file. */
  private presignedOffered: Promise<boolean> | undefined;

  constructor(client: MlflowRestClient) {
    this.client = client;
  }

  async locate(file: RemoteFile, renew: boolean): Promise<Locator> {
    if (!isMlflowHandle(file.handle)) throw new AttemptError('fatal', 'internal error: not an MLflow file handle');
    const handle = file.handle;
    if (handle.body !== undefined)
      return { url: 'registered_model_meta (written by this tool)', body: handle.body, classify: () => 'fatal' };
    const store = handle.store;
    if (store.kind === 'proxied' && !handle.viaUiRoute) return this.proxied(store, handle);
    if (store.kind === 'run-scoped') {
      if (renew) handle.presigned = undefined;
      const presigned = handle.presigned ?? (await this.presigned(store.runId, joinPath(store.root, handle.rel)));
      if (presigned !== undefined) {
        handle.presigned = presigned;
        return { url: presigned.url, headers: { ...presigned.headers }, classify: (answer) => classifyStorage(answer) };
      }
    }
    if (handle.runId !== undefined && handle.runPath !== undefined) return this.uiRoute(handle.runId, handle.runPath);
    throw new AttemptError('fatal', 'the server offers no route for this file');
  }

  private proxied(store: Extract<ArtifactStore, { kind: 'proxied' }>, handle: MlflowFileHandle): Locator {
    const url = `${store.base}/${encodePath(joinPath(store.root, handle.rel))}`;
    const fallback = handle.runId !== undefined && NON_ASCII.test(handle.rel);
    return {
      url,
      authHeaders: this.client.credentialHeaders(),
      authOrigin: this.client.server.origin,
      headers: { 'User-Agent': MLFLOW_USER_AGENT },
      classify: (answer) => {
        // Recorded (§3.2): the proxied route cannot send a non-ASCII name; the UI route can (inferred).
        if (fallback && answer.status === 500 && !MISSING_FILE.test(answer.body)) {
          handle.viaUiRoute = true;
          return 'expired';
        }
        return classifyServer(answer, this.client.server.origin);
      },
    };
  }

  private uiRoute(runId: string, runPath: string): Locator {
    return {
      url: this.client.url('/get-artifact', { path: runPath, run_uuid: runId }),
      authHeaders: this.client.credentialHeaders(),
      authOrigin: this.client.server.origin,
      headers: { 'User-Agent': MLFLOW_USER_AGENT },
      classify: (answer) => classifyServer(answer, this.client.server.origin),
    };
  }

  /** A presigned URL for the file, or undefined when the server offers none (then `/get-artifact`). */
  private async presigned(runId: string, path: string): Promise<{ url: string; headers: Record<string, string> } | undefined> {
    const ask = async (): Promise<Presigned> => {
      try {
        return await presignedDownloadUrl(this.client, runId, path);
      } catch (error) {
        if (error instanceof CancelledError || error instanceof AuthenticationError) throw error;
        throw new AttemptError('transient', `asking the server for a download URL failed: ${errorMessage(error)}`, { cause: error });
      }
    };
    if (this.presignedOffered === undefined) {
      // The first file asks; the others wait for its answer instead of probing all at once.
      const first = ask();
      this.presignedOffered = first.then(
        (answer) => answer.kind === 'url',
        () => {
          this.presignedOffered = undefined;
          return false;
        },
      );
      const answer = await first;
      return answer.kind === 'url' ? { url: answer.url, headers: answer.headers } : undefined;
    }
    if (!(await this.presignedOffered)) return undefined;
    const answer = await ask();
    return answer.kind === 'url' ? { url: answer.url, headers: answer.headers } : undefined;
  }
}

/** An answer of the tracking server (or the artifact host named by an http artifact URI). */
export function classifyServer(answer: StorageAnswer, trackingOrigin: string): FailureKind {
  const { status, body } = answer;
  if (status === 404) return 'missing';
  if (status === 500 && MISSING_FILE.test(body)) return 'missing';
  if (isArtifactServiceDisabled(status, body)) return 'fatal';
  if (isRetryableStatus(status)) return 'transient';
  // 401: the credential itself is refused (or missing) on the tracking server: stop. 403: this experiment or
  // model is not readable with it, which fails these files only (permissions are per experiment, §1).
  if (status === 401) return sameOrigin(answer.url, trackingOrigin) ? 'refused' : 'fatal';
  return 'fatal';
}

/** An answer of a storage host to a presigned URL (the same for every source that uses them). */
export const classifyStorage = classifySignedUrlAnswer;

function sameOrigin(url: string, origin: string): boolean {
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}
