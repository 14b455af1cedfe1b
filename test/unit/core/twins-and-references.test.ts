// Three generic download rules a source can ask for: files it only references are listed and never fetched
// (status `reference`, also in a dry run); files with the same content key are fetched once and copied (and
// checked again) for their twins; and a locator can refuse a successful answer by its headers before the body is
// written (an ETag that is not the recorded one).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { downloadAll } from '../../../src/core/download/download-pool.ts';
import { createDispatcher } from '../../../src/core/http/dispatcher.ts';
import { runPipeline } from '../../../src/core/pipeline.ts';
import { LocalPathPlanner } from '../../../src/core/plan/local-paths.ts';
import { AttemptError, type Locator, type Source } from '../../../src/core/source.ts';
import type { RemoteFile } from '../../../src/core/types.ts';
import { startFaultyFileServer, type FaultyFileServer } from '../../support/faulty-file-server.ts';

const retry = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, maxTotalWaitMs: 1000 };
const dispatcher = createDispatcher({ connectionsPerOrigin: 8, headersTimeoutMs: 2000, bodyTimeoutMs: 2000, connectTimeoutMs: 2000 });
const md5 = (b: Buffer): string => createHash('md5').update(b).digest('base64');
const quiet = { debug() {}, info() {}, warning() {}, error() {} };

const SHARED = Buffer.from('the same bytes in four places\n');
const OTHER = Buffer.from('something else');

function remote(name: string, content: Buffer, extra: Partial<RemoteFile> = {}): RemoteFile {
  return {
    backend: 'fake',
    project: 'e/p',
    containerKind: 'artifact',
    container: 'model:v1',
    attribute: name,
    size: content.length,
    checksum: { algorithm: 'md5', value: md5(content) },
    pathParts: ['model-v1', ...name.split('/')],
    handle: null,
    ...extra,
  };
}

const twin = (name: string): RemoteFile => remote(name, SHARED, { contentKey: `md5:${md5(SHARED)}` });

function source(origin: string, files: RemoteFile[], check?: Locator['checkAnswer']): Source & { located: string[] } {
  const located: string[] = [];
  return {
    name: 'fake',
    located,
    async *resolve() {
      yield files;
    },
    locate: async (file): Promise<Locator> => {
      located.push(file.attribute);
      return {
        url: `${origin}/${file.attribute}`,
        classify: ({ status }) => (status === 404 ? 'missing' : status >= 500 ? 'transient' : 'fatal'),
        ...(check === undefined ? {} : { checkAnswer: check }),
      };
    },
  };
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe('references, content twins and answer checks', () => {
  let server: FaultyFileServer;
  let dest: string;
  beforeEach(async () => {
    server = await startFaultyFileServer({
      '/a.bin': { content: SHARED },
      '/b.bin': { content: SHARED },
      '/c/d.bin': { content: SHARED },
      '/e.bin': { content: SHARED },
      '/other.bin': { content: OTHER },
    });
    dest = await mkdtemp(path.join(tmpdir(), 'def-twins-'));
  });
  afterEach(async () => {
    await server.close();
    await rm(dest, { recursive: true, force: true });
  });

  const download = (files: RemoteFile[], src: Source, concurrency = 4) => {
    const planner = new LocalPathPlanner({ destination: dest, flavor: 'posix', caseInsensitive: false });
    return downloadAll(
      files.map((f) => planner.plan(f)).filter((p) => p !== undefined),
      src,
      { destination: dest, concurrency, overwrite: 'skip-existing', retry, dispatcher, signal: new AbortController().signal },
    );
  };
  const hits = (): number => [...server.hits.values()].reduce((a, b) => a + b, 0);

  it('fetches bytes shared by several files once and copies them to the other paths', async () => {
    for (const concurrency of [1, 4]) {
      await rm(dest, { recursive: true, force: true });
      const before = hits();
      const files = [twin('a.bin'), remote('other.bin', OTHER), twin('b.bin'), twin('c/d.bin'), twin('e.bin')];
      const src = source(server.origin, files);
      const results = await download(files, src, concurrency);
      assert.deepEqual(
        results.map((r) => r.status),
        ['downloaded', 'downloaded', 'downloaded', 'downloaded', 'downloaded'],
      );
      assert.equal(hits() - before, 2, `concurrency ${concurrency}: one GET for the shared bytes, one for the other file`);
      assert.deepEqual(src.located, ['a.bin', 'other.bin']);
      assert.deepEqual(
        results.map((r) => r.attempts),
        [1, 1, 0, 0, 0],
      );
      for (const name of ['a.bin', 'b.bin', 'c/d.bin', 'e.bin']) {
        assert.deepEqual(await readFile(path.join(dest, 'model-v1', name)), SHARED, name);
      }
      assert.ok(results.every((r, i) => i === 1 || r.md5 === md5(SHARED)));
      assert.deepEqual(await listFiles(dest), [
        'model-v1/a.bin',
        'model-v1/b.bin',
        'model-v1/c/d.bin',
        'model-v1/e.bin',
        'model-v1/other.bin',
      ]);
    }
  });

  it('fetches the next twin itself when the first one cannot be had', async () => {
    // `gone.bin` is not served (404 → missing): its twin b.bin must not inherit that, but be fetched.
    const files = [twin('gone.bin'), twin('b.bin'), twin('e.bin')];
    const src = source(server.origin, files);
    const results = await download(files, src, 1);
    assert.deepEqual(
      results.map((r) => r.status),
      ['missing', 'downloaded', 'downloaded'],
    );
    assert.deepEqual(src.located, ['gone.bin', 'b.bin'], 'e.bin was copied from b.bin');
    assert.deepEqual(await listFiles(dest), ['model-v1/b.bin', 'model-v1/e.bin']);
  });

  it('keeps a twin already on disk (skip-existing) and copies from it', async () => {
    await mkdir(path.join(dest, 'model-v1'), { recursive: true });
    await writeFile(path.join(dest, 'model-v1', 'a.bin'), SHARED);
    const files = [twin('a.bin'), twin('b.bin')];
    const src = source(server.origin, files);
    const before = hits();
    const results = await download(files, src, 1);
    assert.deepEqual(
      results.map((r) => r.status),
      ['skipped', 'downloaded'],
    );
    assert.equal(hits(), before, 'nothing was fetched');
    assert.deepEqual(await readFile(path.join(dest, 'model-v1', 'b.bin')), SHARED);
  });

  it('never fetches a referenced file, and reports it as a reference with its URI (also in a dry run)', async () => {
    const reference = { uri: 's3://bucket/data.csv', note: 'stored in a bucket this tool does not read' };
    const files = [remote('data.csv', OTHER, { reference }), remote('other.bin', OTHER)];
    for (const dryRun of [false, true]) {
      const src = source(server.origin, files);
      const report = await runPipeline(
        src,
        {
          project: 'e/p',
          destination: dest,
          manifestPath: path.join(dest, 'manifest.json'),
          overwrite: 'overwrite',
          concurrency: 2,
          dryRun,
          shard: undefined,
          retry,
          layout: { destination: dest, flavor: 'posix', caseInsensitive: false },
        },
        { dispatcher, signal: new AbortController().signal, log: quiet },
      );
      const [ref, other] = report.manifest.files;
      assert.equal(ref?.status, 'reference');
      assert.equal(ref?.reference, 's3://bucket/data.csv');
      assert.equal(ref?.error, 'stored in a bucket this tool does not read');
      assert.equal(ref?.path, 'model-v1/data.csv', 'where it would go');
      assert.equal(other?.status, dryRun ? 'planned' : 'downloaded');
      assert.equal(report.manifest.totals.reference, 1);
      assert.equal(report.manifest.totals.bytes, dryRun ? 0 : OTHER.length);
      assert.ok(!src.located.includes('data.csv'), 'the reference was never located');
    }
    assert.deepEqual(await listFiles(dest), ['manifest.json', 'model-v1/other.bin']);
  });

  it("lets the locator refuse an answer by its headers before the body is written (one attempt: it won't change)", async () => {
    const files = [remote('a.bin', SHARED), remote('other.bin', OTHER)];
    const check: Locator['checkAnswer'] = (answer) =>
      answer.headers['content-length'] === String(OTHER.length)
        ? new AttemptError('fatal', `the object changed since it was recorded (${answer.url})`)
        : undefined;
    const results = await download(files, source(server.origin, files, check), 2);
    assert.equal(results[0]?.status, 'downloaded');
    assert.equal(results[1]?.status, 'failed');
    assert.match(results[1]?.error ?? '', /gave up after 1 attempt: the object changed since it was recorded/);
    assert.deepEqual(await listFiles(dest), ['model-v1/a.bin']);
  });
});

after(() => dispatcher.destroy());
