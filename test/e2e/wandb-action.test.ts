// The action end to end against the W&B emulator (one instance for the file): selecting runs (by id, Mongo
// filter, regex over ids and display names) and files (names, SQL LIKE pattern, regex), paging past page
// boundaries with exact request counts, and redirects to signed storage that never carry the key. The checks
// every run must pass (no secret anywhere, bytes equal to the fixture, no temporary files, auth only on the
// API host) are in test/support/wandb-e2e.ts. Failures: wandb-action-failures.test.ts; re-runs and dry runs:
// wandb-action-rerun.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEmulators, type RunningEmulators } from '../emulators/start.ts';
import { DEMO_WANDB_MANY_FILES, DEMO_WANDB_RUNS, demoWandbFixture } from '../fixtures/demo.ts';
import { DIST_ENTRY } from '../support/action-process.ts';
import { annotations, countRequests, listTree, WandbActionHarness, type WandbActionRun } from '../support/wandb-e2e.ts';

const BASELINE_FILES = demoWandbFixture.projects[0]?.runs.find((r) => r.id === DEMO_WANDB_RUNS.baseline)?.files.map((f) => f.name) ?? [];

function runFiles(run: WandbActionRun): string[] {
  return (run.manifest?.files ?? []).map((f) => `${f.container}/${f.attribute}`).sort();
}

function statuses(run: WandbActionRun): string[] {
  return [...new Set((run.manifest?.files ?? []).map((f) => f.status))];
}

describe('W&B action: selecting runs and files', () => {
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

  it('downloads one run by id with one Run and one RunFiles request, through redirects that never carry the key', async (t) => {
    const run = await h.run({ runs: DEMO_WANDB_RUNS.baseline });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(BASELINE_FILES.length, 13);
    assert.deepEqual(runFiles(run), BASELINE_FILES.map((n) => `${DEMO_WANDB_RUNS.baseline}/${n}`).sort());
    assert.deepEqual(statuses(run), ['downloaded']);
    assert.deepEqual(
      await listTree(run.destination),
      ['manifest.json', ...BASELINE_FILES.map((n) => `${DEMO_WANDB_RUNS.baseline}/${n}`)].sort(),
    );
    assert.equal(run.outputs['files-count'], '13');
    assert.equal(run.outputs['failed-count'], '0');

    // wandb.md §6: the fixed round trips are Run then RunFiles pages; no per-file GraphQL (0.28+ behaviour).
    assert.deepEqual(run.graphql, { Run: 1, RunFiles: 1 });
    // §3/§9.4: each file's url is on the API host and answers 302 to signed storage on another host.
    const fileRequests = run.requests.filter((e) => e.target === 'wandb-api' && e.endpoint === 'file');
    const storage = run.requests.filter((e) => e.target === 'storage');
    assert.equal(fileRequests.length, 13);
    assert.ok(
      fileRequests.every((e) => e.status === 302),
      'every file URL redirected',
    );
    assert.equal(storage.length, 13);
    assert.ok(storage.every((e) => e.endpoint === 'blob' && e.status === 200 && e.method === 'GET'));
    assert.equal(em.log.count('storage', 'blob'), 13);
    for (const e of run.requests.filter((r) => r.target === 'wandb-api' && r.endpoint !== 'file')) {
      assert.match(String(e.headers['user-agent']), /^W&B Public Client /, '§1: the public client User-Agent');
    }
    assert.match(run.summary, /13 files downloaded/);
    t.diagnostic(
      `run by id: ${run.durationMs} ms; GraphQL ${JSON.stringify(run.graphql)}; file URLs ${fileRequests.length}; storage ${storage.length}`,
    );
  });

  it('works the same from the bundled dist/index.js', async () => {
    const run = await h.run({ runs: DEMO_WANDB_RUNS.baseline, files: 'model.ckpt\nmedia/table/results.table.json' }, { entry: DIST_ENTRY });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(runFiles(run), [
      `${DEMO_WANDB_RUNS.baseline}/media/table/results.table.json`,
      `${DEMO_WANDB_RUNS.baseline}/model.ckpt`,
    ]);
    assert.deepEqual(statuses(run), ['downloaded']);
    assert.deepEqual(run.graphql, { Run: 1, RunFiles: 1 });
    assert.equal(countRequests(run, 'storage', 'blob'), 2);
  });

  it('selects runs with a MongoDB-style filter (Runs listing, no Run lookups)', async () => {
    const run = await h.run({
      filter: '{"state": "finished", "config.lr": {"$lt": 0.0015}}',
      files: 'config.yaml',
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    // seab0004 (lr 0.002) and the running/crashed/failed runs do not match.
    assert.deepEqual(runFiles(run), [`${DEMO_WANDB_RUNS.baseline}/config.yaml`, `${DEMO_WANDB_RUNS.augment}/config.yaml`]);
    assert.deepEqual(run.graphql, { Runs: 1, RunFiles: 2 });
    assert.equal(countRequests(run, 'storage', 'blob'), 2);
  });

  it('selects runs with regex: over ids and display names', async () => {
    // `^base` matches the display name "baseline" (id seab0001), `unstable` the crashed run's display name,
    // `0005$` the id of the running run; ` | ` is the extended syntax's OR.
    const run = await h.run({ runs: 'regex:^base | unstable | 0005$', files: 'output.log' });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(
      runFiles(run),
      [DEMO_WANDB_RUNS.baseline, DEMO_WANDB_RUNS.crashed, DEMO_WANDB_RUNS.running].map((id) => `${id}/output.log`),
    );
    assert.deepEqual(run.graphql, { Runs: 1, RunFiles: 3 });
  });

  it('selects files by names given one per line, and warns about a name the run does not have', async () => {
    const run = await h.run({ runs: DEMO_WANDB_RUNS.augment, files: 'model.ckpt\n  code/train.py  \n\nnot-there.txt\n' });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(runFiles(run), [`${DEMO_WANDB_RUNS.augment}/code/train.py`, `${DEMO_WANDB_RUNS.augment}/model.ckpt`]);
    assert.ok(
      annotations(run.stdout, 'warning').some((w) => w.includes("no file named 'not-there.txt'")),
      'a warning names the missing file',
    );
    assert.deepEqual(run.graphql, { Run: 1, RunFiles: 1 });
  });

  it('selects files with a SQL LIKE pattern', async () => {
    const run = await h.run({ runs: DEMO_WANDB_RUNS.baseline, pattern: 'media/images/%' });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(
      runFiles(run),
      [0, 1, 2, 3, 4].map((i) => `${DEMO_WANDB_RUNS.baseline}/media/images/pred_${i}.png`),
    );
    assert.deepEqual(run.graphql, { Run: 1, RunFiles: 1 });
    assert.equal(countRequests(run, 'storage', 'blob'), 5);
  });

  it('selects files with regex: in the extended syntax (a & !b)', async () => {
    const run = await h.run({ runs: DEMO_WANDB_RUNS.baseline, files: 'regex:\\.json$ & !metadata' });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(runFiles(run), [
      `${DEMO_WANDB_RUNS.baseline}/media/table/results.table.json`,
      `${DEMO_WANDB_RUNS.baseline}/wandb-summary.json`,
    ]);
    // The regex is applied to listed names: one listing, downloads only for the matches.
    assert.deepEqual(run.graphql, { Run: 1, RunFiles: 1 });
    assert.equal(countRequests(run, 'storage', 'blob'), 2);
  });

  it('pages past page boundaries: ceil(files / per-page) RunFiles requests per run, none per file', async () => {
    const perPage = 2;
    const run = await h.run({ runs: `${DEMO_WANDB_RUNS.baseline}\n${DEMO_WANDB_RUNS.many}`, 'per-page': String(perPage) });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const total = BASELINE_FILES.length + DEMO_WANDB_MANY_FILES;
    assert.equal(run.manifest?.totals.downloaded, total);
    const pages = Math.ceil(BASELINE_FILES.length / perPage) + Math.ceil(DEMO_WANDB_MANY_FILES / perPage);
    assert.equal(pages, 7 + 15);
    assert.deepEqual(run.graphql, { Run: 2, RunFiles: pages });
    assert.equal(countRequests(run, 'wandb-api', 'file'), total);
    assert.equal(countRequests(run, 'storage', 'blob'), total);
    // Downloads start with the first listed page: storage is asked before the listing has ended.
    const order = run.requests.map((e) => `${e.target} ${e.endpoint}`);
    assert.ok(order.indexOf('storage blob') < order.lastIndexOf('wandb-api RunFiles'), order.join('\n'));
    // Every file of the paged run, each once, in page order.
    const many = (run.manifest?.files ?? []).filter((f) => f.container === DEMO_WANDB_RUNS.many).map((f) => f.attribute);
    assert.deepEqual(
      many,
      Array.from({ length: DEMO_WANDB_MANY_FILES }, (_, i) => `media/images/step_${String(i).padStart(3, '0')}.png`),
    );
  });
});
