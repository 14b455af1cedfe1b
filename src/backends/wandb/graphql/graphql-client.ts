// One GraphQL POST to the W&B API (wandb.md §1, §5): Basic auth to the API host only, the official client's
// User-Agent, `{query, variables}` as the Python client sends it. Retries (429, 5xx, resets, Retry-After) are
// the ApiClient's; this module turns what is left into typed errors a user can act on.
import type { ApiClient, ApiResponse } from '../../../core/http/api-client.ts';
import { AccessDeniedError, AuthenticationError, ServerError, redact } from '../../../core/errors.ts';
import { VERSION } from '../../../version.ts';

export const DEFAULT_BASE_URL = 'https://api.wandb.ai';

/**
 * §1: the server gates admin-capable access and some first-party fields on a recognised "W&B Public Client"
 * User-Agent; with another UA such requests get "relogin required". Our own name follows the prefix.
 */
export const WANDB_USER_AGENT = `W&B Public Client download-experiment-files/${VERSION}`;

/**
 * §1 headers table: every public-API request of the official client carries `Use-Admin-Privileges: true`, so
 * an admin key sees the same projects through this tool as through `wandb.Api()`.
 */
export const ADMIN_PRIVILEGES_HEADER = { 'Use-Admin-Privileges': 'true' } as const;

export type GqlObject = Record<string, unknown>;

export class WandbGraphqlClient {
  /** `<base>/graphql` */
  readonly endpoint: string;
  /** Origin of the API host: the only origin that ever receives the key. */
  readonly origin: string;
  private readonly api: ApiClient;
  private readonly authorization: string;

  constructor(api: ApiClient, baseUrl: string, authorization: string) {
    this.api = api;
    this.authorization = authorization;
    this.endpoint = `${baseUrl}/graphql`;
    this.origin = new URL(baseUrl).origin;
  }

  /** Sends one operation and returns its `data`; `operation` also labels the request in ApiClient counts. */
  async query(operation: string, query: string, variables: Record<string, unknown>): Promise<GqlObject> {
    const res = await this.api.request({
      endpoint: operation,
      method: 'POST',
      url: this.endpoint,
      headers: {
        Authorization: this.authorization,
        'User-Agent': WANDB_USER_AGENT,
        ...ADMIN_PRIVILEGES_HEADER,
        'Content-Type': 'application/json',
        Accept: 'application/json',
      },
      // The Python client's body: no operationName key (§1 "GraphQL endpoint").
      body: JSON.stringify({ query, variables }),
    });
    return this.dataOf(operation, res);
  }

  private dataOf(operation: string, res: ApiResponse): GqlObject {
    const host = new URL(this.endpoint).host;
    const text = res.body.toString('utf8');
    const json = parseJson(text);
    const messages = backendMessages(json);
    const detail = messages.length > 0 ? `: ${messages.join('; ')}` : '';
    if (res.status === 401) {
      // §5: the client's AuthenticationError, never retried.
      throw new AuthenticationError(
        redact(
          `W&B (${host}) rejected the API key (HTTP 401${detail}): it is either invalid or missing. Check the api-token ` +
            'input (or WANDB_API_KEY), and that api-url points at the server the key belongs to.',
        ),
      );
    }
    if (res.status === 403) {
      throw new AccessDeniedError(
        redact(
          `W&B (${host}) answered HTTP 403 to ${operation}${detail}: the API key does not have permission to access the ` +
            'requested resource. Ask the project owner to grant access, or use a key of an account that has it.',
        ),
      );
    }
    if (res.status < 200 || res.status >= 300) {
      const shown = detail !== '' ? detail : text.trim() === '' ? '' : `: ${text.trim().slice(0, 300)}`;
      const hint = res.status === 404 ? ` Is ${this.endpoint} a W&B API? Check api-url.` : '';
      throw new ServerError(redact(`W&B ${operation} request failed with HTTP ${res.status}${shown}.${hint}`), res.status);
    }
    if (!isObject(json)) {
      throw new ServerError(
        redact(`W&B ${operation} answer from ${host} is not GraphQL JSON (${describeText(text)}). Check api-url.`),
        res.status,
      );
    }
    // §5: a 200 with `errors` is a failure of the operation (the client raises; it does not retry).
    if (messages.length > 0) throw new ServerError(redact(`W&B ${operation} request failed: ${messages.join('; ')}`), res.status);
    if (!isObject(json.data)) {
      throw new ServerError(redact(`W&B ${operation} answer has no data (received non-compatible response: ${describeText(text)})`));
    }
    return json.data;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function isObject(value: unknown): value is GqlObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** §5 `parse_backend_error_messages`: `error` (string or {message}) or `errors` (strings or {message}). */
export function backendMessages(json: unknown): string[] {
  if (!isObject(json)) return [];
  const out: string[] = [];
  const take = (item: unknown): void => {
    if (typeof item === 'string' && item !== '') out.push(item);
    else if (isObject(item) && typeof item.message === 'string') out.push(item.message);
  };
  take(json.error);
  if (Array.isArray(json.errors)) for (const item of json.errors) take(item);
  return out;
}

function describeText(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return 'empty body';
  return `begins with ${JSON.stringify(trimmed.slice(0, 80))}`;
}

/** Strips the trailing `/` the client strips (§1 "Base URL"). */
export function normaliseBaseUrl(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}
