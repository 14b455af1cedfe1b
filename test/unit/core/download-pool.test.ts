// The downloader end to end against a loopback server with faults: bytes on disk, statuses, retries, no
// temporary files, credentials kept off other hosts, and cancellation.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Source, Locator } from '../../../src/core/source.ts';
import { downloadAll } from '../../../src/core/download/download-pool.ts';
import { CancelledError } from '../../../src/core/errors.ts';
import { createDispatcher } from '../../../src/core/http/dispatcher.ts';
import { LocalPathPlanner } from '../../../src/core/plan/local-paths.ts';
import type { RetryPolicy } from '../../../src/core/http/retry-policy.ts';
import type { FileResult, OverwritePolicy, RemoteFile } from '../../../src/core/types.ts';
import { startFaultyFileServer, type FaultyFileServer } from '../../support/faulty-file-server.ts';
import { TempFolders } from '../../support/temp-folders.ts';

/** Destinations the tests create; removed when the file's tests end, passed or failed. */
const temps = new TempFolders();
after(() => temps.removeAll());

const retry: RetryPolicy = { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 100, maxTotalWaitMs: 5000 };
const dispatcher = createDispatcher({ connectionsPerOrigin: 8, headersTimeoutMs: 2000, bodyTimeoutMs: 300, connectTimeoutMs: 2000 });
const md5 = (b: Buffer): string => createHash('md5').update(b).digest('base64');
const bytes = (n: number, seed: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) % 251));

/** A backend over a fixed list: locate() points at the test server; 410 means "expired". */
class FakeBackend implements Source {
  readonly name = 'wandb' as const;
  renewals = 0;
  private readonly files: RemoteFile[];
  private readonly origin: () => string;
  private readonly auth: { origin: string; header: string } | undefined;
  constructor(files: RemoteFile[], origin: () => string, auth?: { origin: string; header: string }) {
    this.files = files;
    this.origin = origin;
    this.auth = auth;
  }
  async *resolve(): AsyncIterable<RemoteFile[]> {
    yield this.files;
  }
  async locate(file: RemoteFile, renew: boolean): Promise<Locator> {
    if (renew) this.renewals += 1;
    return {
      url: `${this.origin()}/${file.attribute}`,
      authHeaders: this.auth ? { authorization: this.auth.header } : undefined,
      authOrigin: this.auth?.origin,
      classify: ({ status }) =>
        status === 404 ? 'missing' : status === 410 ? 'expired' : status === 429 || status >= 500 ? 'transient' : 'fatal',
    };
  }
}

const remote = (name: string, content: Buffer | undefined, withChecksum = true): RemoteFile => ({
  backend: 'wandb',
  project: 'e/p',
  containerKind: 'run',
  container: 'run1',
  attribute: name,
  size: content?.length,
  checksum: content && withChecksum ? { algorithm: 'md5', value: md5(content) } : undefined,
  pathParts: ['run1', ...name.split('/')],
  handle: null,
});

/** Only against hangs: far longer than any of these tests runs, even on a busy machine. Not a time bound. */
const SAFETY_TIMEOUT_MS = 60_000;

/** `promise`, or a rejection saying what hung if it has not settled after `ms`. */
function settlesWithin<T>(promise: Promise<T>, ms: number, hung: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${hung} (still pending after ${ms} ms)`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

/** Polls until `condition` holds; fails with `hung` after the safety timeout. */
async function waitFor(condition: () => boolean, hung: string): Promise<void> {
  const deadline = performance.now() + SAFETY_TIMEOUT_MS;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`${hung} (after ${SAFETY_TIMEOUT_MS} ms)`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function listAll(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(path.relative(dir, path.join(entry.parentPath, entry.name)));
  }
  return out.sort();
}

describe('downloader', () => {
  let server: FaultyFileServer;
  let dest: string;
  const content = {
    'ok.bin': bytes(70_000, 1),
    'flaky503.bin': bytes(1000, 2),
    'limited.bin': bytes(1000, 3),
    'truncated.bin': bytes(50_000, 4),
    'reset.bin': bytes(50_000, 5),
    'slow.bin': bytes(5000, 6),
    'expired.bin': bytes(300, 7),
    'corrupt.bin': bytes(300, 8),
    'dir/nested/file.txt': Buffer.from('nested'),
    'empty.bin': Buffer.alloc(0),
  };

  before(async () => {
    server = await startFaultyFileServer({
      '/ok.bin': { content: content['ok.bin'] },
      '/flaky503.bin': { content: content['flaky503.bin'], script: [{ status: 503 }, { status: 502 }] },
      '/limited.bin': { content: content['limited.bin'], script: [{ status: 429, retryAfter: '1' }] },
      '/truncated.bin': { content: content['truncated.bin'], script: [{ truncate: 1000 }] },
      '/reset.bin': { content: content['reset.bin'], script: [{ reset: 20_000 }] },
      '/slow.bin': { content: content['slow.bin'], script: [{ stallMs: 2000, afterBytes: 100 }] },
      '/expired.bin': { content: content['expired.bin'], script: [{ status: 410 }] },
      // Serves other bytes than the checksum says, every time.
      '/corrupt.bin': { content: bytes(300, 99) },
      '/dir/nested/file.txt': { content: content['dir/nested/file.txt'] },
      '/empty.bin': { content: content['empty.bin'] },
    });
    dest = await temps.make('def-dl-');
  });
  after(async () => {
    await server.close();
  });

  const plan = (files: RemoteFile[], at = dest) => {
    const planner = new LocalPathPlanner({ destination: at, flavor: 'posix', caseInsensitive: false });
    return files.map((f) => planner.plan(f)).filter((p) => p !== undefined);
  };
  const run = (
    files: RemoteFile[],
    backend: Source,
    overwrite: OverwritePolicy = 'skip-existing',
    signal = new AbortController().signal,
    at = dest,
  ) => downloadAll(plan(files, at), backend, { destination: at, concurrency: 4, overwrite, retry, dispatcher, signal });

  it('survives the fault script and verifies every file', async () => {
    const files = [...Object.entries(content).map(([n, c]) => remote(n, c)), remote('gone.bin', undefined)];
    const backend = new FakeBackend(files, () => server.origin);
    const results = await run(files, backend);
    const byName = new Map(results.map((r) => [r.planned.file.attribute, r]));
    for (const [name, c] of Object.entries(content)) {
      const r = byName.get(name) as FileResult;
      if (name === 'corrupt.bin') {
        // The storage holds other bytes than the tracker describes: the second attempt brings the same wrong
        // bytes, and a third would too, so the file ends there instead of spending its budget.
        assert.equal(r.status, 'failed');
        assert.equal(r.attempts, 2);
        assert.match(r.error ?? '', /gave up after 2 attempts: MD5 mismatch: .*; the storage sent the same bytes twice/);
        continue;
      }
      assert.equal(r.status, 'downloaded', `${name}: ${r.error}`);
      assert.deepEqual(await readFile(path.join(dest, 'run1', name)), c, name);
    }
    assert.equal(byName.get('gone.bin')?.status, 'missing');
    assert.equal(byName.get('flaky503.bin')?.attempts, 3);
    assert.equal(byName.get('truncated.bin')?.attempts, 2);
    assert.equal(byName.get('reset.bin')?.attempts, 2);
    assert.equal(byName.get('slow.bin')?.attempts, 2, 'a stalled body times out and is retried');
    assert.equal(backend.renewals, 1, 'the expired URL was renewed once');
    // Retry-After: 1 was honoured: the second GET of that file came no earlier than 1 s after the 429 (a lower
    // bound, which a busy machine can only make truer; a few ms for the event loop's millisecond clock).
    assert.equal(byName.get('limited.bin')?.attempts, 2);
    const limited = server.seen.filter((s) => s.path === '/limited.bin').map((s) => s.at);
    assert.equal(limited.length, 2);
    const gap = (limited[1] as number) - (limited[0] as number);
    assert.ok(gap >= 1000 - 5, `retried ${gap.toFixed(0)} ms after a 429 with Retry-After: 1`);
    // Only final files remain: no temporary file, nothing for the corrupt or missing ones.
    const expected = Object.keys(content)
      .filter((n) => n !== 'corrupt.bin')
      .map((n) => path.join('run1', n))
      .sort();
    assert.deepEqual(await listAll(dest), expected);
  });

  it('skips verified files on a second run without a single request', async () => {
    const files = Object.entries(content)
      .filter(([n]) => n !== 'corrupt.bin')
      .map(([n, c]) => remote(n, c));
    const before = [...server.hits.values()].reduce((a, b) => a + b, 0);
    const results = await run(files, new FakeBackend(files, () => server.origin));
    assert.ok(results.every((r) => r.status === 'skipped'));
    assert.equal(
      [...server.hits.values()].reduce((a, b) => a + b, 0),
      before,
    );
  });

  it('re-downloads a file whose content changed on disk (size and MD5, not existence)', async () => {
    const target = path.join(dest, 'run1', 'ok.bin');
    const same = Buffer.from(content['ok.bin']);
    same[10] = (same[10] ?? 0) ^ 0xff;
    await writeFile(target, same);
    const files = [remote('ok.bin', content['ok.bin'])];
    const [result] = await run(files, new FakeBackend(files, () => server.origin));
    assert.equal(result?.status, 'downloaded');
    assert.deepEqual(await readFile(target), content['ok.bin']);
  });

  it('applies the overwrite policies', async () => {
    const files = [remote('ok.bin', content['ok.bin'])];
    const backend = new FakeBackend(files, () => server.origin);
    const [errored] = await run(files, backend, 'error');
    assert.equal(errored?.status, 'failed');
    assert.match(errored?.error ?? '', /already exists.*overwrite/);
    const hits = server.hits.get('/ok.bin');
    const [overwritten] = await run(files, backend, 'overwrite');
    assert.equal(overwritten?.status, 'downloaded');
    assert.equal(server.hits.get('/ok.bin'), (hits ?? 0) + 1);
  });

  it('starts the next transfer once a file is received, while that file is still closed and renamed', async () => {
    const files = [remote('ok.bin', content['ok.bin']), remote('empty.bin', content['empty.bin'])];
    const events: string[] = [];
    const backend = new FakeBackend(files, () => server.origin);
    const locate = backend.locate.bind(backend);
    backend.locate = (file, renew) => {
      events.push(`locate ${file.attribute}`);
      return locate(file, renew);
    };
    const at = await temps.make('def-overlap-');
    const results = await downloadAll(plan(files, at), backend, {
      destination: at,
      concurrency: 1,
      overwrite: 'overwrite',
      retry,
      dispatcher,
      signal: new AbortController().signal,
      onResult: (r) => events.push(`done ${r.planned.file.attribute}`),
    });
    assert.deepEqual(
      results.map((r) => r.status),
      ['downloaded', 'downloaded'],
    );
    // One transfer at a time (concurrency 1), but the first file's disk work overlaps the second request.
    assert.deepEqual(events.slice(0, 2), ['locate ok.bin', 'locate empty.bin'], events.join(', '));
    assert.deepEqual([...events.slice(2)].sort(), ['done empty.bin', 'done ok.bin']);
  });

  it('sends credentials to the API origin only, never after a redirect to storage', async () => {
    const storage = await startFaultyFileServer({ '/blob': { content: Buffer.from('stored bytes') } }, '127.0.0.2');
    const api = await startFaultyFileServer({ '/file': { content: Buffer.alloc(0), script: [{ redirect: `${storage.origin}/blob` }] } });
    try {
      const file = remote('file', Buffer.from('stored bytes'));
      const backend = new FakeBackend([file], () => api.origin, { origin: api.origin, header: 'Basic c2VjcmV0' });
      const at = await temps.make('def-auth-');
      const [result] = await run([file], backend, 'overwrite', undefined, at);
      assert.equal(result?.status, 'downloaded');
      assert.equal(api.seen[0]?.headers.authorization, 'Basic c2VjcmV0');
      assert.equal(storage.seen.length, 1);
      assert.equal(storage.seen[0]?.headers.authorization, undefined);
    } finally {
      await storage.close();
      await api.close();
    }
  });

  it('refuses to write through a symlinked folder planted in the destination: that file fails alone', async () => {
    const at = await temps.make('def-link-');
    const outside = await temps.make('def-outside-');
    const { symlink } = await import('node:fs/promises');
    await symlink(outside, path.join(at, 'run1'));
    const files = [remote('ok.bin', content['ok.bin'])];
    const [result] = await run(files, new FakeBackend(files, () => server.origin), 'overwrite', undefined, at);
    // The file that needed the folder fails alone, with the reason; nothing goes through the link.
    assert.equal(result?.status, 'failed');
    assert.equal(result?.attempts, 0);
    assert.match(
      result?.error ?? '',
      /cannot write 'run1\/ok\.bin': 'run1' in the destination is a symbolic link; refusing to write through it/,
    );
    assert.deepEqual(await readdir(outside), []);
  });

  it('fails only the file whose path is taken by a folder, and downloads the rest', async () => {
    const at = await temps.make('def-dir-');
    await mkdir(path.join(at, 'run1', 'ok.bin', 'inside'), { recursive: true });
    const files = [remote('ok.bin', content['ok.bin']), remote('dir/nested/file.txt', content['dir/nested/file.txt'])];
    const results = await run(files, new FakeBackend(files, () => server.origin), 'overwrite', undefined, at);
    assert.equal(results[0]?.status, 'failed');
    assert.match(results[0]?.error ?? '', /cannot write 'run1\/ok\.bin': (EISDIR|ENOTEMPTY|EEXIST)/);
    assert.equal(results[1]?.status, 'downloaded');
    assert.deepEqual(await listAll(at), ['run1/dir/nested/file.txt']);
  });

  it('stops on cancellation in the middle of a transfer and leaves no temporary file', async (t) => {
    const at = await temps.make('def-cancel-');
    const big = bytes(10_000, 11);
    // The body stalls after 5000 bytes for longer than any test runs, and the read timeout is as long: only the
    // abort can end this transfer. Were it ignored, downloadAll would never return (the safety timeout says so).
    server.files.set('/stall.bin', { content: big, script: [{ stallMs: 600_000, afterBytes: 5000 }] });
    const patient = createDispatcher({
      connectionsPerOrigin: 2,
      headersTimeoutMs: 600_000,
      bodyTimeoutMs: 600_000,
      connectTimeoutMs: 2000,
    });
    t.after(() => patient.destroy());
    const files = [remote('stall.bin', big)];
    const controller = new AbortController();
    const download = downloadAll(plan(files, at), new FakeBackend(files, () => server.origin), {
      destination: at,
      concurrency: 4,
      overwrite: 'overwrite',
      retry,
      dispatcher: patient,
      signal: controller.signal,
    });
    await waitFor(() => server.hits.get('/stall.bin') === 1, 'the stalled file was never requested');
    controller.abort();
    await assert.rejects(
      settlesWithin(download, SAFETY_TIMEOUT_MS, 'downloadAll did not return after the abort: a stalled transfer ignores cancellation'),
      CancelledError,
    );
    await mkdir(path.join(at, 'run1'), { recursive: true });
    assert.deepEqual(await listAll(at), []);
  });
});

after(() => dispatcher.destroy());
