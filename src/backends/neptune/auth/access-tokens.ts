// Neptune authentication (neptune.md §2.2–2.4): the API token is exchanged for an OAuth access/refresh pair on
// the first request; the access JWT's `exp` says when to refresh (30 s early), its `iss` where and its `azp` as
// which client. A failed refresh falls back to a new exchange. One renewal at a time, shared by all callers.
import type { ApiClient } from '../../../core/http/api-client.ts';
import { AuthenticationError, CancelledError, ServerError, errorMessage, redact, registerSecret } from '../../../core/errors.ts';
import type { Logger } from '../../../core/logger.ts';
import { pythonFloatRepr } from '../target-path/python-format.ts';

/** `MINIMAL_EXPIRATION_SECONDS` of the client (§2.3). */
const EARLY_REFRESH_SECONDS = 30;

export interface AuthOptions {
  api: ApiClient;
  /** API root without a trailing slash. */
  baseUrl: string;
  apiToken: string;
  userAgent: string;
  log: Logger;
  /** Clock in milliseconds (tests). */
  now?: () => number;
}

interface OAuthTokens {
  access: string;
  refresh: string;
  /** Epoch seconds. */
  expiresAt: number;
  issuer: string;
  clientId: string;
}

export class NeptuneAuth {
  private readonly options: AuthOptions;
  private tokens: OAuthTokens | undefined;
  private renewal: Promise<OAuthTokens> | undefined;

  constructor(options: AuthOptions) {
    this.options = options;
  }

  /** A current access token, renewing it first when it expires within 30 s (or a renewal is under way). */
  async accessToken(): Promise<string> {
    if (this.renewal !== undefined) return (await this.renewal).access;
    const tokens = this.tokens;
    if (tokens !== undefined && !this.expiring(tokens)) return tokens.access;
    return (await this.renew()).access;
  }

  /**
   * A data endpoint answered 401 to `rejected`: renew unless another caller already did. (The client treats such
   * a 401 as final, §2.4; we assume the token may have expired early and try once more.)
   */
  async renewAfterRejection(rejected: string): Promise<void> {
    if (this.renewal !== undefined) {
      await this.renewal;
      return;
    }
    if (this.tokens !== undefined && this.tokens.access !== rejected) return;
    await this.renew();
  }

  private expiring(tokens: OAuthTokens): boolean {
    return tokens.expiresAt - this.nowSeconds() - EARLY_REFRESH_SECONDS <= 0;
  }

  private nowSeconds(): number {
    return (this.options.now ?? Date.now)() / 1000;
  }

  private renew(): Promise<OAuthTokens> {
    if (this.renewal === undefined) {
      this.renewal = this.refreshOrExchange().finally(() => {
        this.renewal = undefined;
      });
    }
    return this.renewal;
  }

  private async refreshOrExchange(): Promise<OAuthTokens> {
    const current = this.tokens;
    if (current !== undefined) {
      try {
        this.tokens = await this.refresh(current);
        return this.tokens;
      } catch (error) {
        if (error instanceof CancelledError) throw error;
        // §2.4: any refresh failure drops the tokens and exchanges the API token again.
        this.options.log.debug(`Neptune token refresh failed (${errorMessage(error)}); exchanging the API token again`);
        this.tokens = undefined;
      }
    }
    this.tokens = await this.exchange();
    return this.tokens;
  }

  /** §2.2 */
  private async exchange(): Promise<OAuthTokens> {
    const { api, baseUrl, apiToken, userAgent } = this.options;
    const url = `${baseUrl}/api/backend/v1/authorization/oauth-token`;
    const res = await api.request({
      endpoint: 'oauth-token',
      method: 'GET',
      url,
      headers: { 'User-Agent': userAgent, 'X-Neptune-Api-Token': apiToken },
    });
    const host = new URL(url).host;
    if (res.status === 401) {
      throw new AuthenticationError(
        `Neptune (${host}) rejected the API token (HTTP 401). Check that 'api-token' holds a current, unrevoked Neptune ` +
          'API token (user menu → "Get your API token"), and that it was issued by this Neptune server.',
      );
    }
    if (res.status === 400 || res.status === 403) {
      throw new AuthenticationError(
        `Neptune (${host}) could not use the API token (HTTP ${res.status}${serverMessage(res.body)}). Check 'api-token'.`,
      );
    }
    if (res.status < 200 || res.status >= 300) {
      throw new ServerError(
        `Exchanging the API token at ${host} failed with HTTP ${res.status}${serverMessage(res.body)}. Check that the token (or ` +
          "'api-url') points at a Neptune server.",
        res.status,
      );
    }
    const body = parseJson(res.body);
    const access = stringField(body, 'accessToken');
    const refresh = stringField(body, 'refreshToken');
    if (access === undefined || refresh === undefined) {
      throw new ServerError(`Neptune (${host}) answered the token exchange without an access and refresh token.`, res.status);
    }
    return this.adopt(access, refresh, host);
  }

  /** §2.4 */
  private async refresh(tokens: OAuthTokens): Promise<OAuthTokens> {
    const url = `${tokens.issuer.replace(/\/+$/, '')}/protocol/openid-connect/token`;
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh,
      client_id: tokens.clientId,
      expires_in: pythonFloatRepr(tokens.expiresAt - this.nowSeconds()),
    });
    const res = await this.options.api.request({
      endpoint: 'refresh',
      method: 'POST',
      url,
      headers: { 'User-Agent': this.options.userAgent, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    // The client accepts any status whose body carries the two tokens.
    const body = parseJson(res.body);
    const access = stringField(body, 'access_token');
    const refresh = stringField(body, 'refresh_token');
    if (access === undefined || refresh === undefined) throw new Error(`the refresh answer (HTTP ${res.status}) holds no tokens`);
    return this.adopt(access, refresh, new URL(url).host);
  }

  private adopt(access: string, refresh: string, host: string): OAuthTokens {
    registerSecret(access);
    registerSecret(refresh);
    const claims = decodeJwtClaims(access);
    if (claims === undefined) {
      throw new AuthenticationError(
        `Neptune (${host}) issued an access token that is not a JWT with the exp, iss and azp claims the protocol needs.`,
      );
    }
    return { access, refresh, expiresAt: claims.exp, issuer: claims.iss, clientId: claims.azp };
  }
}

/** Reads the payload of a JWT without verifying it (the client does the same, §2.3). */
export function decodeJwtClaims(jwt: string): { exp: number; iss: string; azp: string } | undefined {
  const payload = jwt.split('.')[1];
  if (payload === undefined) return undefined;
  const claims = parseJson(Buffer.from(payload, 'base64url'));
  const exp = claims?.exp;
  const iss = claims?.iss;
  const azp = claims?.azp;
  if (typeof exp !== 'number' || typeof iss !== 'string' || typeof azp !== 'string') return undefined;
  return { exp, iss, azp };
}

function parseJson(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function stringField(body: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = body?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `: <message>` from a Neptune error body, redacted and shortened; '' when there is none. */
export function serverMessage(body: Buffer): string {
  const json = parseJson(body);
  const message = typeof json?.message === 'string' ? json.message : body.subarray(0, 300).toString('utf8').trim();
  return message === '' ? '' : `: ${redact(message.slice(0, 300))}`;
}
