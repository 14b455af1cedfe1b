// Requests to a tracker's API: retried on 429, 5xx, timeouts and dropped connections with back-off and
// Retry-After; any other status is handed back to the source, which knows what it means. Counts requests
// per endpoint so tests and the benchmark can compare them with the protocol minimum.
import { request, type Dispatcher } from 'undici';
import { ServerError, CancelledError, redact, UserFacingError } from '../errors.ts';
import { describeTlsFailure } from './tls-trust.ts';
import { firstHeader, headerRecord } from './headers.ts';
import { isTransientNetworkError, networkErrorText } from './network-errors.ts';
import { proxyHint } from './proxy-hint.ts';
import type { Logger } from '../logger.ts';
import { isRetryableStatus, parseRetryAfter, RetryBudget, sleep, type RetryPolicy } from './retry-policy.ts';

export interface ApiRequest {
  /** A short label for the endpoint (e.g. `search`, `signedUrl`), used in counts and messages. */
  endpoint: string;
  method: 'GET' | 'POST';
  url: string;
  /** Evaluated before every attempt, so a token refreshed during a back-off is used. */
  headers?: Record<string, string> | (() => Promise<Record<string, string>>);
  body?: string;
  /**
   * Says that an answer with a retryable status cannot change by asking again (a server configured not to
   * serve this route answers 503 with a body that says so): it is then returned as is, without retries.
   */
  final?: (status: number, body: Buffer) => boolean;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface ApiClientOptions {
  dispatcher: Dispatcher;
  retry: RetryPolicy;
  signal: AbortSignal;
  log: Logger;
}

export class ApiClient {
  /** Requests sent per endpoint label, retries included. */
  readonly counts = new Map<string, number>();
  /** Origins that answered at least once in this run. */
  private readonly reached = new Set<string>();
  private readonly options: ApiClientOptions;

  constructor(options: ApiClientOptions) {
    this.options = options;
  }

  get dispatcher(): Dispatcher {
    return this.options.dispatcher;
  }

  get signal(): AbortSignal {
    return this.options.signal;
  }

  /**
   * Sends the request until it gets a non-retryable answer (returned as is, 2xx or not) or the retry budget
   * runs out (ServerError naming the endpoint and the last answer).
   */
  async request(req: ApiRequest): Promise<ApiResponse> {
    const { signal, log } = this.options;
    const budget = new RetryBudget(this.options.retry);
    for (;;) {
      if (signal.aborted) throw new CancelledError();
      const attempt = budget.begin();
      this.counts.set(req.endpoint, (this.counts.get(req.endpoint) ?? 0) + 1);
      let failure: string;
      let hint = '';
      let retryAfterMs: number | undefined;
      let lastStatus: number | undefined;
      // Outside the try: a credential that cannot be renewed is the credential's error, not the network's.
      const headers = typeof req.headers === 'function' ? await req.headers() : (req.headers ?? {});
      try {
        const res = await request(req.url, {
          method: req.method,
          headers,
          body: req.body,
          signal,
          dispatcher: this.options.dispatcher,
        });
        this.reached.add(new URL(req.url).origin);
        const body = Buffer.from(await res.body.arrayBuffer());
        const resHeaders = headerRecord(res.headers);
        if (!isRetryableStatus(res.statusCode) || req.final?.(res.statusCode, body) === true) {
          return { status: res.statusCode, headers: resHeaders, body };
        }
        lastStatus = res.statusCode;
        retryAfterMs = parseRetryAfter(firstHeader(resHeaders['retry-after']));
        failure = `HTTP ${res.statusCode}${describeBody(body)}`;
      } catch (error) {
        if (signal.aborted) throw new CancelledError();
        const host = new URL(req.url).host;
        const tls = describeTlsFailure(error, host);
        if (tls !== undefined) throw new UserFacingError('NETWORK', redact(tls), { cause: error });
        const code = networkCode(error);
        hint = proxyHint(error, req.url);
        if (code === 'ENOTFOUND' && hint === '') {
          throw new UserFacingError(
            'NETWORK',
            redact(
              `The ${req.endpoint} request cannot reach ${host}: the name does not resolve (ENOTFOUND). Check the server address (api-url), or the runner's DNS.`,
            ),
            { cause: error },
          );
        }
        if (!isTransientNetworkError(error) && !OUT_OF_DESCRIPTORS.has(code)) {
          throw new UserFacingError(
            'NETWORK',
            redact(`The ${req.endpoint} request to ${host} failed: ${(error as Error).message}.${hint}`),
            {
              cause: error,
            },
          );
        }
        failure = networkErrorText(error);
        if (hint === '' && code === 'ECONNREFUSED') {
          hint = `Nothing accepts connections at ${host}: check the server address (api-url) and that the server runs.`;
          // A server never reached in this run that refuses connections is far likelier an address mistake than
          // a restart: a few attempts, not the whole budget.
          if (!this.reached.has(new URL(req.url).origin)) budget.limitAttempts(REFUSED_ATTEMPTS);
        }
        if (OUT_OF_DESCRIPTORS.has(code)) hint = "Too many open files: lower 'concurrency' or raise the open-file limit (ulimit -n).";
      }
      const wait = budget.next(retryAfterMs);
      if (wait === undefined) {
        throw new ServerError(
          redact(
            `The ${req.endpoint} request to ${new URL(req.url).host} kept failing (${attempt} attempt${attempt === 1 ? '' : 's'}, ` +
              `${Math.round(budget.totalWaitMs / 1000)} s of back-off); last answer: ${failure}. ` +
              (retryAfterMs !== undefined && attempt < this.options.retry.maxAttempts
                ? `The server asked to wait ${Math.ceil(retryAfterMs / 1000)} s (Retry-After), more than the retry budget allows. `
                : '') +
              `${hint === '' ? 'The server may be overloaded or down; try again later.' : hint.trim()}`,
          ),
          lastStatus,
        );
      }
      log.debug(`${req.endpoint}: attempt ${attempt} failed (${redact(failure)}); retrying in ${wait} ms`);
      await sleep(wait, signal).catch(() => {
        throw new CancelledError();
      });
    }
  }
}

/** Attempts for a connection refused by a server not reached before (see request()). */
const REFUSED_ATTEMPTS = 3;
/** The process or the system ran out of file descriptors: a later attempt may find one free. */
const OUT_OF_DESCRIPTORS = new Set(['EMFILE', 'ENFILE']);

/** The errno-style code of a failed request, looking through undici's wrapping. */
function networkCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && !code.startsWith('UND_ERR')) return code;
    current = current.cause;
  }
  return '';
}

function describeBody(body: Buffer): string {
  const text = body.subarray(0, 300).toString('utf8').trim();
  return text === '' ? '' : `: ${text}`;
}
