// The action's `artifact-name` end to end: the action process (src/action/main.ts) downloads from the Neptune
// emulator and uploads through the real @actions/artifact client to the results-service emulator, reached only
// through the ACTIONS_RUNTIME_TOKEN / ACTIONS_RESULTS_URL the runner would give it. The zip read back from
// Azurite must hold exactly the manifest's downloaded and skipped files plus the manifest, byte for byte.
// Also: checks that fail before any download (bad name, a name the run already has, no runtime token), the
// if-no-files-found rules when nothing was downloaded, GHES, dry runs, and a late 409 after a failed look-up.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Manifest } from '../../src/core/report/manifest.ts';
import { startResultsService, type ResultsService } from '../emulators/artifacts/results-service.ts';
import { readZipEntries } from '../emulators/artifacts/zip-entries.ts';
import { startEmulators, type RunningEmulators } from '../emulators/start.ts';
import { DEMO_NEPTUNE_API_KEY, DEMO_NEPTUNE_MISSING_ATTRIBUTE, DEMO_NEPTUNE_PROJECT, demoFixture } from '../fixtures/demo.ts';
import { runActionProcess, type ActionRun } from '../support/action-process.ts';
import { assertCleanRun, filesUnder, fixtureBytes, readManifest } from './neptune-helpers.ts';

const fixture = demoFixture.neptune!;
const DAY_MS = 24 * 3600 * 1000;
/** What the runner sets for a job of run 42 of octo/ml (used only for the artifact-url output). */
const RUN_ENV = { GITHUB_REPOSITORY: 'octo/ml', GITHUB_RUN_ID: '42', ACTIONS_ARTIFACT_UPLOAD_TIMEOUT_MS: '30000' };

describe('action × artifact upload (results-service emulator, real @actions/artifact)', () => {
  let emulators: RunningEmulators;
  let service: ResultsService;
  let scratch: string;
  let token = '';
  let workspaces = 0;

  before(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'def-artifact-action-'));
    emulators = await startEmulators({ fixture: { neptune: fixture } });
    service = await startResultsService();
    token = emulators.neptune?.apiToken ?? '';
  });
  after(async () => {
    await Promise.allSettled([service?.close(), emulators?.close()]);
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  /** A fresh workspace inside the scratch folder (the runner's output and summary files land next to it). */
  async function workspace(): Promise<string> {
    workspaces += 1;
    const dir = path.join(scratch, `ws-${workspaces}`);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /** Runs the action with the results service's env unless `env` replaces it (`runnerEnv: false`). */
  async function run(
    inputs: Record<string, string>,
    options: { env?: Record<string, string>; runnerEnv?: boolean; workspace?: string } = {},
  ): Promise<ActionRun> {
    const result = await runActionProcess({
      inputs: { backend: 'neptune', 'api-token': token, project: DEMO_NEPTUNE_PROJECT, ...inputs },
      env: { ...RUN_ENV, ...(options.runnerEnv === false ? {} : service.env), ...options.env },
      workspace: options.workspace ?? (await workspace()),
    });
    await assertCleanRun(result, emulators, [token, DEMO_NEPTUNE_API_KEY, service.runtimeToken]);
    return result;
  }

  const log = (r: ActionRun): string => r.stdout + r.stderr;
  const errors = (r: ActionRun): string[] =>
    r.stdout
      .split('\n')
      .filter((l) => l.startsWith('::error::'))
      .map((l) => l.slice('::error::'.length).replace(/%0A/g, '\n').replace(/%25/g, '%'));
  const trackerRequests = (): number => emulators.log.entries().length;
  const creates = (name: string): number => service.calls('CreateArtifact').filter((c) => c.request?.name === name).length;

  it('uploads exactly the downloaded and skipped files plus the manifest, byte for byte, and reports id, url, digest', async () => {
    const ws = await workspace();
    // A first run puts one file in place, so the second run has a skipped file as well as downloaded ones.
    const first = await run({ experiments: 'seabird-baseline', attributes: 'model/checkpoint' }, { workspace: ws });
    assert.equal(first.code, 0, log(first));

    const asked = Date.now();
    const result = await run(
      {
        experiments: 'seabird-baseline\nseabird-augment',
        attributes: 'regex:^(model|eval|artifacts)/',
        'artifact-name': 'e2e-files',
        'artifact-retention-days': '3',
        'artifact-compression-level': '0',
      },
      { workspace: ws },
    );
    assert.equal(result.code, 0, log(result));
    const manifest = await readManifest(result);
    const count = (status: string): number => manifest.files.filter((f) => f.status === status).length;
    assert.deepEqual([count('skipped'), count('missing'), count('failed')], [1, 1, 0]);
    assert.ok(count('downloaded') >= 4);

    const [record, ...others] = service.artifacts().filter((a) => a.name === 'e2e-files');
    assert.ok(record && others.length === 0, 'one artifact of that name');
    assert.equal(record.state, 'finalized');
    const zip = await service.downloadZip('e2e-files');
    assert.equal(result.outputs['artifact-id'], String(record.id));
    assert.equal(result.outputs['artifact-url'], `https://github.com/octo/ml/actions/runs/42/artifacts/${record.id}`);
    assert.equal(result.outputs['artifact-digest'], createHash('sha256').update(zip).digest('hex'));
    assert.ok(record.expiresAt, 'retention days reach the service as expires_at');
    // The client adds days in local time (setDate), so a DST change moves it by an hour.
    assert.ok(Math.abs(record.expiresAt.getTime() - (asked + 3 * DAY_MS)) < 2 * 3600 * 1000, record.expiresAt.toISOString());

    const entries = readZipEntries(zip);
    const onDisk = manifest.files.filter((f) => f.status === 'downloaded' || f.status === 'skipped');
    assert.deepEqual(entries.map((e) => e.name).sort(), [...onDisk.map((f) => f.path as string), 'manifest.json'].sort());
    const destination = result.outputs.destination as string;
    for (const entry of entries) {
      assert.equal(entry.method, 0, `${entry.name}: compression level 0 stores entries`);
      assert.ok(entry.data.equals(await readFile(path.join(destination, entry.name))), `${entry.name} equals the file on disk`);
      const f = onDisk.find((r) => r.path === entry.name);
      if (f) assert.ok(entry.data.equals(fixtureBytes(fixture, DEMO_NEPTUNE_PROJECT, { experiment: f.container }, f.attribute)));
    }
    assert.ok(!entries.some((e) => e.name.includes('lost')), 'the missing file is not in the artifact');
    assert.match(
      result.summary,
      new RegExp(`Artifact: <a href="https://github.com/octo/ml/actions/runs/42/artifacts/${record.id}">e2e-files</a>`),
    );
  });

  it('rejects an artifact name the service would refuse before any request', async () => {
    const trackerBefore = trackerRequests();
    const serviceBefore = service.calls().length;
    const result = await run({ experiments: 'seabird-baseline', 'artifact-name': 'models:v3' });
    assert.equal(result.code, 1);
    assert.match(errors(result)[0] ?? '', /^Input 'artifact-name': 'models:v3' contains ":", which the artifact service rejects/);
    assert.equal(trackerRequests(), trackerBefore, 'no tracker request');
    assert.equal(service.calls().length, serviceBefore, 'no artifact service request');
  });

  it('a name the run already has fails before any download, saying what to change', async () => {
    // A matrix sibling (another job of the same run) took the name first.
    const sibling = await run(
      { experiments: 'seabird-distill', attributes: 'eval/report.txt', 'artifact-name': 'e2e-taken' },
      { env: service.jobEnv('matrix-sibling') },
    );
    assert.equal(sibling.code, 0, log(sibling));
    const taken = service.artifacts().find((a) => a.name === 'e2e-taken');
    assert.ok(taken);

    const storageBefore = emulators.log.count('storage');
    const trackerBefore = trackerRequests();
    const result = await run({ experiments: 'seabird-baseline', attributes: 'model/checkpoint', 'artifact-name': 'e2e-taken' });
    assert.equal(result.code, 1);
    assert.deepEqual(errors(result), [
      `An artifact named 'e2e-taken' already exists in this workflow run. Give each job its own artifact-name (matrix jobs: include the matrix value, or use 'shard', which appends -<i>-of-<n>; re-runs: include github.run_attempt). (The existing one has id ${taken.id}.)`,
    ]);
    assert.equal(trackerRequests(), trackerBefore, 'nothing was resolved or downloaded');
    assert.equal(emulators.log.count('storage'), storageBefore);
    assert.equal(creates('e2e-taken'), 1, 'only the sibling created it');
  });

  it('when the look-up fails the download goes on, and a late 409 still says what to change, after the summary', async () => {
    const sibling = await run(
      { experiments: 'seabird-distill', attributes: 'eval/report.txt', 'artifact-name': 'e2e-late' },
      { env: service.jobEnv('matrix-sibling-2') },
    );
    assert.equal(sibling.code, 0, log(sibling));
    // 403 is not retried by the client, so the look-up fails at once.
    service.failNext('ListArtifacts', { status: 403, msg: 'list refused in the test' });
    const result = await run({ experiments: 'seabird-baseline', attributes: 'model/checkpoint', 'artifact-name': 'e2e-late' });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /Could not check whether artifact 'e2e-late' already exists \(.*list refused in the test\); going on/);
    assert.deepEqual(errors(result), [
      "An artifact named 'e2e-late' already exists in this workflow run. Give each job its own artifact-name (matrix jobs: include the matrix value, or use 'shard', which appends -<i>-of-<n>; re-runs: include github.run_attempt).",
    ]);
    assert.deepEqual(await filesUnder(result.outputs.destination as string), ['manifest.json', 'seabird-baseline/model/checkpoint.bin']);
    assert.match(result.summary, /1 files downloaded/, 'the summary is written although the upload failed');
    assert.doesNotMatch(result.summary, /Artifact:/);
    assert.equal(result.outputs['artifact-id'], undefined);
  });

  it('without the runner-provided ACTIONS_RUNTIME_TOKEN it fails before any download and says why', async () => {
    const trackerBefore = trackerRequests();
    const result = await run(
      { experiments: 'seabird-baseline', 'artifact-name': 'e2e-no-token' },
      { runnerEnv: false, env: { ACTIONS_RESULTS_URL: service.env.ACTIONS_RESULTS_URL as string } },
    );
    assert.equal(result.code, 1);
    assert.match(
      errors(result)[0] ?? '',
      /^artifact-name 'e2e-no-token' is set, but ACTIONS_RUNTIME_TOKEN is not: the runner gives it only to actions started with 'uses:'/,
    );
    assert.equal(trackerRequests(), trackerBefore);
  });

  it('nothing downloaded: if-no-files-found decides, and no empty artifact is uploaded', async () => {
    const cases: { ifNoFilesFound: string; selection: Record<string, string>; code: number; level: string; message: RegExp }[] = [
      {
        ifNoFilesFound: 'error',
        selection: { experiments: 'regex:^no-such-experiment$' },
        code: 1,
        level: 'error',
        message: /^No files were found/,
      },
      {
        ifNoFilesFound: 'warn',
        selection: { experiments: 'regex:^no-such-experiment$' },
        code: 0,
        level: 'warning',
        message: /^No files were found/,
      },
      {
        ifNoFilesFound: 'error',
        selection: { experiments: 'seabird-baseline', attributes: DEMO_NEPTUNE_MISSING_ATTRIBUTE },
        code: 1,
        level: 'error',
        message:
          /^Nothing was downloaded, so no artifact 'e2e-empty-\d' is uploaded\. None of the 1 matching file\(s\) could be downloaded: 1 missing, 0 failed/,
      },
      {
        ifNoFilesFound: 'warn',
        selection: { experiments: 'seabird-baseline', attributes: DEMO_NEPTUNE_MISSING_ATTRIBUTE },
        code: 0,
        level: 'warning',
        message: /^Nothing was downloaded, so no artifact 'e2e-empty-\d' is uploaded\. None of the 1 matching file/,
      },
    ];
    // Independent jobs: run them at once, then check each.
    const results = await Promise.all(
      cases.map((c, i) => run({ ...c.selection, 'if-no-files-found': c.ifNoFilesFound, 'artifact-name': `e2e-empty-${i}` })),
    );
    for (const [i, c] of cases.entries()) {
      const name = `e2e-empty-${i}`;
      const result = results[i] as ActionRun;
      const what = `${c.ifNoFilesFound} ${JSON.stringify(c.selection)}`;
      assert.equal(result.code, c.code, `${what}: ${log(result)}`);
      const annotations = result.stdout.split('\n').filter((l) => l.startsWith(`::${c.level}::`));
      assert.ok(
        annotations.some((l) => c.message.test(l.slice(`::${c.level}::`.length))),
        `${what}: ${annotations.join('\n')}`,
      );
      assert.equal(creates(name), 0, `${what}: no CreateArtifact`);
      assert.ok(!service.artifacts().some((a) => a.name === name));
      assert.equal(result.outputs['artifact-id'], undefined);
    }
  });

  it('a job with failed files fails and uploads nothing, so re-running it can use the same name', async () => {
    // The run of `exp ü 名` has an attribute whose name is too long for any file system: it always fails.
    const result = await run({ experiments: 'exp ü 名', 'artifact-name': 'e2e-partial' });
    assert.equal(result.code, 1, log(result));
    const manifest = await readManifest(result);
    assert.ok(manifest.totals.failed > 0 && manifest.totals.downloaded > 0);
    assert.match(
      result.stdout,
      /^::warning::1 file\(s\) could not be downloaded, so no artifact 'e2e-partial' is uploaded; re-running the job can upload it under the same name\.$/m,
    );
    assert.match(errors(result)[0] ?? '', /^1 of \d+ files could not be downloaded:/);
    assert.equal(creates('e2e-partial'), 0);
    assert.equal(result.outputs['artifact-id'], undefined);
  });

  it('on GHES artifact-name fails the step before any download, as upload-artifact v4 does, with no artifact request', async () => {
    const before = service.calls().length;
    const result = await run(
      { experiments: 'seabird-augment', attributes: 'eval/report.txt', 'artifact-name': 'e2e-ghes' },
      { env: { GITHUB_SERVER_URL: 'https://ghe.example.com' } },
    );
    assert.equal(result.code, 1, log(result));
    assert.match(
      result.stdout,
      /^::error::Input 'artifact-name': is set \('e2e-ghes'\), but artifact uploads .* not supported on GitHub Enterprise Server/m,
    );
    assert.equal(existsSync(path.join(result.workspace, 'experiment-files')), false, 'nothing was downloaded');
    assert.equal(service.calls().length, before);
    assert.equal(result.outputs['artifact-id'], undefined);
  });

  it('a dry run uploads nothing and asks the artifact service nothing', async () => {
    const before = service.calls().length;
    const result = await run({ experiments: 'seabird-augment', 'dry-run': 'true', 'artifact-name': 'e2e-dry' });
    assert.equal(result.code, 0, log(result));
    assert.match(result.stdout, /^Dry run: no artifact 'e2e-dry' is uploaded\.$/m);
    assert.equal(service.calls().length, before);
    const manifest: Manifest = await readManifest(result);
    assert.ok(manifest.files.length > 0 && manifest.files.every((f) => f.status === 'planned'));
  });
});
