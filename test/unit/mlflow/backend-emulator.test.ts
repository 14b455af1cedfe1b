// The MLflow source against the MLflow emulator, in process: what each selection resolves to and what it costs
// in requests (mlflow.md §2, §3, §5), where each file's bytes are (§3.2, §3.3) and how failed answers are read.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMlflowSource } from '../../../src/backends/mlflow/mlflow-source.ts';
import { classifyServer, classifyStorage, encodePath } from '../../../src/backends/mlflow/locator.ts';
import { readMlflowSelection } from '../../../src/backends/mlflow/selection.ts';
import { AuthenticationError, InputError, NotFoundError } from '../../../src/core/errors.ts';
import { ApiClient } from '../../../src/core/http/api-client.ts';
import { createDispatcher } from '../../../src/core/http/dispatcher.ts';
import type { RetryPolicy } from '../../../src/core/http/retry-policy.ts';
import type { Logger } from '../../../src/core/logger.ts';
import type { Source } from '../../../src/core/source.ts';
import type { RemoteFile } from '../../../src/core/types.ts';
import { startEmulators, type RunningEmulators } from '../../emulators/start.ts';
import { DEMO_MLFLOW_MODEL, DEMO_MLFLOW_RUNS as R, demoMlflowFixture } from '../../fixtures/demo-mlflow.ts';

const retry: RetryPolicy = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, maxTotalWaitMs: 1000 };
const dispatcher = createDispatcher({ connectionsPerOrigin: 8, headersTimeoutMs: 5000, bodyTimeoutMs: 5000, connectTimeoutMs: 2000 });
let em: RunningEmulators;
let presigning: RunningEmulators;
let guarded: RunningEmulators;

before(async () => {
  em = await startEmulators({ fixture: { mlflow: demoMlflowFixture } });
  presigning = await startEmulators({ fixture: { mlflow: demoMlflowFixture }, mlflow: { presignedDownloads: true } });
  guarded = await startEmulators({
    fixture: { mlflow: { ...demoMlflowFixture, auth: { basic: [{ username: 'ci', password: 'pw-right' }] } } },
  });
});
after(async () => {
  await Promise.all([em.close(), presigning.close(), guarded.close()]);
  await dispatcher.close();
});

interface Harness {
  source: Source;
  api: ApiClient;
  warnings: string[];
}

function harness(inputs: Record<string, string>, on: RunningEmulators = em, env: NodeJS.ProcessEnv = {}): Harness {
  const warnings: string[] = [];
  const log: Logger = { debug: () => {}, info: () => {}, warning: (m) => warnings.push(m), error: () => {} };
  const signal = new AbortController().signal;
  const api = new ApiClient({ dispatcher, retry, signal, log });
  const given: Record<string, string> = { 'api-url': on.mlflow?.url ?? '', ...inputs };
  const selection = readMlflowSelection((name) => given[name] ?? '', { env: { HOME: '/nonexistent', ...env }, baseDirectory: '/' });
  return { source: createMlflowSource(selection, { api, log, signal }), api, warnings };
}

async function resolveAll(h: Harness): Promise<RemoteFile[]> {
  const out: RemoteFile[] = [];
  for await (const page of h.source.resolve()) out.push(...page);
  return out;
}

const counts = (h: Harness): Record<string, number> => Object.fromEntries(h.api.counts);
const paths = (files: RemoteFile[]): string[] => files.map((f) => f.pathParts.join('/'));

describe('resolving runs', () => {
  it('an experiment by name: one get-by-name, one runs/search, one listing per folder', async () => {
    const h = harness({ experiments: 'churn', runs: 'regex:^xgb', files: 'model\nmetrics.json' });
    const files = await resolveAll(h);
    assert.deepEqual(paths(files).sort(), [
      `${R.xgb}/metrics.json`,
      `${R.xgb}/model/MLmodel`,
      `${R.xgb}/model/conda.yaml`,
      `${R.xgb}/model/model.pkl`,
      `${R.xgb}/model/python_env.yaml`,
      `${R.xgb}/model/requirements.txt`,
    ]);
    // The root is listed once for both paths (the parent of `model` and of `metrics.json`), then `model`.
    assert.deepEqual(counts(h), { 'experiments/get-by-name': 1, 'runs/search': 1, 'mlflow-artifacts/list': 2 });
    const mlmodel = files.find((f) => f.attribute === 'model/MLmodel');
    assert.ok(mlmodel);
    assert.equal(mlmodel.containerKind, 'run');
    assert.equal(mlmodel.container, R.xgb);
    assert.equal(mlmodel.project, em.mlflow?.url);
    assert.deepEqual(mlmodel.details, {
      runId: R.xgb,
      runName: 'xgb-baseline',
      experimentId: '1',
      experimentName: 'churn',
      artifactPath: 'model/MLmodel',
    });
    assert.ok(typeof mlmodel.size === 'number' && mlmodel.size > 0);
  });

  it('run ids: one runs/get each; the experiment name from experiments/get; deleted runs skipped with a warning', async () => {
    const h = harness({ runs: `${R.logreg}\n${R.deleted}`, files: 'metrics.json' });
    const files = await resolveAll(h);
    assert.deepEqual(paths(files), [`${R.logreg}/metrics.json`]);
    assert.deepEqual(counts(h), { 'runs/get': 2, 'experiments/get': 1, 'mlflow-artifacts/list': 1 });
    assert.match(h.warnings.join('\n'), new RegExp(`'${R.deleted}' is deleted; it is skipped with lifecycle: active`));
  });

  it('run ids with a filter: the named runs that match it, in one search', async () => {
    const h = harness({ runs: `${R.xgb}\n${R.logreg}`, filter: 'metrics.auc > 0.9', files: 'metrics.json' });
    const files = await resolveAll(h);
    assert.deepEqual(paths(files), [`${R.xgb}/metrics.json`]);
    assert.equal(counts(h)['runs/search'], 1);
    assert.match(h.warnings.join('\n'), new RegExp(`'${R.logreg}' does not match the filter`));
  });

  it('a missing path is a warning; an empty folder gives nothing', async () => {
    const h = harness({ runs: R.xgb, files: 'nope.txt\ncheckpoints' });
    assert.deepEqual(await resolveAll(h), []);
    assert.match(h.warnings.join('\n'), /has no artifact 'nope\.txt'/);
  });

  it('typed errors: an unknown experiment or run, a filter the server refuses', async () => {
    await assert.rejects(
      resolveAll(harness({ experiments: 'nope' })),
      (e) => e instanceof NotFoundError && /experiment 'nope' was not found/.test(e.message),
    );
    await assert.rejects(
      resolveAll(harness({ runs: '0'.repeat(32) })),
      (e) => e instanceof NotFoundError && /run '0{32}' was not found/.test(e.message),
    );
    await assert.rejects(
      resolveAll(harness({ filter: 'metrics.auc > 1 or metrics.auc < 0' })),
      (e) => e instanceof InputError && e.input === 'filter',
    );
  });

  it('refused credentials stop with an AuthenticationError that says what to set', async () => {
    await assert.rejects(
      resolveAll(harness({}, guarded)),
      (e) => e instanceof AuthenticationError && /requires authentication: set MLFLOW_TRACKING_USERNAME/.test(e.message),
    );
    await assert.rejects(
      resolveAll(harness({}, guarded, { MLFLOW_TRACKING_USERNAME: 'ci', MLFLOW_TRACKING_PASSWORD: 'pw-wrong' })),
      (e) => e instanceof AuthenticationError && /the user 'ci'/.test(e.message),
    );
    const ok = await resolveAll(
      harness({ runs: R.xgb, files: 'metrics.json' }, guarded, { MLFLOW_TRACKING_USERNAME: 'ci', MLFLOW_TRACKING_PASSWORD: 'pw-right' }),
    );
    assert.equal(ok.length, 1);
  });
});

describe('resolving model versions (§5)', () => {
  it('an alias: alias, download URI, the run, its model folder, and the registered_model_meta file', async () => {
    const h = harness({ models: `models:/${DEMO_MLFLOW_MODEL}@champion` });
    const files = await resolveAll(h);
    assert.deepEqual(paths(files).sort(), [
      `${DEMO_MLFLOW_MODEL}-v1/MLmodel`,
      `${DEMO_MLFLOW_MODEL}-v1/conda.yaml`,
      `${DEMO_MLFLOW_MODEL}-v1/model.pkl`,
      `${DEMO_MLFLOW_MODEL}-v1/python_env.yaml`,
      `${DEMO_MLFLOW_MODEL}-v1/registered_model_meta`,
      `${DEMO_MLFLOW_MODEL}-v1/requirements.txt`,
    ]);
    assert.deepEqual(counts(h), {
      'registered-models/alias': 1,
      'model-versions/get-download-uri': 1,
      'runs/get': 1,
      'mlflow-artifacts/list': 1,
    });
    const f = files.find((x) => x.attribute === 'MLmodel');
    assert.equal(f?.containerKind, 'model-version');
    assert.equal(f?.container, `models:/${DEMO_MLFLOW_MODEL}/1`);
    assert.deepEqual(f?.details, {
      modelName: DEMO_MLFLOW_MODEL,
      modelVersion: '1',
      requested: `models:/${DEMO_MLFLOW_MODEL}@champion`,
      alias: 'champion',
      aliases: ['champion'],
      runId: R.xgb,
      source: `runs:/${R.xgb}/model`,
      artifactPath: 'MLmodel',
    });
    const meta = files.find((x) => x.attribute === 'registered_model_meta');
    assert.ok(meta);
    const locator = await h.source.locate(meta, false);
    assert.equal(locator.body?.toString(), `model_name: ${DEMO_MLFLOW_MODEL}\nmodel_version: '1'\n`);
  });

  it('latest and a stage take the highest version; unknown versions and aliases are NotFoundErrors', async () => {
    const latest = await resolveAll(harness({ models: `models:/${DEMO_MLFLOW_MODEL}/latest`, files: 'MLmodel' }));
    assert.deepEqual(paths(latest), [`${DEMO_MLFLOW_MODEL}-v3/MLmodel`]);
    const staged = await resolveAll(harness({ models: `models:/${DEMO_MLFLOW_MODEL}/production`, files: 'MLmodel' }));
    assert.deepEqual(paths(staged), [`${DEMO_MLFLOW_MODEL}-v1/MLmodel`]);
    await assert.rejects(
      resolveAll(harness({ models: `models:/${DEMO_MLFLOW_MODEL}/9` })),
      (e) => e instanceof NotFoundError && /Model Version/.test(e.message),
    );
    await assert.rejects(
      resolveAll(harness({ models: `models:/${DEMO_MLFLOW_MODEL}@nope` })),
      (e) => e instanceof NotFoundError && /alias nope not found/.test(e.message),
    );
    await assert.rejects(resolveAll(harness({ models: 'models:/nope/1' })), NotFoundError);
  });

  it('a path inside the model, and runs:/ URIs laid out under the run', async () => {
    const sub = await resolveAll(harness({ models: `models:/${DEMO_MLFLOW_MODEL}/2/MLmodel\nruns:/${R.forest}/plots` }));
    assert.deepEqual(
      paths(sub).sort(),
      [`${DEMO_MLFLOW_MODEL}-v2/MLmodel`, `${R.forest}/plots/confusion_matrix.png`, `${R.forest}/plots/roc.png`].sort(),
    );
  });
});

describe('locating (§3.2, §3.3)', () => {
  it('proxied files: the download route with each segment encoded, credentials for the tracking origin only', async () => {
    const h = harness({ runs: R.odd, files: 'notes/with space+plus.txt' }, guarded, {
      MLFLOW_TRACKING_USERNAME: 'ci',
      MLFLOW_TRACKING_PASSWORD: 'pw-right',
    });
    const [file] = await resolveAll(h);
    assert.ok(file);
    const locator = await h.source.locate(file, false);
    assert.equal(
      locator.url,
      `${guarded.mlflow?.url}/api/2.0/mlflow-artifacts/artifacts/4/${R.odd}/artifacts/notes/with%20space%2Bplus.txt`,
    );
    assert.equal(locator.authOrigin, guarded.mlflow?.url);
    assert.deepEqual(locator.authHeaders, { Authorization: `Basic ${Buffer.from('ci:pw-right').toString('base64')}` });
    assert.equal(encodePath('a b/c#d/é'), 'a%20b/c%23d/%C3%A9');
  });

  it('files of a store the server reads: /get-artifact, or a presigned URL without credentials where offered', async () => {
    const served = harness({ runs: R.s3Served, files: 'samples/grid.png' });
    const [a] = await resolveAll(served);
    assert.ok(a);
    const viaServer = await served.source.locate(a, false);
    assert.equal(viaServer.url, `${em.mlflow?.url}/get-artifact?path=samples%2Fgrid.png&run_uuid=${R.s3Served}`);
    assert.equal(counts(served)['artifacts/presigned-download-url'], 1, 'asked once whether the server presigns');

    const presigned = harness({ runs: R.s3Presigned, files: 'samples/grid.png' }, presigning);
    const [b] = await resolveAll(presigned);
    assert.ok(b);
    const viaStorage = await presigned.source.locate(b, false);
    assert.equal(new URL(viaStorage.url).origin, presigning.storageOrigin);
    assert.equal(viaStorage.authHeaders, undefined);
    const again = await presigned.source.locate(b, true);
    assert.notEqual(again.url, '', 'a renewal asks for a new URL');
    assert.equal(counts(presigned)['artifacts/presigned-download-url'], 2);
  });

  it('reads failed answers the MLflow way', () => {
    const origin = 'http://127.0.0.1:1';
    const answer = (status: number, body = '', url = `${origin}/x`) => ({ url, status, headers: {}, body });
    const missing500 = JSON.stringify({
      error_code: 'INTERNAL_ERROR',
      message: "The following failures occurred …\n[Errno 2] No such file or directory: '/srv/x'",
    });
    assert.equal(classifyServer(answer(500, missing500), origin), 'missing');
    assert.equal(classifyServer(answer(500, 'Internal Server Error'), origin), 'transient');
    assert.equal(
      classifyServer(answer(503, 'Endpoint: … disabled due to the mlflow server running with `--no-serve-artifacts`.'), origin),
      'fatal',
    );
    assert.equal(classifyServer(answer(429), origin), 'transient');
    assert.equal(classifyServer(answer(401), origin), 'refused');
    assert.equal(classifyServer(answer(401, '', 'http://other/x'), origin), 'fatal');
    assert.equal(classifyServer(answer(403), origin), 'fatal');
    assert.equal(classifyServer(answer(404), origin), 'missing');
    assert.equal(classifyStorage(answer(403)), 'expired');
    assert.equal(classifyStorage(answer(400, '<Code>ExpiredToken</Code>… expired')), 'expired');
    assert.equal(classifyStorage(answer(404)), 'missing');
  });
});
