// A recording, fault-injecting reverse proxy in front of Azurite. It listens on 127.0.0.3 (neither the API
// address nor the gcp/aws storage address), so every Azure request is attributable in the request log, and
// `azure` fault rules act on real Azurite answers.
import { Agent, createServer, request, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultEngine, RequestLog } from './contracts.ts';
import { answerStatus, sendBody, sleep } from './fault-body.ts';
import { recordRequest } from './request-log.ts';
import { errorXml, expiredError, injectedError, sendStorageError } from './storage-errors.ts';
import { closeServer } from './storage-server.ts';

export const AZURE_PROXY_HOST = '127.0.0.3';

export interface AzureProxyOptions {
  /** Azurite's origin, `http://127.0.0.1:<port>`. */
  upstream: string;
  faults: FaultEngine;
  log: RequestLog;
  latencyMs?: number;
  host?: string;
}

export interface AzureProxy {
  /** `http://127.0.0.3:<port>`: SAS URLs handed to clients use this origin. */
  origin: string;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer']);

function forwardable(headers: IncomingMessage['headers']): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
  return out;
}

/** The `se` (signed expiry) of a SAS URL, in ms; undefined for requests without one (shared-key clients). */
function sasExpiry(url: string): number | undefined {
  const se = new URL(url, 'http://proxy').searchParams.get('se');
  if (se === null) return undefined;
  const ms = Date.parse(se);
  return Number.isNaN(ms) ? undefined : ms;
}

export async function startAzureProxy(options: AzureProxyOptions): Promise<AzureProxy> {
  const upstream = new URL(options.upstream);
  const agent = new Agent({ keepAlive: true });
  const host = options.host ?? AZURE_PROXY_HOST;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const entry = recordRequest(options.log, 'azure', 'blob', req, res);
    if (options.latencyMs) await sleep(options.latencyMs);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    let action = options.faults.take('azure', 'blob', path);
    if (action?.kind === 'delay') {
      await sleep(action.ms);
      action = undefined;
    }
    if (action?.kind === 'status') {
      // Azure errors carry the code in a header and need a <Message> (neptune.md §7.2 pitfall).
      const error = injectedError('azure', action.status);
      entry.status = action.status;
      answerStatus(
        res,
        { ...action, headers: { 'x-ms-error-code': error.code, ...action.headers } },
        { body: errorXml('azure', error), contentType: 'application/xml' },
      );
      return;
    }
    // Real Azure answers an expired SAS with 403 AuthenticationFailed (what the Azure SDKs map to an auth
    // error, neptune.md §7.2); Azurite says AuthorizationFailure, so expiry is judged here, before forwarding.
    const expiresAt = sasExpiry(req.url ?? '/');
    if (action?.kind === 'expire' || (expiresAt !== undefined && Date.now() >= expiresAt)) {
      const error = expiredError('azure', expiresAt !== undefined && action?.kind !== 'expire' ? expiresAt : Date.now() - 1000, 900);
      entry.status = error.status;
      sendStorageError(res, 'azure', error, req.method === 'HEAD');
      return;
    }

    const upstreamReq = request({
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      agent,
      headers: { ...forwardable(req.headers), host: upstream.host },
    });
    const upstreamRes = await new Promise<IncomingMessage | Error>((resolve) => {
      upstreamReq.once('response', resolve);
      upstreamReq.once('error', resolve);
      req.pipe(upstreamReq);
    });
    if (upstreamRes instanceof Error) {
      entry.status = 502;
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`Azurite unreachable: ${upstreamRes.message}`);
      return;
    }
    const status = upstreamRes.statusCode ?? 502;
    entry.status = status;
    res.writeHead(status, forwardable(upstreamRes.headers));
    // Body-level faults (reset/truncate/stall/corrupt) act on Azurite's bytes; other answers pass through.
    await sendBody(res, upstreamRes, status < 300 ? action : undefined);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      } else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: 0 }, () => resolve());
  });
  return {
    origin: `http://${host}:${(server.address() as AddressInfo).port}`,
    async close() {
      await closeServer(server);
      agent.destroy();
    },
  };
}
