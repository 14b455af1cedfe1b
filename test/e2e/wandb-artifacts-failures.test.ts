// The action end to end against the W&B emulator in artifact mode when things are not plain: digests that do
// not match, a blob the storage lacks, an entry the file listing leaves out, http and cloud references (an ETag
// that changed, a target that is gone), expired signed URLs (renewed through the download handler, then a fresh
// listing), hostile entry paths, drafts, unknown names, a type that does not match, refused input combinations
// (before any request), and re-runs decided by the manifest digest. Every run also passes the shared checks of
// test/support/wandb-e2e.ts.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { WandbFixture } from '../emulators/common/contracts.ts';
import { startEmulators, type RunningEmulators } from '../emulators/start.ts';
import {
  DEMO_WANDB_ARTIFACTS,
  DEMO_WANDB_DATASET_REFERENCES,
  DEMO_WANDB_HOSTILE_ENTRIES,
  DEMO_WANDB_MODEL_ENTRIES,
  demoWandbFixture,
} from '../fixtures/demo.ts';
import { annotations, countRequests, listTree, WandbActionHarness, type WandbActionRun } from '../support/wandb-e2e.ts';

const MODEL = DEMO_WANDB_ARTIFACTS.model;
const QUICK = { DOWNLOAD_EXPERIMENT_FILES_MAX_ATTEMPTS: '3', DOWNLOAD_EXPERIMENT_FILES_RETRY_BASE_MS: '1' };

function record(run: WandbActionRun, entry: string): NonNullable<WandbActionRun['manifest']>['files'][number] {
  const found = run.manifest?.files.find((f) => f.attribute === entry);
  assert.ok(found, `the manifest has no record for ${JSON.stringify(entry)}`);
  return found;
}

function requestsTo(run: WandbActionRun, fragment: string): { target: string; endpoint: string; status: number }[] {
  return run.requests
    .filter((e) => decodeURIComponent(e.path).includes(fragment))
    .map((e) => ({ target: e.target, endpoint: e.endpoint, status: e.status }));
}

/** Nothing was asked of the tracker at all: the input was refused first. */
function assertNoRequest(run: WandbActionRun): void {
  assert.deepEqual(run.requests, []);
}

describe('W&B action: artifact failures', () => {
  let em: RunningEmulators;
  let h: WandbActionHarness;

  before(async () => {
    em = await startEmulators({ fixture: { wandb: demoWandbFixture } });
    h = new WandbActionHarness(em);
  });
  after(async () => {
    await h.cleanup();
    await em.close();
  });

  it('fails an entry whose bytes differ from its manifest MD5 (bounded retries), reports a missing blob, and fetches an unlisted entry through the download handler', async () => {
    const run = await h.run({ artifacts: DEMO_WANDB_ARTIFACTS.broken }, { env: QUICK });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const wrong = record(run, 'wrong-md5.bin');
    assert.equal(wrong.status, 'failed');
    // The same wrong bytes twice end the entry: a third download could not change them.
    assert.match(
      wrong.error ?? '',
      /gave up after 2 attempts: MD5 mismatch: the tracker says AAAAAAAAAAAAAAAAAAAAAA==, received \S+; the storage sent the same bytes twice/,
    );
    assert.equal(existsSync(path.join(run.destination, `${DEMO_WANDB_ARTIFACTS.broken}-v0`, 'wrong-md5.bin')), false);
    const missing = record(run, 'missing.bin');
    assert.equal(missing.status, 'missing');
    // wandb-artifacts.md §5.1: the client skips an unlisted entry silently; here it comes through §5.3's handler.
    const unlisted = record(run, 'unlisted.txt');
    assert.equal(unlisted.status, 'downloaded');
    assert.equal(countRequests(run, 'wandb-api', 'artifact-handler'), 1);
    assert.ok(annotations(run.stdout, 'warning').some((w) => /leaves out 1 of its entries/.test(w)));
    assert.equal(record(run, 'ok.txt').status, 'downloaded');
    assert.equal(run.outputs['failed-count'], '1');
    assert.equal(run.outputs['missing-count'], '1');
    assert.match(annotations(run.stdout, 'error').join('\n'), /1 of 4 files could not be downloaded:\n.*wrong-md5\.bin: .*MD5 mismatch/);
  });

  it('downloads http references checked by ETag, lists cloud references with their URI, and fetches a duplicated entry once', async () => {
    const run = await h.run({ artifacts: DEMO_WANDB_ARTIFACTS.dataset });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const http = record(run, DEMO_WANDB_DATASET_REFERENCES.http);
    assert.equal(http.status, 'downloaded');
    assert.match(String(http.details?.reference), /^http:\/\/127\.0\.0\.4:\d+\/datasets\/seabird\/labels\.csv$/);
    assert.equal(countRequests(run, 'reference', 'ref'), 1);
    for (const [entry, scheme] of [
      [DEMO_WANDB_DATASET_REFERENCES.s3, 's3://'],
      [DEMO_WANDB_DATASET_REFERENCES.gs, 'gs://'],
    ] as const) {
      const ref = record(run, entry);
      assert.equal(ref.status, 'reference');
      assert.ok(ref.reference?.startsWith(scheme), ref.reference);
      assert.equal(ref.details?.reference, ref.reference);
      assert.equal(existsSync(path.join(run.destination, ref.path ?? '')), false);
    }
    const warnings = annotations(run.stdout, 'warning').filter((w) => w.startsWith('Not downloaded:'));
    assert.equal(warnings.length, 2);
    assert.match(warnings.join('\n'), /is a reference to s3:\/\/seabird-raw\/archive\.tar \(an S3 object/);
    assert.equal(run.outputs['reference-count'], '2');
    assert.equal(run.outputs['files-count'], String((run.manifest?.files.length ?? 0) - 2));
    assert.match(run.summary, /References \(not downloaded\)/);
    // val/0.png has train/0.png's bytes: one storage GET for both.
    assert.equal(record(run, 'val/0.png').status, 'downloaded');
    assert.equal(requestsTo(run, '/wandb/artifacts/').length, 4, 'train/0..3; val/0 is copied');
  });

  it('renews an expired signed URL through the download handler (the key never reaching storage), then by a fresh listing', async () => {
    const entry = 'README.md';
    // 400 ExpiredToken (GCS), then the client's 403: both mean "another URL", first from the handler on the API host.
    em.faults.add({ target: 'storage', endpoint: 'blob', pathIncludes: '/wandb/artifacts/', times: 1, action: { kind: 'expire' } });
    const first = await h.run({ artifacts: `${MODEL}:best`, files: entry });
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.deepEqual(
      first.requests
        .filter((e) => e.target !== 'wandb-api' || e.endpoint === 'artifact-handler')
        .map((e) => `${e.target} ${e.endpoint} ${e.status}`),
      ['storage blob 200', 'storage blob 400', 'wandb-api artifact-handler 302', 'storage blob 200'],
    );
    const handler = first.requests.find((e) => e.endpoint === 'artifact-handler');
    // wandb-artifacts.md §5.3, V2 layout with the artifact-id feature: {base}/artifactsV2/{region}/{entity}/{project}/{collection}/{id}/{birth}/{hex}/{basename}.
    assert.match(
      decodeURIComponent(handler?.path ?? ''),
      /^\/artifactsV2\/default\/demo-team\/seabird\/seabird-model\/[^/]+\/[^/]+\/[0-9a-f]{32}\/README\.md$/,
    );

    // The handler itself refuses (a server without it): the entry is listed again by name for a new URL.
    em.faults.add({
      target: 'storage',
      endpoint: 'blob',
      pathIncludes: '/wandb/artifacts/',
      times: 1,
      action: { kind: 'status', status: 403 },
    });
    em.faults.add({ target: 'wandb-api', endpoint: 'artifact-handler', times: 1, action: { kind: 'status', status: 404 } });
    const second = await h.run({ artifacts: `${MODEL}:best`, files: entry });
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.equal(second.graphql.GetArtifactMembershipFiles, 1);
    assert.deepEqual(
      second.requests
        .filter((e) => e.target !== 'wandb-api' || e.endpoint === 'artifact-handler')
        .map((e) => `${e.target} ${e.endpoint} ${e.status}`),
      ['storage blob 200', 'storage blob 403', 'wandb-api artifact-handler 404', 'storage blob 200'],
    );
    assert.equal(record(second, entry).status, 'downloaded');
  });

  it('refuses entry paths that are absolute or leave the destination, and downloads the rest', async () => {
    const run = await h.run({ artifacts: DEMO_WANDB_ARTIFACTS.hostile });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const folder = `${DEMO_WANDB_ARTIFACTS.hostile}-v0`;
    assert.deepEqual(await listTree(run.destination), [`${folder}/ok.txt`, 'manifest.json']);
    for (const entry of DEMO_WANDB_HOSTILE_ENTRIES) {
      const r = record(run, entry);
      assert.equal(r.status, 'failed', entry);
      assert.equal(r.path, null, entry);
      assert.match(r.error ?? '', /^W&B artifact entry .* (contains a '\.\.' segment|is an absolute path|contains a backslash)/, entry);
    }
    assert.equal(existsSync(path.join(run.workspace, 'escape.txt')), false);
    assert.equal(existsSync(path.join(run.destination, 'escape.txt')), false);
    assert.equal(countRequests(run, 'storage', 'blob'), 2, 'the manifest and ok.txt only');
  });

  it('fails clearly, before any download, for a draft, an unknown name or project, and a version of another type', async () => {
    const draft = await h.run({ artifacts: `${MODEL}:v3` });
    assert.equal(draft.code, 1);
    assert.match(annotations(draft.stdout, 'error').join('\n'), /seabird-model:v3.* is not committed \(state PENDING\)/);
    const unknown = await h.run({ artifacts: `${MODEL}:nope` });
    assert.match(
      annotations(unknown.stdout, 'error').join('\n'),
      /artifact membership 'seabird-model:nope' not found in 'demo-team\/seabird'/,
    );
    const project = await h.run({ artifacts: 'demo-team/nope/model:latest', project: '' });
    assert.match(annotations(project.stdout, 'error').join('\n'), /project 'nope' not found under entity 'demo-team'/);
    const type = await h.run({ artifacts: `${MODEL}:best`, 'artifact-type': 'dataset' });
    assert.match(
      annotations(type.stdout, 'error').join('\n'),
      /Input 'artifact-type': is 'dataset', but W&B artifact 'seabird-model:best' is of type 'model'/,
    );
    const noType = await h.run({ 'artifact-type': 'nope' });
    assert.match(annotations(noType.stdout, 'error').join('\n'), /has no artifact type 'nope'/);
    for (const run of [draft, unknown, project, type, noType]) {
      assert.equal(run.code, 1);
      assert.equal(countRequests(run, 'storage'), 0);
      assert.equal(annotations(run.stdout, 'error').length, 1, run.stdout);
    }
  });

  it('refuses inputs that mean nothing together, naming the input, before any request', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ artifacts: MODEL, 'run-artifacts': 'logged' }, /Input 'run-artifacts': give either 'artifacts'/],
      [{ 'run-artifacts': 'made' }, /Input 'run-artifacts': 'made' is not allowed\. Available options: logged, used/],
      [{ 'artifact-versions': 'all' }, /Input 'artifact-versions': says how many versions/],
      [
        { artifacts: `${MODEL}:best`, 'artifact-versions': 'all' },
        /Input 'artifact-versions': applies to collections named without a version/,
      ],
      [{ artifacts: MODEL, 'artifact-versions': 'some' }, /Input 'artifact-versions': 'some' is not 'latest', 'all' or a number/],
      [{ artifacts: MODEL, runs: 'seab0001' }, /Input 'runs': selects runs, but 'artifacts' and 'artifact-type' name artifacts directly/],
      [{ artifacts: 'regex:^seabird' }, /Input 'artifacts': takes artifact names, not a regex/],
      [{ artifacts: 'a/b/c/d' }, /Input 'artifacts': 'a\/b\/c\/d' is not an artifact name/],
      [{ artifacts: `${MODEL}:` }, /Input 'artifacts': 'seabird-model:' names no version or alias/],
      [{ artifacts: MODEL, files: 'a', pattern: '%' }, /Input 'pattern': Querying for files by both names and pattern is not supported/],
      [{ artifacts: MODEL, project: '' }, /Input 'project': is required/],
    ];
    for (const [inputs, message] of cases) {
      const run = await h.run(inputs);
      assert.equal(run.code, 1, JSON.stringify(inputs));
      assert.match(annotations(run.stdout, 'error').join('\n'), message, JSON.stringify(inputs));
      assertNoRequest(run);
    }
  });

  it('keeps entries already present by their manifest MD5 on a re-run, and downloads one changed on disk again', async () => {
    const ws = await h.workspace();
    const first = await h.run({ artifacts: `${MODEL}:best` }, { workspace: ws });
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const again = await h.run({ artifacts: `${MODEL}:best` }, { workspace: ws });
    assert.deepEqual(
      again.manifest?.files.map((f) => f.status),
      DEMO_WANDB_MODEL_ENTRIES.map(() => 'skipped'),
    );
    assert.equal(countRequests(again, 'storage', 'blob'), 1, 'the manifest only');
    assert.equal(again.outputs['skipped-count'], String(DEMO_WANDB_MODEL_ENTRIES.length));
    // Same size, other bytes: only the digest tells.
    const readme = path.join(again.destination, `${MODEL}-v1`, 'README.md');
    const size = (record(again, 'README.md').size ?? 0) as number;
    await writeFile(readme, 'x'.repeat(size));
    const third = await h.run({ artifacts: `${MODEL}:best` }, { workspace: ws });
    assert.equal(record(third, 'README.md').status, 'downloaded');
    assert.equal(third.manifest?.totals.skipped, DEMO_WANDB_MODEL_ENTRIES.length - 1);
  });
});

/** References whose target changed or vanished since the artifact was logged. */
const referenceFixture: WandbFixture = {
  ...demoWandbFixture,
  projects: [
    {
      entity: 'ref-team',
      name: 'refs',
      runs: [],
      artifacts: [
        {
          name: 'web-data',
          type: 'dataset',
          versions: [
            {
              entries: [
                { path: 'same.csv', ref: { http: 'web/same.csv', content: { text: 'a,b\n1,2\n' } } },
                {
                  path: 'changed.csv',
                  ref: { http: 'web/changed.csv', content: { text: 'new bytes\n' }, recordedDigest: '0123456789abcdef0123456789abcdef' },
                },
                { path: 'gone.csv', ref: { http: 'web/gone.csv', content: { missing: true } } },
                { path: 'local.bin', ref: { uri: 'file:///mnt/data/local.bin', digest: 'CY9rzUYh03PK3k6DJie09g==', size: 4 } },
              ],
            },
          ],
        },
      ],
    },
  ],
};

describe('W&B action: http references that changed or vanished', () => {
  let em: RunningEmulators;
  let h: WandbActionHarness;

  before(async () => {
    em = await startEmulators({ fixture: { wandb: referenceFixture } });
    h = new WandbActionHarness(em, referenceFixture);
  });
  after(async () => {
    await h.cleanup();
    await em.close();
  });

  it('fails a reference whose ETag is not the recorded one after one request, and reports a vanished one as missing', async () => {
    const run = await h.run({ project: 'ref-team/refs', artifacts: 'web-data' });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.equal(record(run, 'same.csv').status, 'downloaded');
    const changed = record(run, 'changed.csv');
    assert.equal(changed.status, 'failed');
    assert.match(
      changed.error ?? '',
      /gave up after 1 attempt: the referenced object changed since the artifact was logged: the manifest recorded 0123456789abcdef0123456789abcdef, it now has ETag "[0-9a-f]{32}"/,
    );
    assert.equal(requestsTo(run, 'web/changed.csv').length, 1, 'not retried');
    assert.equal(record(run, 'gone.csv').status, 'missing');
    const local = record(run, 'local.bin');
    assert.equal(local.status, 'reference');
    assert.equal(local.reference, 'file:///mnt/data/local.bin');
    assert.match(local.error ?? '', /a path on the machine or shared drive that logged the artifact/);
    assert.deepEqual(await listTree(run.destination), ['manifest.json', 'web-data-v0/same.csv']);
  });
});
