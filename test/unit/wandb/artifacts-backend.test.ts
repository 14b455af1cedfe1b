// The W&B source in artifact mode against the emulator, below the action: what it resolves and how many requests
// that costs (wandb-artifacts.md §3.1, §5.1) — file URLs in batches that stop once every picked entry has one,
// the newest N versions still right when a server ignores `order`, and RemoteFiles that carry what the core
// needs (MD5, content key, reference, layout).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readWandbSelection } from '../../../src/backends/wandb/selection.ts';
import { createWandbSource } from '../../../src/backends/wandb/wandb-source.ts';
import { ApiClient } from '../../../src/core/http/api-client.ts';
import { createDispatcher } from '../../../src/core/http/dispatcher.ts';
import type { Logger } from '../../../src/core/logger.ts';
import type { RemoteFile } from '../../../src/core/types.ts';
import { startEmulators, type RunningEmulators } from '../../emulators/start.ts';
import { SAMPLE_API_KEY, sampleFixture } from '../../emulators/wandb/sample-fixture.ts';

const dispatcher = createDispatcher({ connectionsPerOrigin: 8, headersTimeoutMs: 5000, bodyTimeoutMs: 5000, connectTimeoutMs: 2000 });
const retry = { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5, maxTotalWaitMs: 100 };
const quietLog: Logger = { debug: () => {}, info: () => {}, warning: () => {}, error: () => {} };

async function resolve(em: RunningEmulators, inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}) {
  const given: Record<string, string> = { project: 'alice/vision', 'api-token': SAMPLE_API_KEY, 'api-url': em.wandb?.url ?? '', ...inputs };
  const selection = readWandbSelection((name) => given[name] ?? '', { env, baseDirectory: '/' });
  const warnings: string[] = [];
  const log: Logger = { debug: () => {}, info: () => {}, warning: (m) => warnings.push(m), error: () => {} };
  const signal = new AbortController().signal;
  const api = new ApiClient({ dispatcher, retry, signal, log });
  const source = createWandbSource(selection, { api, log, signal });
  const files: RemoteFile[] = [];
  for await (const page of source.resolve()) files.push(...page);
  return { files, counts: Object.fromEntries(api.counts), warnings };
}

describe('the artifact source', () => {
  let em: RunningEmulators;
  before(async () => {
    em = await startEmulators({ fixture: { wandb: sampleFixture() } });
  });
  after(async () => {
    await em.close();
  });

  it('lists file URLs in batches of WANDB_ARTIFACT_FETCH_FILE_URL_BATCH_SIZE, and stops once every picked entry has one', async () => {
    const all = await resolve(em, { artifacts: 'broken' }, { WANDB_ARTIFACT_FETCH_FILE_URL_BATCH_SIZE: '2' });
    // 6 listed entries (unlisted.txt is not): 3 batches of 2.
    assert.equal(all.counts.GetArtifactMembershipFileUrls, 3);
    assert.deepEqual(
      all.files.map((f) => f.attribute),
      ['good.txt', 'lying.bin', 'lost.bin', 'dup-a.txt', 'dup-b.txt', 'xxh.bin', 'unlisted.txt'],
    );
    const first = await resolve(em, { artifacts: 'broken', files: 'lying.bin' }, { WANDB_ARTIFACT_FETCH_FILE_URL_BATCH_SIZE: '2' });
    assert.equal(first.counts.GetArtifactMembershipFileUrls, 1, 'lying.bin is in the first batch');
    const refsOnly = await resolve(em, { artifacts: 'dataset', pattern: 'raw/%' });
    assert.equal(refsOnly.counts.GetArtifactMembershipFileUrls, undefined, 'cloud references need no URL');
  });

  it('gives each entry what the core needs: MD5, a content key, the layout, and references', async () => {
    const { files } = await resolve(em, { artifacts: 'dataset\nbroken:v0' });
    const byPath = new Map(files.map((f) => [`${f.container}/${f.attribute}`, f]));
    const train = byPath.get('dataset:v0/train.csv');
    assert.deepEqual(train?.pathParts, ['dataset-v0', 'train.csv']);
    assert.equal(train?.containerKind, 'artifact');
    assert.equal(train?.checksum?.algorithm, 'md5');
    assert.equal(train?.contentKey, `md5:${train?.checksum?.value}:${train?.size}`);
    assert.equal(byPath.get('broken:v0/dup-a.txt')?.contentKey, byPath.get('broken:v0/dup-b.txt')?.contentKey);
    const http = byPath.get('dataset:v0/labels/labels.csv');
    assert.equal(http?.reference, undefined, 'fetched here');
    assert.equal(http?.checksum, undefined, 'checked by ETag, not MD5');
    assert.equal(http?.contentKey, undefined);
    assert.deepEqual(byPath.get('dataset:v0/raw/images.tar')?.reference?.uri, 's3://sample-bucket/raw/images.tar');
  });

  it('refuses to keep an entry its manifest gives an XXH128 digest: failed with the reason, never fetched', async () => {
    const { files } = await resolve(em, { artifacts: 'broken', files: 'xxh.bin' });
    const [xxh] = files;
    assert.equal(xxh?.checksum, undefined);
    assert.equal(xxh?.contentKey, undefined);
    const source = createWandbSource(
      readWandbSelection(
        (n) => ({ project: 'alice/vision', 'api-token': SAMPLE_API_KEY, 'api-url': em.wandb?.url ?? '', artifacts: 'broken' })[n] ?? '',
        {
          env: {},
          baseDirectory: '/',
        },
      ),
      {
        api: new ApiClient({ dispatcher, retry, signal: new AbortController().signal, log: quietLog }),
        log: quietLog,
        signal: new AbortController().signal,
      },
    );
    await assert.rejects(
      source.locate(xxh as RemoteFile, false),
      /an XXH128 digest \(written by a newer W&B client\), which this tool cannot verify yet/,
    );
  });

  it('still takes the newest versions when the server ignores `order` (lists all of them, sorts by version)', async () => {
    const unordered = await startEmulators({ fixture: { wandb: sampleFixture() }, wandb: { ignoreArtifactOrder: true } });
    try {
      const { files, counts } = await resolve(unordered, { artifacts: 'model', 'artifact-versions': '2', files: 'model.ckpt' });
      assert.deepEqual(
        files.map((f) => f.container),
        ['model:v2', 'model:v1'],
      );
      assert.equal(counts.ProjectArtifacts, 2, 'one page asked newest first, then the whole list');
    } finally {
      await unordered.close();
    }
  });

  it('keeps hostile entry paths with the reason they cannot be placed (the core reports them as failed)', async () => {
    const { files } = await resolve(em, { project: 'alice/hostile', artifacts: 'evil' });
    const reasons = Object.fromEntries(files.map((f) => [f.attribute, f.invalidName ?? 'ok']));
    assert.deepEqual(reasons, {
      '../escape.txt': 'W&B artifact entry "../escape.txt" contains a \'..\' segment; it was not downloaded',
      '/abs.txt': 'W&B artifact entry "/abs.txt" is an absolute path; it was not downloaded',
      'a/../../b.txt': 'W&B artifact entry "a/../../b.txt" contains a \'..\' segment; it was not downloaded',
      'ok.txt': 'ok',
    });
  });
});

after(() => dispatcher.destroy());
