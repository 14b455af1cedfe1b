// Reading the MLflow inputs (mlflow.md §1, §2.3, §5): the server, the credentials as the official client picks
// them, TLS settings, and the selection forms — every mistake an InputError naming the input, before any request.
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { readMlflowSelection, type MlflowSelection } from '../../../src/backends/mlflow/selection.ts';
import { InputError, redact } from '../../../src/core/errors.ts';

const roots: string[] = [];
after(() => Promise.all(roots.map((r) => rm(r, { recursive: true, force: true }))));

/** HOME points at an empty folder unless a test gives one, so the runner's own ~/.mlflow never leaks in. */
const emptyHome = await mkdtemp(path.join(tmpdir(), 'def-mlflow-home-'));
roots.push(emptyHome);

function select(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}): MlflowSelection {
  return readMlflowSelection((name) => inputs[name] ?? '', { env: { HOME: emptyHome, ...env }, baseDirectory: '/' });
}

function refused(inputs: Record<string, string>, input: string, message: RegExp, env: NodeJS.ProcessEnv = {}): void {
  assert.throws(
    () => select(inputs, env),
    (e: unknown) => e instanceof InputError && e.input === input && message.test(e.message),
  );
}

const url = 'https://mlflow.example.com/prefix/';

describe('the tracking server', () => {
  it('comes from api-url, else MLFLOW_TRACKING_URI; a path prefix is kept', () => {
    assert.deepEqual(select({ 'api-url': url }).server, { uri: 'https://mlflow.example.com/prefix', origin: 'https://mlflow.example.com' });
    assert.equal(select({}, { MLFLOW_TRACKING_URI: 'http://10.0.0.5:5000' }).server.uri, 'http://10.0.0.5:5000');
  });
  it('is refused when it is not an http(s) tracking server', () => {
    refused({}, 'api-url', /MLFLOW_TRACKING_URI/);
    refused({ 'api-url': 'databricks' }, 'api-url', /Databricks/);
    refused({ 'api-url': 'sqlite:///mlflow.db' }, 'api-url', /local MLflow store.*mlflow server/);
    refused({ 'api-url': 'file:///tmp/mlruns' }, 'api-url', /local MLflow store/);
    refused({ 'api-url': './mlruns' }, 'api-url', /local MLflow store/);
    refused({ 'api-url': 'postgresql://db/mlflow' }, 'api-url', /local MLflow store/);
    refused({ 'api-url': 'https://u:p@h' }, 'api-url', /MLFLOW_TRACKING_USERNAME/);
    refused({ 'api-url': 'ftp://h' }, 'api-url', /http\(s\)/);
  });
});

describe('credentials (§1)', () => {
  it('Basic from the username and password variables wins over a token, with a note', () => {
    const s = select(
      { 'api-url': url, 'api-token': 'tok-123456' },
      { MLFLOW_TRACKING_USERNAME: 'ci', MLFLOW_TRACKING_PASSWORD: 'pw-secret-1' },
    );
    assert.deepEqual(s.auth, { kind: 'basic', username: 'ci', header: `Basic ${Buffer.from('ci:pw-secret-1').toString('base64')}` });
    assert.match(s.notes.map((n) => n.message).join('\n'), /Basic authentication is used and the Bearer token .* not sent/);
    assert.equal(redact(`a pw-secret-1 b tok-123456 c ${Buffer.from('ci:pw-secret-1').toString('base64')}`), 'a *** b *** c ***');
  });
  it('Bearer from api-token, else MLFLOW_TRACKING_TOKEN; none without either', () => {
    assert.deepEqual(select({ 'api-url': url, 'api-token': 'tok-abcdef' }).auth, { kind: 'bearer', header: 'Bearer tok-abcdef' });
    assert.deepEqual(select({ 'api-url': url }, { MLFLOW_TRACKING_TOKEN: 'tok-from-env' }).auth, {
      kind: 'bearer',
      header: 'Bearer tok-from-env',
    });
    assert.deepEqual(select({ 'api-url': url }).auth, { kind: 'none' });
  });
  it('half a Basic credential is not used, and says so', () => {
    const s = select({ 'api-url': url, 'api-token': 'tok-abcdef' }, { MLFLOW_TRACKING_USERNAME: 'ci' });
    assert.equal(s.auth.kind, 'bearer');
    assert.match(s.notes.map((n) => n.message).join('\n'), /Only MLFLOW_TRACKING_USERNAME is set/);
  });
  it('falls back to ~/.mlflow/credentials as the client does', async () => {
    const home = await mkdtemp(path.join(tmpdir(), 'def-mlflow-home-'));
    roots.push(home);
    await mkdir(path.join(home, '.mlflow'));
    await writeFile(
      path.join(home, '.mlflow', 'credentials'),
      '[other]\nmlflow_tracking_username = no\n\n[mlflow]\nMLFLOW_TRACKING_USERNAME = filed\nmlflow_tracking_password: from-file-pw\n',
    );
    const s = select({ 'api-url': url }, { HOME: home });
    assert.deepEqual(s.auth, { kind: 'basic', username: 'filed', header: `Basic ${Buffer.from('filed:from-file-pw').toString('base64')}` });
    // A variable wins over the file, each on its own.
    const mixed = select({ 'api-url': url }, { HOME: home, MLFLOW_TRACKING_USERNAME: 'env-user' });
    assert.equal(mixed.auth.kind === 'basic' ? mixed.auth.username : '', 'env-user');
  });
  it('notes plain http with credentials and auth schemes it cannot use', () => {
    const s = select({ 'api-url': 'http://h:5000', 'api-token': 'tok-abcdef' }, { MLFLOW_TRACKING_AUTH: 'my_plugin' });
    assert.match(s.notes.map((n) => n.message).join('\n'), /unencrypted/);
    assert.match(s.notes.map((n) => n.message).join('\n'), /MLFLOW_TRACKING_AUTH is set/);
  });
  it('refuses a token with a line break', () => {
    refused({ 'api-url': url, 'api-token': 'abc\ndef' }, 'api-token', /line break/);
  });
});

describe('TLS settings (§1)', () => {
  it('apply to the tracking server over https only', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'def-mlflow-tls-'));
    roots.push(dir);
    const ca = path.join(dir, 'ca.pem');
    await writeFile(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    assert.deepEqual(select({ 'api-url': url }, { MLFLOW_TRACKING_SERVER_CERT_PATH: ca }).tls, {
      origin: 'https://mlflow.example.com',
      ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    });
    assert.deepEqual(select({ 'api-url': url }, { MLFLOW_TRACKING_INSECURE_TLS: 'TRUE' }).tls, {
      origin: 'https://mlflow.example.com',
      insecure: true,
    });
    assert.equal(select({ 'api-url': url }, { MLFLOW_TRACKING_INSECURE_TLS: 'false' }).tls, undefined);
    assert.equal(select({ 'api-url': 'http://h' }, { MLFLOW_TRACKING_INSECURE_TLS: 'true' }).tls, undefined);
    refused({ 'api-url': url }, 'api-url', /both set/, { MLFLOW_TRACKING_INSECURE_TLS: 'true', MLFLOW_TRACKING_SERVER_CERT_PATH: ca });
    refused({ 'api-url': url }, 'api-url', /not a boolean/, { MLFLOW_TRACKING_INSECURE_TLS: 'yes' });
    refused({ 'api-url': url }, 'api-url', /cannot be read/, { MLFLOW_TRACKING_SERVER_CERT_PATH: path.join(dir, 'nope.pem') });
    refused({ 'api-url': url }, 'api-url', /no private key/, { MLFLOW_TRACKING_CLIENT_CERT_PATH: ca });
  });
});

describe('what to download', () => {
  it('runs: every active experiment by default; names, regex, ids, a filter passed through, a lifecycle', () => {
    const all = select({ 'api-url': url });
    assert.equal(all.target.kind === 'runs' && all.target.experiments.kind, 'all');
    assert.equal(all.target.kind === 'runs' && all.target.lifecycle, 'active');
    assert.match(all.description, /every active experiment/);
    const s = select({
      'api-url': url,
      experiments: 'churn\n  churn-tuning \n\nchurn',
      runs: 'regex:^forest & !broken',
      filter: "metrics.auc > 0.9 and params.model = 'xgb'",
      lifecycle: 'all',
    });
    assert.ok(s.target.kind === 'runs');
    assert.deepEqual(s.target.experiments, { kind: 'names', names: ['churn', 'churn-tuning'] });
    assert.ok(s.target.runs.kind === 'regex' && s.target.runs.matches('forest-deep') && !s.target.runs.matches('forest-broken'));
    assert.equal(s.target.filter, "metrics.auc > 0.9 and params.model = 'xgb'");
    assert.equal(s.target.lifecycle, 'all');
    refused({ 'api-url': url, lifecycle: 'archived' }, 'lifecycle', /active, deleted, all/);
    refused({ 'api-url': url, runs: 'my run' }, 'runs', /not a run id/);
  });
  it('files: paths normalised (a folder taken whole), or a regex; unsafe paths refused', () => {
    assert.deepEqual(select({ 'api-url': url, files: '/model/\nplots//roc.png\nmodel' }).files, {
      kind: 'paths',
      paths: ['model', 'plots/roc.png'],
    });
    assert.deepEqual(select({ 'api-url': url, files: '.' }).files, { kind: 'all' });
    refused({ 'api-url': url, files: '../secrets' }, 'files', /'\.\.' segment/);
    refused({ 'api-url': url, files: 'a#b' }, 'files', /'#'/);
  });
  it('models: URIs one per line, not mixed with the run inputs', () => {
    const s = select({ 'api-url': url, models: 'models:/churn@champion\nruns:/abc/model\nmodels:/churn@champion' });
    assert.ok(s.target.kind === 'uris');
    assert.deepEqual(
      s.target.uris.map((u) => u.uri),
      ['models:/churn@champion', 'runs:/abc/model'],
    );
    refused({ 'api-url': url, models: 'models:/churn/1', experiments: 'x' }, 'models', /does not combine with 'experiments'/);
    refused({ 'api-url': url, models: 'models:/churn' }, 'models', /names no version/);
  });
});
