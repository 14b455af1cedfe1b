// Where a W&B file's bytes are (wandb.md §3): the File node's `url`, on the API host, which answers with a
// redirect to a signed, expiring storage URL. The core downloader follows the redirect itself and sends the
// Basic credential only while the URL is on the API origin (wandb-core's rule, §3 "0.28.0+"), never to storage.
import type { FailureKind, Locator, StorageAnswer } from '../../../core/source.ts';
import { CancelledError, errorMessage, NotFoundError } from '../../../core/errors.ts';
import { isRetryableStatus } from '../../../core/http/retry-policy.ts';
import { AttemptError } from '../../../core/source.ts';
import type { RemoteFile } from '../../../core/types.ts';
import { ADMIN_PRIVILEGES_HEADER, WANDB_USER_AGENT, type WandbGraphqlClient } from '../graphql/graphql-client.ts';
import { listRunFiles } from '../api/run-files.ts';
import type { ProjectPath } from '../api/runs.ts';

/** RemoteFile.handle of a W&B file. */
export interface WandbFileHandle {
  /** The node's `url` (what `File.download` fetches, §3 step 3); null when the server gave none. */
  url: string | null;
  path: ProjectPath;
  runId: string;
  name: string;
}

export function isWandbHandle(value: unknown): value is WandbFileHandle {
  const h = value as Partial<WandbFileHandle> | null;
  return typeof h === 'object' && h !== null && (typeof h.url === 'string' || h.url === null) && typeof h.runId === 'string';
}

/**
 * Maps a failed answer to what the downloader should do. 401/403 from storage mean the signature expired (GCS
 * and S3 answer so); from the API host (a JSON body) they mean the key was refused, which renewing cannot fix.
 * GCS reports an expired signature as 400 ExpiredToken.
 */
/**
 * `fromApiHost`: the answer came from the tracker's API host (the file URL before its redirect), where 401/403
 * means the key itself is refused; from a storage host they mean the signed URL expired or was revoked.
 */
export function classifyWandbAnswer(answer: StorageAnswer, fromApiHost: boolean): FailureKind {
  const { status } = answer;
  if (status === 404) return 'missing';
  if (isRetryableStatus(status)) return 'transient';
  if (status === 401 || status === 403) return fromApiHost ? 'refused' : 'expired';
  if (status === 400 && /expired/i.test(answer.body)) return 'expired';
  return 'fatal';
}

export class WandbLocator {
  private readonly gql: WandbGraphqlClient;
  private readonly authorization: string;

  constructor(gql: WandbGraphqlClient, authorization: string) {
    this.gql = gql;
    this.authorization = authorization;
  }

  /**
   * The node's URL. Re-locating an API-host URL needs nothing new (each GET redirects to a freshly signed
   * URL); a server that lists signed storage URLs directly gets one `RunFiles` query for that name on renewal.
   * A file listed without a URL fails on its own with a clear reason: `directUrl` is never used, as the client
   * never downloads from it either (§2.3 table) and it is not guaranteed to be readable.
   */
  async locate(file: RemoteFile, renew: boolean): Promise<Locator> {
    if (!isWandbHandle(file.handle)) throw new AttemptError('fatal', 'internal error: not a W&B file handle');
    const handle = file.handle;
    if (renew && handle.url !== null && !this.onApiHost(handle.url)) handle.url = await this.freshUrl(handle);
    const url = handle.url;
    if (url === null) {
      throw new AttemptError('fatal', 'W&B lists this file without a download URL (its url is null); the server cannot serve it');
    }
    return {
      url,
      authHeaders: { Authorization: this.authorization, ...ADMIN_PRIVILEGES_HEADER },
      authOrigin: this.gql.origin,
      headers: { 'User-Agent': WANDB_USER_AGENT },
      classify: (answer) => classifyWandbAnswer(answer, this.onApiHost(answer.url)),
    };
  }

  private onApiHost(url: string): boolean {
    try {
      return new URL(url).origin === this.gql.origin;
    } catch {
      return false;
    }
  }

  /** Asks for the one file again; failures end this file only (never the whole job), except cancellation. */
  private async freshUrl(handle: WandbFileHandle): Promise<string | null> {
    try {
      for await (const nodes of listRunFiles(this.gql, handle.path, handle.runId, { names: [handle.name], pattern: null }, 1)) {
        const node = nodes.find((n) => n.name === handle.name && n.md5 !== '0');
        if (node) return node.url;
      }
    } catch (error) {
      if (error instanceof CancelledError) throw error;
      const kind = error instanceof NotFoundError ? 'missing' : 'fatal';
      throw new AttemptError(kind, `renewing the expired download URL failed: ${errorMessage(error)}`, { cause: error });
    }
    throw new AttemptError('missing', 'W&B no longer lists this file (asked again after its download URL expired)');
  }
}
