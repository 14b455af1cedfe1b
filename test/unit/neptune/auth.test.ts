// Token exchange, JWT claims and serialised renewals (neptune.md §2.2–2.4).
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { Agent } from 'undici';
import { NeptuneAuth, decodeJwtClaims } from '../../../src/backends/neptune/auth/access-tokens.ts';
import { ApiClient } from '../../../src/core/http/api-client.ts';
import { silentLogger } from '../../../src/core/logger.ts';
import { startFakeNeptune, type FakeNeptune } from './fake-neptune.ts';

let fake: FakeNeptune;
let dispatcher: Agent;
before(async () => {
  fake = await startFakeNeptune([]);
  dispatcher = new Agent();
});
after(async () => {
  await dispatcher.close();
  await fake.close();
});

function auth(now?: () => number): NeptuneAuth {
  const api = new ApiClient({
    dispatcher,
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2, maxTotalWaitMs: 50 },
    signal: new AbortController().signal,
    log: silentLogger,
  });
  return new NeptuneAuth({ api, baseUrl: fake.origin, apiToken: fake.token, userAgent: 'ua', log: silentLogger, now });
}

it('decodes exp, iss and azp without verifying; anything else is not a usable token', () => {
  const payload = Buffer.from(JSON.stringify({ exp: 12.5, iss: 'https://k/realms/x', azp: 'cli' })).toString('base64url');
  assert.deepEqual(decodeJwtClaims(`h.${payload}.s`), { exp: 12.5, iss: 'https://k/realms/x', azp: 'cli' });
  assert.equal(decodeJwtClaims('not-a-jwt'), undefined);
  assert.equal(decodeJwtClaims(`h.${Buffer.from('{"exp":1}').toString('base64url')}.s`), undefined);
});

it('concurrent first requests share one exchange; later ones reuse the token', async () => {
  fake.requests.length = 0;
  const a = auth();
  const tokens = await Promise.all(Array.from({ length: 8 }, () => a.accessToken()));
  assert.equal(new Set(tokens).size, 1);
  assert.equal(await a.accessToken(), tokens[0]);
  assert.equal(fake.of('/api/backend/v1/authorization/oauth-token').length, 1);
});

it('a token within 30 s of expiry is refreshed once for all concurrent callers', async () => {
  fake.requests.length = 0;
  let clock = Date.now();
  const a = auth(() => clock);
  const first = await a.accessToken();
  clock += 3600 * 1000 - 20_000; // 20 s left
  const renewed = await Promise.all(Array.from({ length: 5 }, () => a.accessToken()));
  assert.equal(new Set(renewed).size, 1);
  assert.notEqual(renewed[0], first);
  assert.equal(fake.of('/realms/neptune/protocol/openid-connect/token').length, 1);
  assert.match(
    new URLSearchParams(fake.of('/realms/neptune/protocol/openid-connect/token')[0]?.body).get('expires_in') ?? '',
    /^(19|20)\.\d+$/,
  );
});

it('after a rejection, a renewal happens once; a caller holding an already replaced token does not renew again', async () => {
  fake.requests.length = 0;
  const a = auth();
  const stale = await a.accessToken();
  await Promise.all([a.renewAfterRejection(stale), a.renewAfterRejection(stale)]);
  await a.renewAfterRejection(stale);
  assert.notEqual(await a.accessToken(), stale);
  assert.equal(fake.of('/realms/neptune/protocol/openid-connect/token').length, 1);
});
