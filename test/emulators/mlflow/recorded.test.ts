// The emulator against the recorded exchanges (recorded/exchanges.json; docs/protocols/mlflow.md §9): every
// read-only request the official client sent to the official server is replayed against the emulator serving
// the recorded state (recorded/fixture.ts), and the answer must be the recorded one — status, JSON body,
// Content-Length (the server's own JSON formatting), content type and disposition, bytes.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { startEmulators, type RunningEmulators } from '../start.ts';
import { recordedFixtureWithOdd, recordedFixture, R_ODD } from './recorded/fixture.ts';

interface Exchange {
  method: string;
  path: string;
  requestBody?: unknown;
  status: number;
  responseHeaders: Record<string, string>;
  responseBody?: { json?: unknown; text?: string; empty?: true; binary?: { size: number; sha256: string; startsHex: string } };
}
interface Step {
  step: number;
  title: string;
  sequence: { request: string; status: number; bytes?: number }[];
  exchanges: Exchange[];
}

const recorded = JSON.parse(readFileSync(new URL('./recorded/exchanges.json', import.meta.url), 'utf8')) as { steps: Step[] };
/** Writes the emulator does not implement (it serves downloads; logging runs is the client's other half). */
const WRITES = new Set(['POST /api/2.0/mlflow/experiments/create', 'POST /api/2.0/mlflow/runs/create', 'POST /api/2.0/mlflow/runs/update']);
const isWrite = (e: Exchange): boolean => e.method === 'PUT' || WRITES.has(`${e.method} ${e.path.split('?')[0]}`);

async function replay(base: string, e: Exchange): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  const res = await request(`${base}${e.path}`, {
    method: e.method as 'GET' | 'POST',
    headers: e.requestBody === undefined ? {} : { 'content-type': 'application/json' },
    body: e.requestBody === undefined ? undefined : JSON.stringify(e.requestBody),
  });
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers[k.toLowerCase()] = v;
  return { status: res.statusCode, headers, body: Buffer.from(await res.body.arrayBuffer()) };
}

function lower(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

function check(e: Exchange, got: Awaited<ReturnType<typeof replay>>): void {
  const what = `${e.method} ${e.path}`;
  const want = lower(e.responseHeaders);
  assert.equal(got.status, e.status, what);
  // The recorder replaced its own paths by /srv/… in bodies, which changed their length (exchanges.json 'about').
  const rewritten = JSON.stringify(e.responseBody ?? '').includes('/srv/');
  for (const name of ['content-type', 'content-disposition', 'x-content-type-options', 'x-frame-options', 'content-length']) {
    if (name === 'content-length' && rewritten) continue;
    assert.equal(got.headers[name], want[name], `${what}: ${name}`);
  }
  const body = e.responseBody;
  if (body?.json !== undefined) assert.deepEqual(JSON.parse(got.body.toString('utf8')), body.json, what);
  if (body?.text !== undefined) assert.equal(got.body.toString('utf8'), body.text, what);
  if (body?.empty) assert.equal(got.body.length, 0, what);
  if (body?.binary) {
    assert.equal(got.body.length, body.binary.size, what);
    assert.equal(createHash('sha256').update(got.body).digest('hex'), body.binary.sha256, what);
  }
}

describe('the emulator answers as the recorded server', () => {
  let em: RunningEmulators;
  let odd: RunningEmulators;
  before(async () => {
    em = await startEmulators({ fixture: { mlflow: recordedFixture } });
    odd = await startEmulators({ fixture: { mlflow: recordedFixtureWithOdd } });
  });
  after(async () => {
    await em.close();
    await odd.close();
  });

  for (const step of recorded.steps.filter((s) => s.step < 22)) {
    it(`step ${step.step}: ${step.title}`, async () => {
      const base = em.mlflow?.url ?? '';
      for (const e of step.exchanges) check(e, await replay(base, e));
      // Exchanges listed only in the sequence (same request as shown elsewhere): status and length.
      for (const s of step.sequence) {
        const [method = 'GET', path = ''] = s.request.split(' ');
        const got = await replay(base, { method, path, status: s.status, responseHeaders: {} });
        assert.equal(got.status, s.status, s.request);
        const shown = step.exchanges.concat(recorded.steps.flatMap((x) => x.exchanges)).find((x) => `${x.method} ${x.path}` === s.request);
        const pathsRewritten = JSON.stringify(shown?.responseBody ?? '').includes('/srv/');
        if (s.bytes !== undefined && !pathsRewritten) assert.equal(got.body.length, s.bytes, `${s.request}: bytes`);
      }
    });
  }

  it('step 22: a non-ASCII name is listed, and its proxied download answers 500 (21 bytes)', async () => {
    const step = recorded.steps.find((s) => s.step === 22);
    assert.ok(step);
    const base = odd.mlflow?.url ?? '';
    for (const e of step.exchanges.filter((x) => !isWrite(x))) {
      // runs/get before and after the run was ended: the emulator serves the state before.
      if (e.path.startsWith('/api/2.0/mlflow/runs/get')) continue;
      check(e, await replay(base, e));
    }
    const download = step.sequence.at(-1);
    assert.ok(download?.request.includes(`/artifacts/3/${R_ODD}/artifacts/odd/%C3%A9.txt`), 'the last request is the download');
    if (download === undefined) return;
    const got = await replay(base, { method: 'GET', path: download.request.split(' ')[1] ?? '', status: 500, responseHeaders: {} });
    assert.equal(got.status, download.status);
    assert.equal(got.body.length, download.bytes);
  });
});
