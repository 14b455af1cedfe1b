// The one undici dispatcher every request goes through: keep-alive connections, bounded per origin, and the
// proxy variables (HTTPS_PROXY/HTTP_PROXY/NO_PROXY, lower case first) honoured the way undici's
// EnvHttpProxyAgent reads them. TLS trust comes from Node itself, so NODE_EXTRA_CA_CERTS works; a source may
// add TLS settings of its own for its API origin only (a private CA, no verification, a client certificate),
// which never apply to any other host (storage, redirects).
import { Dispatcher, EnvHttpProxyAgent } from 'undici';

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

/** TLS settings a source declares for one origin (its API host). */
export interface OriginTls {
  /** `https://host[:port]`, as `new URL(…).origin` writes it. */
  origin: string;
  /** PEM CA certificates that replace the default trust for this origin. */
  ca?: string;
  /** Accept any certificate from this origin (no verification). */
  insecure?: boolean;
  /** PEM client certificate and its key, presented to this origin. */
  cert?: string;
  key?: string;
}

function agentOptions(settings: TransportSettings): EnvHttpProxyAgent.Options {
  return {
    connections: settings.connectionsPerOrigin,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    headersTimeout: settings.headersTimeoutMs,
    bodyTimeout: settings.bodyTimeoutMs,
    connect: { timeout: settings.connectTimeoutMs },
  };
}

export function createDispatcher(settings: TransportSettings, originTls?: OriginTls): Dispatcher {
  const common = new EnvHttpProxyAgent(agentOptions(settings));
  if (originTls === undefined) return common;
  const tls = {
    ...(originTls.ca === undefined ? {} : { ca: originTls.ca }),
    ...(originTls.cert === undefined ? {} : { cert: originTls.cert }),
    ...(originTls.key === undefined ? {} : { key: originTls.key }),
    ...(originTls.insecure === true ? { rejectUnauthorized: false } : {}),
  };
  const base = agentOptions(settings);
  // `connect` applies to direct connections, `requestTls` to the TLS session tunnelled through a proxy.
  const special = new EnvHttpProxyAgent({ ...base, connect: { ...base.connect, ...tls }, requestTls: tls });
  return new OriginRouter(common, originTls.origin, special);
}

/** Sends requests to `origin` through `special` and everything else through `common`. */
export class OriginRouter extends Dispatcher {
  private readonly common: Dispatcher;
  private readonly origin: string;
  private readonly special: Dispatcher;

  constructor(common: Dispatcher, origin: string, special: Dispatcher) {
    super();
    this.common = common;
    this.origin = origin;
    this.special = special;
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return this.pick(options.origin).dispatch(options, handler);
  }

  private pick(origin: string | URL | undefined): Dispatcher {
    if (origin === undefined) return this.common;
    try {
      return new URL(String(origin)).origin === this.origin ? this.special : this.common;
    } catch {
      return this.common;
    }
  }

  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    const done = Promise.all([this.common.close(), this.special.close()]).then(() => undefined);
    if (callback === undefined) return done;
    void done.then(callback, callback);
  }

  override destroy(): Promise<void>;
  override destroy(error: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(error: Error | null, callback: () => void): void;
  override destroy(a?: Error | null | (() => void), b?: () => void): Promise<void> | void {
    const error = typeof a === 'function' ? null : (a ?? null);
    const callback = typeof a === 'function' ? a : b;
    const done = Promise.all([this.common.destroy(error), this.special.destroy(error)]).then(() => undefined);
    if (callback === undefined) return done;
    void done.then(callback, callback);
  }
}
