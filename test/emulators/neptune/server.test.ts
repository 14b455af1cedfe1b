// Routing concerns of the Neptune handler: an `api_url` with a path prefix (neptune.md §2.1), faults consulted before
// answering (429 + Retry-After, body truncation), and the request log (endpoint labels, headers, statuses).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { request } from 'undici';
import { SearchResultMessage } from './wire-schema.ts';
import { SEARCH_PATH, searchRows, startEmulator } from './test-harness.ts';

const BODY = { attributeFilters: [{ path: 'sys/id' }], experimentLeader: true, pagination: { limit: 10000, offset: 0 } };

describe('Neptune handler routing', () => {
  it('serves under a path prefix taken from api_url; iss and the refresh URL include it', async (t) => {
    const emu = await startEmulator(t, { pathPrefix: '/neptune' });
    assert.equal(JSON.parse(Buffer.from(emu.apiToken, 'base64').toString()).api_url, emu.base);
    const tokens = await emu.login();
    const claims = JSON.parse(Buffer.from(tokens.accessToken.split('.')[1] ?? '', 'base64url').toString()) as { iss: string };
    assert.equal(claims.iss, `${emu.base}/auth/realms/neptune`);
    const r = await emu.post(SEARCH_PATH, BODY);
    assert.deepEqual(searchRows(r.proto(SearchResultMessage)), [{ 'sys/id': 'NQ-2' }, { 'sys/id': 'NQ-3' }, { 'sys/id': 'NQ-5' }]);
    const refresh = await emu.send('POST', '/auth/realms/neptune/protocol/openid-connect/token', {
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refreshToken, client_id: 'neptune-cli' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(refresh.status, 200);
  });

  it('injected 429 with Retry-After, then the normal answer; the log has labels, headers and statuses', async (t) => {
    const emu = await startEmulator(t);
    emu.faults.add({
      target: 'neptune-api',
      endpoint: 'search',
      pathIncludes: 'projectIdentifier=ws/proj',
      action: { kind: 'status', status: 429, retryAfter: '1' },
    });
    const first = await emu.post(SEARCH_PATH, BODY);
    assert.equal(first.status, 429);
    assert.equal(first.headers['retry-after'], '1');
    const second = await emu.post(SEARCH_PATH, BODY);
    assert.equal(second.status, 200);
    const entries = emu.log.entries();
    assert.deepEqual(
      entries.map((e) => [e.target, e.endpoint, e.method, e.status]),
      [
        ['neptune-api', 'oauth-token', 'GET', 200],
        ['neptune-api', 'search', 'POST', 429],
        ['neptune-api', 'search', 'POST', 200],
      ],
    );
    assert.equal(entries[2]?.path, SEARCH_PATH);
    assert.match(String(entries[2]?.headers.authorization), /^Bearer /);
    assert.equal(emu.faults.injected.get('status'), 1);
  });

  it('body faults act on the protobuf answer (truncate → short body against its Content-Length)', async (t) => {
    const emu = await startEmulator(t);
    const { accessToken } = await emu.login();
    emu.faults.add({ target: 'neptune-api', endpoint: 'search', action: { kind: 'truncate', bytes: 3 } });
    await assert.rejects(async () => {
      const r = await request(`${emu.base}${SEARCH_PATH}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(BODY),
      });
      await r.body.arrayBuffer();
    });
    assert.equal((await emu.post(SEARCH_PATH, BODY)).status, 200);
  });
});
