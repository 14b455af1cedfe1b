// A loopback file server for downloader tests: each path serves fixed bytes, and a script of behaviours is
// consumed one per request (503, 429 with Retry-After, truncated or stalled bodies, resets, redirects…).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Behaviour =
  | 'ok'
  | { status: number; retryAfter?: string; body?: string }
  | { truncate: number }
  | { stallMs: number; afterBytes?: number }
  | { reset: number }
  | { redirect: string };

export interface ServedFile {
  content: Buffer;
  script?: Behaviour[];
}

export interface FaultyFileServer {
  origin: string;
  /** Requests seen per path. */
  hits: Map<string, number>;
  /** Every request in order: path, headers, and when it arrived (performance.now(), this process's clock). */
  seen: { path: string; headers: IncomingHttpHeaders; at: number }[];
  files: Map<string, ServedFile>;
  close(): Promise<void>;
}

export async function startFaultyFileServer(files: Record<string, ServedFile>, host = '127.0.0.1'): Promise<FaultyFileServer> {
  const table = new Map(Object.entries(files));
  const hits = new Map<string, number>();
  const seen: FaultyFileServer['seen'] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
    hits.set(path, (hits.get(path) ?? 0) + 1);
    seen.push({ path, headers: req.headers, at: performance.now() });
    const file = table.get(path);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such file');
      return;
    }
    const step = file.script?.shift() ?? 'ok';
    const body = file.content;
    if (step === 'ok') {
      res.writeHead(200, { 'content-length': body.length }).end(body);
    } else if ('status' in step) {
      const headers: Record<string, string> = { 'content-type': 'text/plain' };
      if (step.retryAfter !== undefined) headers['retry-after'] = step.retryAfter;
      res.writeHead(step.status, headers).end(step.body ?? `status ${step.status}`);
    } else if ('truncate' in step) {
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, step.truncate), () => res.socket?.destroy());
    } else if ('stallMs' in step) {
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, step.afterBytes ?? 0));
      const timer = setTimeout(() => res.end(body.subarray(step.afterBytes ?? 0)), step.stallMs);
      res.on('close', () => clearTimeout(timer));
    } else if ('reset' in step) {
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, step.reset), () => res.socket?.destroy());
    } else {
      res.writeHead(302, { location: step.redirect }).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host}:${port}`,
    hits,
    seen,
    files: table,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
