// The pure parts of the MLflow source: the client's path rules (mlflow.md §4.4), model and run URIs (§5, §4.1),
// artifact URI → transport (§3.4), and the registered_model_meta file (§5).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkArtifactPath, normaliseUserPath } from '../../../src/backends/mlflow/artifact-paths.ts';
import { descend, pathInsideRun, storeOf } from '../../../src/backends/mlflow/artifact-store.ts';
import { modelMetaBytes, yamlString } from '../../../src/backends/mlflow/model-meta.ts';
import { parseArtifactUri } from '../../../src/backends/mlflow/model-uri.ts';

describe('validate_path_is_safe (§4.4)', () => {
  const refused: [string, RegExp][] = [
    ['../x', /'\.\.' segment/],
    ['a/../../x', /'\.\.' segment/],
    ['%2e%2e/x', /'\.\.' segment/],
    ['%252e%252e/x', /'\.\.' segment/],
    ['/etc/passwd', /absolute/],
    ['%2Fetc%2Fpasswd', /absolute/],
    ['C:/x', /drive letter/],
    ['a#b', /'#'/],
    ['a%23b', /'#'/],
    ['a\\b', /backslash/],
    ['\\\\server\\share', /backslash/],
    ['nul\u0000name', /NUL/],
  ];
  for (const [name, why] of refused) {
    it(`refuses ${JSON.stringify(name)}`, () => {
      const check = checkArtifactPath(name);
      assert.equal(check.ok, false);
      if (!check.ok) assert.match(check.reason, why);
    });
  }
  it('accepts ordinary names, also with spaces, plus signs, dots and non-ASCII letters', () => {
    for (const name of ['model/MLmodel', 'docs/with space+plus.txt', '.hidden', 'a..b', 'résumé.txt', '100%']) {
      assert.equal(checkArtifactPath(name).ok, true, name);
    }
  });
  it('normalises what the user gives', () => {
    assert.deepEqual(normaliseUserPath(' /model/ '), { ok: true, path: 'model' });
    assert.deepEqual(normaliseUserPath('a//./b/'), { ok: true, path: 'a/b' });
    assert.deepEqual(normaliseUserPath('.'), { ok: true, path: '' });
    assert.equal(normaliseUserPath('../x').ok, false);
  });
});

describe('model and run URIs (§5)', () => {
  const parsed = (uri: string) => {
    const p = parseArtifactUri(uri);
    assert.ok(p.ok, p.ok ? '' : p.reason);
    return p.value;
  };
  it('reads versions, aliases, latest and stages, with a path inside the model', () => {
    assert.deepEqual(parsed('models:/churn/3'), {
      kind: 'model',
      uri: 'models:/churn/3',
      name: 'churn',
      choice: { kind: 'version', version: '3' },
      path: '',
    });
    assert.deepEqual(parsed('models:/churn@champion/sub/MLmodel'), {
      kind: 'model',
      uri: 'models:/churn@champion/sub/MLmodel',
      name: 'churn',
      choice: { kind: 'alias', alias: 'champion' },
      path: 'sub/MLmodel',
    });
    assert.deepEqual(parsed('models:/churn/Latest/'), {
      kind: 'model',
      uri: 'models:/churn/Latest/',
      name: 'churn',
      choice: { kind: 'latest' },
      path: '',
    });
    assert.deepEqual(parsed('models:/churn/Production'), {
      kind: 'model',
      uri: 'models:/churn/Production',
      name: 'churn',
      choice: { kind: 'stage', stage: 'Production' },
      path: '',
    });
    assert.deepEqual(parsed('models:/churn/7/data').path, 'data');
  });
  it('reads runs:/ URIs', () => {
    assert.deepEqual(parsed('runs:/abc123/model'), { kind: 'run', uri: 'runs:/abc123/model', runId: 'abc123', path: 'model' });
    assert.deepEqual(parsed('runs:/abc123'), { kind: 'run', uri: 'runs:/abc123', runId: 'abc123', path: '' });
  });
  it('refuses what it cannot download, saying what to give', () => {
    const reason = (uri: string): string => {
      const p = parseArtifactUri(uri);
      assert.equal(p.ok, false, uri);
      return p.ok ? '' : p.reason;
    };
    assert.match(reason('models:/m-0123456789'), /names no version.*logged-model/);
    assert.match(reason('models://profile@databricks/churn/1'), /Databricks/);
    assert.match(reason('models:/churn@'), /alias/);
    assert.match(reason('s3://bucket/model'), /not a model or run URI/);
    assert.match(reason('runs:/abc/../x'), /'\.\.' segment/);
    assert.match(reason('models:churn/1'), /one slash/);
  });
});

describe('artifact URI → transport (§3.4)', () => {
  const server = { uri: 'https://h/mlflow', origin: 'https://h' };
  it('mlflow-artifacts: goes to the tracking server, below its path prefix', () => {
    assert.deepEqual(storeOf('mlflow-artifacts:/1/abc/artifacts', server), {
      kind: 'proxied',
      base: 'https://h/mlflow/api/2.0/mlflow-artifacts/artifacts',
      root: '1/abc/artifacts',
      credentials: true,
    });
  });
  it('a host in the URI wins, and gets no credentials', () => {
    assert.deepEqual(storeOf('mlflow-artifacts://artifacts.internal:8080/1/abc/artifacts', server), {
      kind: 'proxied',
      base: 'https://artifacts.internal:8080/mlflow/api/2.0/mlflow-artifacts/artifacts',
      root: '1/abc/artifacts',
      credentials: false,
    });
  });
  it('http(s) URIs are split at /mlflow-artifacts/artifacts; others are unreachable', () => {
    assert.deepEqual(storeOf('https://h/mlflow/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts', server), {
      kind: 'proxied',
      base: 'https://h/mlflow/api/2.0/mlflow-artifacts/artifacts',
      root: '1/abc/artifacts',
      credentials: true,
    });
    assert.equal(storeOf('https://files.example.com/abc', server).kind, 'unreachable');
  });
  it('other stores go through the run, or are unreachable without one', () => {
    assert.deepEqual(storeOf('s3://b/1/abc/artifacts', server, { runId: 'abc', runRoot: '' }), {
      kind: 'run-scoped',
      runId: 'abc',
      root: '',
      uri: 's3://b/1/abc/artifacts',
    });
    assert.equal(storeOf('s3://b/models/x', server).kind, 'unreachable');
    assert.deepEqual(descend(storeOf('s3://b/1/abc/artifacts', server, { runId: 'abc', runRoot: '' }), 'model'), {
      kind: 'run-scoped',
      runId: 'abc',
      root: 'model',
      uri: 's3://b/1/abc/artifacts',
    });
    assert.equal(pathInsideRun('s3://b/1/abc/artifacts/model', 's3://b/1/abc/artifacts/'), 'model');
    assert.equal(pathInsideRun('s3://b/1/abcd/artifacts/model', 's3://b/1/abc/artifacts'), undefined);
  });
});

describe('registered_model_meta (§5)', () => {
  it('is the YAML the client writes (PyYAML safe_dump, keys sorted, the version a string)', () => {
    assert.equal(modelMetaBytes('fid-model', '1').toString(), "model_name: fid-model\nmodel_version: '1'\n");
  });
  it('quotes a name as PyYAML does', () => {
    assert.equal(yamlString('churn-classifier'), 'churn-classifier');
    assert.equal(yamlString('my model'), 'my model');
    assert.equal(yamlString("it's"), "it's");
    assert.equal(yamlString('true'), "'true'");
    assert.equal(yamlString('No'), "'No'");
    assert.equal(yamlString('12'), "'12'");
    assert.equal(yamlString('1.5'), "'1.5'");
    assert.equal(yamlString('a: b'), "'a: b'");
    assert.equal(yamlString('#x'), "'#x'");
    assert.equal(yamlString("'q'"), "'''q'''");
    assert.equal(yamlString('-model'), '-model');
    assert.equal(yamlString('résumé'), 'résumé');
  });
});
