// The Neptune API emulator: routes the requests the official clients send (neptune.md §2, §4–§7) to the
// endpoint modules, after recording each one and giving the fault engine its say. The answer shapes are the
// reference's; see the endpoint modules for the behaviour the reference leaves to the server (§13).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BlobSigner, FaultEngine, Handler, NeptuneFixture, RequestLog } from '../common/contracts.ts';
import { applyApiFault } from '../common/faults.ts';
import { recordRequest } from '../common/request-log.ts';
import { attributeDefinitions } from './attribute-definitions.ts';
import { attributeValues } from './attribute-values.ts';
import { DISCOVERY_PATH, NeptuneAuth, OAuthError, TOKEN_PATH } from './auth.ts';
import { loadFixture } from './fixture-load.ts';
import { ApiError, readBody, readJsonObject, sendError, sendJson, sendProto } from './http-util.ts';
import { search } from './search.ts';
import { seriesValues } from './series.ts';
import { signedUrls } from './signed-urls.ts';
import type { NeptuneStore } from './store.ts';
import { QueryAttributesResultMessage, SearchResultMessage, SeriesValuesResponseMessage } from './wire-schema.ts';

export interface NeptuneHandlerOptions {
  /** Largest search page whatever `pagination.limit` says (default: none). The client stops on a short page (§4.4). */
  searchPageSizeCap?: number;
  /** Largest attribute-values page (default: none). Safe: the client pages on the token alone (§6.2). */
  attributeValuesPageSizeCap?: number;
  /** Points per series per answer (default 1000), so small fixtures can cross `searchAfter` pages (§6.3). */
  seriesPageSize?: number;
  /** Overrides fixture.accessTokenTtlSeconds (default 3600). Below 30 s the client refreshes before every call (§2.3). */
  accessTokenTtlSeconds?: number;
  /** Projects that exist but answer 403 `ACCESS_DENIED` (§8.2). */
  inaccessibleProjects?: string[];
  /** Epoch-milliseconds clock for token issue and expiry (default Date.now); lets tests expire tokens instantly. */
  clock?: () => number;
}

export interface NeptuneHandlerDeps {
  fixture: NeptuneFixture;
  signer: BlobSigner;
  faults: FaultEngine;
  log: RequestLog;
  /** The origin (and optional path prefix) clients reach this handler at; read on every use. */
  baseUrl: () => string;
  options?: NeptuneHandlerOptions;
}

interface Context {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
}

interface Route {
  method: 'GET' | 'POST';
  path: string;
  /** Request-log and fault-rule label (contracts.ts RequestLogEntry.endpoint). */
  endpoint: string;
  /** Needs `Authorization: Bearer <access JWT>` (§2.4). */
  authenticated: boolean;
  answer(ctx: Context): Promise<void> | void;
}

/** Removes a trailing slash so `/entries/search/` (what the client sends, §4.1) and `/entries/search` both match. */
const normalise = (path: string): string => (path.length > 1 ? path.replace(/\/+$/, '') : path);

export async function createNeptuneHandler(deps: NeptuneHandlerDeps): Promise<{ handler: Handler; apiToken: string }> {
  const options = deps.options ?? {};
  const store: NeptuneStore = await loadFixture(deps.fixture, deps.signer, new Set(options.inaccessibleProjects ?? []));
  const auth = new NeptuneAuth({
    baseUrl: deps.baseUrl,
    apiKey: deps.fixture.apiKey,
    ttlSeconds: options.accessTokenTtlSeconds ?? deps.fixture.accessTokenTtlSeconds ?? 3600,
    clock: options.clock ?? Date.now,
  });

  const routes: Route[] = [
    {
      method: 'GET',
      path: '/api/backend/v1/authorization/oauth-token',
      endpoint: 'oauth-token',
      authenticated: false,
      answer: ({ req, res }) => sendJson(res, 200, auth.exchange(req)),
    },
    {
      method: 'POST',
      path: TOKEN_PATH,
      endpoint: 'refresh',
      authenticated: false,
      answer: async ({ req, res }) => sendJson(res, 200, auth.refresh(new URLSearchParams((await readBody(req)).toString('utf8')))),
    },
    {
      method: 'GET',
      path: '/api/backend/v1/clients/config',
      endpoint: 'client-config',
      authenticated: false,
      answer: ({ res }) => sendJson(res, 200, auth.clientConfig()),
    },
    {
      method: 'GET',
      path: DISCOVERY_PATH,
      endpoint: 'oidc-discovery',
      authenticated: false,
      answer: ({ res }) => sendJson(res, 200, auth.discovery()),
    },
    {
      method: 'POST',
      path: '/api/leaderboard/v1/proto/leaderboard/entries/search',
      endpoint: 'search',
      authenticated: true,
      answer: async ({ req, res, url }) =>
        sendProto(res, SearchResultMessage, search(store, url, await readJsonObject(req), { pageSizeCap: options.searchPageSizeCap })),
    },
    {
      method: 'POST',
      path: '/api/leaderboard/v1/leaderboard/attributes/definitions/query',
      endpoint: 'attribute-definitions',
      authenticated: true,
      answer: async ({ req, res }) => sendJson(res, 200, attributeDefinitions(store, await readJsonObject(req))),
    },
    {
      method: 'POST',
      path: '/api/leaderboard/v1/proto/leaderboard/attributes/query',
      endpoint: 'attribute-values',
      authenticated: true,
      answer: async ({ req, res, url }) =>
        sendProto(
          res,
          QueryAttributesResultMessage,
          attributeValues(store, url, await readJsonObject(req), { pageSizeCap: options.attributeValuesPageSizeCap }),
        ),
    },
    {
      method: 'POST',
      path: '/api/leaderboard/v1/proto/attributes/series',
      endpoint: 'series',
      authenticated: true,
      answer: async ({ req, res }) =>
        sendProto(res, SeriesValuesResponseMessage, seriesValues(store, await readJsonObject(req), { pageSize: options.seriesPageSize })),
    },
    ...['/api/storagebridge/v1/signedUrl', '/api/storagebridge/v1/azure/signedUrl'].map((path): Route => ({
      method: 'POST',
      path,
      endpoint: 'signed-url',
      authenticated: true,
      answer: async ({ req, res }) => sendJson(res, 200, signedUrls(store, deps.signer, await readJsonObject(req))),
    })),
  ];
  const byPath = new Map(routes.map((r) => [r.path, r]));

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Concatenated, not resolved: a request target starting with `//` must stay a path, not become a host.
    const url = new URL(`http://neptune.invalid${req.url?.startsWith('/') ? req.url : `/${req.url ?? ''}`}`);
    // `api_url` may carry a path prefix (§2.1); routes are matched below it.
    const prefix = normalise(new URL(deps.baseUrl()).pathname);
    let path = normalise(url.pathname);
    if (prefix !== '/' && (path === prefix || path.startsWith(`${prefix}/`))) path = path.slice(prefix.length) || '/';
    const route = byPath.get(path);
    recordRequest(deps.log, 'neptune-api', route?.endpoint ?? 'unknown', req, res);

    const action = deps.faults.take('neptune-api', route?.endpoint ?? 'unknown', req.url ?? '/');
    if (action && (await applyApiFault(action, res))) {
      req.resume();
      return;
    }
    try {
      if (!route) throw new ApiError(404, 'NOT_FOUND', `No endpoint ${req.method ?? ''} ${url.pathname}`);
      if (req.method !== route.method) throw new ApiError(405, 'METHOD_NOT_ALLOWED', `Method ${req.method ?? ''} not allowed`);
      if (route.authenticated) auth.verifyBearer(req);
      await route.answer({ req, res, url });
    } catch (error) {
      req.resume();
      if (error instanceof OAuthError) sendJson(res, error.status, { error: error.code, error_description: error.message });
      else if (error instanceof ApiError) sendError(res, error);
      else throw error;
    }
  }

  const handler: Handler = (req, res) => {
    serve(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendError(res, new ApiError(500, 'INTERNAL_SERVER_ERROR', `Emulator failure: ${(error as Error).message ?? String(error)}`));
    });
  };
  return {
    handler,
    // A getter, so a composer that reads it after its server listens gets the final base URL (§2.1).
    get apiToken(): string {
      return auth.apiToken();
    },
  };
}
