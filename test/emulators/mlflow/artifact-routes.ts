// The artifact surfaces (mlflow.md §3): the proxied service (list with basenames, download with MLflow's
// headers; a missing file and a non-ASCII name both answered 500, as recorded), the run-scoped listing (run-
// relative paths, `page_token` ignored), the UI routes `/get-artifact` and `/model-versions/get-artifact`, the
// presigned routes, and `--no-serve-artifacts`. Downloads stream generated content and apply body-level faults.
import { contentStream, isMissing } from '../common/content.ts';
import { faultedHeaders, sendBody } from '../common/fault-body.ts';
import { artifactUriOf, versionSource } from './entities.ts';
import { checkPath } from './path-check.ts';
import { doesNotExist, guessMimeType, MlflowError, readJsonBody, SECURITY_HEADERS, sendJson, sendText } from './responses.ts';
import { field, type RouteContext } from './route-context.ts';
import { listProxiedAbove, listRunFolder, resolveProxiedPath, type ArtifactFile, type FolderEntry, type RunRecord } from './store.ts';

/** Where the recorded server keeps its artifacts; its error messages name it (§3.2). */
export const STORE_ROOT = '/srv/mlflow/artifacts';

const NON_ASCII = /[^\u0000-\u007f]/;

function disabled(ctx: RouteContext, route: string): boolean {
  if (ctx.options.serveArtifacts !== false) return false;
  sendText(
    ctx.res,
    503,
    `Endpoint: ${route} disabled due to the mlflow server running with \`--no-serve-artifacts\`. To enable artifacts server functionality, run \`mlflow server\` with \`--serve-artifacts\``,
  );
  return true;
}

function missingFile(path: string): MlflowError {
  return new MlflowError(
    'INTERNAL_ERROR',
    `The following failures occurred while downloading one or more artifacts from ${STORE_ROOT}:\n##### File ${path} #####\n[Errno 2] No such file or directory: '${STORE_ROOT}/${path}'`,
  );
}

function fileEntry(e: FolderEntry, path: string): Record<string, unknown> {
  // §3.1: `file_size` is left out for folders and for 0-byte files.
  return { path, is_dir: e.isDir, ...(e.isDir || e.size === 0 ? {} : { file_size: e.size }) };
}

/** `GET /api/2.0/mlflow-artifacts/artifacts?path=<dir>`: basenames; a file or a missing path is `{}`. */
export async function listProxied(ctx: RouteContext): Promise<void> {
  if (disabled(ctx, '/api/2.0/mlflow-artifacts/artifacts')) return;
  const path = checkPath(ctx.url.searchParams.get('path') ?? '');
  const inRun = resolveProxiedPath(ctx.store, path);
  const entries = inRun ? listRunFolder(inRun.record, inRun.rel) : listProxiedAbove(ctx.store, path);
  const files = (entries ?? []).map((e) => fileEntry(e, e.name));
  sendJson(ctx.res, 200, files.length > 0 ? { files } : {});
}

/** `GET /api/2.0/mlflow-artifacts/artifacts/<path>`. */
export async function downloadProxied(ctx: RouteContext, rawPath: string): Promise<void> {
  if (disabled(ctx, '/api/2.0/mlflow-artifacts/artifacts/<path:artifact_path>')) return;
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    path = rawPath;
  }
  checkPath(path);
  const inRun = resolveProxiedPath(ctx.store, path);
  const file = inRun?.record.files.get(inRun.rel);
  if (!file || isMissing(file.content)) throw missingFile(path);
  // Recorded (§3.2): the raw name cannot go into Content-Disposition through the ASGI bridge.
  const name = path.split('/').pop() ?? path;
  if (NON_ASCII.test(name)) return sendText(ctx.res, 500, 'Internal Server Error');
  await sendFile(ctx, file, name, `attachment; filename=${name}`);
}

async function sendFile(ctx: RouteContext, file: ArtifactFile, name: string, disposition: string): Promise<void> {
  const headers = faultedHeaders(
    {
      'content-type': guessMimeType(name),
      'content-disposition': disposition,
      ...SECURITY_HEADERS,
      'content-length': String(file.size),
    },
    ctx.bodyFault,
  );
  ctx.res.writeHead(200, headers);
  if (file.size === 0 || ctx.req.method === 'HEAD') {
    ctx.res.end();
    return;
  }
  await sendBody(ctx.res, contentStream(file.content, file.key), ctx.bodyFault);
}

function runOf(ctx: RouteContext, id: string | null): RunRecord {
  if (id === null || id === '') throw new MlflowError('INVALID_PARAMETER_VALUE', "Missing value for required parameter 'run_id'.");
  const record = ctx.store.runById.get(id);
  if (!record) throw doesNotExist(`Run with id=${id} not found`);
  return record;
}

/** A store the server has no credentials for (fixture `readable: false`): the SDK's error ends in a bare 500. */
function unreadable(ctx: RouteContext, record: RunRecord): boolean {
  if (record.store.kind !== 'store' || record.store.readable !== false) return false;
  sendText(ctx.res, 500, 'Internal Server Error');
  return true;
}

/** `GET /api/2.0/mlflow/artifacts/list?run_id=&path=`: run-relative paths; `page_token` is ignored (recorded). */
export async function listRunScoped(ctx: RouteContext): Promise<void> {
  const record = runOf(ctx, ctx.url.searchParams.get('run_id') ?? ctx.url.searchParams.get('run_uuid'));
  const dir = checkPath(ctx.url.searchParams.get('path') ?? '').replace(/\/+$/, '');
  if (unreadable(ctx, record)) return;
  const entries = listRunFolder(record, dir) ?? [];
  const files = entries.map((e) => fileEntry(e, dir === '' ? e.name : `${dir}/${e.name}`));
  sendJson(ctx.res, 200, { root_uri: artifactUriOf(record, ctx.baseUrl), ...(files.length > 0 ? { files } : {}) });
}

/** Flask's `send_file(as_attachment=True)`: an ASCII fallback name, and the real one encoded (RFC 6266). */
function attachment(name: string): string {
  if (!NON_ASCII.test(name)) return `attachment; filename=${name}`;
  const ascii = name.normalize('NFKD').replace(/[^\u0000-\u007f]/g, '');
  return `attachment; filename=${ascii}; filename*=UTF-8''${encodeURIComponent(name)}`;
}

async function sendRunFile(ctx: RouteContext, record: RunRecord, path: string): Promise<void> {
  if (unreadable(ctx, record)) return;
  const file = record.files.get(path);
  if (!file || isMissing(file.content)) throw missingFile(`${record.run.experimentId}/${record.run.runId}/artifacts/${path}`);
  const name = path.split('/').pop() ?? path;
  await sendFile(ctx, file, name, attachment(name));
}

/** `GET /get-artifact?path=&run_uuid=` (§3.3): any store the server can read. */
export async function getArtifact(ctx: RouteContext): Promise<void> {
  const record = runOf(ctx, ctx.url.searchParams.get('run_uuid') ?? ctx.url.searchParams.get('run_id'));
  const path = checkPath(ctx.url.searchParams.get('path') ?? '');
  await sendRunFile(ctx, record, path);
}

/** `GET /model-versions/get-artifact?name=&version=&path=` (§3.3), for versions registered from a run. */
export async function getModelVersionArtifact(ctx: RouteContext): Promise<void> {
  const name = ctx.url.searchParams.get('name') ?? '';
  const version = ctx.url.searchParams.get('version') ?? '';
  const model = ctx.store.models.get(name);
  const v = model?.versions.find((x) => String(x.version) === version);
  if (!model || !v) throw doesNotExist(`Model Version (name=${name}, version=${version}) not found`);
  const path = checkPath(ctx.url.searchParams.get('path') ?? '');
  const m = /^runs:\/([^/]+)\/?(.*)$/.exec(versionSource(v));
  const record = m ? ctx.store.runById.get(m[1] ?? '') : undefined;
  if (!record || !m) throw doesNotExist(`No artifact at '${path}' for model version ${name}/${version}`);
  const inRun = [m[2] ?? '', path].filter((p) => p !== '').join('/');
  await sendRunFile(ctx, record, inRun);
}

/** `GET /api/2.0/mlflow-artifacts/presigned/<path>` (§3.2): only S3 stores; this server's store is local. */
export async function presignedProxied(ctx: RouteContext): Promise<void> {
  if (disabled(ctx, '/api/2.0/mlflow-artifacts/presigned/<path:artifact_path>')) return;
  throw new MlflowError('NOT_IMPLEMENTED', 'Multipart download is not supported for the current artifact repository');
}

/**
 * `POST /api/2.0/mlflow/artifacts/presigned-download-url` (§3.2, newer servers): for runs in a store that hands
 * out presigned URLs, a signed URL on the storage host (no MLflow credentials needed there).
 */
export async function presignedRunScoped(ctx: RouteContext): Promise<boolean> {
  if (ctx.options.presignedDownloads !== true) return false;
  const body = ctx.req.method === 'POST' ? await readJsonBody(ctx.req) : undefined;
  const runId = field(ctx, body, 'run_id');
  const record = runOf(ctx, typeof runId === 'string' ? runId : null);
  const rawPath = field(ctx, body, 'path');
  const path = checkPath(typeof rawPath === 'string' ? rawPath : '');
  if (record.store.kind !== 'store' || record.store.presigned !== true) {
    throw new MlflowError('NOT_IMPLEMENTED', `Presigned download URLs are not supported for the artifact store of run ${record.run.runId}`);
  }
  const file = record.files.get(path);
  if (!file) throw doesNotExist(`No artifact at '${path}' in run ${record.run.runId}`);
  sendJson(ctx.res, 200, { presigned_url: ctx.signer.sign(file.key, 'aws'), headers: {}, file_size: file.size });
  return true;
}
