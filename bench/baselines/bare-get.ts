// The limit the action is compared with: a bare keep-alive GET loop over the same signed URLs, at the same
// concurrency, streaming each body to its own file on the same disk. No resolution, no hashing, no temporary
// file and rename, no manifest: what is left is the cost of HTTP on loopback, the emulator and the disk.
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Agent, request } from 'undici';

export interface BareGetRequest {
  url: string;
  headers?: Record<string, string>;
}

export interface BareGetResult {
  wallMs: number;
  files: number;
  bytes: number;
  requests: number;
  /** CPU of this (the benchmark's) process during the loop. */
  cpuMs: number;
}

export interface BareGetOptions {
  concurrency: number;
  /** Folder the files are written to (created; emptied first). */
  destination: string;
  /** Follow one redirect (W&B file URLs answer 302 to signed storage), dropping the headers on the way. */
  followRedirect?: boolean;
}

const FOLDERS = 20;

export async function bareGetLoop(items: readonly BareGetRequest[], options: BareGetOptions): Promise<BareGetResult> {
  await rm(options.destination, { recursive: true, force: true });
  // Files spread over a few folders, as the action's layout does (one per run).
  for (let f = 0; f < Math.min(FOLDERS, items.length); f += 1) await mkdir(path.join(options.destination, String(f)), { recursive: true });
  const agent = new Agent({ connections: options.concurrency, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000 });
  let next = 0;
  let bytes = 0;
  let requests = 0;

  const fetchOne = async (index: number): Promise<void> => {
    const item = items[index] as BareGetRequest;
    let url = item.url;
    let headers = item.headers;
    for (let hop = 0; ; hop += 1) {
      requests += 1;
      const res = await request(url, { method: 'GET', headers, dispatcher: agent });
      const location = res.headers.location;
      if (options.followRedirect && res.statusCode >= 300 && res.statusCode < 400 && typeof location === 'string' && hop < 3) {
        await res.body.dump();
        url = new URL(location, url).toString();
        headers = undefined;
        continue;
      }
      if (res.statusCode < 200 || res.statusCode >= 300) {
        const text = await res.body.text();
        throw new Error(`bare GET ${index}: HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
      }
      const file = path.join(options.destination, String(index % FOLDERS), `${index}.bin`);
      let n = 0;
      res.body.on('data', (chunk: Buffer) => {
        n += chunk.length;
      });
      await pipeline(res.body, createWriteStream(file, { highWaterMark: 1 << 20 }));
      bytes += n;
      return;
    }
  };
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      await fetchOne(index);
    }
  };

  const cpu0 = process.cpuUsage();
  const started = performance.now();
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, items.length)) }, worker));
  } finally {
    await agent.close();
  }
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  return { wallMs, files: items.length, bytes, requests, cpuMs: (cpu.user + cpu.system) / 1000 };
}
