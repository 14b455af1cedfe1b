// How the backend's GraphQL client talks (wandb.md §1) and what it makes of the answers (§5).
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Agent } from 'undici';
import { ApiClient } from '../../../src/core/http/api-client.ts';
import { AccessDeniedError, AuthenticationError, ServerError } from '../../../src/core/errors.ts';
import { silentLogger } from '../../../src/core/logger.ts';
import { WandbGraphqlClient } from '../../../src/backends/wandb/graphql/graphql-client.ts';
import { basicAuthHeader } from '../../../src/backends/wandb/key.ts';

interface Canned {
  status: number;
  body: string;
  type?: string;
}

const key = `local-${'q'.repeat(40)}`;
let server: Server;
let base: string;
let answers: Canned[] = [];
const seen: { headers: IncomingMessage['headers']; body: string }[] = [];
const dispatcher = new Agent();

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      const a = answers.shift() ?? { status: 200, body: '{"data":{}}' };
      res.writeHead(a.status, { 'content-type': a.type ?? 'application/json' });
      res.end(a.body);
    });
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await dispatcher.close();
});

function client(): WandbGraphqlClient {
  const api = new ApiClient({
    dispatcher,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, maxTotalWaitMs: 1000 },
    signal: new AbortController().signal,
    log: silentLogger,
  });
  return new WandbGraphqlClient(api, base.replace(/\/$/, ''), basicAuthHeader(key));
}

describe('WandbGraphqlClient', () => {
  it('POSTs {query, variables} to /graphql with Basic api:<key>, the public-client UA and JSON type', async () => {
    answers = [{ status: 200, body: '{"data":{"viewer":{"id":"1"}}}' }];
    seen.length = 0;
    const data = await client().query('GetDefaultEntity', 'query GetDefaultEntity { viewer { id } }', {});
    assert.deepEqual(data, { viewer: { id: '1' } });
    const req = seen[0];
    assert.ok(req);
    assert.equal(Buffer.from((req.headers.authorization ?? '').replace('Basic ', ''), 'base64').toString(), `api:${key}`);
    assert.match(req.headers['user-agent'] ?? '', /^W&B Public Client download-experiment-files\/\d/);
    assert.equal(req.headers['content-type'], 'application/json');
    assert.equal(req.headers['use-admin-privileges'], 'true');
    assert.deepEqual(Object.keys(JSON.parse(req.body) as object), ['query', 'variables']);
  });

  it('maps 401 to AuthenticationError and 403 to AccessDeniedError, without the key', async () => {
    answers = [{ status: 401, body: `{"errors":[{"message":"bad key ${key}"}]}` }];
    await assert.rejects(
      client().query('Run', 'q', {}),
      (e: unknown) => e instanceof AuthenticationError && !e.message.includes(key) && /invalid or missing/.test(e.message),
    );
    answers = [{ status: 403, body: '{"errors":["nope"]}' }];
    await assert.rejects(client().query('Run', 'q', {}), (e: unknown) => e instanceof AccessDeniedError && /nope/.test(e.message));
  });

  it('maps a 200 with errors to ServerError with the messages (not retried)', async () => {
    answers = [{ status: 200, body: '{"data":null,"errors":[{"message":"run xyz not found"},{"message":"second"}]}' }];
    seen.length = 0;
    await assert.rejects(
      client().query('Run', 'q', {}),
      (e: unknown) => e instanceof ServerError && /run xyz not found; second/.test(e.message),
    );
    assert.equal(seen.length, 1);
  });

  it('explains a 404 and a non-JSON answer by pointing at api-url', async () => {
    answers = [{ status: 404, body: 'not here', type: 'text/plain' }];
    await assert.rejects(
      client().query('Run', 'q', {}),
      (e: unknown) => e instanceof ServerError && e.status === 404 && /api-url/.test(e.message),
    );
    answers = [{ status: 200, body: '<html>login</html>', type: 'text/html' }];
    await assert.rejects(client().query('Run', 'q', {}), (e: unknown) => e instanceof ServerError && /not GraphQL JSON/.test(e.message));
    answers = [{ status: 200, body: '{"data":null}' }];
    await assert.rejects(client().query('Run', 'q', {}), /no data/);
  });

  it('retries 5xx through the ApiClient, then gives the data', async () => {
    answers = [
      { status: 503, body: '{"error":"busy"}' },
      { status: 200, body: '{"data":{"ok":true}}' },
    ];
    seen.length = 0;
    assert.deepEqual(await client().query('Runs', 'q', {}), { ok: true });
    assert.equal(seen.length, 2);
  });
});
