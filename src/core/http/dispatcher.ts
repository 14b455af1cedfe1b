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
