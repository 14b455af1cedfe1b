import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, redact } from '../../../src/core/errors.ts';
import { basicAuthHeader, checkApiKey } from '../../../src/backends/wandb/key.ts';

const forty = 'a'.repeat(40);

describe('checkApiKey (wandb.md §1)', () => {
  it('accepts 40+ word characters, with or without a prefix, and JWT-shaped keys', () => {
    checkApiKey(forty);
    checkApiKey(`local-${forty}`);
    checkApiKey(`local-${'a-b_'.repeat(10)}`);
    checkApiKey('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln');
  });

  it("refuses short keys with the client's message and never echoes the key", () => {
    const key = `local-${'s'.repeat(39)}`;
    assert.throws(
      () => checkApiKey(key),
      (e: unknown) =>
        e instanceof InputError && e.input === 'api-token' && /40\+ characters, has 39/.test(e.message) && !e.message.includes(key),
    );
    assert.throws(() => checkApiKey('short'), /has 5/);
    assert.throws(() => checkApiKey(''), InputError);
  });

  it('refuses keys with spaces, quotes or line breaks', () => {
    for (const key of [`${forty} `, `"${forty}"`, `${forty}\n`, `pre fix-${forty}`]) {
      assert.throws(
        () => checkApiKey(key),
        (e: unknown) => e instanceof InputError && !e.message.includes(forty),
        JSON.stringify(key),
      );
    }
  });
});

describe('basicAuthHeader', () => {
  it('sends api:<key> and registers both forms as secrets', () => {
    const key = `local-${'k'.repeat(40)}`;
    const header = basicAuthHeader(key);
    assert.equal(Buffer.from(header.replace('Basic ', ''), 'base64').toString(), `api:${key}`);
    assert.equal(redact(`x ${key} ${header}`).includes(key), false);
    assert.equal(redact(header).includes(header.slice(6)), false);
  });
});
