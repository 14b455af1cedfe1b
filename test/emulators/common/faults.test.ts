import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import type { FaultAction } from './contracts.ts';
import { applyApiFault, createFaultEngine, parseFaultRules } from './faults.ts';
import { closeServer } from './storage-server.ts';

test('rules are consumed in order, once by default', () => {
  const f = createFaultEngine();
  f.add({ target: 'storage', action: { kind: 'status', status: 500 } });
  f.add({ target: 'storage', times: 2, action: { kind: 'status', status: 503 } });
  const statuses = Array.from({ length: 5 }, () => {
    const a = f.take('storage', 'blob', '/x');
    return a?.kind === 'status' ? a.status : undefined;
  });
  assert.deepEqual(statuses, [500, 503, 503, undefined, undefined]);
  assert.equal(f.injected.get('status'), 3);
});

test('target, endpoint and path filters; Infinity; clear', () => {
  const f = createFaultEngine();
  f.add({ target: 'neptune-api', endpoint: 'search', pathIncludes: 'ü name', times: Infinity, action: { kind: 'reset' } });
  assert.equal(f.take('wandb-api', 'search', '/ü name'), undefined);
  assert.equal(f.take('neptune-api', 'signed-url', '/ü name'), undefined);
  assert.equal(f.take('neptune-api', 'search', '/other'), undefined);
  for (let i = 0; i < 50; i += 1) assert.equal(f.take('neptune-api', 'search', '/a/%C3%BC%20name')?.kind, 'reset');
  f.clear();
  assert.equal(f.take('neptune-api', 'search', '/ü name'), undefined);
  assert.equal(f.injected.get('reset'), 50);
});

test('probability is seeded and roughly honoured', () => {
  const draw = (seed: number): boolean[] => {
    const f = createFaultEngine(seed);
    f.add({ target: 'storage', probability: 0.3, times: Infinity, action: { kind: 'corrupt' } });
    return Array.from({ length: 1000 }, () => f.take('storage', 'blob', '/') !== undefined);
  };
  const a = draw(7);
  assert.deepEqual(draw(7), a);
  assert.notDeepEqual(draw(8), a);
  const hits = a.filter(Boolean).length;
  assert.ok(hits > 230 && hits < 370, `${hits}`);
});

test('a probabilistic miss keeps the rule and lets later rules match', () => {
  const f = createFaultEngine(3);
  f.add({ target: 'storage', probability: 0, action: { kind: 'corrupt' } });
  f.add({ target: 'storage', action: { kind: 'expire' } });
  assert.equal(f.take('storage', 'blob', '/')?.kind, 'expire');
  assert.equal(f.take('storage', 'blob', '/'), undefined);
});

test('parseFaultRules: times null is Infinity, bad rules are rejected', () => {
  const [rule] = parseFaultRules({ target: 'azure', times: null, action: { kind: 'delay', ms: 5 } });
  assert.equal(rule?.times, Infinity);
  assert.equal(
    parseFaultRules([
      { target: 'storage', action: { kind: 'expire' } },
      { target: 'storage', action: { kind: 'corrupt' } },
    ]).length,
    2,
  );
  assert.throws(() => parseFaultRules({ target: 'nowhere', action: { kind: 'expire' } }), /target/);
  assert.throws(() => parseFaultRules({ target: 'storage', action: { kind: 'status' } }), /status/);
  assert.throws(() => parseFaultRules({ target: 'storage', action: { kind: 'explode' } }), /action/);
});

// ---------------------------------------------------------------- API faults on a real server

let nextAction: FaultAction | undefined;
const BODY = JSON.stringify({ answer: 'x'.repeat(1000) });
const server: Server = createServer((req, res) => {
  void (async () => {
    if (nextAction && (await applyApiFault(nextAction, res))) return;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(BODY);
  })();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as AddressInfo).port;
after(() => closeServer(server));

interface Got {
  status?: number;
  headers?: Record<string, unknown>;
  body: Buffer;
  error?: string;
}

function get(action: FaultAction | undefined): Promise<Got> {
  nextAction = action;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', (e) => resolve({ status: res.statusCode, body: Buffer.concat(chunks), error: e.message }));
    });
    req.on('error', (e) => resolve({ body: Buffer.concat(chunks), error: e.message }));
    req.end();
  });
}

test('applyApiFault: status with Retry-After and custom headers', async () => {
  const got = await get({ kind: 'status', status: 429, retryAfter: '2', headers: { 'X-Extra': 'y' } });
  assert.equal(got.status, 429);
  assert.equal(got.headers?.['retry-after'], '2');
  assert.equal(got.headers?.['x-extra'], 'y');
  assert.match(got.body.toString(), /injected HTTP 429/);
  const custom = await get({ kind: 'status', status: 400, body: '{"errorType":"ACCESS_DENIED"}' });
  assert.equal(custom.body.toString(), '{"errorType":"ACCESS_DENIED"}');
});

test('applyApiFault: delay answers normally, reset and stall kill the connection', async () => {
  // Lower bounds only (a busy machine can only make a delay longer); 5 ms for the event loop's ms clock.
  const t0 = performance.now();
  const delayed = await get({ kind: 'delay', ms: 60 });
  assert.ok(performance.now() - t0 >= 55, `answered ${performance.now() - t0} ms after a 60 ms delay`);
  assert.equal(delayed.body.toString(), BODY);
  assert.ok((await get({ kind: 'reset' })).error);
  const t1 = performance.now();
  assert.ok((await get({ kind: 'stall', ms: 50 })).error);
  assert.ok(performance.now() - t1 >= 45, `cut ${performance.now() - t1} ms after a 50 ms stall`);
});

test('applyApiFault: body-level faults act on the handler answer', async () => {
  const truncated = await get({ kind: 'truncate', bytes: 100 });
  assert.equal(truncated.status, 200);
  assert.ok(truncated.error, 'a truncated body is an error for the client');
  assert.equal(truncated.body.length, 100);
  const corrupted = await get({ kind: 'corrupt' });
  assert.equal(corrupted.body.length, BODY.length);
  assert.notEqual(corrupted.body.toString(), BODY);
  const reset = await get({ kind: 'reset', afterBytes: 10 });
  assert.ok(reset.error);
  assert.ok(reset.body.length <= 10);
  const stalled = await get({ kind: 'stall', ms: 40, afterBytes: 5 });
  assert.equal(stalled.body.toString(), BODY);
  assert.equal((await get(undefined)).body.toString(), BODY);
});

test('applyApiFault: a chunked body has no Content-Length and may end cleanly short; empty is a 200 with nothing', async () => {
  const chunked = await get({ kind: 'chunked' });
  assert.equal(chunked.headers?.['content-length'], undefined);
  assert.equal(chunked.headers?.['transfer-encoding'], 'chunked');
  assert.equal(chunked.body.toString(), BODY);
  const short = await get({ kind: 'chunked', bytes: 300 });
  assert.equal(short.error, undefined, 'the client sees a complete answer');
  assert.equal(short.headers?.['content-length'], undefined);
  assert.equal(short.body.toString(), BODY.slice(0, 300));
  const empty = await get({ kind: 'empty' });
  assert.equal(empty.status, 200);
  assert.equal(empty.error, undefined);
  assert.equal(empty.headers?.['content-length'], '0');
  assert.equal(empty.body.length, 0);
  assert.equal(parseFaultRules({ target: 'mlflow-api', action: { kind: 'chunked', bytes: 3 } }).length, 1);
});
