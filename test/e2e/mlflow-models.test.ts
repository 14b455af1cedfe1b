// The continuous-delivery case end to end: registered model versions by alias (the champion), number, latest
// and stage, a path inside the model, `runs:/` URIs, laid out `<model name>-v<version>/<path inside the model>`
// with the `registered_model_meta` file the official client writes (mlflow.md §5), the manifest's details, and
// the registry's "not found" answers as clear errors.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulators, type RunningEmulators } from '../emulators/start.ts';
import { DEMO_MLFLOW_MODEL as MODEL, DEMO_MLFLOW_RUNS as R, DEMO_MLFLOW_VISION_MODEL, demoMlflowFixture } from '../fixtures/demo-mlflow.ts';
import { MlflowActionHarness, type MlflowActionRun } from '../support/mlflow-e2e.ts';
import { annotations, listTree } from '../support/wandb-e2e.ts';

const MODEL_FOLDER = ['MLmodel', 'conda.yaml', 'model.pkl', 'python_env.yaml', 'registered_model_meta', 'requirements.txt'];

function paths(run: MlflowActionRun): string[] {
  return (run.manifest?.files ?? []).map((f) => f.path ?? `(failed) ${f.attribute}`).sort();
}

describe('MLflow action: registered model versions', () => {
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

  it('downloads the champion: the alias, the download URI, the run, its model folder and registered_model_meta', async () => {
    const run = await h.run({ models: `models:/${MODEL}@champion`, destination: 'model' });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(
      paths(run),
      MODEL_FOLDER.map((n) => `${MODEL}-v1/${n}`),
    );
    assert.deepEqual(run.calls, {
      'registered-models/alias': 1,
      'model-versions/get-download-uri': 1,
      'runs/get': 1,
      'mlflow-artifacts/list': 1,
      'mlflow-artifacts/download': 5,
    });
    // What mlflow.artifacts.download_artifacts("models:/…@champion") adds (§5), byte for byte.
    assert.equal(
      await readFile(path.join(run.destination, `${MODEL}-v1/registered_model_meta`), 'utf8'),
      `model_name: ${MODEL}\nmodel_version: '1'\n`,
    );
    const record = run.manifest?.files.find((f) => f.attribute === 'MLmodel');
    assert.equal(record?.containerKind, 'model-version');
    assert.equal(record?.container, `models:/${MODEL}/1`);
    assert.deepEqual(record?.details, {
      modelName: MODEL,
      modelVersion: '1',
      requested: `models:/${MODEL}@champion`,
      alias: 'champion',
      aliases: ['champion'],
      runId: R.xgb,
      source: `runs:/${R.xgb}/model`,
      artifactPath: 'MLmodel',
    });
    assert.equal(run.outputs.destination, run.destination);
    assert.deepEqual(
      (JSON.parse(run.outputs.paths ?? '[]') as string[]).sort(),
      MODEL_FOLDER.map((n) => `${MODEL}-v1/${n}`),
    );
    assert.match(run.summary, /<th>Model version<\/th>/);
  });

  it('several versions at once: a number, latest, a stage, one asked twice downloaded once', async () => {
    const run = await h.run({
      models: `models:/${MODEL}/2\nmodels:/${MODEL}/latest\nmodels:/${MODEL}/Production\nmodels:/${MODEL}@challenger`,
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(paths(run), [1, 2, 3].flatMap((v) => MODEL_FOLDER.map((n) => `${MODEL}-v${v}/${n}`)).sort());
    assert.ok(run.stdout.includes(`models:/${MODEL}@challenger is models:/${MODEL}/2, which models:/${MODEL}/2 already selected`));
    assert.equal(run.calls['registered-models/get-latest-versions'], 2);
  });

  it('a path inside the model, a model stored at its own mlflow-artifacts location, and runs:/ URIs', async () => {
    const run = await h.run({
      models: `models:/${MODEL}/3/MLmodel\nmodels:/${DEMO_MLFLOW_VISION_MODEL}/1\nruns:/${R.logreg}/plots/roc.png\nruns:/${R.tuning1}`,
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(
      paths(run),
      [
        `${MODEL}-v3/MLmodel`,
        ...MODEL_FOLDER.map((n) => `${DEMO_MLFLOW_VISION_MODEL}-v1/${n}`),
        `${R.logreg}/plots/roc.png`,
        `${R.tuning1}/trial.json`,
      ].sort(),
    );
    // A single file inside the model gets no registered_model_meta (the client adds it to folders only).
    assert.ok(!(await listTree(run.destination)).includes(`${MODEL}-v3/registered_model_meta`));
  });

  it('files narrows each model to paths inside it', async () => {
    const run = await h.run({ models: `models:/${MODEL}@champion`, files: 'MLmodel\nrequirements.txt' });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(paths(run), [`${MODEL}-v1/MLmodel`, `${MODEL}-v1/requirements.txt`]);
  });

  it('an unknown alias, version or model fails with a clear message and exit code 4 in the CLI sense', async () => {
    for (const [uri, message] of [
      [`models:/${MODEL}@nope`, /alias nope not found/],
      [`models:/${MODEL}/9`, /Model Version \(name=churn-classifier, version=9\) not found/],
      ['models:/no-such-model/latest', /Registered Model with name=no-such-model not found/],
    ] as const) {
      const run = await h.run({ models: uri });
      assert.equal(run.code, 1, uri);
      assert.ok(
        annotations(run.stdout, 'error').some((e) => message.test(e)),
        `${uri}: ${annotations(run.stdout, 'error').join(' | ')}`,
      );
      assert.equal(run.calls['mlflow-artifacts/download'], undefined);
    }
  });
});
