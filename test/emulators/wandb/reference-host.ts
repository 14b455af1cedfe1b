// The web server behind W&B artifacts' http(s) reference entries (wandb-artifacts.md §5.4, §7 (item 3)): a plain host
// the tracker does not control, on its own loopback address (127.0.0.4), that answers GET with the object's bytes
// and an `ETag` (its hex MD5, quoted, as the manifest records it) and never needs a credential. Requests are
// logged (target `reference`, endpoint `ref`) after the fault engine had its say.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { contentMd5Base64, contentSize, contentStream, isMissing } from '../common/content.ts';
import type { Content, FaultEngine, RequestLog } from '../common/contracts.ts';
import { answerStatus, sendBody, sleep } from '../common/fault-body.ts';
import { recordRequest } from '../common/request-log.ts';
import { closeServer } from '../common/storage-server.ts';

export const REFERENCE_HOST = '127.0.0.4';

export interface ReferenceHost {
  /** `http://127.0.0.4:<port>` */
  origin: string;
  /** Serves `content` at `/<path>` (path segments URL-encoded in requests). */
  put(path: string, content: Content): void;
  close(): Promise<void>;
}

export async function startReferenceHost(faults: FaultEngine, log: RequestLog, latencyMs = 0): Promise<ReferenceHost> {
  const objects = new Map<string, Content>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    recordRequest(log, 'reference', 'ref', req, res);
    if (latencyMs > 0) await sleep(latencyMs);
    const url = new URL(req.url ?? '/', 'http://reference');
    let path: string;
    try {
      path = decodeURIComponent(url.pathname.slice(1));
    } catch {
      path = '';
    }
    let action = faults.take('reference', 'ref', url.pathname);
    if (action?.kind === 'delay') {
      await sleep(action.ms);
      action = undefined;
    }
    if (action?.kind === 'status') return answerStatus(res, action, { body: `injected ${action.status}\n`, contentType: 'text/plain' });
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('GET only\n');
      return;
    }
    const content = objects.get(path);
    if (content === undefined || isMissing(content)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found\n');
      return;
    }
    const size = contentSize(content);
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(size),
      etag: `"${Buffer.from(contentMd5Base64(content, path), 'base64').toString('hex')}"`,
      'last-modified': 'Mon, 01 Jan 2024 00:00:00 GMT',
    });
    if (req.method === 'HEAD' || size === 0) {
      res.end();
      return;
    }
    await sendBody(res, contentStream(content, path), action);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: REFERENCE_HOST, port: 0 }, () => resolve());
  });
  return {
    origin: `http://${REFERENCE_HOST}:${(server.address() as AddressInfo).port}`,
    put: (path, content) => objects.set(path, content),
    close: () => closeServer(server),
  };
}
