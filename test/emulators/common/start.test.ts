// The composer with stand-in tracker handlers: control routes, mounting, storage wiring, Azurite on demand,
// latency, and a close that does not hang on keep-alive connections.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Agent, request } from 'undici';
import type { Fixture, NeptuneFixture } from './contracts.ts';
import { applyApiFault } from './faults.ts';
import { recordRequest } from './request-log.ts';
import { startEmulators, type NeptuneHandlerFactory, type WandbHandlerFactory } from '../start.ts';

const neptuneFixture = (provider: 'gcp' | 'azure'): NeptuneFixture => ({
  apiKey: 'secret',
  projects: [
    {
      id: 'ws/proj',
      provider,
      runs: [
        {
          sysId: 'P-1',
          customRunId: 'r1',
          experimentName: 'e',
          creationTime: '2024-01-01T00:00:00Z',
          attributes: { f: { type: 'fileRef', mimeType: 'text/plain', content: { text: 'file body' } } },
        },
      ],
    },
  ],
});

/** A stand-in Neptune handler: registers the blobs, signs on GET /sign, honours neptune-api faults. */
const fakeNeptune: NeptuneHandlerFactory = async ({ fixture, signer, faults, log, baseUrl, options }) => {
  const project = fixture.projects[0];
  const provider = project?.provider ?? 'gcp';
  const attr = project?.runs[0]?.attributes.f;
  if (attr?.type === 'fileRef') await signer.put('ws/proj/f', attr.content, provider);
  return {
    apiToken: Buffer.from(JSON.stringify({ api_address: baseUrl(), api_key: fixture.apiKey })).toString('base64'),
    handler(req, res) {
      void (async () => {
        recordRequest(log, 'neptune-api', 'signed-url', req, res);
        const action = faults.take('neptune-api', 'signed-url', req.url ?? '/');
        if (action && (await applyApiFault(action, res))) return;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ url: signer.sign('ws/proj/f', provider), options }));
      })();
    },
  };
};

const fakeWandb: WandbHandlerFactory = async ({ fixture }) => ({
  apiKey: fixture.apiKey,
  handler(_req, res) {
    res.end('{"data":{}}');
  },
});

async function json(url: string, init: { method?: 'GET' | 'POST' | 'DELETE'; body?: string } = {}) {
  const res = await request(url, { method: init.method ?? 'GET', body: init.body });
  return { status: res.statusCode, body: (await res.body.json()) as unknown };
}

test('a fixture without trackers starts only the storage server', async () => {
  const em = await startEmulators({ fixture: {} });
  try {
    assert.equal(em.neptune, undefined);
    assert.equal(em.wandb, undefined);
    assert.equal(em.azure, undefined);
    assert.match(em.storageOrigin, /^http:\/\/127\.0\.0\.2:/);
  } finally {
    await em.close();
  }
});

test('API servers: control interface, mounting, signing through storage, close', async () => {
  const fixture: Fixture = { neptune: neptuneFixture('gcp'), wandb: { apiKey: 'k'.repeat(40), viewerEntity: 'e', projects: [] } };
  const em = await startEmulators({ fixture, handlers: { neptune: fakeNeptune, wandb: fakeWandb }, neptune: { pageSize: 2 } });
  const keepAlive = new Agent({ keepAliveTimeout: 60_000 });
  let stuckBody: Promise<string> | undefined;
  try {
    const api = em.neptune?.url ?? '';
    assert.match(api, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(JSON.parse(Buffer.from(em.neptune?.apiToken ?? '', 'base64').toString()).api_address, api);
    assert.equal(em.wandb?.apiKey, 'k'.repeat(40));
    assert.deepEqual((await json(`${api}/_emulator/health`)).body, { ok: true });

    const signed = (await json(`${api}/sign`)).body as { url: string; options: unknown };
    assert.deepEqual(signed.options, { pageSize: 2 });
    const blob = await request(signed.url, { dispatcher: keepAlive });
    assert.equal(await blob.body.text(), 'file body');

    // Faults over HTTP: times null = always, until cleared.
    const added = await json(`${api}/_emulator/faults`, {
      method: 'POST',
      body: JSON.stringify([{ target: 'neptune-api', times: null, action: { kind: 'status', status: 503, retryAfter: '1' } }]),
    });
    assert.deepEqual(added.body, { added: 1 });
    assert.equal((await json(`${api}/sign`)).status, 503);
    assert.equal((await json(`${api}/sign`)).status, 503);
    assert.deepEqual((await json(`${api}/_emulator/faults`)).body, { injected: { status: 2 } });
    await json(`${api}/_emulator/faults`, { method: 'DELETE' });
    assert.equal((await json(`${api}/sign`)).status, 200);
    assert.equal((await json(`${api}/_emulator/faults`, { method: 'POST', body: '{"target":"x"}' })).status, 400);

    const log = (await json(`${em.wandb?.url}/_emulator/requests?target=storage`)).body as { endpoint: string }[];
    assert.equal(log.length, 1);
    assert.equal(log[0]?.endpoint, 'blob');
    assert.equal(em.log.count('neptune-api'), 4);
    await json(`${api}/_emulator/requests`, { method: 'DELETE' });
    assert.equal(em.log.entries().length, 0);
    assert.equal((await json(`${api}/_emulator/nothing`)).status, 404);

    // An answer stuck in the middle of its body (far longer than the test runs) on a second connection.
    em.faults.add({ target: 'storage', times: 1, action: { kind: 'stall', ms: 600_000, afterBytes: 4 } });
    const stuck = await request(signed.url, { dispatcher: keepAlive });
    assert.equal(stuck.statusCode, 200);
    stuckBody = stuck.body.text();
    stuckBody.catch(() => undefined);
  } finally {
    // The idle keep-alive connection to storage is still open, and the stuck answer would never end by
    // itself: close must drop both instead of waiting (a close that waits fails here after 30 s, saying so).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      em.close(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('em.close() hung on open connections (still pending after 30 s)')), 30_000);
      }),
    ]).finally(() => clearTimeout(timer));
    await keepAlive.close();
  }
  await assert.rejects(stuckBody ?? Promise.reject(new Error('no stuck answer')), 'the stuck answer was cut off by close');
});

test('latencyMs delays API and storage answers', async () => {
  const em = await startEmulators({ fixture: { neptune: neptuneFixture('gcp') }, handlers: { neptune: fakeNeptune }, latencyMs: 80 });
  try {
    // Lower bounds only: a busy machine can only make an answer later.
    const t0 = performance.now();
    const { url } = (await json(`${em.neptune?.url}/sign`)).body as { url: string };
    const t1 = performance.now();
    await (await request(url)).body.text();
    const t2 = performance.now();
    assert.ok(t1 - t0 >= 75, `api ${t1 - t0}`);
    assert.ok(t2 - t1 >= 75, `storage ${t2 - t1}`);
  } finally {
    await em.close();
  }
});

test('an azure project starts Azurite behind the proxy, and close stops it', async () => {
  const t0 = performance.now();
  const em = await startEmulators({ fixture: { neptune: neptuneFixture('azure') }, handlers: { neptune: fakeNeptune } });
  console.log(`emulators with Azurite ready after ${(performance.now() - t0).toFixed(0)} ms`);
  try {
    assert.match(em.azure?.origin ?? '', /^http:\/\/127\.0\.0\.3:/);
    const { url } = (await json(`${em.neptune?.url}/sign`)).body as { url: string };
    assert.ok(url.startsWith(`${em.azure?.origin}/devstoreaccount1/`));
    assert.equal(await (await request(url)).body.text(), 'file body');
    assert.equal(em.log.count('azure', 'blob'), 1);
  } finally {
    await em.close();
  }
  await assert.rejects(request(`${em.azure?.origin}/`));
});

test('a tracker whose module fails to load rejects and leaves nothing running', async () => {
  const failing: NeptuneHandlerFactory = async () => {
    throw new Error('handler exploded');
  };
  await assert.rejects(startEmulators({ fixture: { neptune: neptuneFixture('gcp') }, handlers: { neptune: failing } }), /handler exploded/);
});
