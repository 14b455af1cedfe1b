// What goes wrong with MLflow servers, end to end (mlflow.md §3.2, §4.3, §4.4, §6): rate limits and 503s with
// Retry-After, bodies cut short, streamed without Content-Length or delivered empty with status 200 (issue
// #25009), a file the store lost (answered 500), a non-ASCII name the proxied route cannot send, names the
// client's rules refuse, a run whose store the server cannot read, a server without artifact serving, and
// presigned URLs that expire. Each failure stays with its file or run; the rest completes.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulators, type RunningEmulators } from '../emulators/start.ts';
import {
  DEMO_MLFLOW_HOSTILE_LISTED,
  DEMO_MLFLOW_HOSTILE_NAMES,
  DEMO_MLFLOW_MISSING_FILE,
  DEMO_MLFLOW_NON_ASCII_FILE,
  DEMO_MLFLOW_RUNS as R,
  demoMlflowFixture,
} from '../fixtures/demo-mlflow.ts';
import { MlflowActionHarness, type MlflowActionRun } from '../support/mlflow-e2e.ts';
import { annotations, listTree } from '../support/wandb-e2e.ts';

/** Retries in milliseconds, so faults cost little time (src/settings/tuning.ts). */
const FAST: NodeJS.ProcessEnv = {
  DOWNLOAD_EXPERIMENT_FILES_MAX_ATTEMPTS: '4',
  DOWNLOAD_EXPERIMENT_FILES_RETRY_BASE_MS: '5',
  DOWNLOAD_EXPERIMENT_FILES_RETRY_MAX_DELAY_MS: '20',
  DOWNLOAD_EXPERIMENT_FILES_RETRY_MAX_TOTAL_WAIT_MS: '5000',
};

const downloads = (run: MlflowActionRun, pathIncludes: string): number =>
  run.requests.filter((e) => e.endpoint === 'mlflow-artifacts/download' && decodeURIComponent(e.path).includes(pathIncludes)).length;
const status = (run: MlflowActionRun, attribute: string): string | undefined =>
  run.manifest?.files.find((f) => f.attribute === attribute)?.status;

describe('MLflow action: faults', () => {
  let em: RunningEmulators;
  let h: MlflowActionHarness;

  before(async () => {
    em = await startEmulators({ fixture: { mlflow: demoMlflowFixture }, mlflow: { presignedDownloads: true } });
    h = new MlflowActionHarness(em, demoMlflowFixture);
  });
  after(async () => {
    await h.cleanup();
    await em.close();
  });

  it('waits as long as Retry-After asks on the API and on downloads, then recovers', async () => {
    em.faults.add({ target: 'mlflow-api', endpoint: 'runs/get', action: { kind: 'status', status: 503, retryAfter: '1' } });
    em.faults.add({
      target: 'mlflow-api',
      endpoint: 'mlflow-artifacts/download',
      pathIncludes: 'metrics.json',
      action: { kind: 'status', status: 429, retryAfter: '1' },
    });
    const run = await h.run({ runs: R.xgb, files: 'metrics.json' }, { env: FAST });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const gets = run.requests.filter((e) => e.endpoint === 'runs/get');
    assert.deepEqual(
      gets.map((e) => e.status),
      [503, 200],
    );
    assert.ok((gets[1]?.at ?? 0) - (gets[0]?.at ?? 0) >= 1000, 'the retry waited the second Retry-After asked for');
    const files = run.requests.filter((e) => e.endpoint === 'mlflow-artifacts/download');
    assert.deepEqual(
      files.map((e) => e.status),
      [429, 200],
    );
    assert.ok((files[1]?.at ?? 0) - (files[0]?.at ?? 0) >= 1000);
  });

  it('a body cut short of its Content-Length, or streamed chunked and ended early, is fetched again', async () => {
    em.faults.add({
      target: 'mlflow-api',
      endpoint: 'mlflow-artifacts/download',
      pathIncludes: 'model.pkl',
      action: { kind: 'truncate', bytes: 1000 },
    });
    em.faults.add({
      target: 'mlflow-api',
      endpoint: 'mlflow-artifacts/download',
      pathIncludes: 'roc.png',
      action: { kind: 'chunked', bytes: 100 },
    });
    em.faults.add({ target: 'mlflow-api', endpoint: 'mlflow-artifacts/download', pathIncludes: 'conda.yaml', action: { kind: 'chunked' } });
    const run = await h.run({ runs: R.forest, files: 'model/model.pkl\nplots/roc.png\nmodel/conda.yaml' }, { env: FAST });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(downloads(run, 'model.pkl'), 2);
    assert.equal(downloads(run, 'roc.png'), 2, 'a clean end after 100 bytes is caught by the listed size');
    assert.equal(downloads(run, 'conda.yaml'), 1, 'a whole body without Content-Length is fine');
  });

  it('a 200 with an empty body for a non-empty file is caught and fetched again; a real empty file is not', async () => {
    em.faults.add({ target: 'mlflow-api', endpoint: 'mlflow-artifacts/download', pathIncludes: 'ok.txt', action: { kind: 'empty' } });
    const run = await h.run({ runs: R.odd, files: 'ok.txt\nnotes/empty.txt' }, { env: FAST });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(downloads(run, 'ok.txt'), 2);
    assert.equal(downloads(run, 'empty.txt'), 1);
    assert.equal((await readFile(path.join(run.destination, R.odd, 'notes/empty.txt'))).length, 0);
  });

  it('a file the store lost (500 "No such file") is missing at once, not retried for minutes', async () => {
    const run = await h.run({ runs: R.odd, files: `${DEMO_MLFLOW_MISSING_FILE}\nok.txt` }, { env: FAST });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(status(run, DEMO_MLFLOW_MISSING_FILE), 'missing');
    assert.equal(downloads(run, DEMO_MLFLOW_MISSING_FILE), 1);
    assert.equal(run.outputs['missing-count'], '1');
    assert.ok(annotations(run.stdout, 'warning').some((w) => w.includes(DEMO_MLFLOW_MISSING_FILE)));
  });

  it('a non-ASCII name the proxied route answers 500 for comes through /get-artifact', async () => {
    const run = await h.run({ runs: R.odd, files: 'notes' }, { env: FAST });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(status(run, DEMO_MLFLOW_NON_ASCII_FILE), 'downloaded');
    assert.equal(downloads(run, DEMO_MLFLOW_NON_ASCII_FILE), 1);
    assert.equal(run.requests.filter((e) => e.endpoint === 'get-artifact').length, 1);
    assert.equal(await readFile(path.join(run.destination, R.odd, DEMO_MLFLOW_NON_ASCII_FILE), 'utf8'), 'non-ASCII name\n');
  });

  it('names the client refuses (§4.4) are failed with the reason; nothing lands outside the destination', async () => {
    const run = await h.run({ runs: R.hostile }, { env: FAST });
    assert.equal(run.code, 1);
    assert.equal(status(run, 'ok.txt'), 'downloaded');
    const failed = (run.manifest?.files ?? []).filter((f) => f.status === 'failed');
    assert.deepEqual(failed.map((f) => f.attribute).sort(), [...DEMO_MLFLOW_HOSTILE_NAMES, ...DEMO_MLFLOW_HOSTILE_LISTED].sort());
    for (const f of failed) assert.match(f.error ?? '', /MLflow artifact name .* (contains|is an absolute path).*; it was not downloaded/);
    assert.deepEqual(await listTree(path.dirname(run.destination)), [
      `experiment-files/${R.hostile}/ok.txt`,
      'experiment-files/manifest.json',
    ]);
    assert.equal(run.requests.filter((e) => e.endpoint === 'mlflow-artifacts/download').length, 1);
  });

  it('a run whose store the server cannot read fails alone, saying what to configure', async () => {
    const run = await h.run({ experiments: 'vision', files: 'samples/grid.png' }, { env: FAST });
    assert.equal(run.code, 1);
    assert.equal(run.manifest?.totals.downloaded, 2, 'the served and the presigned run');
    const failed = run.manifest?.files.find((f) => f.container === R.s3Unreadable);
    assert.equal(failed?.status, 'failed');
    assert.match(
      failed?.error ?? '',
      /could not list the artifacts in 's3:\/\/locked-bucket\/.*give the tracking server read access to it/,
    );
    // The served run came through /get-artifact, the presigned one from storage.
    assert.equal(run.requests.filter((e) => e.endpoint === 'get-artifact').length, 1);
    assert.equal(run.requests.filter((e) => e.target === 'storage').length, 1);
  });

  it('an expired presigned URL is asked for again', async () => {
    em.faults.add({ target: 'storage', action: { kind: 'expire' } });
    const run = await h.run({ runs: R.s3Presigned, files: 'samples/grid.png' }, { env: FAST });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(run.requests.filter((e) => e.endpoint === 'artifacts/presigned-download-url').length, 2);
    assert.deepEqual(
      run.requests.filter((e) => e.target === 'storage').map((e) => e.status),
      [403, 200],
    );
  });

  it('a listing that keeps failing fails its run alone after the retries', async () => {
    em.faults.add({
      target: 'mlflow-api',
      endpoint: 'mlflow-artifacts/list',
      pathIncludes: R.logreg,
      times: Infinity,
      action: { kind: 'status', status: 502 },
    });
    try {
      const run = await h.run({ runs: `${R.logreg}\n${R.xgb}`, files: 'metrics.json' }, { env: FAST });
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.equal(run.manifest?.files.find((f) => f.container === R.xgb)?.status, 'downloaded');
      const failed = run.manifest?.files.find((f) => f.container === R.logreg);
      assert.equal(failed?.status, 'failed');
      assert.match(failed?.error ?? '', /listing its artifacts failed .*HTTP 502/);
      assert.equal(run.requests.filter((e) => e.endpoint === 'mlflow-artifacts/list' && e.path.includes(R.logreg)).length, 4);
    } finally {
      em.faults.clear();
    }
  });
});

describe('MLflow action: a server without artifact serving', () => {
  let em: RunningEmulators;
  let h: MlflowActionHarness;
  before(async () => {
    em = await startEmulators({ fixture: { mlflow: demoMlflowFixture }, mlflow: { serveArtifacts: false } });
    h = new MlflowActionHarness(em, demoMlflowFixture);
  });
  after(async () => {
    await h.cleanup();
    await em.close();
  });

  it('fails the run at once with what to change, without retrying the 503', async () => {
    const run = await h.run({ runs: R.xgb }, { env: FAST });
    assert.equal(run.code, 1);
    assert.match(run.manifest?.files[0]?.error ?? '', /does not serve artifacts \(it runs with --no-serve-artifacts\).*--serve-artifacts/);
    assert.equal(run.requests.filter((e) => e.endpoint === 'mlflow-artifacts/list').length, 1);
  });
});
