// runPipeline: downloads start with the first resolved page; a resolution that fails later stops them, keeps
// what finished (described by the manifest) and reports the resolution's error; one that fails at once throws
// that error alone, before any download.
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Source, Locator } from '../../../src/core/source.ts';
import { ServerError } from '../../../src/core/errors.ts';
import { createDispatcher } from '../../../src/core/http/dispatcher.ts';
import { StoppedEarlyError, runPipeline, type PipelineRequest } from '../../../src/core/pipeline.ts';
import type { FileResult, RemoteFile } from '../../../src/core/types.ts';
import { startFaultyFileServer, type FaultyFileServer } from '../../support/faulty-file-server.ts';
import { TempFolders } from '../../support/temp-folders.ts';

/** Destinations the tests create; removed when the file's tests end, passed or failed. */
const temps = new TempFolders();
after(() => temps.removeAll());

const dispatcher = createDispatcher({ connectionsPerOrigin: 4, headersTimeoutMs: 2000, bodyTimeoutMs: 2000, connectTimeoutMs: 2000 });

const remote = (name: string): RemoteFile => ({
  backend: 'wandb',
  project: 'e/p',
  containerKind: 'run',
  container: 'run1',
  attribute: name,
  size: 5,
  pathParts: ['run1', name],
  handle: null,
});

/** Yields the given pages; before each later page, `between(i)` runs (and may throw). */
function pagedBackend(origin: string, pages: RemoteFile[][], between: (page: number) => Promise<void>): Source {
  return {
    name: 'wandb',
    async *resolve() {
      for (let i = 0; i < pages.length; i += 1) {
        if (i > 0) await between(i);
        yield pages[i] as RemoteFile[];
      }
    },
    locate: async (file): Promise<Locator> => ({ url: `${origin}/${file.attribute}`, classify: () => 'fatal' }),
  };
}

describe('runPipeline with resolution and downloads overlapping', () => {
  let server: FaultyFileServer;
  let dest: string;
  before(async () => {
    server = await startFaultyFileServer({ '/a.bin': { content: Buffer.from('aaaaa') }, '/b.bin': { content: Buffer.from('bbbbb') } });
  });
  after(async () => {
    await server.close();
  });
  const request = (): PipelineRequest => ({
    project: 'e/p',
    destination: dest,
    manifestPath: path.join(dest, 'manifest.json'),
    overwrite: 'overwrite',
    concurrency: 2,
    dryRun: false,
    shard: undefined,
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1, maxTotalWaitMs: 100 },
    layout: { destination: dest, flavor: 'posix', caseInsensitive: false },
  });
  const fresh = async (): Promise<void> => {
    dest = await temps.make('def-run-');
  };

  it('downloads the first page while the next one is still being resolved', async () => {
    await fresh();
    let firstDone: () => void = () => undefined;
    const firstPageDownloaded = new Promise<void>((resolve) => (firstDone = resolve));
    const totals: number[] = [];
    const backend = pagedBackend(server.origin, [[remote('a.bin')], [remote('b.bin')]], () => firstPageDownloaded);
    const report = await runPipeline(backend, request(), {
      dispatcher,
      signal: new AbortController().signal,
      log: { debug() {}, info() {}, warning() {}, error() {} },
      onResolved: (n) => totals.push(n),
      onResult: (r: FileResult) => {
        if (r.planned.file.attribute === 'a.bin') firstDone();
      },
    });
    // The second page was only yielded after the first page's file was on disk.
    assert.deepEqual(totals, [1, 2]);
    assert.deepEqual(
      report.results.map((r) => [r.planned.file.attribute, r.status]),
      [
        ['a.bin', 'downloaded'],
        ['b.bin', 'downloaded'],
      ],
    );
  });

  it('keeps what finished and reports the resolution error when a later page fails', async () => {
    await fresh();
    let firstDone: () => void = () => undefined;
    const firstPageDownloaded = new Promise<void>((resolve) => (firstDone = resolve));
    const failure = new ServerError('the listing failed on page 2');
    const backend = pagedBackend(server.origin, [[remote('a.bin')], [remote('b.bin')]], async () => {
      await firstPageDownloaded;
      throw failure;
    });
    const error = await runPipeline(backend, request(), {
      dispatcher,
      signal: new AbortController().signal,
      log: { debug() {}, info() {}, warning() {}, error() {} },
      onResult: () => firstDone(),
    }).then(
      () => assert.fail('the run should fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof StoppedEarlyError);
    assert.equal(error.cause, failure);
    assert.equal(await readFile(path.join(dest, 'run1', 'a.bin'), 'utf8'), 'aaaaa');
    const manifest = JSON.parse(await readFile(path.join(dest, 'manifest.json'), 'utf8')) as {
      files: { attribute: string; status: string }[];
    };
    assert.deepEqual(
      manifest.files.map((f) => [f.attribute, f.status]),
      [['a.bin', 'downloaded']],
    );
  });

  it('throws the resolution error alone when it fails before anything was downloaded', async () => {
    await fresh();
    const failure = new ServerError('the listing failed at once');
    const backend: Source = {
      name: 'wandb',
      // eslint-disable-next-line require-yield -- a listing that fails before its first page
      async *resolve() {
        throw failure;
      },
      locate: async () => assert.fail('nothing to locate'),
    };
    await assert.rejects(
      runPipeline(backend, request(), {
        dispatcher,
        signal: new AbortController().signal,
        log: { debug() {}, info() {}, warning() {}, error() {} },
      }),
      (e: unknown) => e === failure,
    );
    await assert.rejects(stat(path.join(dest, 'manifest.json')), { code: 'ENOENT' });
  });
});
