// API token parsing (neptune.md §2.1) and the Neptune inputs with the checks that need no network.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseNeptuneToken } from '../../../src/backends/neptune/auth/api-token.ts';
import { readNeptuneSelection, readStepRange } from '../../../src/backends/neptune/selection.ts';
import { InputError, redact } from '../../../src/core/errors.ts';

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
    assert.throws(() => parseNeptuneToken(encode({ api_url: 'ftp://x' })), isInput('api-token', /must be an http\(s\) URL/));
  });
});

describe('readNeptuneSelection', () => {
  const token = encode({ api_url: 'https://n.example.com', api_key: 'k-0000' });
  const ok = { 'api-token': token, project: 'ws/proj' };
  const read = (inputs: Record<string, string>) => readNeptuneSelection((name) => inputs[name] ?? '', { env: {}, baseDirectory: '/' });

  it('reads a minimal selection: experiments, every attribute, the address inside the token', () => {
    const s = read(ok);
    assert.equal(s.mode, 'experiments');
    assert.equal(s.names, undefined);
    assert.equal(s.baseUrl, 'https://n.example.com');
    assert.equal(read({ ...ok, 'api-url': 'http://127.0.0.1:9/prefix/' }).baseUrl, 'http://127.0.0.1:9/prefix');
  });
  it('takes runs over experiments when runs are named, and reads steps', () => {
    const s = read({ ...ok, runs: 'a\nb', 'step-range': '2.5:', tail: '3' });
    assert.equal(s.mode, 'runs');
    assert.deepEqual(s.names, { kind: 'names', names: ['a', 'b'] });
    assert.deepEqual(s.stepRange, { from: 2.5, to: null });
    assert.equal(s.tail, 3);
  });
  it('reads the token and project from the environment', () => {
    const s = readNeptuneSelection((name) => (name === 'experiments' ? 'x' : ''), {
      env: { NEPTUNE_API_TOKEN: ` ${token} `, NEPTUNE_PROJECT: 'a/b' },
      baseDirectory: '/',
    });
    assert.equal(s.apiToken, token);
    assert.equal(s.project, 'a/b');
  });
  const cases: [Record<string, string>, string, RegExp][] = [
    [{ project: 'proj' }, 'project', /workspace\/project/],
    [{ project: '' }, 'project', /NEPTUNE_PROJECT/],
    [{ 'api-token': '' }, 'api-token', /NEPTUNE_API_TOKEN/],
    [{ 'api-url': 'ftp://x' }, 'api-url', /http/],
    [{ experiments: 'a', runs: 'b' }, 'runs', /not both/],
    [{ runs: 'regex:' }, 'runs', /one pattern/],
    [{ filter: 'a ==' }, 'filter', /position 5/],
    [{ 'step-range': '3:1' }, 'step-range', /starts after it ends/],
    [{ tail: '0' }, 'tail', /whole number/],
  ];
  for (const [change, input, message] of cases) {
    it(`${input}: ${JSON.stringify(change)}`, () => assert.throws(() => read({ ...ok, ...change }), isInput(input, message)));
  }
});

describe('readStepRange', () => {
  it('reads open and closed ranges', () => {
    assert.deepEqual(readStepRange('1:5'), { from: 1, to: 5 });
    assert.deepEqual(readStepRange('2.5:'), { from: 2.5, to: null });
    assert.deepEqual(readStepRange(':-1'), { from: null, to: -1 });
    assert.equal(readStepRange(''), undefined);
    for (const bad of [':', 'a:b', '5:1', '1-5', '1:2:3']) assert.throws(() => readStepRange(bad), InputError, bad);
  });
});
