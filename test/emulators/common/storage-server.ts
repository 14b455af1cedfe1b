// The blob storage behind gcp/aws (Neptune) and W&B signed URLs. It listens on 127.0.0.2, a different
// loopback address than the API servers (127.0.0.1), so a client that carries the tracker's credentials to
// storage is visible in the request log. URLs are HMAC-signed and expire like GCS V4 / S3 presigned URLs.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { contentMd5Base64, contentSize, contentStream, isMissing, MAX_IN_MEMORY_BYTES } from './content.ts';
import type { BlobSigner, Content, FaultEngine, RequestLog, StorageProvider } from './contracts.ts';
import { answerStatus, faultedHeaders, sendBody, sleep } from './fault-body.ts';
import { recordRequest } from './request-log.ts';
import { badSignatureError, errorXml, expiredError, injectedError, missingError, sendStorageError } from './storage-errors.ts';

export const DEFAULT_URL_TTL_MS = 15 * 60 * 1000;
export const STORAGE_HOST = '127.0.0.2';

/** Blob store for provider `azure` (Azurite behind its recording proxy, see azure-blobs.ts). */
export interface AzureBlobs {
  put(key: string, content: Content): Promise<void>;
  sign(key: string): string;
}

export interface StorageServerOptions {
  faults: FaultEngine;
  log: RequestLog;
  /** Lifetime of signed URLs; rounded up to whole seconds as X-Goog-Expires/X-Amz-Expires are. */
  urlTtlMs?: number;
  /** Added before every answer (benchmarks). */
  latencyMs?: number;
  host?: string;
  azure?: AzureBlobs;
  /** Epoch-milliseconds clock for signing and expiry (default Date.now); lets tests expire URLs without waiting. */
  clock?: () => number;
}

export interface StorageServer {
  /** `http://127.0.0.2:<port>` */
  origin: string;
  signer: BlobSigner;
  /** The blob registered for a provider and key, if any. */
  blob(provider: StorageProvider | 'wandb', key: string): Content | undefined;
  close(): Promise<void>;
}

type UrlProvider = 'gcp' | 'aws' | 'wandb';

const BUCKETS: Record<UrlProvider, string> = { gcp: 'neptune-gcp', aws: 'neptune-aws', wandb: 'wandb' };

function providerOfBucket(bucket: string): UrlProvider | undefined {
  return (Object.keys(BUCKETS) as UrlProvider[]).find((p) => BUCKETS[p] === bucket);
}

/** `20250102T030405Z`, the date form of both X-Goog-Date and X-Amz-Date. */
function compactDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function parseCompactDate(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) : undefined;
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n`; undefined for none or multi-range (served whole), null if unsatisfiable. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined | null {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return null;
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return null;
  return { start, end };
}

export async function startStorageServer(options: StorageServerOptions): Promise<StorageServer> {
  const { faults, log } = options;
  const ttlMs = options.urlTtlMs ?? DEFAULT_URL_TTL_MS;
  const clock = options.clock ?? Date.now;
  const ttlSeconds = Math.max(1, Math.ceil(ttlMs / 1000));
  const secret = randomBytes(32);
  const blobs = new Map<string, Content>();
  const host = options.host ?? STORAGE_HOST;
  let origin = '';

  const mac = (bucket: string, key: string, date: string, expires: string): string =>
    createHmac('sha256', secret).update(`${bucket}\n${key}\n${date}\n${expires}`).digest('hex');

  const signer: BlobSigner = {
    async put(key, content, provider) {
      if (provider === 'azure') {
        if (!options.azure) throw new Error('no Azure storage is running (the fixture has no azure project)');
        return options.azure.put(key, content);
      }
      blobs.set(`${provider}\0${key}`, content);
    },
    sign(key, provider) {
      if (provider === 'azure') {
        if (!options.azure) throw new Error('no Azure storage is running (the fixture has no azure project)');
        return options.azure.sign(key);
      }
      const bucket = BUCKETS[provider];
      const now = clock();
      const date = compactDate(now);
      // Whole seconds counted from the (truncated) date, rounded up, so a URL lives at least urlTtlMs.
      const expires = String(Math.max(1, Math.ceil((now + ttlMs - Math.floor(now / 1000) * 1000) / 1000)));
      const sig = mac(bucket, key, date, expires);
      // The key is one path segment ('/' as %2F): `..` or empty segments must survive URL normalisation.
      const path = `/${bucket}/${encodeURIComponent(key)}`;
      const q =
        provider === 'aws'
          ? `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=emulator%2F${date.slice(0, 8)}%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=${date}&X-Amz-Expires=${expires}&X-Amz-SignedHeaders=host&X-Amz-Signature=${sig}`
          : `X-Goog-Algorithm=GOOG4-HMAC-SHA256&X-Goog-Credential=emulator%2F${date.slice(0, 8)}%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=${date}&X-Goog-Expires=${expires}&X-Goog-SignedHeaders=host&X-Goog-Signature=${sig}`;
      return `${origin}${path}?${q}`;
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const entry = recordRequest(log, 'storage', 'blob', req, res);
    const answered = (): void => {
      entry.status = res.statusCode;
    };
    res.once('close', () => {
      if (res.headersSent && entry.status === 0) answered();
    });
    if (options.latencyMs) await sleep(options.latencyMs);
    const url = new URL(req.url ?? '/', 'http://storage');
    const slash = url.pathname.indexOf('/', 1);
    const bucket = slash > 0 ? url.pathname.slice(1, slash) : url.pathname.slice(1);
    const provider = providerOfBucket(bucket);
    const dialect = provider === 'aws' ? 'aws' : 'gcp';
    const head = req.method === 'HEAD';
    const fail = (e: Parameters<typeof sendStorageError>[2]): void => {
      res.statusCode = e.status;
      answered();
      sendStorageError(res, dialect, e, head);
    };
    let key: string;
    try {
      key = slash > 0 ? decodeURIComponent(url.pathname.slice(slash + 1)) : '';
    } catch {
      return fail({ status: 400, code: 'InvalidURI', message: 'Couldn\u2019t parse the specified URI.' });
    }

    let action = faults.take('storage', 'blob', `${url.pathname}`);
    if (action?.kind === 'delay') {
      await sleep(action.ms);
      action = undefined;
    }
    if (action?.kind === 'status') {
      res.statusCode = action.status;
      answered();
      answerStatus(res, action, { body: errorXml(dialect, injectedError(dialect, action.status)), contentType: 'application/xml' });
      return;
    }
    if (action?.kind === 'expire') return fail(expiredError(dialect, clock() - 1000, ttlSeconds));

    if (req.method !== 'GET' && !head) return fail({ status: 405, code: 'MethodNotAllowed', message: 'Method not allowed.' });
    if (provider === undefined) return fail({ status: 404, code: 'NoSuchBucket', message: 'The specified bucket does not exist.' });

    // Signature and expiry (GCS V4 / S3 presigned shapes; the HMAC is ours).
    const p = provider === 'aws' ? 'X-Amz-' : 'X-Goog-';
    const date = url.searchParams.get(`${p}Date`) ?? '';
    const expires = url.searchParams.get(`${p}Expires`) ?? '';
    const sig = url.searchParams.get(`${p}Signature`) ?? '';
    const signedAt = parseCompactDate(date);
    if (signedAt === undefined || !/^\d+$/.test(expires) || !/^[0-9a-f]{64}$/.test(sig)) {
      return fail({
        status: 403,
        code: 'AccessDenied',
        message: 'Access denied. Anonymous caller does not have storage.objects.get access.',
      });
    }
    if (!timingSafeEqual(Buffer.from(sig, 'hex'), Buffer.from(mac(bucket, key, date, expires), 'hex'))) {
      return fail(badSignatureError(dialect));
    }
    const expiresAt = signedAt + Number(expires) * 1000;
    if (clock() >= expiresAt) return fail(expiredError(dialect, expiresAt, Number(expires)));

    const content = blobs.get(`${provider}\0${key}`);
    if (content === undefined || isMissing(content)) return fail(missingError(dialect, bucket, key));

    const size = contentSize(content);
    const range = parseRange(typeof req.headers.range === 'string' ? req.headers.range : undefined, size);
    if (range === null) {
      res.setHeader('content-range', `bytes */${size}`);
      return fail({ status: 416, code: 'InvalidRange', message: 'The requested range cannot be satisfied.' });
    }
    const start = range?.start ?? 0;
    const end = range?.end ?? size - 1;
    const small = size <= MAX_IN_MEMORY_BYTES;
    const headers: Record<string, string> = {
      'content-type': 'application/octet-stream',
      'content-length': String(end - start + 1),
      'accept-ranges': 'bytes',
      'last-modified': 'Mon, 01 Jan 2024 00:00:00 GMT',
      // A strong ETag must not cost a full MD5 pass over a gigabyte; big blobs get one from their identity.
      etag: `"${small ? Buffer.from(contentMd5Base64(content, key), 'base64').toString('hex') : `${size}-${createHmac('sha256', 'etag').update(key).digest('hex').slice(0, 16)}`}"`,
    };
    if (range) headers['content-range'] = `bytes ${start}-${end}/${size}`;
    if (provider !== 'aws' && small) headers['x-goog-hash'] = `md5=${contentMd5Base64(content, key)}`;
    res.writeHead(range ? 206 : 200, faultedHeaders(headers, action));
    answered();
    if (head || size === 0) {
      res.end();
      return;
    }
    await sendBody(res, contentStream(content, key, start, end), action);
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
  origin = `http://${host}:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    signer,
    blob: (provider, key) => blobs.get(`${provider}\0${key}`),
    close: () => closeServer(server),
  };
}

/** Stops accepting and drops every connection, idle keep-alive ones included, so close never hangs. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
