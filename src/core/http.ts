// The one undici dispatcher every request goes through: keep-alive connections, bounded per origin, and the
// proxy variables (HTTPS_PROXY/HTTP_PROXY/NO_PROXY, lower case first) honoured the way undici's
// EnvHttpProxyAgent reads them. TLS trust comes from Node itself, so NODE_EXTRA_CA_CERTS works.
import { EnvHttpProxyAgent, type Dispatcher } from 'undici';

export interface TransportSettings {
  /** Connections kept per origin; at least the download concurrency. */
  connectionsPerOrigin: number;
  /** A response whose headers do not arrive within this time fails (and is retried). */
  headersTimeoutMs: number;
  /** A body that sends nothing for this long fails (and is retried): a stall timer, not a total. */
  bodyTimeoutMs: number;
  connectTimeoutMs: number;
}

export const DEFAULT_TRANSPORT: TransportSettings = {
  connectionsPerOrigin: 16,
  headersTimeoutMs: 60_000,
  bodyTimeoutMs: 60_000,
  connectTimeoutMs: 15_000,
};

export function createDispatcher(settings: TransportSettings): Dispatcher {
  return new EnvHttpProxyAgent({
    connections: settings.connectionsPerOrigin,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    headersTimeout: settings.headersTimeoutMs,
    bodyTimeout: settings.bodyTimeoutMs,
    connect: { timeout: settings.connectTimeoutMs },
  });
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
]);

/** True for failures of the connection or the transfer that another attempt may not meet. */
export function isTransientNetworkError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as NodeJS.ErrnoException).code;
    if (code !== undefined && NETWORK_CODES.has(code)) return true;
    if (current.message === 'terminated' || current.message === 'other side closed') return true;
    current = current.cause;
  }
  return false;
}

/** Lower-cases header names of an undici response into a plain record. */
export function headerRecord(headers: Record<string, string | string[] | undefined>): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

export function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** OpenSSL and Node codes for a server certificate the runner does not trust (or that does not fit the host). */
const TLS_TRUST_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * A user-facing explanation when `error` is a TLS trust failure, else undefined. Retrying cannot help, and the
 * bare OpenSSL text suggests `--use-system-ca`, which a workflow step cannot pass to the runner's node.
 */
export function describeTlsFailure(error: unknown, host: string): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as NodeJS.ErrnoException).code;
    if (code !== undefined && TLS_TRUST_CODES.has(code)) {
      return (
        `The TLS certificate of ${host} is not trusted (${code}: ${current.message}). If the server uses a private ` +
        "or corporate CA, put its PEM certificate in a file and set NODE_EXTRA_CA_CERTS to that path in the step's env."
      );
    }
    current = current.cause;
  }
  return undefined;
}

/**
 * When a connection failure was the proxy's (the refused address is the one HTTP(S)_PROXY names, as undici's
 * EnvHttpProxyAgent reads them), a sentence that says so; '' otherwise. Never shows the proxy's credentials.
 */
export function proxyHint(error: unknown, url: string, env: NodeJS.ProcessEnv = process.env): string {
  const http = env.http_proxy ?? env.HTTP_PROXY;
  const raw = new URL(url).protocol === 'https:' ? (env.https_proxy ?? env.HTTPS_PROXY ?? http) : http;
  if (raw === undefined || raw === '') return '';
  let proxy: URL;
  try {
    proxy = new URL(raw);
  } catch {
    return '';
  }
  const port = Number(proxy.port || (proxy.protocol === 'https:' ? 443 : 80));
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const { address, port: failedPort } = current as { address?: string; port?: number };
    if (address === proxy.hostname && failedPort === port) {
      return ` The connection that failed was to the proxy ${proxy.host} (HTTPS_PROXY/HTTP_PROXY): check that it runs and is reachable from the runner, or list the tracker's host in NO_PROXY.`;
    }
    current = current.cause;
  }
  return '';
}
