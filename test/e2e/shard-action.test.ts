// `shard: i/n` end to end through the action process: n=3 matrix jobs (each its own workspace and job token)
// against the Neptune emulator take disjoint parts whose union is the unsharded download (same records, same
// paths, same bytes); each uploads `<name>-<i>-of-3` with its own `manifest-<i>-of-3.json` through the real
// @actions/artifact client, so merging the three zips into one folder (download-artifact's merge-multiple)
// loses nothing. Adding a run to a W&B project (a second emulator) moves no old file to another shard. And
// examples/sharded.yml is checked against the names the action really produces.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import type { Manifest, ManifestRecord } from '../../src/core/report/manifest.ts';
import { readSettings } from '../../src/job/job.ts';
import { startResultsService, type ResultsService } from '../emulators/artifacts/results-service.ts';
import { readZipEntries } from '../emulators/artifacts/zip-entries.ts';
import type { WandbFixture, WandbRun } from '../emulators/common/contracts.ts';
import { startEmulators, type RunningEmulators } from '../emulators/start.ts';
import {
  DEMO_NEPTUNE_API_KEY,
  DEMO_NEPTUNE_PROJECT,
  DEMO_WANDB_API_KEY,
  DEMO_WANDB_PROJECT,
  DEMO_WANDB_PROJECT_NAME,
  demoFixture,
} from '../fixtures/demo.ts';
import { REPO_ROOT, runActionProcess, type ActionRun } from '../support/action-process.ts';
import { assertCleanRun, filesUnder, readManifest } from './neptune-helpers.ts';

const SHARDS = 3;
const SHARD_INDEXES = Array.from({ length: SHARDS }, (_, i) => i + 1);
/** Heads of the seabird-* experiments and 20 sweeps: 79 files, one of them missing in storage. */
const NEPTUNE_SELECTION = { experiments: 'regex:^(seabird|sweep)' };
const WANDB_SELECTION = { filter: '{"state": "finished"}', 'dry-run': 'true' };
const ADDED_RUN = 'late0001';
/** A crashed run (outside WANDB_SELECTION) whose files take each other's paths: `pN` is a file and a folder. */
const CLASH_RUN = 'clash001';
const CLASH_PAIRS = 8;

function identity(f: ManifestRecord): string {
  return JSON.stringify([f.backend, f.project, f.container, f.attribute, f.step]);
}

const byIdentity = (a: ManifestRecord, b: ManifestRecord): number => (identity(a) < identity(b) ? -1 : identity(a) > identity(b) ? 1 : 0);
const onDisk = (m: Manifest): ManifestRecord[] => m.files.filter((f) => f.status === 'downloaded' || f.status === 'skipped');

/** identity → shard, from the n manifests of one listing; fails when a file is in two shards. */
function assignments(manifests: Manifest[]): Map<string, number> {
  const out = new Map<string, number>();
  manifests.forEach((m, i) => {
    for (const f of m.files) {
      const id = identity(f);
      assert.equal(out.get(id), undefined, `${id} is in shard ${out.get(id)} and shard ${i + 1}`);
      out.set(id, i + 1);
    }
  });
  return out;
}

/** The demo W&B project plus one more finished run, as if it had been logged after the first listing. */
function withAddedRun(fixture: WandbFixture): WandbFixture {
  const copy = structuredClone(fixture);
  const project = copy.projects.find((p) => p.name === DEMO_WANDB_PROJECT_NAME);
  assert.ok(project);
  const added: WandbRun = {
    id: ADDED_RUN,
    displayName: 'late',
    state: 'finished',
    createdAt: new Date(Date.UTC(2024, 4, 3)).toISOString(),
    config: { lr: 0.003 },
    summary: { accuracy: 0.5 },
    files: [
      { name: 'config.yaml', content: { text: 'lr: 0.003\n' }, mimetype: 'application/x-yaml' },
      { name: 'output.log', content: { text: 'epoch 0\n' }, mimetype: 'text/plain' },
      { name: 'model.ckpt', content: { generate: { size: 4096, seed: 'late/ckpt' } }, mimetype: 'application/octet-stream' },
      ...Array.from({ length: 6 }, (_, i) => ({
        name: `media/images/late_${i}.png`,
        content: { generate: { size: 900 + i, seed: `late/img/${i}` } },
        mimetype: 'image/png',
      })),
    ],
  };
  const clash: WandbRun = {
    id: CLASH_RUN,
    displayName: 'clash',
    state: 'crashed',
    createdAt: new Date(Date.UTC(2024, 4, 4)).toISOString(),
    files: Array.from({ length: CLASH_PAIRS }, (_, i) => [
      { name: `p${i}`, content: { text: `file p${i}\n` } },
      { name: `p${i}/inner.txt`, content: { text: `file p${i}/inner.txt\n` } },
    ]).flat(),
  };
  project.runs.push(added, clash);
  return copy;
}

describe('action × shard i/n', () => {
  let emulators: RunningEmulators;
  /** The same W&B project with ADDED_RUN and CLASH_RUN: the second listing. */
  let grown: RunningEmulators;
  let service: ResultsService;
  let scratch: string;
  let workspaces = 0;
  const secrets = (): string[] => [emulators.neptune?.apiToken ?? '', DEMO_NEPTUNE_API_KEY, DEMO_WANDB_API_KEY, service.runtimeToken];

  before(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'def-shard-action-'));
    emulators = await startEmulators({ fixture: demoFixture });
    grown = await startEmulators({ fixture: { wandb: withAddedRun(demoFixture.wandb!) } });
    service = await startResultsService();
  });
  after(async () => {
    await Promise.allSettled([service?.close(), emulators?.close(), grown?.close()]);
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  async function run(inputs: Record<string, string>, env: Record<string, string> = {}, tracker = emulators): Promise<ActionRun> {
    workspaces += 1;
    const workspace = path.join(scratch, `ws-${workspaces}`);
    await mkdir(workspace, { recursive: true });
    const result = await runActionProcess({ inputs, env: { GITHUB_REPOSITORY: 'octo/ml', GITHUB_RUN_ID: '7', ...env }, workspace });
    await assertCleanRun(result, tracker, secrets());
    return result;
  }

  const neptune = (inputs: Record<string, string>, env?: Record<string, string>): Promise<ActionRun> =>
    run({ backend: 'neptune', 'api-token': emulators.neptune?.apiToken ?? '', project: DEMO_NEPTUNE_PROJECT, ...inputs }, env);

  it('three shards are disjoint, together equal the unsharded download, and their merged artifacts lose nothing', async () => {
    const whole = await neptune(NEPTUNE_SELECTION);
    assert.equal(whole.code, 0, whole.stdout);
    const all = await readManifest(whole);
    assert.equal(all.shard, null);
    assert.ok(all.files.length >= 3 * SHARDS, `enough files to spread: ${all.files.length}`);
    const allDestination = whole.outputs.destination as string;

    // The matrix: three jobs of one run at once, each with its own job token, as on a runner.
    const shards = await Promise.all(
      SHARD_INDEXES.map((i) =>
        neptune({ ...NEPTUNE_SELECTION, shard: `${i}/${SHARDS}`, 'artifact-name': 'seabird' }, service.jobEnv(`shard-${i}`)),
      ),
    );
    const manifests: Manifest[] = [];
    for (const [k, result] of shards.entries()) {
      const i = k + 1;
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.equal(path.basename(result.outputs.manifest as string), `manifest-${i}-of-${SHARDS}.json`);
      const manifest = await readManifest(result);
      assert.equal(manifest.shard, `${i}/${SHARDS}`, 'the manifest says which shard');
      assert.ok(manifest.files.length > 0, `shard ${i} is not empty`);
      assert.match(result.summary, new RegExp(`\\(shard ${i}/${SHARDS}\\)`), 'the summary says which shard');
      assert.match(result.stdout, new RegExp(`in shard ${i}/${SHARDS} \\(of ${all.files.length} resolved\\)`));
      manifests.push(manifest);
    }

    // Disjoint, and together exactly the unsharded records: same identities, paths, sizes, checksums, statuses.
    assignments(manifests);
    assert.deepEqual(manifests.flatMap((m) => m.files).sort(byIdentity), [...all.files].sort(byIdentity));

    // On disk: each shard holds its own files; together they are the unsharded tree, byte for byte.
    const union = new Map<string, Buffer>();
    for (const [k, result] of shards.entries()) {
      const destination = result.outputs.destination as string;
      const files = await filesUnder(destination);
      const own = onDisk(manifests[k] as Manifest).map((f) => f.path as string);
      assert.deepEqual(files, [...own, `manifest-${k + 1}-of-${SHARDS}.json`].sort());
      for (const p of own) union.set(p, await readFile(path.join(destination, p)));
    }
    const wholeFiles = (await filesUnder(allDestination)).filter((p) => p !== 'manifest.json');
    assert.deepEqual([...union.keys()].sort(), wholeFiles);
    for (const p of wholeFiles) assert.ok(union.get(p)?.equals(await readFile(path.join(allDestination, p))), `${p} differs`);

    // Artifacts seabird-<i>-of-3: the shard's files plus its own manifest; merged, every file once and all manifests.
    const merged = new Map<string, { shard: number; data: Buffer }>();
    for (const [k, result] of shards.entries()) {
      const name = `seabird-${k + 1}-of-${SHARDS}`;
      const record = service.artifacts().find((a) => a.name === name);
      assert.equal(record?.state, 'finalized', name);
      assert.equal(result.outputs['artifact-id'], String(record.id));
      const entries = readZipEntries(await service.downloadZip(name));
      const manifestName = `manifest-${k + 1}-of-${SHARDS}.json`;
      assert.deepEqual(
        entries.map((e) => e.name).sort(),
        [...onDisk(manifests[k] as Manifest).map((f) => f.path as string), manifestName].sort(),
      );
      assert.ok(entries.find((e) => e.name === manifestName)?.data.equals(await readFile(result.outputs.manifest as string)));
      for (const e of entries) {
        const earlier = merged.get(e.name);
        assert.equal(earlier, undefined, `${e.name} is in the artifacts of shards ${earlier?.shard} and ${k + 1}`);
        merged.set(e.name, { shard: k + 1, data: e.data });
      }
    }
    assert.deepEqual([...merged.keys()].sort(), [...wholeFiles, ...SHARD_INDEXES.map((i) => `manifest-${i}-of-${SHARDS}.json`)].sort());
    for (const p of wholeFiles) assert.ok(merged.get(p)?.data.equals(union.get(p) as Buffer), `${p} differs in the merged artifacts`);
  });

  const wandb = (tracker: RunningEmulators, inputs: Record<string, string>): Promise<ActionRun> => {
    const api = tracker.wandb;
    assert.ok(api);
    return run({ backend: 'wandb', 'api-token': api.apiKey, 'api-url': api.url, project: DEMO_WANDB_PROJECT, ...inputs }, {}, tracker);
  };

  it('adding a run to the project moves only the new files: every old file keeps its shard (W&B)', async () => {
    const listing = async (tracker: RunningEmulators): Promise<Map<string, number>> => {
      const runs = await Promise.all(SHARD_INDEXES.map((i) => wandb(tracker, { ...WANDB_SELECTION, shard: `${i}/${SHARDS}` })));
      for (const r of runs) assert.equal(r.code, 0, r.stdout + r.stderr);
      return assignments(await Promise.all(runs.map(readManifest)));
    };
    const before = await listing(emulators);
    const after = await listing(grown);

    const added = [...after.keys()].filter((id) => !before.has(id));
    assert.deepEqual(
      added.map((id) => (JSON.parse(id) as unknown[])[2]),
      added.map(() => ADDED_RUN),
      'the only new identities are the added run’s files',
    );
    assert.equal(added.length, 9);
    assert.equal(after.size, before.size + added.length, 'no old file disappeared');
    const moved = [...before].filter(([id, shard]) => after.get(id) !== shard);
    assert.deepEqual(moved, [], 'no old file changed shard');
    assert.ok(new Set(added.map((id) => after.get(id))).size > 1, 'the new files spread over the shards');
  });

  // Which of two files that want one path gets it must not depend on the shard; otherwise both could be
  // downloaded, by different shards, to one path, and merging the artifacts would keep one of them.
  it('files that clash on a path are decided the same way in every shard (W&B)', async () => {
    const inputs = { runs: CLASH_RUN, 'dry-run': 'true' };
    const whole = await readManifest(await wandb(grown, inputs));
    assert.equal(whole.totals.failed, CLASH_PAIRS, 'one file of each pair is rejected');
    const parts = await Promise.all(
      SHARD_INDEXES.map(async (i) => readManifest(await wandb(grown, { ...inputs, shard: `${i}/${SHARDS}` }))),
    );
    const outcome = (files: ManifestRecord[]): string[] => files.map((f) => `${f.attribute} → ${f.path ?? f.status}`).sort();
    assert.deepEqual(outcome(parts.flatMap((m) => m.files)), outcome(whole.files));
  });

  it('examples/sharded.yml: a matrix of shards uploading <name>-<i>-of-<n>, merged by pattern <name>-* with merge-multiple', async () => {
    const doc = parse(await readFile(path.join(REPO_ROOT, 'examples/sharded.yml'), 'utf8'), { uniqueKeys: true, strict: true }) as {
      jobs: Record<
        string,
        {
          needs?: string | string[];
          strategy?: { matrix?: { shard?: unknown } };
          steps: { uses?: string; with?: Record<string, unknown> }[];
        }
      >;
    };
    const actionInputs = Object.keys((parse(await readFile(path.join(REPO_ROOT, 'action.yml'), 'utf8')) as { inputs: object }).inputs);
    const entries = Object.entries(doc.jobs);
    const [downloadJob, download] = entries.find(([, job]) => job.strategy?.matrix?.shard !== undefined) ?? [];
    assert.ok(downloadJob && download, 'a job with a shard matrix');
    const matrix = download.strategy?.matrix?.shard;
    assert.ok(Array.isArray(matrix));
    const n = matrix.length;
    assert.deepEqual(
      matrix,
      Array.from({ length: n }, (_, i) => i + 1),
      'the matrix lists shards 1..n',
    );
    const step = download.steps.find((s) => s.uses?.startsWith('download-experiment-files/download-experiment-files@'));
    assert.ok(step?.with);
    for (const input of Object.keys(step.with)) assert.ok(actionInputs.includes(input), `'${input}' is an input of action.yml`);
    assert.equal(step.with.shard, `\${{ matrix.shard }}/${n}`, 'n in `shard` equals the matrix length');
    const base = String(step.with['artifact-name']);

    const merge = entries.find(([, job]) => [job.needs ?? []].flat().includes(downloadJob))?.[1];
    const fetch = merge?.steps.find((s) => /^actions\/download-artifact@v\d+$/.test(s.uses ?? ''));
    assert.equal(fetch?.with?.pattern, `${base}-*`);
    assert.equal(fetch?.with?.['merge-multiple'], true);

    // The names the action really gives each shard match the pattern, and no two shards' manifests collide.
    const pattern = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-.*$`);
    const manifestNames = new Set<string>();
    for (let i = 1; i <= n; i += 1) {
      const token = Buffer.from(JSON.stringify({ api_url: 'https://neptune.example.com' })).toString('base64');
      const inputs: Record<string, string> = { ...(step.with as Record<string, string>), 'api-token': token, shard: `${i}/${n}` };
      const settings = readSettings((name) => String(inputs[name] ?? ''), { env: {}, baseDirectory: scratch });
      assert.match(settings.artifact?.name ?? '', pattern);
      assert.equal(settings.artifact?.name, `${base}-${i}-of-${n}`);
      manifestNames.add(path.basename(settings.manifestPath));
    }
    assert.equal(manifestNames.size, n, `one manifest name per shard: ${[...manifestNames].join(', ')}`);
  });
});
