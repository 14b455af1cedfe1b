// One call to the MLflow REST API (mlflow.md §2.1, §4.5): GET with the fields in the query string, POST with a
// JSON body, the credential only to the tracking server's origin, and answers turned into JSON or typed errors.
// Retries (408, 429, 5xx, Retry-After, dropped connections) are the ApiClient's; what is left is the server's
// verdict, which the callers read by error code (RESOURCE_DOES_NOT_EXIST…).
import type { ApiClient, ApiResponse } from '../../../core/http/api-client.ts';
import { AccessDeniedError, AuthenticationError, redact, ServerError } from '../../../core/errors.ts';
import { firstHeader } from '../../../core/http/headers.ts';
import { VERSION } from '../../../version.ts';
import type { MlflowAuth } from '../credentials.ts';
import type { TrackingServer } from '../tracking-server.ts';

export const MLFLOW_USER_AGENT = `download-experiment-files/${VERSION} (mlflow)`;

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-2xx answer the caller may want to interpret (its error code tells what happened). */
export class MlflowApiError extends ServerError {
  readonly errorCode: string | undefined;
  readonly serverMessage: string;
  constructor(message: string, status: number, errorCode: string | undefined, serverMessage: string) {
    super(message, status);
    this.name = 'MlflowApiError';
    this.errorCode = errorCode;
    this.serverMessage = serverMessage;
  }
}

export interface CallOptions {
  /** Label in request counts and messages: `runs/search`. */
  endpoint: string;
  method: 'GET' | 'POST';
  /** Path below the tracking URI, e.g. `/api/2.0/mlflow/runs/get`; or an absolute URL (an http artifact store). */
  path: string;
  query?: Record<string, string | readonly string[] | undefined>;
  body?: Json;
  /** What the call is about, for messages: `run 'abc'`. */
  what: string;
  /** See ApiRequest.final. */
  final?: (status: number, body: Buffer) => boolean;
}

export class MlflowRestClient {
  readonly server: TrackingServer;
  private readonly api: ApiClient;
  private readonly auth: MlflowAuth;

  constructor(api: ApiClient, server: TrackingServer, auth: MlflowAuth) {
    this.api = api;
    this.server = server;
    this.auth = auth;
  }

  /** Headers with the credential, for a URL on the tracking server's origin only. */
  credentialHeaders(): Record<string, string> {
    return this.auth.kind === 'none' ? {} : { Authorization: this.auth.header };
  }

  url(path: string, query?: CallOptions['query']): string {
    const url = new URL(/^https?:\/\//.test(path) ? path : `${this.server.uri}${path}`);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined) continue;
      for (const v of typeof value === 'string' ? [value] : value) url.searchParams.append(key, v);
    }
    return url.toString();
  }

  /** Sends the call; returns the JSON object of a 2xx answer (`{}` for an empty body), throws otherwise. */
  async call(options: CallOptions): Promise<Json> {
    const url = this.url(options.path, options.query);
    const sameOrigin = new URL(url).origin === this.server.origin;
    const res = await this.api.request({
      endpoint: options.endpoint,
      method: options.method,
      url,
      headers: {
        'User-Agent': MLFLOW_USER_AGENT,
        Accept: 'application/json',
        ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(sameOrigin ? this.credentialHeaders() : {}),
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      ...(options.final === undefined ? {} : { final: options.final }),
    });
    return this.read(options, url, res);
  }

  private read(options: CallOptions, url: string, res: ApiResponse): Json {
    const host = new URL(url).host;
    const text = res.body.toString('utf8');
    const json = parseJson(text);
    if (res.status >= 200 && res.status < 300) {
      if (text.trim() === '') return {};
      if (isObject(json)) return json;
      throw new ServerError(
        redact(
          `The answer of ${host} to ${options.endpoint} is not MLflow's JSON (${describeText(text, res)}). Check that api-url is the tracking server's address, not its web page behind a login.`,
        ),
        res.status,
      );
    }
    const errorCode = isObject(json) && typeof json.error_code === 'string' ? json.error_code : undefined;
    const serverMessage = isObject(json) && typeof json.message === 'string' ? json.message : text.trim().slice(0, 300);
    const detail = errorCode !== undefined ? `${errorCode}: ${serverMessage}` : serverMessage === '' ? 'empty body' : serverMessage;
    if (res.status === 401) {
      const challenge = firstHeader(res.headers['www-authenticate']);
      throw new AuthenticationError(
        redact(`MLflow (${host}) refused the request for ${options.what} (HTTP 401: ${detail}). ${this.authHint(challenge)}`),
      );
    }
    if (res.status === 403) {
      throw new AccessDeniedError(
        redact(
          `MLflow (${host}) denied access to ${options.what} (HTTP 403: ${detail}). The credentials work but lack permission: ask for READ permission on that experiment or registered model.`,
        ),
      );
    }
    const hint =
      res.status === 404 && errorCode === undefined
        ? ` ${host} does not know ${new URL(url).pathname}: is api-url an MLflow tracking server (with its path prefix, if it has one)?`
        : '';
    throw new MlflowApiError(
      redact(`MLflow ${options.endpoint} for ${options.what} failed with HTTP ${res.status} (${detail}).${hint}`),
      res.status,
      errorCode,
      redact(serverMessage),
    );
  }

  private authHint(challenge: string | undefined): string {
    if (this.auth.kind === 'basic') {
      return `Check MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (the user '${this.auth.username}' and its password).`;
    }
    if (this.auth.kind === 'bearer') {
      return /^basic/i.test(challenge ?? '')
        ? 'The server asks for Basic authentication: set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (from secrets).'
        : 'Check the token (api-token or MLFLOW_TRACKING_TOKEN) and that api-url is the server it belongs to.';
    }
    return 'The server requires authentication: set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or a token in api-token (from secrets).';
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function describeText(text: string, res: ApiResponse): string {
  const trimmed = text.trim();
  const type = firstHeader(res.headers['content-type']) ?? 'no content type';
  return `${type}, begins with ${JSON.stringify(trimmed.slice(0, 60))}`;
}

/** An int64 field: JSON number or string (§2.1); anything else is unknown. */
export function int64(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
