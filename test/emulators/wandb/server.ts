// The W&B API emulator (wandb.md §9): `POST /graphql` executed by graphql-js against the schema of
// schema.ts, and `GET /files/<entity>/<project>/<run>/<name>` answering 302 to a signed storage URL. Both need
// `Authorization: Basic base64("api:<key>")` (§1) and answer 401 otherwise. Every request is logged (target
// `wandb-api`, endpoint = operation name, root field of an anonymous query, or `file`) after the fault engine
// had its say. The composer (test/emulators/start.ts) answers the control routes before this handler runs.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { execute, Kind, parse, validate, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import type { BlobSigner, FaultEngine, Handler, RequestLog, WandbFixture } from '../common/contracts.ts';
import { applyApiFault } from '../common/faults.ts';
import { recordRequest } from '../common/request-log.ts';
import { createRootValue, newProjectNode, type WandbContext } from './nodes.ts';
import { startReferenceHost } from './reference-host.ts';
import { createWandbSchema } from './schema.ts';
import { buildStore, projectKey, type WandbStore } from './store.ts';

export interface WandbHandlerOptions {
  /** Largest page the server returns whatever `first` asks (default 1000); clients page on via hasNextPage. */
  maxPerPage?: number;
  /** A misbehaving server for the reliability suite (see WandbContext.hostilePaging). */
  hostilePaging?: 'overlap' | 'endless';
  /**
   * `serverInfo.features` (wandb-artifacts.md §2.2): the names listed as enabled (default: all of
   * SERVER_FEATURES), or `none` for an old server whose schema has no such field.
   */
  features?: readonly string[] | 'none';
  /**
   * List a collection's versions oldest first whatever `order` asks (wandb-artifacts.md §3.1: a server's ordering
   * is not visible to the client), to test clients that must not rely on it.
   */
  ignoreArtifactOrder?: boolean;
}

/** The features that select the current artifact operations and download handlers (§2.2). */
export const SERVER_FEATURES = [
  'PROJECT_ARTIFACT_COLLECTION_MEMBERSHIP',
  'ARTIFACT_COLLECTION_MEMBERSHIP_FILES',
  'TOTAL_COUNT_IN_FILE_CONNECTION',
  'ARTIFACT_V2_DOWNLOAD_HANDLER_SUPPORTS_ARTIFACT_ID',
  'ARTIFACT_COLLECTION_MEMBERSHIP_FILE_DOWNLOAD_HANDLER',
] as const;

export interface WandbHandlerDeps {
  fixture: WandbFixture;
  signer: BlobSigner;
  faults: FaultEngine;
  log: RequestLog;
  baseUrl: () => string;
  options?: WandbHandlerOptions;
  /** Added by the reference host to every answer (benchmarks); the API's own latency is the composer's. */
  latencyMs?: number;
}

const DEFAULT_MAX_PER_PAGE = 1000;
const MAX_BODY_BYTES = 1024 * 1024;

interface GraphqlRequest {
  query: string;
  variables: Record<string, unknown>;
  operationName: string | undefined;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** `{query, variables[, operationName]}`; operationName absent, null or "" all mean "the only operation" (wandb.md §1). */
function parseRequest(raw: Buffer | undefined): GraphqlRequest | undefined {
  if (raw === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const { query, variables, operationName } = json as Record<string, unknown>;
  if (typeof query !== 'string') return undefined;
  return {
    query,
    variables:
      typeof variables === 'object' && variables !== null && !Array.isArray(variables) ? (variables as Record<string, unknown>) : {},
    operationName: typeof operationName === 'string' && operationName !== '' ? operationName : undefined,
  };
}

/** The log/fault label: the operation's name, else its first root field (`{ viewer { id } }` → `viewer`). */
function operationLabel(document: DocumentNode | undefined, operationName: string | undefined): string {
  const ops = (document?.definitions ?? []).filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const op = operationName === undefined ? ops[0] : ops.find((o) => o.name?.value === operationName);
  if (!op) return 'graphql';
  if (op.name) return op.name.value;
  const first = op.selectionSet.selections[0];
  return first?.kind === Kind.FIELD ? first.name.value : 'graphql';
}

function checkAuth(req: IncomingMessage, apiKey: string): boolean {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!m) return false;
  const given = Buffer.from(Buffer.from(m[1] ?? '', 'base64').toString('utf8'), 'utf8');
  const expected = Buffer.from(`api:${apiKey}`, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** wandb.md §5: the client never retries a 401; the body carries `errors` as the server's do. */
function unauthorized(res: ServerResponse): void {
  sendJson(
    res,
    401,
    { errors: [{ message: 'user is not logged in: the API key is invalid or missing' }] },
    { 'www-authenticate': 'Basic realm="wandb"' },
  );
}

export async function createWandbHandler(
  deps: WandbHandlerDeps,
): Promise<{ handler: Handler; apiKey: string; close: () => Promise<void> }> {
  const { fixture, signer, faults, log } = deps;
  // The composer passes its options record as is, so the knobs are checked here.
  const maxPerPage =
    typeof deps.options?.maxPerPage === 'number' && deps.options.maxPerPage > 0 ? deps.options.maxPerPage : DEFAULT_MAX_PER_PAGE;
  const featureOption = deps.options?.features;
  const features: readonly string[] = Array.isArray(featureOption) ? featureOption : featureOption === 'none' ? [] : SERVER_FEATURES;
  const references = await startReferenceHost(faults, log, typeof deps.latencyMs === 'number' ? deps.latencyMs : 0);
  const store = await buildStore(fixture, signer, references.origin).catch(async (error: unknown) => {
    await references.close();
    throw error;
  });
  for (const ref of store.references) references.put(ref.path, ref.content);
  const schema = createWandbSchema({ features: featureOption !== 'none' });
  const hostile = deps.options?.hostilePaging;
  const hostilePaging = hostile === 'overlap' || hostile === 'endless' ? hostile : undefined;
  const rootValue = createRootValue();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    if (url.pathname === '/graphql') return graphqlRoute(req, res, url);
    if (url.pathname.startsWith('/files/')) return fileRoute(req, res, url);
    if (url.pathname.startsWith('/artifacts/') || url.pathname.startsWith('/artifactsV2/')) return artifactHandlerRoute(req, res, url);
    const entry = recordRequest(log, 'wandb-api', 'unknown', req, res);
    entry.status = 404;
    sendJson(res, 404, { errors: [{ message: `no route for ${req.method ?? 'GET'} ${url.pathname}` }] });
  }

  async function graphqlRoute(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const entry = recordRequest(log, 'wandb-api', 'graphql', req, res);
    const body = req.method === 'POST' ? parseRequest(await readBody(req)) : undefined;
    let document: DocumentNode | undefined;
    let syntaxError: unknown;
    if (body) {
      try {
        document = parse(body.query);
      } catch (error) {
        syntaxError = error;
      }
    }
    entry.endpoint = operationLabel(document, body?.operationName);
    const action = faults.take('wandb-api', entry.endpoint, url.pathname);
    if (action && (await applyApiFault(action, res))) return;
    if (!checkAuth(req, store.apiKey)) return unauthorized(res);
    if (req.method !== 'POST') return sendJson(res, 405, { errors: [{ message: 'POST a GraphQL request' }] }, { allow: 'POST' });
    if (!body) return sendJson(res, 400, { errors: [{ message: 'the body must be JSON with a "query" string' }] });
    // GraphQL errors (syntax, validation, execution) travel in a 200 answer's `errors`, as the W&B server sends them.
    if (!document) return sendJson(res, 200, { errors: [{ message: (syntaxError as Error).message }] });
    const problems = validate(schema, document);
    if (problems.length > 0) return sendJson(res, 200, { errors: problems.map((p) => p.toJSON()) });
    const contextValue: WandbContext = {
      store,
      signer,
      baseUrl: deps.baseUrl(),
      maxPerPage,
      features,
      ignoreArtifactOrder: deps.options?.ignoreArtifactOrder === true,
      projectNode: newProjectNode,
      hostilePaging,
    };
    const result = await execute({
      schema,
      document,
      rootValue,
      contextValue,
      variableValues: body.variables,
      operationName: body.operationName,
    });
    sendJson(res, 200, result);
  }

  async function fileRoute(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    recordRequest(log, 'wandb-api', 'file', req, res);
    const action = faults.take('wandb-api', 'file', url.pathname);
    if (action && (await applyApiFault(action, res))) return;
    if (!checkAuth(req, store.apiKey)) return unauthorized(res);
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendJson(res, 405, { errors: [{ message: 'GET a file' }] }, { allow: 'GET, HEAD' });
    const key = fileKey(store, url.pathname);
    if (key === undefined) return sendJson(res, 404, { errors: [{ message: 'file not found' }] });
    // wandb.md §9.4: a redirect to a signed URL on another host; well-behaved clients drop Authorization on the way.
    res.writeHead(302, { location: signer.sign(key, 'wandb'), 'cache-control': 'no-store', 'content-length': '0' });
    res.end();
  }

  /**
   * wandb-artifacts.md §5.3: the download handlers a client falls back to when a signed URL is refused. They need
   * the key, find the blob by entity and MD5 (checking the birth artifact, project and collection the longer forms
   * name) and answer 302 to a freshly signed storage URL.
   */
  async function artifactHandlerRoute(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    recordRequest(log, 'wandb-api', 'artifact-handler', req, res);
    const action = faults.take('wandb-api', 'artifact-handler', url.pathname);
    if (action && (await applyApiFault(action, res))) return;
    if (!checkAuth(req, store.apiKey)) return unauthorized(res);
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendJson(res, 405, { errors: [{ message: 'GET a file' }] }, { allow: 'GET, HEAD' });
    const key = handlerBlobKey(store, url.pathname);
    if (key === undefined) return sendJson(res, 404, { errors: [{ message: 'artifact file not found' }] });
    res.writeHead(302, { location: signer.sign(key, 'wandb'), 'cache-control': 'no-store', 'content-length': '0' });
    res.end();
  }

  // The promise is returned so the composer can await it; the catch keeps any mount from leaking a rejection.
  const handler: Handler = (req, res) =>
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: String(error) }] });
      else res.destroy();
    });
  return { handler, apiKey: fixture.apiKey, close: () => references.close() };
}

/**
 * The blob a download handler URL names (§5.3): `/artifacts/{entity}/{hex}`, or `/artifactsV2/{region}/{entity}/`
 * followed by `{birth}/{hex}`, `{project}/{collection}/{birth}/{hex}/{basename}` or
 * `{project}/{collection}/{artifactId}/{birth}/{hex}/{basename}`.
 */
function handlerBlobKey(store: WandbStore, pathname: string): string | undefined {
  let parts: string[];
  try {
    parts = pathname.split('/').slice(1).map(decodeURIComponent);
  } catch {
    return undefined;
  }
  const [route, ...rest] = parts;
  let entity: string | undefined;
  let hex: string | undefined;
  let birth: string | undefined;
  let collectionPath: [string, string] | undefined;
  let artifactId: string | undefined;
  if (route === 'artifacts' && rest.length === 2) [entity, hex] = rest;
  else if (route === 'artifactsV2' && rest.length === 4) [, entity, birth, hex] = rest;
  else if (route === 'artifactsV2' && rest.length === 7) {
    [, entity, , , birth, hex] = rest;
    collectionPath = [rest[2] ?? '', rest[3] ?? ''];
  } else if (route === 'artifactsV2' && rest.length === 8) {
    [, entity, , , artifactId, birth, hex] = rest;
    collectionPath = [rest[2] ?? '', rest[3] ?? ''];
  } else return undefined;
  const blob = store.artifacts.blobs.get(`${entity ?? ''}/${hex ?? ''}`);
  if (blob === undefined) return undefined;
  if (birth !== undefined && !store.artifacts.byId.has(birth)) return undefined;
  if (artifactId !== undefined && !store.artifacts.byId.has(artifactId)) return undefined;
  if (collectionPath !== undefined && !store.artifacts.collections.get(`${entity ?? ''}/${collectionPath[0]}`)?.has(collectionPath[1])) {
    return undefined;
  }
  return blob.key;
}

/** `/files/<entity>/<project>/<run>/<name>`: each part URL-encoded; a name may also arrive with raw `/`. */
function fileKey(store: WandbStore, pathname: string): string | undefined {
  const parts = pathname.slice('/files/'.length).split('/');
  if (parts.length < 4) return undefined;
  let decoded: string[];
  try {
    decoded = parts.map((p) => decodeURIComponent(p));
  } catch {
    return undefined;
  }
  const [entity = '', project = '', runId = '', ...nameParts] = decoded;
  const file = store.projects.get(projectKey(entity, project))?.byId.get(runId)?.byName.get(nameParts.join('/'));
  return file?.key;
}
