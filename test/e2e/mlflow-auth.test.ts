// Credentials and TLS end to end (mlflow.md §1): Basic from MLFLOW_TRACKING_USERNAME/PASSWORD (winning over a
// token, as in the client), Bearer from api-token or MLFLOW_TRACKING_TOKEN, refusals that say what to set and
// are not retried, every secret masked, no credential at the storage host a presigned URL points to, a tracking
// URI with a path prefix, and a server behind HTTPS with a private CA (MLFLOW_TRACKING_SERVER_CERT_PATH,
// MLFLOW_TRACKING_INSECURE_TLS).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MlflowFixture } from '../emulators/common/contracts.ts';
import { startEmulators, type RunningEmulators } from '../emulators/start.ts';
import { DEMO_MLFLOW_MODEL, DEMO_MLFLOW_RUNS as R, demoMlflowFixture } from '../fixtures/demo-mlflow.ts';
import { basicHeader, MlflowActionHarness, type MlflowActionRun } from '../support/mlflow-e2e.ts';
import { annotations } from '../support/wandb-e2e.ts';
import { makeTestCa, startTlsFront, type TestCa, type TlsFront } from '../reliability/support/tls-front.ts';

const USER = 'ci-bot';
const PASSWORD = 'pw-0f3a9c71e2';
const TOKEN = 'mlflow-token-5be1d0c7a9f24e';
const basicFixture: MlflowFixture = { ...demoMlflowFixture, auth: { basic: [{ username: USER, password: PASSWORD }] } };
const bearerFixture: MlflowFixture = { ...demoMlflowFixture, auth: { bearer: TOKEN } };

const errors = (run: MlflowActionRun): string => annotations(run.stdout, 'error').join('\n');

describe('MLflow action: credentials', () => {
  let basic: RunningEmulators;
  let bearer: RunningEmulators;
  let hb: MlflowActionHarness;
  let ht: MlflowActionHarness;

  before(async () => {
    basic = await startEmulators({ fixture: { mlflow: basicFixture }, mlflow: { presignedDownloads: true } });
    bearer = await startEmulators({ fixture: { mlflow: bearerFixture } });
    hb = new MlflowActionHarness(basic, basicFixture);
    ht = new MlflowActionHarness(bearer, bearerFixture);
  });
  after(async () => {
    await hb.cleanup();
    await ht.cleanup();
    await basic.close();
    await bearer.close();
  });

  it('Basic: every tracking request carries it, presigned storage requests never do, the password is masked', async () => {
    const run = await hb.run(
      { runs: `${R.xgb}\n${R.s3Presigned}`, files: 'model/MLmodel' },
      { env: { MLFLOW_TRACKING_USERNAME: USER, MLFLOW_TRACKING_PASSWORD: PASSWORD } },
    );
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(run.manifest?.totals.downloaded, 2);
    const storage = run.requests.filter((e) => e.target === 'storage');
    assert.equal(storage.length, 1, 'the s3 run was fetched from its presigned URL');
    assert.equal(storage[0]?.headers.authorization, undefined);
  });

  it('a wrong password: one 401, not retried, and a message naming the variables', async () => {
    const run = await hb.run({ runs: R.xgb }, { env: { MLFLOW_TRACKING_USERNAME: USER, MLFLOW_TRACKING_PASSWORD: 'pw-wrong-123' } });
    assert.equal(run.code, 1);
    assert.match(
      errors(run),
      /refused the request .* \(HTTP 401: You are not authenticated\..*Check MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD \(the user 'ci-bot'/,
    );
    assert.equal(run.requests.length, 1);
  });

  it('no credential at all: the server requires one, and says which variables to set', async () => {
    const run = await hb.run({ runs: R.xgb });
    assert.equal(run.code, 1);
    assert.match(
      errors(run),
      /requires authentication: set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or a token in api-token/,
    );
  });

  it('Bearer from api-token, or from MLFLOW_TRACKING_TOKEN', async () => {
    const fromInput = await ht.run({ models: `models:/${DEMO_MLFLOW_MODEL}@champion`, files: 'MLmodel', 'api-token': TOKEN });
    assert.equal(fromInput.code, 0, fromInput.stdout + fromInput.stderr);
    const fromEnv = await ht.run({ runs: R.xgb, files: 'metrics.json' }, { env: { MLFLOW_TRACKING_TOKEN: TOKEN } });
    assert.equal(fromEnv.code, 0, fromEnv.stdout + fromEnv.stderr);
  });

  it('Basic wins over a token, as in the client, and the step says so', async () => {
    const run = await ht.run(
      { runs: R.xgb, 'api-token': TOKEN },
      { env: { MLFLOW_TRACKING_USERNAME: USER, MLFLOW_TRACKING_PASSWORD: PASSWORD }, expectAuthorization: basicHeader(USER, PASSWORD) },
    );
    assert.equal(run.code, 1, 'the Bearer-checking server refuses Basic');
    assert.ok(annotations(run.stdout, 'warning').some((w) => /Basic authentication is used and the Bearer token/.test(w)));
  });
});

describe('MLflow action: server address and TLS', () => {
  let prefixed: RunningEmulators;
  let plain: RunningEmulators;
  let ca: TestCa;
  let front: TlsFront;

  before(async () => {
    prefixed = await startEmulators({ fixture: { mlflow: demoMlflowFixture }, mlflow: { pathPrefix: '/mlflow' } });
    plain = await startEmulators({ fixture: { mlflow: demoMlflowFixture } });
    ca = await makeTestCa();
    front = await startTlsFront(plain.mlflow?.url ?? '', ca);
  });
  after(async () => {
    await front.close();
    await ca.remove();
    await prefixed.close();
    await plain.close();
  });

  it('keeps a path prefix of the tracking URI, for the API and the artifact service alike', async () => {
    const h = new MlflowActionHarness(prefixed, demoMlflowFixture);
    try {
      assert.ok(h.url.endsWith('/mlflow'));
      const run = await h.run({ runs: R.xgb, files: 'model' }, { env: { MLFLOW_TRACKING_URI: h.url } });
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.equal(run.manifest?.totals.downloaded, 5);
      assert.ok(run.requests.every((e) => e.path.startsWith('/mlflow/api/2.0/')));
    } finally {
      await h.cleanup();
    }
  });

  it('refuses a private CA by default, trusts it from MLFLOW_TRACKING_SERVER_CERT_PATH, or skips checks when told', async () => {
    const h = new MlflowActionHarness(plain, demoMlflowFixture);
    try {
      const inputs = { 'api-url': front.origin, runs: R.xgb, files: 'model/MLmodel' };
      const refused = await h.run(inputs);
      assert.equal(refused.code, 1);
      assert.match(errors(refused), /certificate .* is not trusted/);
      assert.deepEqual(refused.requests, [], 'nothing reached the server');

      const trusted = await h.run(inputs, { env: { MLFLOW_TRACKING_SERVER_CERT_PATH: ca.caFile } });
      assert.equal(trusted.code, 0, trusted.stdout + trusted.stderr);
      assert.equal(trusted.manifest?.totals.downloaded, 1);

      const insecure = await h.run(inputs, { env: { MLFLOW_TRACKING_INSECURE_TLS: 'true' } });
      assert.equal(insecure.code, 0, insecure.stdout + insecure.stderr);

      const both = await h.run(inputs, { env: { MLFLOW_TRACKING_INSECURE_TLS: 'true', MLFLOW_TRACKING_SERVER_CERT_PATH: ca.caFile } });
      assert.equal(both.code, 1);
      assert.match(errors(both), /both set/);
    } finally {
      await h.cleanup();
    }
  });
});
