// Locator.body: a file the source makes itself is written like a download (temporary file, rename, length and
// MD5 checks, skip-existing) without any request.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, it } from 'node:test';
import { Agent } from 'undici';
import { downloadAll } from '../../../src/core/download/download-pool.ts';
import { LocalPathPlanner } from '../../../src/core/plan/local-paths.ts';
import type { Locator, Source } from '../../../src/core/source.ts';
import type { RemoteFile } from '../../../src/core/types.ts';

const body = Buffer.from("model_name: fid-model\nmodel_version: '1'\n");
const md5 = createHash('md5').update(body).digest('base64');
const dispatcher = new Agent();
const roots: string[] = [];
after(async () => {
  await dispatcher.close();
  await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
});

function source(held: Buffer): Source & { located: number } {
  return {
    name: 'test',
    located: 0,
    async *resolve() {},
    async locate(): Promise<Locator> {
      this.located += 1;
      return { url: 'made by the source', body: held, classify: () => 'fatal' };
    },
  };
}

const file = (size: number): RemoteFile => ({
  backend: 'test',
  project: 'p',
  containerKind: 'model-version',
  container: 'models:/fid-model/1',
  attribute: 'registered_model_meta',
  size,
  checksum: { algorithm: 'md5', value: md5 },
  pathParts: ['fid-model-v1', 'registered_model_meta'],
  handle: null,
});

async function run(dest: string, f: RemoteFile, held: Buffer) {
  const planned = new LocalPathPlanner({ destination: dest, flavor: 'posix', caseInsensitive: false }).plan(f);
  assert.ok(planned);
  const retry = { maxAttempts: 2, baseDelayMs: 0, maxDelayMs: 0, maxTotalWaitMs: 100 };
  const signal = new AbortController().signal;
  return downloadAll([planned], source(held), { destination: dest, concurrency: 2, overwrite: 'skip-existing', retry, dispatcher, signal });
}

it('writes held bytes into place, then skips them when they are already there', async () => {
  const dest = await mkdtemp(path.join(tmpdir(), 'def-held-'));
  roots.push(dest);
  const [first] = await run(dest, file(body.length), body);
  assert.equal(first?.status, 'downloaded');
  assert.equal(first?.md5, md5);
  assert.deepEqual(await readFile(path.join(dest, 'fid-model-v1/registered_model_meta')), body);
  const [second] = await run(dest, file(body.length), body);
  assert.equal(second?.status, 'skipped');
  assert.deepEqual(await readdir(path.join(dest, 'fid-model-v1')), ['registered_model_meta']);
});

it('checks held bytes like downloaded ones: a wrong length fails and leaves nothing', async () => {
  const dest = await mkdtemp(path.join(tmpdir(), 'def-held-'));
  roots.push(dest);
  const [result] = await run(dest, file(body.length + 1), body);
  assert.equal(result?.status, 'failed');
  assert.match(result?.error ?? '', /received \d+ bytes/);
  assert.deepEqual(await readdir(path.join(dest, 'fid-model-v1')), []);
});
