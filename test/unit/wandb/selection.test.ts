import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../../src/core/errors.ts';
import type { Selection } from '../../../src/core/types.ts';
import { validateWandbSelection } from '../../../src/backends/wandb/index.ts';
import { NAMES_AND_PATTERN_MESSAGE, planWandbSelection } from '../../../src/backends/wandb/selection.ts';

const apiKey = `local-${'k'.repeat(40)}`;
const sel = (over: Partial<Selection> = {}): Selection => ({ backend: 'wandb', project: 'ent/proj', ...over });

function refuses(selection: Selection, input: string, message?: RegExp, options: Record<string, unknown> = {}): void {
  assert.throws(
    () => validateWandbSelection(selection, { apiKey, ...options }),
    (e: unknown) => e instanceof InputError && e.input === input && (message === undefined || message.test(e.message)),
    `${input}: ${JSON.stringify(selection)}`,
  );
}

describe('validateWandbSelection', () => {
  it('accepts the plain forms and fills defaults', () => {
    const plan = planWandbSelection(sel(), { apiKey });
    assert.equal(plan.baseUrl, 'https://api.wandb.ai');
    assert.equal(plan.perPage, 50);
    assert.equal(plan.entity, 'ent');
    assert.equal(plan.project, 'proj');
    assert.deepEqual(plan.runs, { kind: 'all' });
    const bare = planWandbSelection(sel({ project: 'proj' }), { apiKey, baseUrl: 'http://127.0.0.1:8080/', perPage: 1000 });
    assert.equal(bare.entity, null);
    assert.equal(bare.baseUrl, 'http://127.0.0.1:8080');
    assert.equal(bare.perPage, 1000);
  });

  it('names the api-token input for a malformed key', () => {
    assert.throws(
      () => validateWandbSelection(sel(), { apiKey: 'short' }),
      (e: unknown) => e instanceof InputError && e.input === 'api-token',
    );
  });

  it('checks project, api-url and per-page', () => {
    refuses(sel({ project: 'a/b/c' }), 'project');
    refuses(sel({ project: 'a/' }), 'project');
    refuses(sel(), 'api-url', /not a URL/, { baseUrl: 'nope' });
    refuses(sel(), 'api-url', /http/, { baseUrl: 'ftp://x' });
    refuses(sel(), 'api-url', /api\.wandb\.ai/, { baseUrl: 'https://wandb.ai' });
    refuses(sel(), 'api-url', /api\.wandb\.ai/, { baseUrl: 'http://api.wandb.ai' });
    refuses(sel(), 'api-url', /credentials/, { baseUrl: 'https://u:p@host' });
    refuses(sel(), 'per-page', undefined, { perPage: 0 });
    refuses(sel(), 'per-page', undefined, { perPage: 1001 });
    refuses(sel(), 'per-page', undefined, { perPage: 2.5 });
  });

  it('requires the filter to be a JSON object', () => {
    validateWandbSelection(sel({ filter: '{"state": "finished", "config.lr": {"$gt": 0.01}}' }), { apiKey });
    refuses(sel({ filter: '{"state": ' }), 'filter', /not valid JSON/);
    refuses(sel({ filter: '[1]' }), 'filter', /JSON object/);
    refuses(sel({ filter: 'null' }), 'filter');
  });

  it("refuses names together with a pattern with the client's message", () => {
    refuses(
      sel({ attributes: { kind: 'names', names: ['a'] }, pattern: '%.json' }),
      'pattern',
      new RegExp(NAMES_AND_PATTERN_MESSAGE.replace(/\./g, '\\.')),
    );
    validateWandbSelection(sel({ attributes: { kind: 'regex', pattern: 'x' }, pattern: '%.json' }), { apiKey });
  });

  it('refuses Neptune-only selections and empty lists', () => {
    refuses(sel({ stepRange: { from: 1, to: null } }), 'step-range');
    refuses(sel({ tail: 3 }), 'tail');
    refuses(sel({ experiments: { kind: 'names', names: ['x'] } }), 'experiments');
    refuses(sel({ runs: { kind: 'names', names: [] } }), 'runs');
    refuses(sel({ attributes: { kind: 'names', names: [] } }), 'files');
  });

  it('compiles regexes in the extended syntax and names the input of a bad one', () => {
    const plan = planWandbSelection(sel({ runs: { kind: 'regex', pattern: '^bright & !star | ^dark' } }), { apiKey });
    assert.equal(plan.runs.kind, 'regex');
    if (plan.runs.kind === 'regex') {
      assert.equal(plan.runs.matches('bright-sun-1'), true);
      assert.equal(plan.runs.matches('bright-star-3'), false);
      assert.equal(plan.runs.matches('dark-moon-2'), true);
    }
    refuses(sel({ runs: { kind: 'regex', pattern: '(' } }), 'runs', /not a valid regular expression/);
    refuses(sel({ attributes: { kind: 'regex', pattern: 'a & [' } }), 'files');
  });
});
