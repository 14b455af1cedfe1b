// The action end to end against the W&B emulator in artifact mode, one test per selection form: versions by
// alias, by version and without one (latest), fully named without a project input, the newest N and all versions
// of a collection, every collection of a type, what runs logged or used (of one type), entries by name, LIKE
// pattern and regex, an old server without features (the legacy operations), and the bundled dist/index.js.
// Expected versions come from the demo fixture (aliases and the runs that logged or used each version); every run
// also passes the shared checks of test/support/wandb-e2e.ts (bytes equal to the fixture, no secret, no temporary
// file, credentials only on the API host).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulators, type RunningEmulators } from '../emulators/start.ts';
import {
  DEMO_WANDB_ARTIFACTS,
  DEMO_WANDB_ENTITY,
  DEMO_WANDB_MODEL_ENTRIES,
  DEMO_WANDB_PROJECT,
  DEMO_WANDB_PROJECT_NAME,
  DEMO_WANDB_RUNS,
  demoWandbFixture,
} from '../fixtures/demo.ts';
import { DIST_ENTRY } from '../support/action-process.ts';
import { annotations, countRequests, listTree, WandbActionHarness, type WandbActionRun } from '../support/wandb-e2e.ts';

const MODEL = DEMO_WANDB_ARTIFACTS.model;
const DATASET = DEMO_WANDB_ARTIFACTS.dataset;
const collections = demoWandbFixture.projects[0]?.artifacts ?? [];
const modelVersions = collections.find((c) => c.name === MODEL)?.versions ?? [];
/** The fixture's answers: which version holds `best`, which one is the newest committed, which runs logged what. */
const BEST = modelVersions.findIndex((v) => v.aliases?.includes('best'));
const LATEST = modelVersions.findLastIndex((v) => (v.state ?? 'COMMITTED') === 'COMMITTED');
const COMMITTED = modelVersions.flatMap((v, i) => ((v.state ?? 'COMMITTED') === 'COMMITTED' ? [i] : []));
const loggedBy = (run: string): number[] => modelVersions.flatMap((v, i) => (v.loggedBy === run ? [i] : []));

/** `<container>` of every record, once each, in manifest order. */
function containers(run: WandbActionRun): string[] {
  return [...new Set((run.manifest?.files ?? []).map((f) => f.container))];
}

function modelFiles(version: number): string[] {
  return DEMO_WANDB_MODEL_ENTRIES.map((e) => `${MODEL}-v${version}/${e}`);
}

function graphqlWithout(run: WandbActionRun, ...names: string[]): Record<string, number> {
  return Object.fromEntries(Object.entries(run.graphql).filter(([k]) => !names.includes(k)));
}

describe('W&B action: artifact versions', () => {
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

  it('downloads the version an alias names into <collection>-v<N>, reporting the version it resolved to', async () => {
    assert.equal(BEST, 1);
    const run = await h.run({ artifacts: `${MODEL}:best` });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(await listTree(run.destination), ['manifest.json', ...modelFiles(BEST)].sort());
    const records = run.manifest?.files ?? [];
    assert.deepEqual(
      records.map((r) => [r.containerKind, r.container, r.status]),
      DEMO_WANDB_MODEL_ENTRIES.map(() => ['artifact', `${MODEL}:v${BEST}`, 'downloaded']),
    );
    const first = records[0];
    assert.deepEqual(first?.details, {
      artifact: `${DEMO_WANDB_PROJECT}/${MODEL}:v${BEST}`,
      version: `v${BEST}`,
      aliases: modelVersions[BEST]?.aliases,
      type: 'model',
      artifactDigest: first?.details?.artifactDigest,
      entryPath: first?.attribute,
      entryDigest: first?.md5,
      requested: `${MODEL}:best`,
    });
    assert.match(String(first?.details?.artifactDigest), /^[0-9a-f]{32}$/);
    assert.match(
      run.stdout,
      new RegExp(`W&B artifact '${MODEL}:best' is '${DEMO_WANDB_PROJECT}/${MODEL}:v${BEST}' \\(aliases best, production\\)`),
    );
    // wandb-artifacts.md §1: features, the lookup, the manifest's URL, one batch of file URLs; nothing per entry.
    assert.deepEqual(run.graphql, {
      ServerFeaturesQuery: 1,
      ArtifactMembershipByName: 1,
      FetchArtifactManifest: 1,
      GetArtifactMembershipFileUrls: 1,
    });
    const storage = run.requests.filter((e) => e.target === 'storage');
    assert.equal(storage.length, 1 + DEMO_WANDB_MODEL_ENTRIES.length, 'the manifest and one GET per entry');
    assert.ok(storage.every((e) => e.status === 200));
    assert.equal(countRequests(run, 'wandb-api', 'artifact-handler'), 0);
    assert.equal(run.outputs['files-count'], String(DEMO_WANDB_MODEL_ENTRIES.length));
    assert.equal(run.outputs['reference-count'], '0');
    assert.match(run.summary, new RegExp(`${MODEL}:v${BEST}`));
    assert.match(run.summary, /<th>Artifact<\/th>/);
  });

  it('takes `latest` for a collection named alone, `vN` as given, and fully named versions without a project input', async () => {
    assert.equal(LATEST, 2);
    const run = await h.run({
      project: '',
      artifacts: `${DEMO_WANDB_PROJECT}/${MODEL}\n${DEMO_WANDB_PROJECT}/${MODEL}:v0\n${DEMO_WANDB_PROJECT}/${MODEL}:latest`,
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    // `model` and `model:latest` are the same version: downloaded once.
    assert.deepEqual(containers(run), [`${MODEL}:v${LATEST}`, `${MODEL}:v0`]);
    assert.equal(run.graphql.ArtifactMembershipByName, 3);
    assert.equal(run.graphql.FetchArtifactManifest, 2);
    assert.equal(run.manifest?.project, `${DEMO_WANDB_ENTITY}/${DEMO_WANDB_PROJECT_NAME}`);
    assert.equal(run.graphql.GetDefaultEntity, undefined, 'every name gives its entity');
  });

  it('takes the newest N or all committed versions of a collection, fetching bytes shared between versions once', async () => {
    const newest = await h.run({ artifacts: MODEL, 'artifact-versions': '2' });
    assert.equal(newest.code, 0, newest.stdout + newest.stderr);
    assert.deepEqual(containers(newest), [`${MODEL}:v${COMMITTED.at(-1)}`, `${MODEL}:v${COMMITTED.at(-2)}`]);
    assert.equal(newest.graphql.ProjectArtifacts, 1, 'one page of two, newest first');

    const all = await h.run({ artifacts: MODEL, 'artifact-versions': 'all' });
    assert.equal(all.code, 0, all.stdout + all.stderr);
    assert.deepEqual(
      containers(all),
      COMMITTED.toReversed().map((i) => `${MODEL}:v${i}`),
      'the draft v3 is not taken',
    );
    assert.deepEqual(await listTree(all.destination), ['manifest.json', ...COMMITTED.flatMap(modelFiles)].sort());
    // tokenizer/vocab.txt is the same blob in every version: one GET, copied to the other two paths.
    const entries = COMMITTED.length * DEMO_WANDB_MODEL_ENTRIES.length;
    assert.equal(countRequests(all, 'storage', 'blob'), COMMITTED.length + entries - (COMMITTED.length - 1));
    const vocab = COMMITTED.map((i) => path.join(all.destination, `${MODEL}-v${i}`, 'tokenizer', 'vocab.txt'));
    const bytes = await Promise.all(vocab.map((p) => readFile(p)));
    assert.ok(bytes.every((b) => b.equals(bytes[0] as Buffer)));
  });

  it('takes every collection of a type (its latest, or all its versions)', async () => {
    const latest = await h.run({ 'artifact-type': 'model' });
    assert.equal(latest.code, 0, latest.stdout + latest.stderr);
    assert.deepEqual(containers(latest), [`${MODEL}:v${LATEST}`]);
    assert.equal(latest.graphql.ArtifactTypeArtifactCollections, 1);
    const all = await h.run({ 'artifact-type': 'model', 'artifact-versions': 'all' });
    assert.equal(all.code, 0, all.stdout + all.stderr);
    assert.deepEqual(
      containers(all),
      COMMITTED.toReversed().map((i) => `${MODEL}:v${i}`),
    );
  });

  it('takes what the selected runs logged, and what they used (of one type, each version once)', async () => {
    const logged = await h.run({ runs: `${DEMO_WANDB_RUNS.baseline}\n${DEMO_WANDB_RUNS.augment}`, 'run-artifacts': 'logged' });
    assert.equal(logged.code, 0, logged.stdout + logged.stderr);
    const expected = [...loggedBy(DEMO_WANDB_RUNS.baseline), ...loggedBy(DEMO_WANDB_RUNS.augment)].map((i) => `${MODEL}:v${i}`);
    assert.deepEqual(containers(logged), expected);
    assert.deepEqual(graphqlWithout(logged, 'ServerFeaturesQuery', 'FetchArtifactManifest', 'GetArtifactMembershipFileUrls'), {
      Run: 2,
      RunOutputArtifacts: 2,
    });
    assert.equal(logged.manifest?.files[0]?.details?.run, DEMO_WANDB_RUNS.baseline);

    // Both finished training runs used the dataset; the many-files run used nothing.
    const used = await h.run({
      filter: '{"state": "finished"}',
      'run-artifacts': 'used',
      'artifact-type': 'dataset',
      files: 'train/0.png',
    });
    assert.equal(used.code, 0, used.stdout + used.stderr);
    assert.deepEqual(containers(used), [`${DATASET}:v0`]);
    assert.equal(used.graphql.Runs, 1);
    assert.equal(used.graphql.FetchArtifactManifest, 1, 'one version, although two runs used it');
    assert.equal(used.manifest?.files.length, 1);

    const noneOfType = await h.run({ runs: DEMO_WANDB_RUNS.augment, 'run-artifacts': 'logged', 'artifact-type': 'dataset' });
    assert.equal(noneOfType.code, 0);
    assert.equal(noneOfType.manifest?.files.length, 0);
    assert.ok(annotations(noneOfType.stdout, 'warning').some((w) => /No files were found/.test(w)));
  });

  it('picks entries by name (warning about a name that is no entry), SQL LIKE pattern and regex', async () => {
    const named = await h.run({ artifacts: `${MODEL}:best`, files: 'model.ckpt\nREADME.md\nnot-there.bin' });
    assert.equal(named.code, 0, named.stdout + named.stderr);
    assert.deepEqual(
      named.manifest?.files.map((f) => f.attribute),
      ['model.ckpt', 'README.md'],
    );
    assert.ok(annotations(named.stdout, 'warning').some((w) => w.includes("has no entry named 'not-there.bin'")));
    assert.equal(countRequests(named, 'storage', 'blob'), 3);

    const prefix = await h.run({ artifacts: `${MODEL}:best`, pattern: 'tokenizer/%' });
    assert.deepEqual(
      prefix.manifest?.files.map((f) => f.attribute),
      ['tokenizer/vocab.txt'],
    );
    const like = await h.run({ artifacts: `${DATASET}`, pattern: 'train/_.png', files: 'regex:[02]' });
    assert.deepEqual(
      like.manifest?.files.map((f) => f.attribute),
      ['train/0.png', 'train/2.png'],
    );
    const regex = await h.run({ artifacts: `${MODEL}:best`, files: 'regex:\\.md$ | \\.yaml$' });
    assert.deepEqual(regex.manifest?.files.map((f) => f.attribute).sort(), ['README.md', 'config.yaml']);
  });

  it('works the same from the bundled dist/index.js', async () => {
    const run = await h.run({ artifacts: `${MODEL}:best` }, { entry: DIST_ENTRY });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(await listTree(run.destination), ['manifest.json', ...modelFiles(BEST)].sort());
    assert.equal(run.outputs['files-count'], String(DEMO_WANDB_MODEL_ENTRIES.length));
  });
});

describe('W&B action: artifacts from a server without features (legacy operations)', () => {
  let em: RunningEmulators;
  let h: WandbActionHarness;

  before(async () => {
    em = await startEmulators({ fixture: { wandb: demoWandbFixture }, wandb: { features: 'none' } });
    h = new WandbActionHarness(em);
  });
  after(async () => {
    await h.cleanup();
    await em.close();
  });

  it('looks up by ArtifactByName and lists file URLs by artifact id (wandb-artifacts.md §2.2, §2.3, §5.1)', async () => {
    const run = await h.run({ artifacts: `${MODEL}:best` });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(run.graphql, { ServerFeaturesQuery: 1, ArtifactByName: 1, FetchArtifactManifest: 1, GetArtifactFileUrls: 1 });
    assert.deepEqual(await listTree(run.destination), ['manifest.json', ...modelFiles(BEST)].sort());
    assert.deepEqual(run.manifest?.files[0]?.details?.aliases, modelVersions[BEST]?.aliases);
  });
});
