// The `/_emulator/` control interface every API server answers before its tracker handler, so a test (or a
// person poking the demo with curl) can inject faults and read the request log of a running emulator.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultEngine, FaultTarget, RequestLog } from './contracts.ts';
import { parseFaultRules } from './faults.ts';

export const CONTROL_PREFIX = '/_emulator/';

const MAX_BODY_BYTES = 1024 * 1024;

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Answers `/_emulator/*` requests; returns false for any other path (the caller then delegates).
 * - `POST /_emulator/faults`: a FaultRule or an array (`times: null` = Infinity) → `{"added": n}`
 * - `DELETE /_emulator/faults` clears rules; `GET /_emulator/faults` → `{"injected": {kind: n}}`
 * - `GET /_emulator/requests[?target=&endpoint=]` → the log as JSON; `DELETE /_emulator/requests` clears it
 * - `GET /_emulator/request-counts` → `{"<target> <endpoint>": n}` (cheap for logs of 10,000+ entries; benchmarks)
 * - `GET /_emulator/health` → `{"ok": true}`
 */
export async function handleControl(req: IncomingMessage, res: ServerResponse, faults: FaultEngine, log: RequestLog): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  if (!url.pathname.startsWith(CONTROL_PREFIX)) return false;
  const route = `${req.method ?? 'GET'} ${url.pathname.slice(CONTROL_PREFIX.length).replace(/\/$/, '')}`;
  switch (route) {
    case 'GET health':
      sendJson(res, 200, { ok: true });
      return true;
    case 'POST faults': {
      let rules;
      try {
        rules = parseFaultRules(JSON.parse(await readBody(req)));
      } catch (error) {
        sendJson(res, 400, { error: error instanceof Error ? error.message : String(error) });
        return true;
      }
      for (const rule of rules) faults.add(rule);
      sendJson(res, 200, { added: rules.length });
      return true;
    }
    case 'DELETE faults':
      faults.clear();
      sendJson(res, 200, { cleared: true });
      return true;
    case 'GET faults':
      sendJson(res, 200, { injected: Object.fromEntries(faults.injected) });
      return true;
    case 'GET requests': {
      const target = url.searchParams.get('target') as FaultTarget | null;
      const endpoint = url.searchParams.get('endpoint');
      const entries = log
        .entries()
        .filter((e) => (target === null || e.target === target) && (endpoint === null || e.endpoint === endpoint));
      sendJson(res, 200, entries);
      return true;
    }
    case 'GET request-counts': {
      const counts: Record<string, number> = {};
      for (const e of log.entries()) counts[`${e.target} ${e.endpoint}`] = (counts[`${e.target} ${e.endpoint}`] ?? 0) + 1;
      sendJson(res, 200, counts);
      return true;
    }
    case 'DELETE requests':
      log.clear();
      sendJson(res, 200, { cleared: true });
      return true;
    default:
      sendJson(res, 404, { error: `unknown control route ${route}` });
      return true;
  }
}
