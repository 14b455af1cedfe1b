// API token parsing (neptune.md §2.1) and selection checks that need no network.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseNeptuneToken, validateNeptuneSelection } from '../../../src/backends/neptune/index.ts';
import { InputError, redact } from '../../../src/core/errors.ts';
import type { Selection } from '../../../src/core/types.ts';

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64');
const isInput = (input: string, pattern: RegExp) => (error: unknown) =>
  error instanceof InputError && error.input === input && pattern.test(error.message);

describe('parseNeptuneToken', () => {
  it('reads api_url (the old public anonymous token shape)', () => {
    const token = encode({
      api_address: 'https://app.neptune.ai',
      api_url: 'https://app.neptune.ai',
      api_key: 'b706bc8f-76f9-4c2e-939d-4ba036f932e4',
    });
    assert.deepEqual(parseNeptuneToken(`  ${token}\n`), { apiUrl: 'https://app.neptune.ai', apiAddress: 'https://app.neptune.ai' });
  });
  it('falls back to api_address', () => {
    assert.deepEqual(parseNeptuneToken(encode({ api_address: 'https://n.example.com/prefix', api_key: 'k' })), {
      apiUrl: 'https://n.example.com/prefix',
      apiAddress: 'https://n.example.com/prefix',
    });
  });
  it('registers the token and its key as secrets', () => {
    const token = encode({ api_url: 'https://x.example', api_key: 'very-secret-key-1234' });
    parseNeptuneToken(token);
    assert.equal(redact(`a ${token} b very-secret-key-1234`), 'a *** b ***');
  });
  it('rejects what is not a token, without quoting it', () => {
    for (const bad of ['', 'not base64 json!!', encode([1, 2]), encode('x'), encode(null)]) {
      assert.throws(
        () => parseNeptuneToken(bad),
        (error: unknown) => error instanceof InputError && error.input === 'api-token' && (bad === '' || !error.message.includes(bad)),
      );
    }
  });
  it('needs a server address', () => {
    assert.throws(() => parseNeptuneToken(encode({ api_key: 'k' })), isInput('api-token', /no api_url or api_address/));
    assert.throws(() => parseNeptuneToken(encode({ api_url: 'ftp://x' })), isInput('api-token', /not an http\(s\) URL/));
  });
});

describe('validateNeptuneSelection', () => {
  const ok: Selection = { backend: 'neptune', project: 'ws/proj' };
  it('accepts a minimal selection', () => validateNeptuneSelection(ok));
  const cases: [Partial<Selection>, string, RegExp][] = [
    [{ project: 'proj' }, 'project', /workspace\/project/],
    [{ experiments: { kind: 'names', names: ['a'] }, runs: { kind: 'names', names: ['b'] } }, 'runs', /not both/],
    [{ experiments: { kind: 'names', names: [] } }, 'experiments', /at least one name/],
    [{ attributes: { kind: 'names', names: [''] } }, 'attributes', /empty/],
    [{ runs: { kind: 'regex', pattern: '  ' } }, 'runs', /empty/],
    [{ filter: 'a ==' }, 'filter', /position 5/],
    [{ stepRange: { from: 3, to: 1 } }, 'step-range', /starts after it ends/],
    [{ tail: 0 }, 'tail', /whole number/],
    [{ pattern: '%x' }, 'pattern', /W&B/],
  ];
  for (const [change, input, message] of cases) {
    it(`${input}: ${JSON.stringify(change)}`, () =>
      assert.throws(() => validateNeptuneSelection({ ...ok, ...change }), isInput(input, message)));
  }
});
