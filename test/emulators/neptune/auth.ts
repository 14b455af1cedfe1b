// Authentication as neptune.md §2 describes it: the base64 API token, its exchange for OAuth tokens, real
// HS256 access JWTs (exp/iss/azp, §2.3), the Keycloak-style refresh endpoint (§2.4), and the 1.11.0 bootstrap
// (client config + OIDC discovery, §2.5–2.6). Every data endpoint checks the Bearer JWT's signature and expiry.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApiError } from './http-util.ts';

/** Keycloak realm path; `iss` = `<base>/auth/realms/neptune`, so the refresh URL sits on this server (§2.3). */
export const REALM_PATH = '/auth/realms/neptune';
export const TOKEN_PATH = `${REALM_PATH}/protocol/openid-connect/token`;
export const DISCOVERY_PATH = `${REALM_PATH}/.well-known/openid-configuration`;
/** The `azp` claim and `security.clientId` (§2.3, §2.5); the refresh form must carry it as `client_id`. */
export const CLIENT_ID = 'neptune-cli';
export const USERNAME = 'emulator-user';

export interface AuthSettings {
  baseUrl: () => string;
  apiKey: string;
  ttlSeconds: number;
  /** Epoch milliseconds; injectable so tests can expire tokens without sleeping. */
  clock: () => number;
}

/** An OAuth-style error answer (`{error, error_description}`), what Keycloak returns from its token endpoint. */
export class OAuthError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, description: string) {
    super(description);
    this.status = status;
    this.code = code;
  }
}

const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/** Standard base64 of the token JSON (§2.1); the client uses `api_url` as its base URL. */
export function buildApiToken(baseUrl: string, apiKey: string): string {
  return Buffer.from(JSON.stringify({ api_address: baseUrl, api_url: baseUrl, api_key: apiKey }), 'utf8').toString('base64');
}

export class NeptuneAuth {
  private readonly secret = randomBytes(32);
  /** Refresh tokens issued so far. Like Keycloak's default, using one does not revoke it. */
  private readonly refreshTokens = new Set<string>();
  private readonly subject = randomUUID();
  private readonly settings: AuthSettings;

  constructor(settings: AuthSettings) {
    this.settings = settings;
  }

  /** Computed from `baseUrl()` on each use, so the token is right even if read before the server listened. */
  apiToken(): string {
    return buildApiToken(this.settings.baseUrl(), this.settings.apiKey);
  }

  issuer(): string {
    return `${this.settings.baseUrl().replace(/\/+$/, '')}${REALM_PATH}`;
  }

  /** §2.2: the whole token must match (401 otherwise → NeptuneInvalidCredentialsError, never retried). */
  exchange(req: IncomingMessage): { accessToken: string; refreshToken: string; username: string } {
    const header = req.headers['x-neptune-api-token'];
    const given = typeof header === 'string' ? header.trim() : '';
    const expected = Buffer.from(this.apiToken());
    if (given === '' || !safeEqual(Buffer.from(given), expected)) throw new ApiError(401, 'UNAUTHORIZED', 'Invalid API token');
    const tokens = this.issue();
    return { accessToken: tokens.access, refreshToken: tokens.refresh, username: USERNAME };
  }

  /** §2.4: form `grant_type=refresh_token`, `refresh_token`, `client_id` (`expires_in` is sent and ignored). */
  refresh(form: URLSearchParams): Record<string, unknown> {
    if (form.get('grant_type') !== 'refresh_token') throw new OAuthError(400, 'unsupported_grant_type', 'Unsupported grant_type');
    if (form.get('client_id') !== CLIENT_ID) throw new OAuthError(401, 'invalid_client', 'Invalid client credentials');
    const presented = form.get('refresh_token') ?? '';
    if (!this.refreshTokens.has(presented)) throw new OAuthError(400, 'invalid_grant', 'Invalid refresh token');
    const tokens = this.issue();
    return {
      access_token: tokens.access,
      expires_in: this.settings.ttlSeconds,
      refresh_expires_in: 0,
      refresh_token: tokens.refresh,
      token_type: 'Bearer',
      'not-before-policy': 0,
      session_state: this.subject,
      scope: 'profile email',
    };
  }

  /** §2.5 ClientConfig, read by 1.11.0 (and neptune-fetcher) before anything else. */
  clientConfig(): Record<string, unknown> {
    const base = this.settings.baseUrl();
    return {
      apiUrl: base,
      applicationUrl: base,
      pyLibVersions: {},
      security: { clientId: CLIENT_ID, openIdDiscovery: `${this.issuer()}/.well-known/openid-configuration` },
    };
  }

  /** §2.6: must contain `authorization_endpoint` and `token_endpoint`; the latter is the refresh URL. */
  discovery(): Record<string, unknown> {
    const iss = this.issuer();
    return {
      issuer: iss,
      authorization_endpoint: `${iss}/protocol/openid-connect/auth`,
      token_endpoint: `${iss}/protocol/openid-connect/token`,
      grant_types_supported: ['authorization_code', 'refresh_token'],
      response_types_supported: ['code'],
      id_token_signing_alg_values_supported: ['HS256'],
    };
  }

  /** Throws 401 unless `Authorization: Bearer <JWT>` carries our signature and an `exp` still in the future. */
  verifyBearer(req: IncomingMessage): void {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match?.[1]) throw unauthorized('Missing bearer token');
    const parts = match[1].split('.');
    if (parts.length !== 3) throw unauthorized('Malformed access token');
    const [head = '', body = '', signature = ''] = parts;
    if (!safeEqual(Buffer.from(signature), Buffer.from(this.sign(`${head}.${body}`)))) throw unauthorized('Invalid token signature');
    let claims: { exp?: unknown };
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { exp?: unknown };
    } catch {
      throw unauthorized('Malformed access token');
    }
    if (typeof claims.exp !== 'number' || this.settings.clock() / 1000 >= claims.exp) throw unauthorized('Access token expired');
  }

  private issue(): { access: string; refresh: string } {
    const nowSeconds = this.settings.clock() / 1000;
    const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const claims = {
      // Rounded up so the token lives at least the configured TTL (§2.3: the client refreshes 30 s early).
      exp: Math.ceil(nowSeconds + this.settings.ttlSeconds),
      iat: Math.floor(nowSeconds),
      jti: randomUUID(),
      iss: this.issuer(),
      aud: 'account',
      sub: this.subject,
      typ: 'Bearer',
      azp: CLIENT_ID,
      preferred_username: USERNAME,
    };
    const body = b64url(JSON.stringify(claims));
    const refresh = randomBytes(32).toString('base64url');
    this.refreshTokens.add(refresh);
    return { access: `${head}.${body}.${this.sign(`${head}.${body}`)}`, refresh };
  }

  private sign(input: string): string {
    return createHmac('sha256', this.secret).update(input).digest('base64url');
  }
}

function unauthorized(message: string): ApiError {
  return new ApiError(401, 'UNAUTHORIZED', message);
}

function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
