// Where an artifact entry's bytes are (wandb-artifacts.md §5). A stored entry: its signed storage URL from the
// listing, fetched without any credential (§5.2). When storage refuses that URL (an expired signature), the
// client's own next step: the download handler on the API host with the API key (§5.3), which redirects to
// storage (the downloader drops the key when the redirect leaves the API host). Should that fail too, the entry
// is listed again by name for a freshly signed URL (§3.4). An http(s) reference is fetched from its URL and
// must carry the ETag the manifest recorded (§5.4).
import { classifySignedUrlAnswer } from '../../../core/download/signed-url-answers.ts';
import { CancelledError, errorMessage } from '../../../core/errors.ts';
import { firstHeader } from '../../../core/http/headers.ts';
import { isRetryableStatus } from '../../../core/http/retry-policy.ts';
import { AttemptError, type FailureKind, type Locator, type StorageAnswer } from '../../../core/source.ts';
import type { RemoteFile } from '../../../core/types.ts';
import { fetchFileUrl, type VersionRef } from '../api/artifact-file-urls.ts';
import { Feature } from '../api/server-features.ts';
import { WANDB_USER_AGENT } from '../graphql/graphql-client.ts';
import { referenceMatches } from './references.ts';
import type { ArtifactSession } from './session.ts';

/** RemoteFile.handle of an artifact entry. */
export interface EntryHandle {
  ref: VersionRef;
  entryPath: string;
  digest: string;
  /** The signed storage URL; null when the listing left the entry out (or a new listing gave none). */
  directUrl: string | null;
  /** The download handler on the API host (§5.3). */
  fallbackUrl: string;
  /** Where the last locate() pointed. */
  via?: 'direct' | 'fallback';
  /** The entry was listed again by name (or the listing lacked it): a new listing cannot help any more. */
  relisted: boolean;
  /** An http(s) reference's URL. */
  httpReference: string | null;
  /** False when a stored entry's digest is not an MD5, so its bytes could not be verified. */
  verifiable: boolean;
  /** The manifest's digest algorithm of the entry (`MD5`, or `XXH128` from newer clients). */
  algorithm: string;
}

export function isEntryHandle(value: unknown): value is EntryHandle {
  const h = value as Partial<EntryHandle> | null;
  return typeof h === 'object' && h !== null && typeof h.entryPath === 'string' && typeof h.fallbackUrl === 'string';
}

export class EntryLocator {
  private readonly session: ArtifactSession;
  private readonly apiOrigin: string;

  constructor(session: ArtifactSession) {
    this.session = session;
    this.apiOrigin = session.gql.origin;
  }

  async locate(file: RemoteFile, renew: boolean): Promise<Locator> {
    const handle = file.handle;
    if (!isEntryHandle(handle)) throw new AttemptError('fatal', 'internal error: not a W&B artifact entry');
    if (handle.httpReference !== null) return this.reference(handle.httpReference, handle.digest);
    if (!handle.verifiable) {
      throw new AttemptError(
        'fatal',
        handle.algorithm !== 'MD5'
          ? `the manifest gives this entry an ${handle.algorithm} digest (written by a newer W&B client), which this tool cannot verify yet; it was not downloaded rather than kept unverified`
          : `the manifest's digest of this entry (${handle.digest}) is not an MD5, so its bytes could not be verified; it was not downloaded`,
      );
    }
    if (renew) await this.renew(handle);
    else handle.via = handle.directUrl !== null ? 'direct' : 'fallback';
    return handle.via === 'direct' && handle.directUrl !== null ? this.direct(handle.directUrl) : this.fallback(handle);
  }

  /** The previous URL was refused as expired: the download handler after a signed URL, a new listing after that. */
  private async renew(handle: EntryHandle): Promise<void> {
    if (handle.via === 'direct' || handle.relisted) {
      handle.via = 'fallback';
      return;
    }
    handle.relisted = true;
    try {
      const features = await this.session.features();
      handle.directUrl = await fetchFileUrl(this.session.gql, features.has(Feature.membershipFiles), handle.ref, handle.entryPath);
    } catch (error) {
      if (error instanceof CancelledError) throw error;
      throw new AttemptError('fatal', `asking W&B for a new URL of this entry failed: ${errorMessage(error)}`, { cause: error });
    }
    handle.via = handle.directUrl === null ? 'fallback' : 'direct';
  }

  /** §5.2: the signed URL, with no credential. */
  private direct(url: string): Locator {
    return { url, headers: { 'User-Agent': WANDB_USER_AGENT }, classify: classifyStorage };
  }

  /** §5.3: the handler on the API host with the key; the key never follows the redirect to storage. */
  private fallback(handle: EntryHandle): Locator {
    return {
      url: handle.fallbackUrl,
      authHeaders: { Authorization: this.session.authorization },
      authOrigin: this.apiOrigin,
      headers: { 'User-Agent': WANDB_USER_AGENT },
      classify: (answer) => (onOrigin(answer.url, this.apiOrigin) ? classifyHandler(answer, handle.relisted) : classifyStorage(answer)),
    };
  }

  /** §5.4 http row: no credential; the answer's ETag (or final URL) must be the manifest's digest. */
  private reference(url: string, digest: string): Locator {
    return {
      url,
      headers: { 'User-Agent': WANDB_USER_AGENT },
      classify: ({ status }) => (status === 404 || status === 410 ? 'missing' : isRetryableStatus(status) ? 'transient' : 'fatal'),
      checkAnswer: (answer) => {
        const match = referenceMatches(digest, firstHeader(answer.headers.etag), answer.url);
        if (match.ok) return undefined;
        // The referenced object changed since the artifact was logged; fetching it again cannot help.
        return new AttemptError(
          'fatal',
          `the referenced object changed since the artifact was logged: the manifest recorded ${digest}, it now has ${match.got}`,
        );
      },
    };
  }
}

function onOrigin(url: string, origin: string): boolean {
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}

/** An answer of a storage host to a presigned URL (the same for every source that uses them). */
export const classifyStorage = classifySignedUrlAnswer;

/**
 * The download handler's own answer (before any redirect): 401 means the key is refused (the run stops). Any
 * other refusal, a 404 included, may be a server without this handler, so the entry is listed again first;
 * once that was done, a 404 means the blob is gone.
 */
export function classifyHandler(answer: StorageAnswer, relisted: boolean): FailureKind {
  const { status } = answer;
  if (status === 401) return 'refused';
  if (isRetryableStatus(status)) return 'transient';
  if (!relisted) return 'expired';
  return status === 404 || status === 410 ? 'missing' : 'fatal';
}
