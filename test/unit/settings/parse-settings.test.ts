import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../../src/core/errors.ts';
import { parseSettings, parseStepRange } from '../../../src/settings/parse-settings.ts';
import type { InputName } from '../../../src/settings/input-names.ts';

const parse = (inputs: Partial<Record<InputName, string>>, env: NodeJS.ProcessEnv = {}) =>
  parseSettings((name) => inputs[name] ?? '', { env, baseDirectory: '/work' });

const rejects = (inputs: Partial<Record<InputName, string>>, input: string, message: RegExp, env: NodeJS.ProcessEnv = {}) => {
  assert.throws(
    () => parse(inputs, env),
    (e: unknown) => e instanceof InputError && e.input === input && message.test(e.message),
  );
};

describe('parseSettings', () => {
  const neptune = { backend: 'neptune', 'api-token': 'tok', project: 'ws/proj' } as const;

  it('applies defaults', () => {
    const s = parse(neptune);
    assert.equal(s.destination, '/work/experiment-files');
    assert.equal(s.manifestPath, '/work/experiment-files/manifest.json');
    assert.equal(s.overwrite, 'skip-existing');
    assert.equal(s.concurrency, 32);
    assert.equal(s.dryRun, false);
    assert.equal(s.ifNoFilesFound, 'warn');
    assert.equal(s.shard, undefined);
    assert.equal(s.artifact, undefined);
  });

  it('reads credentials and projects from the environment', () => {
    assert.equal(parse({ backend: 'neptune' }, { NEPTUNE_API_TOKEN: ' t ', NEPTUNE_PROJECT: 'a/b' }).token, 't');
    const w = parse(
      { backend: 'wandb' },
      { WANDB_API_KEY: 'k', WANDB_ENTITY: 'ent', WANDB_PROJECT: 'proj', WANDB_BASE_URL: 'http://127.0.0.1:9' },
    );
    assert.equal(w.selection.project, 'ent/proj');
    assert.equal(w.apiUrl, 'http://127.0.0.1:9');
    assert.equal(parse({ backend: 'wandb' }, { WANDB_API_KEY: 'k', WANDB_PROJECT: 'proj' }).selection.project, 'proj');
  });

  it('names the input and what is allowed', () => {
    rejects({}, 'backend', /is required. Available options: neptune, wandb/);
    rejects({ backend: 'mlflow' }, 'backend', /'mlflow' is not allowed/);
    rejects({ backend: 'neptune', project: 'a/b' }, 'api-token', /NEPTUNE_API_TOKEN/);
    rejects({ backend: 'wandb', project: 'a/b' }, 'api-token', /WANDB_API_KEY/);
    rejects({ ...neptune, project: 'justone' }, 'project', /workspace\/project/);
    rejects({ ...neptune, project: '' }, 'project', /NEPTUNE_PROJECT/);
    rejects({ ...neptune, overwrite: 'always' }, 'overwrite', /skip-existing, overwrite, error/);
    rejects({ ...neptune, concurrency: '0' }, 'concurrency', /1 to 256/);
    rejects({ ...neptune, concurrency: '2.5' }, 'concurrency', /whole number/);
    rejects({ ...neptune, 'dry-run': 'yes' }, 'dry-run', /true or false/);
    rejects({ ...neptune, 'if-no-files-found': 'fail' }, 'if-no-files-found', /warn, error, ignore/);
    rejects({ ...neptune, shard: '3/2' }, 'shard', /i\/n/);
    rejects({ ...neptune, 'api-url': 'ftp://x' }, 'api-url', /http/);
    rejects({ ...neptune, experiments: 'a', runs: 'b' }, 'runs', /not both/);
    rejects({ ...neptune, files: 'x' }, 'files', /is for W&B/);
    rejects({ ...neptune, 'artifact-name': 'a/b' }, 'artifact-name', /"\/"/);
    rejects({ backend: 'wandb', 'api-token': 'k', project: 'e/p', files: 'a\nb', pattern: '%.png' }, 'pattern', /both names and pattern/);
    rejects({ backend: 'wandb', 'api-token': 'k', project: 'e/p', tail: '3' }, 'tail', /Neptune/);
  });

  it('reads name lists and regexes', () => {
    const s = parse({ ...neptune, experiments: 'a\n\n b \na', attributes: 'regex:^files/ | img & !thumb' });
    assert.deepEqual(s.selection.experiments, { kind: 'names', names: ['a', 'b'] });
    assert.deepEqual(s.selection.attributes, { kind: 'regex', pattern: '^files/ | img & !thumb' });
    rejects({ ...neptune, runs: 'regex:' }, 'runs', /one pattern/);
  });

  it('names artifacts per shard', () => {
    const s = parse({ ...neptune, shard: '2/3', 'artifact-name': 'files' });
    assert.deepEqual(s.shard, { index: 2, count: 3 });
    assert.equal(s.artifact?.name, 'files-2-of-3');
  });
});

describe('parseStepRange', () => {
  it('reads open and closed ranges', () => {
    assert.deepEqual(parseStepRange('1:5'), { from: 1, to: 5 });
    assert.deepEqual(parseStepRange('2.5:'), { from: 2.5, to: null });
    assert.deepEqual(parseStepRange(':-1'), { from: null, to: -1 });
    assert.equal(parseStepRange(''), undefined);
    for (const bad of [':', 'a:b', '5:1', '1-5', '1:2:3']) assert.throws(() => parseStepRange(bad), InputError, bad);
  });
});
