// What a storage answer means, per provider (neptune.md §7.2).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyAzure, classifyPlain, locatorFor } from '../../../src/backends/neptune/download/storage-locator.ts';

const answer = (status: number, body = '', headers: Record<string, string> = {}) => ({
  url: 'https://storage.example/x',
  status,
  body,
  headers,
});

describe('locatorFor', () => {
  it('azure: ranged GETs with x-ms-range and x-ms-version, no credentials', () => {
    const locator = locatorFor({ provider: 'azure', url: 'https://acc.blob.core.windows.net/c/b?sig=x' });
    assert.deepEqual(locator.ranged, { firstBytes: 33_554_432, chunkBytes: 4_194_304, header: 'x-ms-range' });
    assert.deepEqual(locator.headers, { 'x-ms-version': '2021-08-06' });
    assert.equal(locator.authHeaders, undefined);
  });
  it('gcp/aws: one plain GET', () => {
    for (const provider of ['gcp', 'aws'] as const) {
      const locator = locatorFor({ provider, url: 'https://s/x' });
      assert.equal(locator.ranged, undefined);
      assert.equal(locator.headers, undefined);
      assert.equal(locator.authHeaders, undefined);
    }
  });
});

describe('classifyAzure', () => {
  it('404 missing; 401 and auth-failure 403 expired; other 403 transient; 5xx/429 transient; others fatal', () => {
    assert.equal(classifyAzure(answer(404, '<Error><Code>BlobNotFound</Code></Error>')), 'missing');
    assert.equal(classifyAzure(answer(401)), 'expired');
    assert.equal(classifyAzure(answer(403, '', { 'x-ms-error-code': 'AuthenticationFailed' })), 'expired');
    assert.equal(
      classifyAzure(answer(403, '<?xml version="1.0"?><Error><Code>InvalidAuthenticationInfo</Code><Message>m</Message></Error>')),
      'expired',
    );
    assert.equal(classifyAzure(answer(403, '<Error><Code>AuthorizationPermissionMismatch</Code></Error>')), 'transient');
    assert.equal(classifyAzure(answer(503)), 'transient');
    assert.equal(classifyAzure(answer(429)), 'transient');
    assert.equal(classifyAzure(answer(409)), 'fatal');
  });
});

describe('classifyPlain (gcp, aws)', () => {
  it('404 missing; 400 expired; 403 expired only when the body says so; 5xx/429 transient', () => {
    assert.equal(classifyPlain(answer(404)), 'missing');
    assert.equal(classifyPlain(answer(400, '<Error><Code>ExpiredToken</Code></Error>')), 'expired');
    assert.equal(classifyPlain(answer(403, '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>')), 'expired');
    assert.equal(classifyPlain(answer(403, '<Error><Code>SignatureDoesNotMatch</Code></Error>')), 'transient');
    assert.equal(classifyPlain(answer(500)), 'transient');
    assert.equal(classifyPlain(answer(429)), 'transient');
    assert.equal(classifyPlain(answer(410)), 'fatal');
  });
});
