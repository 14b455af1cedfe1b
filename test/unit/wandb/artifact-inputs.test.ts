// The artifact mode's inputs, read as the action gets them (strings), with every check that needs no network:
// names parsed as the client parses them (wandb-artifacts.md §2.1), the mode's forms, entries by name, LIKE and
// regex, and the refusals that name the input.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArtifactName } from '../../../src/backends/wandb/artifacts/artifact-names.ts';
import { readWandbSelection, type WandbArtifactSelection } from '../../../src/backends/wandb/selection.ts';
import { InputError } from '../../../src/core/errors.ts';

const apiKey = `local-${'k'.repeat(40)}`;

function read(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}): WandbArtifactSelection {
  const given: Record<string, string> = { 'api-token': apiKey, project: 'ent/proj', ...inputs };
  const selection = readWandbSelection((name) => given[name] ?? '', { env, baseDirectory: '/' });
  assert.equal(selection.mode, 'artifacts');
  return selection as WandbArtifactSelection;
}

function refuses(inputs: Record<string, string>, input: string, message: RegExp): void {
  assert.throws(
    () => read(inputs),
    (e: unknown) => e instanceof InputError && e.input === input && message.test(e.message),
    JSON.stringify(inputs),
  );
}

describe('artifact names (wandb-artifacts.md §2.1)', () => {
  it('splits on the first colon, then the left part into entity/project/collection', () => {
    assert.deepEqual(parseArtifactName('model'), { entity: null, project: null, collection: 'model', version: null, asGiven: 'model' });
    assert.deepEqual(parseArtifactName('proj/model:v3'), {
      entity: null,
      project: 'proj',
      collection: 'model',
      version: 'v3',
      asGiven: 'proj/model:v3',
    });
    assert.deepEqual(parseArtifactName('ent/proj/model:best'), {
      entity: 'ent',
      project: 'proj',
      collection: 'model',
      version: 'best',
      asGiven: 'ent/proj/model:best',
    });
    // An alias may contain `/` and `:` (only the first colon splits).
    assert.equal(parseArtifactName('model:release/2024:a').version, 'release/2024:a');
  });

  it('refuses more than three parts, empty parts and an empty version', () => {
    for (const bad of ['a/b/c/d', '/model', 'ent//model', 'model:', 'ent/proj/ :v1', 'model: best']) {
      assert.throws(
        () => parseArtifactName(bad),
        (e: unknown) => e instanceof InputError && e.input === 'artifacts',
        bad,
      );
    }
  });
});

describe('readWandbSelection in artifact mode', () => {
  it('reads names (one per line, duplicates once) with latest as the default version count', () => {
    const s = read({ artifacts: 'model:best\n\n  other/ds  \nmodel:best\n' });
    assert.equal(s.artifacts.kind, 'names');
    if (s.artifacts.kind !== 'names') return;
    assert.deepEqual(
      s.artifacts.names.map((n) => n.asGiven),
      ['model:best', 'other/ds'],
    );
    assert.deepEqual(s.artifacts.versions, { kind: 'latest' });
    assert.equal(s.artifacts.type, null);
    assert.equal(s.entity, 'ent');
    assert.equal(s.project, 'proj');
    assert.equal(s.perPage, null, 'each listing uses its client default');
    assert.equal(s.fileUrlBatch, 5000);
    assert.equal(s.description, "wandb project 'ent/proj', artifacts 'model:best', 'other/ds'");
  });

  it('needs no project when every name is complete, and names the projects then', () => {
    const s = read({ project: '', artifacts: 'e1/p1/a:v1\ne2/p2/b' });
    assert.equal(s.project, null);
    assert.equal(s.projectAsGiven, 'e1/p1, e2/p2');
    refuses({ project: '', artifacts: 'e1/p1/a\nb' }, 'project', /is required/);
  });

  it('reads artifact-versions, artifact-type alone, and run-artifacts with the runs selection', () => {
    const newest = read({ artifacts: 'model', 'artifact-versions': '3' });
    assert.deepEqual(newest.artifacts.kind === 'names' && newest.artifacts.versions, { kind: 'newest', count: 3 });
    const type = read({ 'artifact-type': 'dataset', 'artifact-versions': 'all' });
    assert.deepEqual(type.artifacts, { kind: 'type', type: 'dataset', versions: { kind: 'all' } });
    const runs = read({ runs: 'abc\ndef', filter: '{"state": "finished"}', 'run-artifacts': 'used', 'artifact-type': 'model' });
    assert.equal(runs.artifacts.kind, 'runs');
    if (runs.artifacts.kind !== 'runs') return;
    assert.deepEqual(runs.artifacts.runs.runs, { kind: 'ids', ids: ['abc', 'def'] });
    assert.equal(runs.artifacts.runs.filter, '{"state": "finished"}');
    assert.equal(runs.artifacts.direction, 'used');
    assert.equal(runs.artifacts.type, 'model');
    assert.equal(read({ 'run-artifacts': 'logged' }).artifacts.kind, 'runs', 'every run when none is named');
  });

  it('picks entries by names, LIKE pattern, regex, or pattern and regex together', () => {
    const names = read({ artifacts: 'm', files: 'a.txt\nb/c.bin' }).entries;
    assert.deepEqual(names, { kind: 'names', names: ['a.txt', 'b/c.bin'] });
    const like = read({ artifacts: 'm', pattern: 'images/%.png' }).entries;
    assert.equal(like.kind, 'matching');
    if (like.kind === 'matching') {
      assert.equal(like.matches('images/0.png'), true);
      assert.equal(like.matches('images/a/0.png'), true, '% crosses folders');
      assert.equal(like.matches('other/images/0.png'), false, 'LIKE is anchored');
    }
    const both = read({ artifacts: 'm', pattern: 'images/%', files: 'regex:[13]\\.png$' }).entries;
    assert.ok(both.kind === 'matching' && both.matches('images/1.png') && !both.matches('images/2.png') && !both.matches('x/1.png'));
  });

  it('honours WANDB_ARTIFACT_FETCH_FILE_URL_BATCH_SIZE as the client does', () => {
    assert.equal(read({ artifacts: 'm' }, { WANDB_ARTIFACT_FETCH_FILE_URL_BATCH_SIZE: '50' }).fileUrlBatch, 50);
    assert.throws(() => read({ artifacts: 'm' }, { WANDB_ARTIFACT_FETCH_FILE_URL_BATCH_SIZE: '0' }), InputError);
  });

  it('refuses combinations that mean nothing, naming the input', () => {
    refuses({ artifacts: 'm', 'run-artifacts': 'logged' }, 'run-artifacts', /either 'artifacts'/);
    refuses({ 'run-artifacts': 'created' }, 'run-artifacts', /Available options: logged, used/);
    refuses({ 'run-artifacts': 'logged', 'artifact-versions': 'all' }, 'artifact-versions', /does not apply to 'run-artifacts'/);
    refuses({ artifacts: 'm', runs: 'abc' }, 'runs', /add run-artifacts/);
    refuses({ 'artifact-type': 'model', filter: '{}' }, 'filter', /add run-artifacts/);
    refuses({ artifacts: 'm:v1\nn:best', 'artifact-versions': '2' }, 'artifact-versions', /named without a version/);
    refuses({ artifacts: 'm', 'artifact-versions': '0' }, 'artifact-versions', /from 1 to/);
    refuses({ artifacts: 'm', 'artifact-versions': 'newest' }, 'artifact-versions', /not 'latest', 'all' or a number/);
    refuses({ artifacts: 'regex:.' }, 'artifacts', /not a regex/);
    refuses({ artifacts: 'm', files: 'a', pattern: 'b%' }, 'pattern', /both names and pattern/);
    refuses({ artifacts: 'm', files: 'regex:(' }, 'files', /not a valid regular expression/);
  });

  it('artifact-versions alone is refused in run-files mode', () => {
    assert.throws(
      () =>
        readWandbSelection((n) => ({ 'api-token': apiKey, project: 'e/p', 'artifact-versions': 'all' })[n] ?? '', {
          env: {},
          baseDirectory: '/',
        }),
      (e: unknown) => e instanceof InputError && e.input === 'artifact-versions',
    );
  });
});
