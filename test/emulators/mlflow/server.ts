// The MLflow tracking server emulator (mlflow.md §7): the REST routes under `/api/2.0/` (and `/ajax-api/2.0/`),
// the proxied artifact service, the UI download routes, optional authentication (the built-in basic-auth app,
// or a proxy checking a Bearer token), optional path prefix, `--no-serve-artifacts`, and the fault engine on
// every route (target `mlflow-api`, endpoint = the route's label). Every request is in the request log.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BlobSigner, FaultAction, FaultEngine, Handler, MlflowFixture, RequestLog } from '../common/contracts.ts';
import { applyApiFault } from '../common/faults.ts';
import { recordRequest } from '../common/request-log.ts';
import * as artifacts from './artifact-routes.ts';
import * as registry from './registry-routes.ts';
import { MlflowError, sendEmpty404, sendError, sendHtml404, sendJson, sendText } from './responses.ts';
import type { MlflowServerOptions, RouteContext } from './route-context.ts';
import { buildStore, type MlflowStore } from './store.ts';
import * as tracking from './tracking-routes.ts';

export type { MlflowServerOptions } from './route-context.ts';

export interface MlflowHandlerDeps {
  fixture: MlflowFixture;
  signer: BlobSigner;
  faults: FaultEngine;
  log: RequestLog;
  /** `http://127.0.0.1:<port>` of the server the handler is mounted on. */
  baseUrl: () => string;
  options?: Record<string, unknown>;
}

type Route = (ctx: RouteContext) => Promise<unknown>;

/** `<method> <path below /api/2.0/>` → label and handler. */
const API_ROUTES: Record<string, [string, Route]> = {
  'GET mlflow/experiments/get-by-name': ['experiments/get-by-name', tracking.getExperimentByName],
  'GET mlflow/experiments/get': ['experiments/get', tracking.getExperiment],
  'POST mlflow/experiments/search': ['experiments/search', tracking.searchExperiments],
  'GET mlflow/experiments/search': ['experiments/search', tracking.searchExperiments],
  'GET mlflow/runs/get': ['runs/get', tracking.getRun],
  'POST mlflow/runs/search': ['runs/search', tracking.searchRuns],
  'POST mlflow/logged-models/search': ['logged-models/search', tracking.searchLoggedModels],
  'GET mlflow/artifacts/list': ['artifacts/list', artifacts.listRunScoped],
  'GET mlflow-artifacts/artifacts': ['mlflow-artifacts/list', artifacts.listProxied],
  'GET mlflow/registered-models/get': ['registered-models/get', registry.getRegisteredModel],
  'GET mlflow/registered-models/alias': ['registered-models/alias', registry.getModelVersionByAlias],
  'POST mlflow/registered-models/get-latest-versions': ['registered-models/get-latest-versions', registry.getLatestVersions],
  'GET mlflow/registered-models/get-latest-versions': ['registered-models/get-latest-versions', registry.getLatestVersions],
  'GET mlflow/model-versions/get': ['model-versions/get', registry.getModelVersion],
  'GET mlflow/model-versions/get-download-uri': ['model-versions/get-download-uri', registry.getDownloadUri],
};

const BASIC_REALM = 'Basic realm="mlflow"';
const NOT_AUTHENTICATED =
  'You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to authenticate.';

/** Faults that act on the body: armed for a download's stream, or on a buffered API answer. */
const BODY_FAULTS = new Set(['truncate', 'corrupt', 'chunked', 'empty']);

function isBodyFault(action: FaultAction): boolean {
  return BODY_FAULTS.has(action.kind) || ((action.kind === 'reset' || action.kind === 'stall') && action.afterBytes !== undefined);
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function createMlflowHandler(deps: MlflowHandlerDeps): Promise<{ handler: Handler; store: MlflowStore }> {
  const { fixture, signer, faults, log } = deps;
  const options = (deps.options ?? {}) as MlflowServerOptions;
  const prefix = (options.pathPrefix ?? '').replace(/\/+$/, '');
  const store = await buildStore(fixture, signer);

  function authorised(req: IncomingMessage): boolean {
    const auth = fixture.auth;
    if (auth === undefined) return true;
    const header = req.headers.authorization ?? '';
    if ('bearer' in auth) return same(header, `Bearer ${auth.bearer}`);
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (!m) return false;
    const given = Buffer.from(m[1] ?? '', 'base64').toString('utf8');
    return auth.basic.some((u) => same(given, `${u.username}:${u.password}`));
  }

  function refuse(res: ServerResponse): void {
    const auth = fixture.auth;
    if (auth !== undefined && 'bearer' in auth) sendText(res, 401, 'Unauthorized', { 'www-authenticate': 'Bearer' });
    else sendText(res, 401, NOT_AUTHENTICATED, { 'www-authenticate': BASIC_REALM });
  }

  /** The route for a path below the prefix: its label, handler, and whether it is an API route. */
  function route(method: string, path: string): { label: string; run: Route; api: boolean } | undefined {
    const api = /^\/(?:ajax-)?api\/2\.0\/(.*)$/.exec(path);
    if (api) {
      const rest = api[1] ?? '';
      const known = API_ROUTES[`${method === 'HEAD' ? 'GET' : method} ${rest}`];
      if (known) return { label: known[0], run: known[1], api: true };
      const download = /^mlflow-artifacts\/artifacts\/(.+)$/.exec(rest);
      if (download && (method === 'GET' || method === 'HEAD')) {
        return { label: 'mlflow-artifacts/download', run: (ctx) => artifacts.downloadProxied(ctx, download[1] ?? ''), api: true };
      }
      if (/^mlflow-artifacts\/presigned\//.test(rest) && method === 'GET') {
        return { label: 'mlflow-artifacts/presigned', run: artifacts.presignedProxied, api: true };
      }
      if (rest === 'mlflow/artifacts/presigned-download-url' && method === 'POST') {
        return {
          label: 'artifacts/presigned-download-url',
          run: async (ctx) => {
            if (!(await artifacts.presignedRunScoped(ctx))) sendEmpty404(ctx.res);
          },
          api: true,
        };
      }
      return undefined;
    }
    if (method !== 'GET' && method !== 'HEAD') return undefined;
    if (path === '/get-artifact') return { label: 'get-artifact', run: artifacts.getArtifact, api: false };
    if (path === '/model-versions/get-artifact')
      return { label: 'model-versions/get-artifact', run: artifacts.getModelVersionArtifact, api: false };
    if (path === '/health') return { label: 'health', run: async (ctx) => sendText(ctx.res, 200, 'OK'), api: false };
    if (path === '/version')
      return { label: 'version', run: async (ctx) => sendText(ctx.res, 200, options.version ?? '3.7.1.dev0'), api: false };
    return undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = req.method ?? 'GET';
    const inside = prefix === '' || url.pathname === prefix || url.pathname.startsWith(`${prefix}/`);
    const path = inside ? url.pathname.slice(prefix.length) || '/' : url.pathname;
    const found = inside ? route(method, path) : undefined;
    const entry = recordRequest(log, 'mlflow-api', found?.label ?? 'unknown', req, res);
    // The path and the query: listings and /get-artifact name their path in the query string.
    const action = faults.take('mlflow-api', entry.endpoint, req.url ?? url.pathname);
    const download = entry.endpoint === 'mlflow-artifacts/download' || entry.endpoint.endsWith('get-artifact');
    if (action && !(download && isBodyFault(action)) && (await applyApiFault(action, res))) return;
    if (!found) {
      // §4.5: an unknown API route is an empty 404, anything else Flask's HTML page; never a 5xx.
      if (inside && /^\/(?:ajax-)?api\//.test(path)) return sendEmpty404(res);
      return sendHtml404(res);
    }
    if (found.label !== 'health' && found.label !== 'version' && !authorised(req)) return refuse(res);
    const ctx: RouteContext = {
      req,
      res,
      url,
      store,
      signer,
      baseUrl: `${deps.baseUrl()}${prefix}`,
      options,
      bodyFault: action && download && isBodyFault(action) ? action : undefined,
    };
    try {
      await found.run(ctx);
    } catch (error) {
      if (!(error instanceof MlflowError)) throw error;
      if (res.headersSent) res.destroy();
      else sendError(res, error);
    }
  }

  const handler: Handler = (req, res) =>
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error_code: 'INTERNAL_ERROR', message: String(error) });
      else res.destroy();
    });
  return { handler, store };
}
