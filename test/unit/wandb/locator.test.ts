import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiClient } from '../../../src/core/http/api-client.ts';
import { silentLogger } from '../../../src/core/logger.ts';
import { DEFAULT_RETRY_POLICY } from '../../../src/core/http/retry-policy.ts';
import { AttemptError } from '../../../src/core/download/attempt-error.ts';
import type { RemoteFile } from '../../../src/core/types.ts';
import { Agent } from 'undici';
import { WandbGraphqlClient } from '../../../src/backends/wandb/graphql/graphql-client.ts';
import { classifyWandbAnswer, WandbLocator, type WandbFileHandle } from '../../../src/backends/wandb/run-files/locator.ts';

const answer = (status: number, body = '', type = 'application/xml') => ({
  url: 'https://storage.example/x',
  status,
  body,
  headers: { 'content-type': type },
});

describe('classifyWandbAnswer', () => {
  it('maps storage answers: 404 missing, 429/5xx transient, 401/403 and GCS ExpiredToken expired', () => {
    assert.equal(classifyWandbAnswer(answer(404), false), 'missing');
    assert.equal(classifyWandbAnswer(answer(429), false), 'transient');
    assert.equal(classifyWandbAnswer(answer(503), false), 'transient');
    assert.equal(
      classifyWandbAnswer(answer(403, '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>'), false),
      'expired',
    );
    assert.equal(classifyWandbAnswer(answer(401, ''), false), 'expired');
    assert.equal(
      classifyWandbAnswer(answer(400, '<Error><Code>ExpiredToken</Code><Details>The provided token has expired.</Details></Error>'), false),
      'expired',
    );
    assert.equal(classifyWandbAnswer(answer(400, '<Error><Code>InvalidArgument</Code></Error>'), false), 'fatal');
    assert.equal(classifyWandbAnswer(answer(501), false), 'fatal');
    assert.equal(classifyWandbAnswer(answer(410), false), 'fatal');
  });

  it('treats a 401/403 from the API host as a refused key (the whole run stops), not an expired signature', () => {
    assert.equal(classifyWandbAnswer(answer(401, '{"errors":[{"message":"no"}]}', 'application/json'), true), 'refused');
    assert.equal(classifyWandbAnswer(answer(403, '{"error":"forbidden"}', 'text/plain'), true), 'refused');
    // The same answers from a storage host are the signature's.
    assert.equal(classifyWandbAnswer(answer(403, '{"error":"x"}', 'application/json'), false), 'expired');
  });
});

describe('WandbLocator', () => {
  const api = new ApiClient({
    dispatcher: new Agent(),
    retry: DEFAULT_RETRY_POLICY,
    signal: new AbortController().signal,
    log: silentLogger,
  });
  const gql = new WandbGraphqlClient(api, 'https://api.example.com/base', 'Basic abc');
  const locator = new WandbLocator(gql, 'Basic abc');
  const file = (url: string | null): RemoteFile => {
    const handle: WandbFileHandle = { url, path: { entity: 'e', project: 'p' }, runId: 'r', name: 'n' };
    return { backend: 'wandb', project: 'e/p', containerKind: 'run', container: 'r', attribute: 'n', pathParts: ['r', 'n'], handle };
  };

  it('hands out the node URL with credentials bound to the API origin', async () => {
    const loc = await locator.locate(file('https://api.example.com/files/e/p/r/n'), false);
    assert.equal(loc.url, 'https://api.example.com/files/e/p/r/n');
    assert.equal(loc.authOrigin, 'https://api.example.com');
    assert.equal(loc.authHeaders?.Authorization, 'Basic abc');
    assert.match(loc.headers?.['User-Agent'] ?? '', /^W&B Public Client download-experiment-files\//);
    assert.equal(loc.classify({ ...answer(401, '{}', 'application/json'), url: loc.url }), 'refused');
    assert.equal(loc.classify({ ...answer(401), url: 'https://storage.example/signed' }), 'expired');
    // Renewing an API-host URL needs no request: the next GET is signed afresh.
    assert.equal((await locator.locate(file('https://api.example.com/files/e/p/r/n'), true)).url, 'https://api.example.com/files/e/p/r/n');
  });

  it('fails a file without URL on its own (never falls back to directUrl)', async () => {
    await assert.rejects(
      locator.locate(file(null), false),
      (e: unknown) => e instanceof AttemptError && e.kind === 'fatal' && /url is null/.test(e.message),
    );
  });
});
