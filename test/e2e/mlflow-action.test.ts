// The action end to end against the MLflow emulator (one instance for the file): runs selected by experiment
// name or regex, run id or run-name regex, the server's filter and the lifecycle; artifact paths as files,
// folders or a regex; the layout `<run id>/<artifact path>`; the manifest's details; exact request counts
// (mlflow.md §2, §3.2); a re-run that skips what is there. Shared checks (secrets, bytes, temporary files,
// credentials only on the tracking server) are in test/support/mlflow-e2e.ts. Model versions:
// mlflow-models.test.ts; credentials and TLS: mlflow-auth.test.ts; faults: mlflow-failures.test.ts.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulators, type RunningEmulators } from '../emulators/start.ts';
import { DEMO_MLFLOW_MANY_FILES, DEMO_MLFLOW_RUNS as R, demoMlflowFixture } from '../fixtures/demo-mlflow.ts';
import { DIST_ENTRY } from '../support/action-process.ts';
import { MlflowActionHarness, type MlflowActionRun } from '../support/mlflow-e2e.ts';
import { annotations, listTree } from '../support/wandb-e2e.ts';

const MODEL_FILES = ['model/MLmodel', 'model/conda.yaml', 'model/model.pkl', 'model/python_env.yaml', 'model/requirements.txt'];
const RUN_FILES = [...MODEL_FILES, 'plots/roc.png', 'plots/confusion_matrix.png', 'metrics.json'].sort();

function files(run: MlflowActionRun): string[] {
  return (run.manifest?.files ?? []).map((f) => `${f.container}/${f.attribute}`).sort();
}
function statuses(run: MlflowActionRun): string[] {
  return [...new Set((run.manifest?.files ?? []).map((f) => f.status))];
}
const under = (runId: string, names: readonly string[]): string[] => names.map((n) => `${runId}/${n}`);

/** Whether the bundled action knows this source (dist/ is rebuilt by the integrator, not on this branch). */
async function distKnowsMlflow(): Promise<boolean> {
  const text = await readFile(DIST_ENTRY, 'utf8').catch(() => '');
  return text.includes('MLFLOW_TRACKING_URI');
}

describe('MLflow action: selecting runs and artifacts', () => {
  let em: RunningEmulators;
  let h: MlflowActionHarness;

  before(async () => {
    em = await startEmulators({ fixture: { mlflow: demoMlflowFixture } });
    h = new MlflowActionHarness(em, demoMlflowFixture);
  });
  after(async () => {
    await h.cleanup();
    await em.close();
  });

  it('downloads one run by id: one runs/get, one listing per folder, one GET per file, laid out <run id>/<artifact path>', async () => {
    const run = await h.run({ runs: R.xgb });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(files(run), under(R.xgb, RUN_FILES).sort());
    assert.deepEqual(statuses(run), ['downloaded']);
    assert.deepEqual(await listTree(run.destination), ['manifest.json', ...under(R.xgb, RUN_FILES)].sort());
    // §3.2: the root, model/, plots/ and the empty checkpoints/ folder are listed once each; no search needed.
    assert.deepEqual(run.calls, { 'runs/get': 1, 'experiments/get': 1, 'mlflow-artifacts/list': 4, 'mlflow-artifacts/download': 8 });
    const record = run.manifest?.files.find((f) => f.attribute === 'model/MLmodel');
    assert.deepEqual(record?.details, {
      runId: R.xgb,
      runName: 'xgb-baseline',
      experimentId: '1',
      experimentName: 'churn',
      artifactPath: 'model/MLmodel',
    });
    assert.equal(record?.containerKind, 'run');
    assert.equal(run.manifest?.backend, 'mlflow');
    assert.equal(run.manifest?.project, h.url);
    assert.match(run.summary, /8 files downloaded/);
    assert.match(run.summary, /<th>Run<\/th>/);
  });

  it('selects the runs of an experiment by name with a filter, and a folder and a file of each', async () => {
    const run = await h.run({
      experiments: 'churn',
      filter: "metrics.auc >= 0.9 and params.model != 'logreg'",
      files: 'model\nmetrics.json',
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const wanted = [...MODEL_FILES, 'metrics.json'];
    assert.deepEqual(files(run), [...under(R.xgb, wanted), ...under(R.forest, wanted)].sort());
    assert.deepEqual(run.calls, {
      'experiments/get-by-name': 1,
      'runs/search': 1,
      'mlflow-artifacts/list': 4,
      'mlflow-artifacts/download': 12,
    });
    const search = run.requests.find((e) => e.endpoint === 'runs/search');
    assert.equal(search?.method, 'POST');
  });

  it('selects runs by a regex over run names, and files by a regex over their paths', async () => {
    const run = await h.run({ experiments: 'regex:^churn', runs: 'regex:^forest | ^tuning', files: 'regex:\\.(png|json)$' });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    // forest-broken is deleted (lifecycle active); tuning-1/2 in churn-tuning have trial.json.
    assert.deepEqual(
      files(run),
      [
        ...under(R.forest, ['metrics.json', 'plots/confusion_matrix.png', 'plots/roc.png']),
        `${R.tuning1}/trial.json`,
        `${R.tuning2}/trial.json`,
      ].sort(),
    );
    assert.equal(run.calls['experiments/search'], 1);
    assert.equal(run.calls['runs/search'], 1);
  });

  it('lifecycle: deleted takes only deleted runs, all takes both', async () => {
    const deleted = await h.run({ experiments: 'churn', lifecycle: 'deleted', files: 'metrics.json' });
    assert.equal(deleted.code, 0, deleted.stdout + deleted.stderr);
    assert.deepEqual(files(deleted), [`${R.deleted}/metrics.json`]);
    const all = await h.run({ experiments: 'churn', runs: 'regex:^forest', lifecycle: 'all', files: 'metrics.json' });
    assert.deepEqual(files(all), [`${R.deleted}/metrics.json`, `${R.forest}/metrics.json`].sort());
    const named = await h.run({ runs: R.deleted, files: 'metrics.json' });
    assert.equal(named.code, 0);
    assert.deepEqual(files(named), []);
    assert.ok(annotations(named.stdout, 'warning').some((w) => w.includes('is deleted; it is skipped with lifecycle: active')));
  });

  it('without experiments: every active experiment, one search over all of them', async () => {
    const run = await h.run({ runs: 'regex:^predictions', files: 'predictions' });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(run.manifest?.files.length, DEMO_MLFLOW_MANY_FILES);
    assert.ok(run.manifest?.files.every((f) => f.path?.startsWith(`${R.many}/predictions/epoch_`)));
    const search = run.requests.filter((e) => e.endpoint === 'experiments/search');
    assert.equal(search.length, 1);
    // The root, predictions/ and its four epoch folders (the root lists `predictions` as a folder).
    assert.equal(run.calls['mlflow-artifacts/list'], 6);
  });

  it('a re-run skips the files already there without downloading them again', async () => {
    const workspace = await h.workspace();
    const first = await h.run({ runs: R.logreg, files: 'model' }, { workspace });
    assert.deepEqual(statuses(first), ['downloaded']);
    const again = await h.run({ runs: R.logreg, files: 'model' }, { workspace });
    assert.equal(again.code, 0);
    assert.deepEqual(statuses(again), ['skipped']);
    assert.equal(again.calls['mlflow-artifacts/download'], undefined);
    assert.equal(again.outputs['skipped-count'], String(MODEL_FILES.length));
  });

  it('a dry run lists without downloading', async () => {
    const run = await h.run({ runs: R.forest, 'dry-run': 'true' });
    assert.equal(run.code, 0);
    assert.deepEqual(statuses(run), ['planned']);
    assert.equal(run.calls['mlflow-artifacts/download'], undefined);
    assert.deepEqual(await listTree(run.destination), ['manifest.json']);
  });

  it('input mistakes fail before any request', async () => {
    const run = await h.run({ models: 'models:/churn-classifier/1', experiments: 'churn' });
    assert.notEqual(run.code, 0);
    assert.ok(annotations(run.stdout, 'error').some((e) => /Input 'models': .* does not combine with 'experiments'/.test(e)));
    assert.deepEqual(run.requests, []);
    const local = await h.run({ 'api-url': 'sqlite:///mlflow.db' });
    assert.ok(annotations(local.stdout, 'error').some((e) => /local MLflow store/.test(e)));
  });

  it('works the same from the bundled dist/index.js', async (t) => {
    if (!(await distKnowsMlflow())) {
      t.skip('dist/index.js predates the MLflow source: rebuild it with npm run bundle');
      return;
    }
    const run = await h.run({ runs: R.xgb, files: 'model' }, { entry: DIST_ENTRY });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(files(run), under(R.xgb, MODEL_FILES).sort());
    assert.match(await readFile(path.join(run.destination, R.xgb, 'model/MLmodel'), 'utf8'), /^artifact_path: model\n/);
  });
});
