// The W&B inputs, read as the action gets them (strings), with every check that needs no network.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NAMES_AND_PATTERN_MESSAGE, readWandbSelection, type WandbRunFilesSelection } from '../../../src/backends/wandb/selection.ts';
import { InputError } from '../../../src/core/errors.ts';

const apiKey = `local-${'k'.repeat(40)}`;
const base = { 'api-token': apiKey, project: 'ent/proj' };

/** Without artifact inputs the selection is of run files. */
function read(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}): WandbRunFilesSelection {
  const given: Record<string, string> = { ...base, ...inputs };
  const selection = readWandbSelection((name) => given[name] ?? '', { env, baseDirectory: '/' });
  assert.equal(selection.mode, 'run-files');
  return selection as WandbRunFilesSelection;
}

function refuses(inputs: Record<string, string>, input: string, message?: RegExp): void {
  assert.throws(
    () => read(inputs),
    (e: unknown) => e instanceof InputError && e.input === input && (message === undefined || message.test(e.message)),
    `${input}: ${JSON.stringify(inputs)}`,
  );
}

describe('readWandbSelection', () => {
  it('accepts the plain forms and fills defaults', () => {
    const plan = read({});
    assert.equal(plan.baseUrl, 'https://api.wandb.ai');
    assert.equal(plan.perPage, 50);
    assert.equal(plan.entity, 'ent');
    assert.equal(plan.project, 'proj');
    assert.deepEqual(plan.runs, { kind: 'all' });
    assert.deepEqual(plan.files, { kind: 'all' });
    const bare = read({ project: 'proj', 'api-url': 'http://127.0.0.1:8080/', 'per-page': '1000' });
    assert.equal(bare.entity, null);
    assert.equal(bare.baseUrl, 'http://127.0.0.1:8080');
    assert.equal(bare.perPage, 1000);
  });

  it('reads the key, server and project from the environment', () => {
    const s = readWandbSelection(() => '', {
      env: { WANDB_API_KEY: apiKey, WANDB_ENTITY: 'e', WANDB_PROJECT: 'p', WANDB_BASE_URL: 'http://127.0.0.1:9' },
      baseDirectory: '/',
    });
    assert.equal(s.apiKey, apiKey);
    assert.equal(s.projectAsGiven, 'e/p');
    assert.equal(s.baseUrl, 'http://127.0.0.1:9');
    assert.equal(readWandbSelection(() => '', { env: { WANDB_API_KEY: apiKey, WANDB_PROJECT: 'p' }, baseDirectory: '/' }).entity, null);
  });

  it('names the api-token input for a missing or malformed key', () => {
    refuses({ 'api-token': '' }, 'api-token', /WANDB_API_KEY/);
    refuses({ 'api-token': 'short' }, 'api-token');
  });

  it('checks project, api-url and per-page', () => {
    refuses({ project: '' }, 'project', /WANDB_PROJECT/);
    refuses({ project: 'a/b/c' }, 'project');
    refuses({ project: 'a/' }, 'project');
    refuses({ 'api-url': 'nope' }, 'api-url', /not a URL/);
    refuses({ 'api-url': 'ftp://x' }, 'api-url', /http/);
    refuses({ 'api-url': 'https://wandb.ai' }, 'api-url', /api\.wandb\.ai/);
    refuses({ 'api-url': 'http://api.wandb.ai' }, 'api-url', /api\.wandb\.ai/);
    refuses({ 'api-url': 'https://u:p@host' }, 'api-url', /credentials/);
    refuses({ 'per-page': '0' }, 'per-page');
    refuses({ 'per-page': '1001' }, 'per-page');
    refuses({ 'per-page': '2.5' }, 'per-page');
  });

  it('requires the filter to be a JSON object', () => {
    assert.equal(
      read({ filter: '{"state": "finished", "config.lr": {"$gt": 0.01}}' }).filter,
      '{"state": "finished", "config.lr": {"$gt": 0.01}}',
    );
    refuses({ filter: '{"state": ' }, 'filter', /not valid JSON/);
    refuses({ filter: '[1]' }, 'filter', /JSON object/);
    refuses({ filter: 'null' }, 'filter');
  });

  it("refuses names together with a pattern with the client's message; a regex may narrow a pattern", () => {
    refuses({ files: 'a', pattern: '%.json' }, 'pattern', new RegExp(NAMES_AND_PATTERN_MESSAGE.replace(/\./g, '\\.')));
    const narrowed = read({ files: 'regex:x', pattern: '%.json' }).files;
    assert.equal(narrowed.kind, 'pattern');
    if (narrowed.kind === 'pattern') assert.equal(narrowed.matches?.('a-x.json'), true);
  });

  it('compiles regexes in the extended syntax and names the input of a bad one', () => {
    const plan = read({ runs: 'regex:^bright & !star | ^dark' });
    assert.equal(plan.runs.kind, 'regex');
    if (plan.runs.kind === 'regex') {
      assert.equal(plan.runs.matches('bright-sun-1'), true);
      assert.equal(plan.runs.matches('bright-star-3'), false);
      assert.equal(plan.runs.matches('dark-moon-2'), true);
    }
    refuses({ runs: 'regex:(' }, 'runs', /not a valid regular expression/);
    refuses({ files: 'regex:a & [' }, 'files');
  });
});
