// The fault engine (which request gets which fault), rule parsing for the control interface, and applyApiFault
// for API servers (body mechanics in fault-body.ts). Rules are consulted in the order they were added; a seeded
// PRNG decides `probability`, so a failing run can be replayed with the same seed.
import type { ServerResponse } from 'node:http';
import type { FaultAction, FaultEngine, FaultRule, FaultTarget } from './contracts.ts';
import { answerStatus, closeSignal, faultedHeaders, killConnection, sendBody, sleep } from './fault-body.ts';

export { answerStatus, faultedHeaders, killConnection, sendBody, sleep } from './fault-body.ts';

/** mulberry32: tiny, fast and good enough to decide coin flips reproducibly. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

interface LiveRule {
  rule: FaultRule;
  remaining: number;
}

export function createFaultEngine(seed = 1): FaultEngine {
  const random = seededRandom(seed);
  let rules: LiveRule[] = [];
  const injected = new Map<string, number>();
  return {
    injected,
    add(rule: FaultRule): void {
      const remaining = rule.times ?? 1;
      if (!(remaining > 0)) return;
      rules.push({ rule, remaining });
    },
    clear(): void {
      rules = [];
    },
    take(target: FaultTarget, endpoint: string, path: string): FaultAction | undefined {
      // Callers pass raw or decoded paths; matching both makes `pathIncludes` work either way.
      const decoded = safeDecode(path);
      for (const live of rules) {
        const { rule } = live;
        if (rule.target !== target) continue;
        if (rule.endpoint !== undefined && rule.endpoint !== endpoint) continue;
        if (rule.pathIncludes !== undefined && !decoded.includes(rule.pathIncludes) && !path.includes(rule.pathIncludes)) {
          continue;
        }
        // A probabilistic miss leaves the rule unused; later rules may still match this request.
        if (rule.probability !== undefined && rule.probability < 1 && random() >= rule.probability) continue;
        live.remaining -= 1;
        if (live.remaining <= 0) rules = rules.filter((r) => r !== live);
        injected.set(rule.action.kind, (injected.get(rule.action.kind) ?? 0) + 1);
        return rule.action;
      }
      return undefined;
    },
  };
}

// ---------------------------------------------------------------- parsing rules sent over HTTP

const TARGETS: readonly string[] = ['neptune-api', 'wandb-api', 'mlflow-api', 'storage', 'azure', 'reference'];
const KINDS: readonly string[] = ['status', 'reset', 'truncate', 'stall', 'expire', 'delay', 'corrupt', 'chunked', 'empty'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates rules from JSON (one rule or an array); `times: null` means Infinity, since JSON has no Infinity. */
export function parseFaultRules(json: unknown): FaultRule[] {
  const list = Array.isArray(json) ? json : [json];
  return list.map((item, i) => {
    if (!isRecord(item)) throw new Error(`rule ${i}: not an object`);
    if (typeof item.target !== 'string' || !TARGETS.includes(item.target)) throw new Error(`rule ${i}: bad target`);
    const action = item.action;
    if (!isRecord(action) || typeof action.kind !== 'string' || !KINDS.includes(action.kind)) {
      throw new Error(`rule ${i}: bad action`);
    }
    if (action.kind === 'status' && typeof action.status !== 'number') throw new Error(`rule ${i}: status needs a number`);
    if ((action.kind === 'stall' || action.kind === 'delay') && typeof action.ms !== 'number') {
      throw new Error(`rule ${i}: ${action.kind} needs ms`);
    }
    if (action.kind === 'truncate' && typeof action.bytes !== 'number') throw new Error(`rule ${i}: truncate needs bytes`);
    const times = item.times === null ? Infinity : item.times;
    if (times !== undefined && typeof times !== 'number') throw new Error(`rule ${i}: bad times`);
    if (item.probability !== undefined && typeof item.probability !== 'number') throw new Error(`rule ${i}: bad probability`);
    // The checks above cover every field the engine and the servers read.
    return { ...item, times } as unknown as FaultRule;
  });
}

// ---------------------------------------------------------------- API servers

/**
 * Applies a fault on an API server before the handler runs. Returns true when the fault answered (or killed)
 * the request, false when the caller should answer normally: `delay` has waited, and body-level kinds
 * (`truncate`, `reset`/`stall` with `afterBytes`, `corrupt`, `chunked`, `empty`) are armed on `res` and act on the handler's body.
 * `reset` without `afterBytes` destroys the socket; `stall` without it waits `ms`, then destroys it (a hung
 * server); `expire` answers 401 (an expired credential).
 */
export async function applyApiFault(action: FaultAction, res: ServerResponse): Promise<boolean> {
  switch (action.kind) {
    case 'status':
      answerStatus(res, action, {
        body: JSON.stringify({ error: `injected HTTP ${action.status}` }),
        contentType: 'application/json',
      });
      return true;
    case 'delay':
      await sleep(action.ms, closeSignal(res));
      return res.destroyed;
    case 'expire':
      answerStatus(
        res,
        { kind: 'status', status: 401 },
        {
          body: JSON.stringify({ error: 'token expired' }),
          contentType: 'application/json',
        },
      );
      return true;
    case 'reset':
      if (!action.afterBytes) {
        killConnection(res, true);
        return true;
      }
      armBodyFault(res, action);
      return false;
    case 'stall':
      if (action.afterBytes === undefined) {
        await sleep(action.ms, closeSignal(res));
        killConnection(res, false);
        return true;
      }
      armBodyFault(res, action);
      return false;
    case 'truncate':
    case 'corrupt':
    case 'chunked':
    case 'empty':
      armBodyFault(res, action);
      return false;
  }
}

/** Makes the handler's writeHead send the headers a `chunked` or `empty` fault calls for (faultedHeaders). */
function rewriteHead(res: ServerResponse, action: FaultAction): void {
  const originalWriteHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, status: number, ...rest: unknown[]): ServerResponse {
    res.writeHead = originalWriteHead;
    const at = typeof rest[0] === 'string' ? 1 : 0;
    const given = rest[at];
    if (typeof given === 'object' && given !== null && !Array.isArray(given)) {
      rest[at] = faultedHeaders(given as Record<string, string>, action);
    }
    if (action.kind === 'chunked') res.removeHeader('content-length');
    else if (res.hasHeader('content-length')) res.setHeader('content-length', '0');
    return (originalWriteHead as (...args: unknown[]) => ServerResponse).call(res, status, ...rest);
  } as typeof res.writeHead;
}

/**
 * Buffers whatever the handler writes (API bodies are small), then sends it through `sendBody` with the fault.
 * Content-Length is set to the full body when the handler left headers open, so truncation is detectable.
 */
function armBodyFault(res: ServerResponse, action: FaultAction): void {
  if (action.kind === 'chunked' || action.kind === 'empty') rewriteHead(res, action);
  const chunks: Buffer[] = [];
  const originalWrite = res.write;
  const originalEnd = res.end;
  const toBuffer = (chunk: unknown, encoding: unknown): Buffer =>
    Buffer.isBuffer(chunk)
      ? chunk
      : typeof chunk === 'string'
        ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
        : Buffer.from(chunk as Uint8Array);
  // The overloads of write/end are collapsed into (chunk, encoding|callback, callback); callbacks are honoured.
  res.write = function (chunk: unknown, encoding?: unknown, cb?: unknown): boolean {
    chunks.push(toBuffer(chunk, encoding));
    const callback = typeof encoding === 'function' ? encoding : cb;
    if (typeof callback === 'function') queueMicrotask(() => (callback as () => void)());
    return true;
  } as typeof res.write;
  res.end = function (chunk?: unknown, encoding?: unknown, cb?: unknown): ServerResponse {
    if (typeof chunk === 'function') cb = chunk;
    else if (chunk !== undefined && chunk !== null) chunks.push(toBuffer(chunk, encoding));
    const callback = typeof encoding === 'function' ? encoding : cb;
    res.write = originalWrite;
    res.end = originalEnd;
    const body = Buffer.concat(chunks);
    if (!res.headersSent) {
      if (action.kind === 'chunked') res.removeHeader('content-length');
      else res.setHeader('content-length', action.kind === 'empty' ? 0 : body.length);
    }
    void sendBody(res, body, action).then(() => {
      if (typeof callback === 'function') (callback as () => void)();
    });
    return res;
  } as typeof res.end;
}
