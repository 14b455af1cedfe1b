// ApiRequest.final: an answer with a retryable status that the source knows cannot change is handed back at
// once; without it the same answer is retried until the budget runs out.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import { Agent } from 'undici';
import { ApiClient } from '../../../src/core/http/api-client.ts';
import { ServerError } from '../../../src/core/errors.ts';
import { silentLogger } from '../../../src/core/logger.ts';

let url = '';
let hits = 0;
const server = createServer((_req, res) => {
  hits += 1;
  res.writeHead(503, { 'content-type': 'text/plain' });
  res.end('Endpoint disabled: the server runs with --no-serve-artifacts');
});
const dispatcher = new Agent();

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
});
after(async () => {
  await dispatcher.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function client(): ApiClient {
  return new ApiClient({
    dispatcher,
    retry: { maxAttempts: 3, baseDelayMs: 0, maxDelayMs: 0, maxTotalWaitMs: 1000 },
    signal: new AbortController().signal,
    log: silentLogger,
  });
}

it('returns a final answer without retrying it', async () => {
  hits = 0;
  const res = await client().request({
    endpoint: 'list',
    method: 'GET',
    url,
    final: (status, body) => status === 503 && body.toString().includes('--no-serve-artifacts'),
  });
  assert.equal(res.status, 503);
  assert.equal(hits, 1);
});

it('retries the same answer when the source does not call it final', async () => {
  hits = 0;
  await assert.rejects(client().request({ endpoint: 'list', method: 'GET', url, final: () => false }), ServerError);
  assert.equal(hits, 3);
});
