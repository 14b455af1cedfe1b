// How a fault acts on an HTTP answer: injected statuses, killed connections, and bodies that are cut short,
// paused, reset or corrupted mid-stream. Shared by the API servers (via applyApiFault), the gcp/aws storage
// server and the Azure proxy.
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { FaultAction } from './contracts.ts';

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Aborts when the response closes (client gone, or finished), so waits never outlive the connection. */
export function closeSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  if (res.destroyed || res.writableFinished) controller.abort();
  else res.once('close', () => controller.abort());
  return controller.signal;
}

/** Destroys the connection; `reset` sends a TCP RST so the client sees ECONNRESET rather than a clean close. */
export function killConnection(res: ServerResponse, reset: boolean): void {
  const socket = res.socket;
  if (socket && reset && typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else if (socket) socket.destroy();
  res.destroy();
}

/** Answers an injected `status` fault. */
export function answerStatus(
  res: ServerResponse,
  action: Extract<FaultAction, { kind: 'status' }>,
  fallback: { body: string; contentType: string },
): void {
  const body = action.body ?? fallback.body;
  const headers: Record<string, string> = {
    'content-type': action.body === undefined ? fallback.contentType : guessType(body),
    'content-length': String(Buffer.byteLength(body)),
    ...(action.retryAfter !== undefined ? { 'retry-after': action.retryAfter } : {}),
    ...lowerKeys(action.headers ?? {}),
  };
  res.writeHead(action.status, headers);
  res.end(body);
}

function guessType(body: string): string {
  const start = body.trimStart()[0];
  if (start === '<') return 'application/xml';
  if (start === '{' || start === '[') return 'application/json';
  return 'text/plain';
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

/** Bytes that differ from the input at the same length: every chunk's first byte is inverted. */
/** Corrupted answers so far: each one is corrupted differently, as bytes damaged in transit are. */
let corruptions = 0;

/** The chunk with its first byte changed by a mask that differs from one corrupted answer to the next. */
function corrupt(chunk: Buffer, mask: number): Buffer {
  if (chunk.length === 0) return chunk;
  const copy = Buffer.from(chunk);
  copy[0] = (copy[0] ?? 0) ^ mask;
  return copy;
}

function writeChunk(res: ServerResponse, chunk: Buffer, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    if (res.write(chunk)) return resolve();
    const done = (): void => {
      res.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.on('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Waits until everything written so far has left the process, so a following kill does not swallow it. */
function flushed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const socket = res.socket;
    if (res.destroyed || !socket || socket.destroyed) return resolve();
    // A zero-length socket write calls back once every earlier write (headers, corked body) reached the kernel.
    socket.write(Buffer.alloc(0), () => resolve());
  });
}

/**
 * The answer's headers as a `chunked` or `empty` fault changes them: no Content-Length (chunked transfer), or a
 * Content-Length of 0. Servers call this before writeHead; other faults leave the headers alone.
 */
export function faultedHeaders(headers: Record<string, string>, action: FaultAction | undefined): Record<string, string> {
  if (action?.kind === 'empty') return { ...headers, 'content-length': '0' };
  if (action?.kind !== 'chunked') return headers;
  const out = { ...headers };
  for (const name of Object.keys(out)) if (name.toLowerCase() === 'content-length') delete out[name];
  return out;
}

/**
 * Sends a body whose status and headers (with the full Content-Length) are already set, applying a body-level
 * fault: `truncate` (end the socket after `bytes`), `reset` (RST after `afterBytes`), `stall` (pause `ms`
 * after `afterBytes`, then continue), `corrupt` (same length, different bytes), `empty` (nothing), `chunked`
 * with `bytes` (that many, then a normal end). Other kinds, or none, send the body unchanged. Honours backpressure and stops quietly if the client goes away.
 */
export async function sendBody(res: ServerResponse, body: Readable | Buffer, action?: FaultAction): Promise<void> {
  const signal = closeSignal(res);
  if (action?.kind === 'empty') {
    destroySource(body);
    res.end();
    return;
  }
  if (action?.kind === 'chunked' && action.bytes !== undefined) return sendCleanlyCut(res, body, action.bytes, signal);
  const source: AsyncIterable<Buffer> | Iterable<Buffer> = Buffer.isBuffer(body) ? [body] : body;
  let cut: number | undefined;
  if (action?.kind === 'truncate') cut = action.bytes;
  if (action?.kind === 'reset' || action?.kind === 'stall') cut = action.afterBytes ?? 0;
  let sent = 0;
  let cutDone = cut === undefined;
  const mask = action?.kind === 'corrupt' ? 1 + (corruptions++ % 255) : 0;
  if (!cutDone && cut === 0) {
    cutDone = true;
    if (await interrupt(res, action, signal)) return destroySource(body);
  }
  try {
    for await (const raw of source) {
      if (signal.aborted) break;
      let chunk = action?.kind === 'corrupt' ? corrupt(raw, mask) : raw;
      if (!cutDone && cut !== undefined && sent + chunk.length >= cut) {
        const head = chunk.subarray(0, cut - sent);
        await writeChunk(res, head, signal);
        sent += head.length;
        cutDone = true;
        if (await interrupt(res, action, signal)) return destroySource(body);
        chunk = chunk.subarray(head.length);
      }
      if (chunk.length > 0) await writeChunk(res, chunk, signal);
      sent += chunk.length;
    }
  } catch {
    // The source failed (e.g. the upstream connection broke): cut the answer short so the client notices.
    killConnection(res, false);
    return;
  }
  if (!signal.aborted) res.end();
}

/** Sends the first `limit` bytes and ends the answer normally (a chunked body: the client sees a complete answer). */
async function sendCleanlyCut(res: ServerResponse, body: Readable | Buffer, limit: number, signal: AbortSignal): Promise<void> {
  const source: AsyncIterable<Buffer> | Iterable<Buffer> = Buffer.isBuffer(body) ? [body] : body;
  let sent = 0;
  try {
    for await (const chunk of source) {
      if (signal.aborted || sent >= limit) break;
      const part = chunk.subarray(0, limit - sent);
      await writeChunk(res, part, signal);
      sent += part.length;
    }
  } catch {
    killConnection(res, false);
    return;
  }
  destroySource(body);
  if (!signal.aborted) res.end();
}

/** Applies the interruption at the cut point; true when the connection is gone and sending must stop. */
async function interrupt(res: ServerResponse, action: FaultAction | undefined, signal: AbortSignal): Promise<boolean> {
  // headersSent is already true after writeHead(), yet the head waits for the first body byte: flush it always.
  res.flushHeaders();
  await flushed(res);
  if (action?.kind === 'stall') {
    await sleep(action.ms, signal);
    return signal.aborted;
  }
  // Ending (FIN) for truncate lets the client read what was sent; reset is abrupt.
  if (action?.kind === 'truncate') res.socket?.end();
  killConnection(res, action?.kind === 'reset');
  return true;
}

function destroySource(body: Readable | Buffer): void {
  if (!Buffer.isBuffer(body)) body.destroy();
}
