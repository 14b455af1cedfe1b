// Every request the emulators see, in arrival order, so tests can assert on call counts and on headers
// (e.g. that no Authorization header reached the storage host).
import type { IncomingMessage } from 'node:http';
import type { FaultTarget, RequestLog, RequestLogEntry } from './contracts.ts';

function lowerCaseHeaders(headers: RequestLogEntry['headers']): RequestLogEntry['headers'] {
  const out: RequestLogEntry['headers'] = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}

/**
 * The log keeps the entry object it is given (with its headers replaced by a lower-cased copy), so a server
 * can record a request on arrival and fill in `status` once the answer is known; a request whose connection
 * was killed before any answer keeps status 0.
 */
export function createRequestLog(): RequestLog {
  let list: RequestLogEntry[] = [];
  return {
    record(entry: RequestLogEntry): void {
      entry.headers = lowerCaseHeaders(entry.headers);
      list.push(entry);
    },
    entries(): readonly RequestLogEntry[] {
      return list;
    },
    count(target?: FaultTarget, endpoint?: string): number {
      let n = 0;
      for (const e of list) {
        if ((target === undefined || e.target === target) && (endpoint === undefined || e.endpoint === endpoint)) n += 1;
      }
      return n;
    },
    clear(): void {
      list = [];
    },
  };
}

/**
 * Records a request on arrival and sets its status when the answer is finished or the connection closes.
 * Returns the entry so the caller can relabel it (e.g. once a GraphQL operation name is parsed).
 */
export function recordRequest(
  log: RequestLog,
  target: FaultTarget,
  endpoint: string,
  req: IncomingMessage,
  res: { statusCode: number; headersSent: boolean; once(event: 'finish' | 'close', listener: () => void): unknown },
): RequestLogEntry {
  const entry: RequestLogEntry = {
    target,
    endpoint,
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    headers: { ...req.headers },
    status: 0,
    at: Date.now(),
  };
  log.record(entry);
  const settle = (): void => {
    if (entry.status === 0 && res.headersSent) entry.status = res.statusCode;
  };
  res.once('finish', settle);
  res.once('close', settle);
  return entry;
}
