// The job's own inputs, the choice of source and the refusal of inputs the chosen source does not read.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SOURCES } from '../../../src/backends/index.ts';
import { InputError } from '../../../src/core/errors.ts';
import type { SourceDefinition } from '../../../src/core/source.ts';
import { parseSettings } from '../../../src/settings/parse-settings.ts';

const token = Buffer.from(JSON.stringify({ api_url: 'https://n.example.com', api_key: 'k-0000' })).toString('base64');
const wandbKey = `local-${'k'.repeat(40)}`;

const parse = (inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}, sources: readonly SourceDefinition[] = SOURCES) =>
  parseSettings((name) => inputs[name] ?? '', { env, baseDirectory: '/base' }, sources);

const rejects = (inputs: Record<string, string>, input: string, message: RegExp, env: NodeJS.ProcessEnv = {}) => {
  assert.throws(
    () => parse(inputs, env),
    (e: unknown) => e instanceof InputError && e.input === input && message.test(e.message),
    `${input}: ${JSON.stringify(inputs)}`,
  );
};

describe('parseSettings', () => {
  const neptune = { backend: 'neptune', 'api-token': token, project: 'ws/proj' } as const;

  it('applies defaults', () => {
    const s = parse(neptune);
    assert.equal(s.source.name, 'neptune');
    assert.equal(s.source.project, 'ws/proj');
    assert.equal(s.source.description, "neptune project 'ws/proj'");
    assert.equal(s.destination, '/base/experiment-files');
    assert.equal(s.manifestPath, '/base/experiment-files/manifest.json');
    assert.equal(s.overwrite, 'skip-existing');
    assert.equal(s.concurrency, 32);
    assert.equal(s.dryRun, false);
    assert.equal(s.ifNoFilesFound, 'warn');
    assert.equal(s.shard, undefined);
    assert.equal(s.artifact, undefined);
    assert.equal(s.tuning.retry.maxAttempts, 8);
  });

  it('hands the source inputs to the chosen source, which describes them', () => {
    const s = parse(
      { backend: 'wandb', 'api-token': wandbKey, runs: 'a\nb', pattern: 'media/%' },
      { WANDB_ENTITY: 'e', WANDB_PROJECT: 'p' },
    );
    assert.equal(s.source.name, 'wandb');
    assert.equal(s.source.project, 'e/p');
    assert.equal(s.source.description, "wandb project 'e/p', runs 'a', 'b', pattern 'media/%'");
  });

  it('names the input and what is allowed', () => {
    rejects({}, 'backend', /is required. Available options: neptune, wandb, mlflow/);
    rejects({ backend: 'comet' }, 'backend', /'comet' is not allowed/);
    rejects({ backend: 'mlflow' }, 'api-url', /MLFLOW_TRACKING_URI/);
    rejects({ backend: 'neptune', project: 'a/b' }, 'api-token', /NEPTUNE_API_TOKEN/);
    rejects({ backend: 'wandb', project: 'a/b' }, 'api-token', /WANDB_API_KEY/);
    rejects({ ...neptune, overwrite: 'always' }, 'overwrite', /skip-existing, overwrite, error/);
    rejects({ ...neptune, concurrency: '0' }, 'concurrency', /1 to 256/);
    rejects({ ...neptune, concurrency: '2.5' }, 'concurrency', /whole number/);
    rejects({ ...neptune, 'dry-run': 'yes' }, 'dry-run', /true or false/);
    rejects({ ...neptune, 'if-no-files-found': 'fail' }, 'if-no-files-found', /warn, error, ignore/);
    rejects({ ...neptune, shard: '3/2' }, 'shard', /i\/n/);
    rejects({ ...neptune, 'artifact-name': 'a/b' }, 'artifact-name', /"\/"/);
    rejects({ ...neptune, 'artifact-retention-days': '401' }, 'artifact-retention-days', /0 to 400/);
    rejects({ ...neptune, concurrency: '8' }, 'DOWNLOAD_EXPERIMENT_FILES_MAX_ATTEMPTS', /number/, {
      DOWNLOAD_EXPERIMENT_FILES_MAX_ATTEMPTS: 'x',
    });
  });

  it('refuses an input only other sources read, naming whose it is and what this source reads', () => {
    rejects({ ...neptune, files: 'x' }, 'files', /is read by wandb and mlflow, not by neptune, which selects with .*'attributes'/);
    rejects({ ...neptune, pattern: '%' }, 'pattern', /is read by wandb, not by neptune/);
    const wandb = { backend: 'wandb', 'api-token': wandbKey, project: 'e/p' };
    rejects({ ...wandb, tail: '3' }, 'tail', /is read by neptune, not by wandb, which selects with .*'files'/);
    rejects({ ...wandb, 'step-range': '1:' }, 'step-range', /neptune/);
    rejects({ ...wandb, experiments: 'x' }, 'experiments', /is read by neptune and mlflow, not by wandb/);
    rejects({ ...wandb, attributes: 'x' }, 'attributes', /neptune/);
    const mlflow = { backend: 'mlflow', 'api-url': 'https://mlflow.example.com' };
    rejects({ ...mlflow, project: 'e/p' }, 'project', /is read by neptune and wandb, not by mlflow, which selects with .*'models'/);
    rejects({ ...mlflow, pattern: '%' }, 'pattern', /is read by wandb, not by mlflow/);
    rejects({ ...wandb, models: 'models:/m/1' }, 'models', /is read by mlflow, not by wandb/);
  });

  it('works with any registered source: the settings name none', () => {
    const fake: SourceDefinition<{ source: 'fake'; where: string }> = {
      name: 'fake',
      secretVariables: [],
      inputs: [{ name: 'where', help: 'a place' }],
      labels: { item: 'thing' },
      examples: [],
      readSelection: (read) => ({ source: 'fake', where: read('where') }),
      describe: (s) => `fake at ${s.where}`,
      project: (s) => s.where,
      create: () => {
        throw new Error('not used');
      },
    };
    const s = parse({ backend: 'fake', where: 'here' }, {}, [fake]);
    assert.equal(s.source.description, 'fake at here');
    assert.deepEqual(s.source.selection, { source: 'fake', where: 'here' });
  });

  it('names artifacts per shard', () => {
    const s = parse({ ...neptune, shard: '2/3', 'artifact-name': 'files' });
    assert.deepEqual(s.shard, { index: 2, count: 3 });
    assert.equal(s.artifact?.name, 'files-2-of-3');
  });
});
