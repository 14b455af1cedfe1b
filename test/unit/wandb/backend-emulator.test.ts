// The W&B backend against the W&B emulator: what it resolves for each selection form, how many requests that
// costs (wandb.md §6), the typed errors, and downloads through the core (redirect, credentials, expiry).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiClient } from '../../../src/core/http/api-client.ts';
import type { Source } from '../../../src/core/source.ts';
import { AuthenticationError, NotFoundError } from '../../../src/core/errors.ts';
import { createDispatcher } from '../../../src/core/http/dispatcher.ts';
import type { Logger } from '../../../src/core/logger.ts';
import type { RetryPolicy } from '../../../src/core/http/retry-policy.ts';
import { runPipeline } from '../../../src/core/pipeline.ts';
import { AttemptError } from '../../../src/core/download/attempt-error.ts';
import { fetchToFile } from '../../../src/core/download/storage-fetch.ts';
import type { RemoteFile } from '../../../src/core/types.ts';
import { readWandbSelection, type WandbSelection } from '../../../src/backends/wandb/selection.ts';
import { createWandbSource } from '../../../src/backends/wandb/wandb-source.ts';
import { startEmulators, type RunningEmulators } from '../../emulators/start.ts';
import { sampleFixture, SAMPLE_API_KEY } from '../../emulators/wandb/sample-fixture.ts';

const retry: RetryPolicy = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxTotalWaitMs: 2000 };
const dispatcher = createDispatcher({ connectionsPerOrigin: 8, headersTimeoutMs: 5000, bodyTimeoutMs: 5000, connectTimeoutMs: 2000 });
let emu: RunningEmulators;
let workDir: string;

before(async () => {
  emu = await startEmulators({ fixture: { wandb: sampleFixture() } });
  workDir = await mkdtemp(path.join(tmpdir(), 'wandb-backend-'));
});
after(async () => {
  await emu.close();
  await dispatcher.close();
  await rm(workDir, { recursive: true, force: true });
});

interface Harness {
  backend: Source;
  api: ApiClient;
  warnings: string[];
}

/** The source as the inputs (strings, as the action reads them) select it. */
function selectionOf(inputs: Record<string, string>, url = emu.wandb?.url ?? ''): WandbSelection {
  const given: Record<string, string> = { project: 'alice/vision', 'api-token': SAMPLE_API_KEY, 'api-url': url, ...inputs };
  return readWandbSelection((name) => given[name] ?? '', { env: {}, baseDirectory: '/' });
}

function harness(inputs: Record<string, string>): Harness {
  const warnings: string[] = [];
  const log: Logger = { debug: () => {}, info: () => {}, warning: (m) => warnings.push(m), error: () => {} };
  const signal = new AbortController().signal;
  const api = new ApiClient({ dispatcher, retry, signal, log });
  const backend = createWandbSource(selectionOf(inputs), { api, log, signal });
  return { backend, api, warnings };
}

async function resolveAll(h: Harness): Promise<RemoteFile[]> {
  const out: RemoteFile[] = [];
  for await (const page of h.backend.resolve()) out.push(...page);
  return out;
}

const ids = (files: RemoteFile[]): string[] => files.map((f) => `${f.container}/${f.attribute}`);
const counts = (h: Harness): Record<string, number> => Object.fromEntries(h.api.counts);

describe('resolving', () => {
  it('lists every file of every run with one Runs page and ceil(files/per-page) RunFiles pages per run', async () => {
    const h = harness({});
    const files = await resolveAll(h);
    assert.equal(files.length, 6 + 3 + 7);
    assert.deepEqual(counts(h), { Runs: 1, RunFiles: 3 });
    const png = files.find((f) => f.attribute === 'media/images/pred_0.png');
    assert.ok(png);
    assert.equal(png.backend, 'wandb');
    assert.equal(png.project, 'alice/vision');
    assert.equal(png.containerKind, 'run');
    assert.equal(png.container, 'a1b2c3d4');
    assert.deepEqual(png.pathParts, ['a1b2c3d4', 'media', 'images', 'pred_0.png']);
    assert.equal(png.mimeType, 'image/png');
    assert.equal(png.checksum?.algorithm, 'md5');
    assert.equal(png.invalidName, undefined);
    // Runs come oldest first, files in list order.
    assert.deepEqual(ids(files).slice(0, 2), ['a1b2c3d4/config.yaml', 'a1b2c3d4/media/images/pred_0.png']);
    assert.equal(ids(files).at(-1), 'i9j0k1l2/gen/f-6');
  });

  it('pages runs and files by per-page: ceil(n / per-page) requests each', async () => {
    const h = harness({ 'per-page': '2' });
    assert.equal((await resolveAll(h)).length, 16);
    assert.deepEqual(counts(h), { Runs: 2, RunFiles: 3 + 2 + 4 });
  });

  it("takes the entity from the viewer when the project names none (the client's GetDefaultEntity)", async () => {
    const h = harness({ project: 'vision', runs: 'e5f6g7h8' });
    const files = await resolveAll(h);
    assert.deepEqual(counts(h), { GetDefaultEntity: 1, Run: 1, RunFiles: 1 });
    assert.equal(files[0]?.project, 'alice/vision');
  });

  it('looks named runs up with the Run query, and names an unknown run and its project', async () => {
    const h = harness({ runs: 'i9j0k1l2\na1b2c3d4' });
    const files = await resolveAll(h);
    assert.deepEqual([...new Set(files.map((f) => f.container))], ['i9j0k1l2', 'a1b2c3d4'], 'in the order given');
    assert.deepEqual(counts(h), { Run: 2, RunFiles: 2 });
    await assert.rejects(
      resolveAll(harness({ runs: 'a1b2c3d4\nnope1234' })),
      (e: unknown) => e instanceof NotFoundError && /'nope1234'/.test(e.message) && /alice\/vision/.test(e.message),
    );
  });

  it('matches a regex against run ids and display names, with the filter passed to Runs', async () => {
    const byDisplay = await resolveAll(harness({ runs: 'regex:^bright & !star' }));
    assert.deepEqual([...new Set(byDisplay.map((f) => f.container))], ['a1b2c3d4']);
    const byId = await resolveAll(harness({ runs: 'regex:^e5f6' }));
    assert.deepEqual([...new Set(byId.map((f) => f.container))], ['e5f6g7h8']);
    const filtered = await resolveAll(harness({ runs: 'regex:^bright', filter: '{"config.lr": {"$gt": 0.2}}' }));
    assert.deepEqual([...new Set(filtered.map((f) => f.container))], ['i9j0k1l2']);
  });

  it('passes the filter through to Runs', async () => {
    const h = harness({ filter: '{"state": "crashed"}' });
    const files = await resolveAll(h);
    assert.deepEqual(ids(files), ['e5f6g7h8/output.log', 'e5f6g7h8/lost.bin', 'e5f6g7h8/wrong-md5.txt']);
  });

  it('intersects named runs with a filter on the server, and warns about ids left out', async () => {
    const h = harness({ runs: 'a1b2c3d4\ne5f6g7h8', filter: '{"state": "finished"}' });
    const files = await resolveAll(h);
    assert.deepEqual([...new Set(files.map((f) => f.container))], ['a1b2c3d4']);
    assert.deepEqual(counts(h), { Runs: 1, RunFiles: 1 });
    assert.match(h.warnings.join('\n'), /'e5f6g7h8'.*does not exist or does not match the filter/);
  });

  it('asks the server for file names, and warns about names a run lacks', async () => {
    const h = harness({ runs: 'a1b2c3d4', files: 'output.log\nnope.txt' });
    assert.deepEqual(ids(await resolveAll(h)), ['a1b2c3d4/output.log']);
    assert.match(h.warnings.join('\n'), /no file named 'nope\.txt'/);
  });

  it('sends a LIKE pattern (a folder is `folder/%`) and filters a file regex client-side', async () => {
    const folder = await resolveAll(harness({ runs: 'a1b2c3d4', pattern: 'media/images/%' }));
    assert.deepEqual(ids(folder), ['a1b2c3d4/media/images/pred_0.png', 'a1b2c3d4/media/images/pred_1.png']);
    const regex = await resolveAll(harness({ files: 'regex:\\.(png|json)$ & !table' }));
    assert.deepEqual(ids(regex), ['a1b2c3d4/media/images/pred_0.png', 'a1b2c3d4/media/images/pred_1.png']);
    const both = await resolveAll(harness({ files: 'regex:_1', pattern: 'media/%' }));
    assert.deepEqual(ids(both), ['a1b2c3d4/media/images/pred_1.png', 'a1b2c3d4/media/table_1.json']);
  });

  it('marks hostile names instead of throwing', async () => {
    const files = await resolveAll(harness({ project: 'alice/hostile' }));
    const byName = new Map(files.map((f) => [f.attribute, f]));
    for (const bad of ['../escape.txt', '/etc/abs.txt', 'C:evil.txt', 'dir\\win.txt', 'a/../../b.txt', '..']) {
      const f = byName.get(bad);
      assert.ok(f, bad);
      assert.deepEqual(f.pathParts, []);
      assert.match(f.invalidName ?? '', /not downloaded/);
    }
    assert.deepEqual(byName.get('fine/./ok.txt')?.pathParts, ['h0st1le0', 'fine', 'ok.txt']);
  });

  it('raises NotFoundError for an unknown project and AuthenticationError for a rejected key', async () => {
    await assert.rejects(
      resolveAll(harness({ project: 'alice/nope' })),
      (e: unknown) => e instanceof NotFoundError && /'alice\/nope'/.test(e.message),
    );
    await assert.rejects(
      resolveAll(harness({ project: 'alice/nope', runs: 'x' })),
      (e: unknown) => e instanceof NotFoundError && /project 'alice\/nope'/.test(e.message),
    );
    const wrongKey = `local-${'w'.repeat(40)}`;
    await assert.rejects(
      resolveAll(harness({ 'api-token': wrongKey })),
      (e: unknown) => e instanceof AuthenticationError && !e.message.includes(wrongKey),
    );
  });

  it('survives a transient 503 on RunFiles (retried by the ApiClient)', async () => {
    emu.faults.add({ target: 'wandb-api', endpoint: 'RunFiles', action: { kind: 'status', status: 503 } });
    const h = harness({ runs: 'a1b2c3d4' });
    assert.equal((await resolveAll(h)).length, 6);
    assert.equal(counts(h).RunFiles, 2);
  });
});

describe('locating and downloading', () => {
  it('follows the 302 to storage with the key only on the API host', async () => {
    const h = harness({ runs: 'a1b2c3d4', files: 'config.yaml' });
    const [file] = await resolveAll(h);
    assert.ok(file);
    emu.log.clear();
    const tmp = path.join(workDir, 'one');
    const got = await fetchToFile(await h.backend.locate(file, false), tmp, { dispatcher, signal: new AbortController().signal }, true);
    assert.equal(await readFile(tmp, 'utf8'), 'lr: 0.1\n');
    assert.equal(got.md5, file.checksum?.value);
    const api = emu.log.entries().find((e) => e.endpoint === 'file');
    const storage = emu.log.entries().find((e) => e.target === 'storage');
    assert.ok(api?.headers.authorization);
    assert.equal(api.headers['use-admin-privileges'], 'true');
    assert.equal(api.status, 302);
    assert.ok(storage);
    assert.equal(storage.headers.authorization, undefined, 'the key never reaches storage');
    assert.equal(storage.status, 200);
  });

  it('classifies an expired signature so that re-locating fetches a fresh one', async () => {
    const h = harness({ runs: 'a1b2c3d4', files: 'output.log' });
    const [file] = await resolveAll(h);
    assert.ok(file);
    emu.faults.add({ target: 'storage', action: { kind: 'expire' } });
    const ctx = { dispatcher, signal: new AbortController().signal };
    await assert.rejects(
      fetchToFile(await h.backend.locate(file, false), path.join(workDir, 'exp1'), ctx, true),
      (e: unknown) => e instanceof AttemptError && e.kind === 'expired',
    );
    await fetchToFile(await h.backend.locate(file, true), path.join(workDir, 'exp2'), ctx, true);
    assert.equal(await readFile(path.join(workDir, 'exp2'), 'utf8'), 'epoch 1\nepoch 2\n');
  });

  it('downloads a whole selection through the core: missing blobs, MD5 mismatches and hostile names end up reported', async () => {
    const destination = path.join(workDir, 'dest');
    await mkdir(destination, { recursive: true });
    const run = async (project: string): Promise<Map<string, string>> => {
      const h = harness({ project });
      const report = await runPipeline(
        h.backend,
        {
          project,
          destination,
          manifestPath: path.join(destination, 'manifest.json'),
          overwrite: 'overwrite',
          concurrency: 4,
          dryRun: false,
          shard: undefined,
          retry,
          layout: { destination, flavor: 'posix', caseInsensitive: false, reserved: ['manifest.json'] },
        },
        { dispatcher, signal: new AbortController().signal, log: { debug() {}, info() {}, warning() {}, error() {} } },
      );
      return new Map(report.results.map((r) => [`${r.planned.file.container}/${r.planned.file.attribute}`, r.status]));
    };
    emu.log.clear();
    const vision = await run('alice/vision');
    // No GraphQL per file (§6): one Runs page and one RunFiles page per run, whatever was downloaded.
    const graphql = emu.log.entries().filter((e) => e.target === 'wandb-api' && e.endpoint !== 'file');
    assert.deepEqual(graphql.map((e) => e.endpoint).sort(), ['RunFiles', 'RunFiles', 'RunFiles', 'Runs']);
    assert.equal(vision.get('a1b2c3d4/media/images/pred_0.png'), 'downloaded');
    assert.equal(vision.get('e5f6g7h8/lost.bin'), 'missing');
    assert.equal(vision.get('e5f6g7h8/wrong-md5.txt'), 'failed');
    const ckpt = await readFile(path.join(destination, 'a1b2c3d4', 'Model_100%.ckpt'));
    assert.equal(ckpt.length, 70_000);
    const png = await readFile(path.join(destination, 'a1b2c3d4', 'media', 'images', 'pred_1.png'));
    assert.equal(createHash('md5').update(png).digest('hex').length, 32);

    const hostile = await run('alice/hostile');
    assert.equal(hostile.get('h0st1le0/../escape.txt'), 'failed');
    assert.equal(hostile.get('h0st1le0/fine/./ok.txt'), 'downloaded');
    assert.equal(await readFile(path.join(destination, 'h0st1le0', 'fine', 'ok.txt'), 'utf8'), 'ok');
  });
});

describe('a server that caps page sizes below per-page', () => {
  let capped: RunningEmulators;
  before(async () => {
    capped = await startEmulators({ fixture: { wandb: sampleFixture() }, wandb: { maxPerPage: 2 } });
  });
  after(async () => {
    await capped.close();
  });

  it('pages on by hasNextPage instead of assuming full pages', async () => {
    const warnings: string[] = [];
    const log: Logger = { debug: () => {}, info: () => {}, warning: (m) => warnings.push(m), error: () => {} };
    const signal = new AbortController().signal;
    const api = new ApiClient({ dispatcher, retry, signal, log });
    const backend = createWandbSource(selectionOf({ 'per-page': '1000' }, capped.wandb?.url), { api, log, signal });
    const files: RemoteFile[] = [];
    for await (const page of backend.resolve()) files.push(...page);
    assert.equal(files.length, 16);
    assert.equal(new Set(ids(files)).size, 16);
    assert.deepEqual(Object.fromEntries(api.counts), { Runs: 2, RunFiles: 3 + 2 + 4 });
    assert.deepEqual(warnings, []);
  });
});
