// Authenticated requests to the Neptune API: the headers of neptune.md §1, one more try after a 401 with a
// renewed token, and statuses turned into typed errors (§8.2). Retries of 429/5xx/network are the ApiClient's.
import { randomBytes } from 'node:crypto';
import type { ApiClient } from '../../../core/http/api-client.ts';
import { AccessDeniedError, AuthenticationError, NotFoundError, ServerError } from '../../../core/errors.ts';
import { NeptuneInputs as Inputs } from '../inputs.ts';
import { VERSION } from '../../../version.ts';
import { serverMessage, type NeptuneAuth } from '../auth/access-tokens.ts';
import { Limiter } from '../../../core/concurrency/limiter.ts';

export type NeptuneEndpoint = 'search' | 'attribute-definitions' | 'attribute-values' | 'series' | 'signed-url';

/** The four retrieval endpoints carry X-Neptune-Client-Metadata; signedUrl does not (§1). */
const RETRIEVAL: ReadonlySet<NeptuneEndpoint> = new Set(['search', 'attribute-definitions', 'attribute-values', 'series']);

export interface NeptuneCall {
  endpoint: NeptuneEndpoint;
  /** Path below the API root, starting with `/api/`. */
  path: string;
  query?: Record<string, string>;
  body: unknown;
  /** Maps a 400's server message to an error about the user's input (e.g. a regex the server rejected). */
  onBadRequest?: (message: string) => Error | undefined;
}

export interface NeptuneApiOptions {
  api: ApiClient;
  auth: NeptuneAuth;
  baseUrl: string;
  project: string;
  userAgent: string;
  /** `fn` of the client metadata: the official function this run corresponds to. */
  clientFunction: 'download_files' | 'runs.download_files';
  /** Retrieval requests in flight at once (the client runs up to 32 threads, §10). */
  concurrency: number;
}

export class NeptuneApi {
  private readonly options: NeptuneApiOptions;
  private readonly limiter: Limiter;
  private readonly metadata: string;

  constructor(options: NeptuneApiOptions) {
    this.options = options;
    this.limiter = new Limiter(options.concurrency);
    // Python json.dumps spacing; `qid` identifies this query (urlsafe base64 of 6 random bytes); no user data.
    const qid = randomBytes(6).toString('base64url');
    this.metadata = `{"fn": "${options.clientFunction}", "v": "download-experiment-files/${VERSION}", "qid": "${qid}", "ud": null}`;
  }

  get project(): string {
    return this.options.project;
  }

  /** POSTs JSON and returns the raw 2xx body (protobuf or JSON, by endpoint). */
  post(call: NeptuneCall): Promise<Buffer> {
    // Signing has its own limit (signed-urls.ts); retrieval shares this one.
    return RETRIEVAL.has(call.endpoint) ? this.limiter.run(() => this.send(call)) : this.send(call);
  }

  async postJson(call: NeptuneCall): Promise<unknown> {
    const body = await this.post(call);
    try {
      return JSON.parse(body.toString('utf8'));
    } catch {
      throw new ServerError(`Neptune's answer to the ${call.endpoint} request is not JSON.`);
    }
  }

  private async send(call: NeptuneCall): Promise<Buffer> {
    const { api, auth, baseUrl, userAgent } = this.options;
    const query = call.query === undefined ? '' : `?${new URLSearchParams(call.query).toString()}`;
    const url = `${baseUrl}${call.path}${query}`;
    const body = JSON.stringify(call.body);
    for (let attempt = 1; ; attempt += 1) {
      let used = '';
      const res = await api.request({
        endpoint: call.endpoint,
        method: 'POST',
        url,
        body,
        headers: async () => {
          used = await auth.accessToken();
          const headers: Record<string, string> = {
            'User-Agent': userAgent,
            'Content-Type': 'application/json',
            Authorization: `Bearer ${used}`,
          };
          if (RETRIEVAL.has(call.endpoint)) headers['X-Neptune-Client-Metadata'] = this.metadata;
          return headers;
        },
      });
      if (res.status >= 200 && res.status < 300) return res.body;
      if (res.status === 401 && attempt === 1) {
        await auth.renewAfterRejection(used);
        continue;
      }
      throw this.errorFor(call, res.status, res.body);
    }
  }

  private errorFor(call: NeptuneCall, status: number, body: Buffer): Error {
    const project = this.options.project;
    const message = serverMessage(body);
    if (errorType(body) === 'ACCESS_DENIED') {
      return new AccessDeniedError(
        `Neptune denied access to the project '${project}'${message}. Check '${Inputs.project}' and that the API token's user ` +
          'is a member of the project with at least viewer rights.',
      );
    }
    if (status === 401) {
      return new AuthenticationError(
        `Neptune rejected the access token for the ${call.endpoint} request twice, also right after renewing it (HTTP 401${message}). ` +
          "Check that 'api-token' is valid and not revoked.",
      );
    }
    if (status === 404) {
      return new NotFoundError(
        `Neptune found no project '${project}' (HTTP 404 from the ${call.endpoint} request${message}). Check '${Inputs.project}': ` +
          "it must be 'workspace/project' as the Neptune app shows it.",
      );
    }
    if (status === 403) {
      return new AccessDeniedError(`Neptune denied the ${call.endpoint} request for the project '${project}' (HTTP 403${message}).`);
    }
    if (status === 400) {
      const mapped = call.onBadRequest?.(message.replace(/^: /, ''));
      if (mapped !== undefined) return mapped;
    }
    return new ServerError(`Neptune answered the ${call.endpoint} request with HTTP ${status}${message}.`, status);
  }
}

function errorType(body: Buffer): string | undefined {
  try {
    const json: unknown = JSON.parse(body.toString('utf8'));
    if (json !== null && typeof json === 'object' && 'errorType' in json && typeof json.errorType === 'string') return json.errorType;
  } catch {
    // Not JSON: no error type.
  }
  return undefined;
}
