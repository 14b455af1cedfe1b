// Authentication (neptune.md §2): API token format, exchange, JWT claims, expiry → 401, refresh, and the
// 1.11.0 bootstrap (client config + OIDC discovery), driven over HTTP.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SearchResultMessage } from './wire-schema.ts';
import { SEARCH_PATH, startEmulator } from './test-harness.ts';

const OAUTH = '/api/backend/v1/authorization/oauth-token';
const SEARCH_BODY = { attributeFilters: [{ path: 'sys/id' }], experimentLeader: false, pagination: { limit: 10, offset: 0 } };

function claimsOf(jwt: string): Record<string, unknown> {
  const parts = jwt.split('.');
  assert.equal(parts.length, 3);
  assert.deepEqual(JSON.parse(Buffer.from(parts[0] ?? '', 'base64url').toString()), { alg: 'HS256', typ: 'JWT' });
  return JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
}

describe('Neptune auth', () => {
  it('the API token is standard base64 of {api_address, api_url, api_key} (§2.1)', async (t) => {
    const emu = await startEmulator(t);
    assert.match(emu.apiToken, /^[A-Za-z0-9+/]+=*$/);
    assert.deepEqual(JSON.parse(Buffer.from(emu.apiToken, 'base64').toString('utf8')), {
      api_address: emu.base,
      api_url: emu.base,
      api_key: 'test-api-key',
    });
  });

  it('exchanges the whole token for a JWT with exp, iss, azp, sub (§2.2, §2.3); a wrong or missing token is 401', async (t) => {
    let now = 1_700_000_000_000;
    const emu = await startEmulator(t, { options: { clock: () => now, accessTokenTtlSeconds: 120 } });
    const tokens = await emu.login();
    assert.equal(typeof tokens.refreshToken, 'string');
    assert.equal(tokens.username, 'emulator-user');
    const claims = claimsOf(tokens.accessToken);
    assert.equal(claims.exp, 1_700_000_120);
    assert.equal(claims.iss, `${emu.base}/auth/realms/neptune`);
    assert.equal(claims.azp, 'neptune-cli');
    assert.equal(typeof claims.sub, 'string');
    now += 1;

    const forged = Buffer.from(JSON.stringify({ api_address: emu.base, api_url: emu.base, api_key: 'wrong' })).toString('base64');
    for (const headers of [{}, { 'x-neptune-api-token': forged }, { 'x-neptune-api-token': `${emu.apiToken}x` }] as Record<
      string,
      string
    >[]) {
      const r = await emu.send('GET', OAUTH, { headers });
      assert.equal(r.status, 401);
      assert.equal((r.json() as { code: number }).code, 401);
    }
    // The client strips the token; surrounding whitespace is tolerated.
    assert.equal((await emu.send('GET', OAUTH, { headers: { 'x-neptune-api-token': ` ${emu.apiToken} ` } })).status, 200);
    assert.deepEqual(
      emu.log.entries().map((e) => [e.endpoint, e.status]),
      [
        ['oauth-token', 200],
        ['oauth-token', 401],
        ['oauth-token', 401],
        ['oauth-token', 401],
        ['oauth-token', 200],
      ],
    );
  });

  it('data endpoints need a valid, unexpired Bearer JWT; refresh issues a new one (§2.4)', async (t) => {
    let now = 1_700_000_000_000;
    const emu = await startEmulator(t, { options: { clock: () => now, accessTokenTtlSeconds: 60 } });
    const tokens = await emu.login();
    const search = (token?: string) =>
      emu.send('POST', SEARCH_PATH, { body: SEARCH_BODY, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

    assert.equal((await search(tokens.accessToken)).status, 200);
    assert.equal((await search()).status, 401);
    assert.equal((await search('not-a-jwt')).status, 401);
    const [h, p] = tokens.accessToken.split('.');
    assert.equal((await search(`${h}.${p}.${'A'.repeat(43)}`)).status, 401, 'bad signature');
    const tampered = Buffer.from(JSON.stringify({ ...claimsOf(tokens.accessToken), exp: 9_999_999_999 })).toString('base64url');
    assert.equal((await search(`${h}.${tampered}.${tokens.accessToken.split('.')[2]}`)).status, 401, 'edited claims');

    now += 59_000;
    assert.equal((await search(tokens.accessToken)).status, 200);
    now += 1_000;
    const expired = await search(tokens.accessToken);
    assert.equal(expired.status, 401);
    assert.deepEqual(expired.json(), { code: 401, message: 'Access token expired', errorType: 'UNAUTHORIZED' });

    // The refresh URL is derived from iss exactly as the client does (iss.rstrip("/") + "/protocol/openid-connect/token").
    const iss = String(claimsOf(tokens.accessToken).iss);
    const tokenUrl = `${iss.replace(/\/+$/, '')}/protocol/openid-connect/token`.slice(emu.base.length);
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: tokens.refreshToken,
      client_id: 'neptune-cli',
      expires_in: '-0.5',
    });
    const refreshed = await emu.send('POST', tokenUrl, {
      body: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(refreshed.status, 200);
    const body = refreshed.json() as { access_token: string; refresh_token: string };
    assert.equal(typeof body.refresh_token, 'string');
    assert.equal(claimsOf(body.access_token).exp, Math.ceil(now / 1000) + 60);
    assert.equal((await search(body.access_token)).proto(SearchResultMessage).matching_item_count, 4);

    const bad = async (fields: Record<string, string>, status: number, error: string) => {
      const r = await emu.send('POST', tokenUrl, {
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          client_id: 'neptune-cli',
          refresh_token: tokens.refreshToken,
          ...fields,
        }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(r.status, status);
      assert.equal((r.json() as { error: string }).error, error);
    };
    await bad({ refresh_token: 'unknown' }, 400, 'invalid_grant');
    await bad({ client_id: 'other' }, 401, 'invalid_client');
    await bad({ grant_type: 'password' }, 400, 'unsupported_grant_type');
    assert.ok(emu.log.count('neptune-api', 'refresh') >= 4);
    // No Authorization header reached the refresh endpoint.
    assert.ok(
      emu.log
        .entries()
        .filter((e) => e.endpoint === 'refresh')
        .every((e) => e.headers.authorization === undefined),
    );
  });

  it('1.11.0 bootstrap: client config → OIDC discovery → token_endpoint refresh with security.clientId (§2.5, §2.6)', async (t) => {
    const emu = await startEmulator(t);
    const config = await emu.send('GET', '/api/backend/v1/clients/config');
    assert.equal(config.status, 200);
    const c = config.json() as {
      apiUrl: string;
      pyLibVersions: object;
      security: { clientId: string; openIdDiscovery: string };
      applicationUrl: string;
    };
    assert.equal(c.apiUrl, emu.base);
    assert.deepEqual(c.pyLibVersions, {});
    assert.equal(c.applicationUrl, emu.base);
    assert.equal(c.security.clientId, 'neptune-cli');
    assert.ok(c.security.openIdDiscovery.startsWith(`${emu.base}/`));

    const discovery = await emu.send('GET', c.security.openIdDiscovery.slice(emu.base.length));
    assert.equal(discovery.status, 200);
    const d = discovery.json() as { authorization_endpoint: string; token_endpoint: string; issuer: string };
    assert.equal(d.issuer, `${emu.base}/auth/realms/neptune`);
    assert.equal(d.token_endpoint, `${d.issuer}/protocol/openid-connect/token`);
    assert.ok(d.authorization_endpoint.startsWith(d.issuer));

    const tokens = await emu.login();
    const r = await emu.send('POST', d.token_endpoint.slice(emu.base.length), {
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: tokens.refreshToken,
        client_id: c.security.clientId,
        expires_in: '3599.0',
      }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(r.status, 200);
    assert.deepEqual(
      emu.log.entries().map((e) => e.endpoint),
      ['client-config', 'oidc-discovery', 'oauth-token', 'refresh'],
    );
  });

  it('unknown routes and wrong methods are JSON errors; faults are applied before answering', async (t) => {
    const emu = await startEmulator(t);
    const unknown = await emu.send('GET', '/api/nothing/here');
    assert.equal(unknown.status, 404);
    assert.equal((unknown.json() as { code: number }).code, 404);
    assert.equal((await emu.send('POST', OAUTH, { body: {} })).status, 405);

    emu.faults.add({ target: 'neptune-api', endpoint: 'oauth-token', action: { kind: 'status', status: 503, retryAfter: '1' } });
    const faulted = await emu.send('GET', OAUTH, { headers: { 'x-neptune-api-token': emu.apiToken } });
    assert.equal(faulted.status, 503);
    assert.equal(faulted.headers['retry-after'], '1');
    assert.equal((await emu.send('GET', OAUTH, { headers: { 'x-neptune-api-token': emu.apiToken } })).status, 200);
    assert.deepEqual(
      emu.log.entries().map((e) => [e.endpoint, e.status]),
      [
        ['unknown', 404],
        ['oauth-token', 405],
        ['oauth-token', 503],
        ['oauth-token', 200],
      ],
    );
  });
});
