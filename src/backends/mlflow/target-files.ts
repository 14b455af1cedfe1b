// A target's files, page by page: the wanted paths walked in its store, each listed file a RemoteFile, and a
// target that cannot be listed reported as one failed record saying what to configure (the other targets go
// on). For a model version downloaded whole, the `registered_model_meta` file the client adds (mlflow.md §5).
import { AuthenticationError, CancelledError, errorMessage, ServerError, UserFacingError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { PageStream } from '../../core/paging/page-stream.ts';
import type { RemoteFile } from '../../core/types.ts';
import { MlflowApiError, type MlflowRestClient } from './api/rest-client.ts';
import { ArtifactServiceDisabledError } from './api/artifact-lists.ts';
import { joinPath } from './artifact-paths.ts';
import { folderLister, selectFiles } from './artifact-walk.ts';
import type { MlflowFileHandle } from './locator.ts';
import { md5Base64, MODEL_META_FILE, modelMetaBytes } from './model-meta.ts';
import { remoteFile, unlistedTarget, type Target } from './target.ts';

export async function filesOfTarget(target: Target, client: MlflowRestClient, log: Logger, out: PageStream<RemoteFile[]>): Promise<void> {
  const project = client.server.uri;
  const store = target.store;
  if (store.kind === 'unreachable') {
    log.warning(`MLflow ${target.label}: not downloaded: ${store.reason}.`);
    out.push([unlistedTarget(target, project, `not downloaded: ${store.reason}`)]);
    return;
  }
  const list = folderLister(client, store, `the artifacts of ${target.label}`);
  try {
    for await (const page of selectFiles(list, target.starts, target.matches, (path) =>
      log.warning(`MLflow ${target.label} has no artifact '${path}'.`),
    )) {
      const files = page.files.map((entry) => remoteFile(target, project, entry));
      const meta = target.modelMeta;
      if (meta !== undefined && page.dir === meta.folder && hasModelFile(page.files, meta.folder))
        files.push(metaFile(target, project, meta));
      out.push(files);
    }
  } catch (error) {
    if (error instanceof CancelledError || error instanceof AuthenticationError || !(error instanceof UserFacingError)) throw error;
    const reason = unlistedReason(target, error);
    log.warning(`MLflow ${target.label}: ${reason}`);
    out.push([unlistedTarget(target, project, reason)]);
  }
}

/** The folder holds `MLmodel` and no `registered_model_meta` of its own (the client would overwrite that one). */
function hasModelFile(files: readonly { rel: string; invalid?: string }[], folder: string): boolean {
  const names = new Set(files.filter((f) => f.invalid === undefined).map((f) => f.rel));
  return names.has(joinPath(folder, 'MLmodel')) && !names.has(joinPath(folder, MODEL_META_FILE));
}

function metaFile(target: Target, project: string, meta: NonNullable<Target['modelMeta']>): RemoteFile {
  const body = modelMetaBytes(meta.name, meta.version);
  const rel = joinPath(meta.folder, MODEL_META_FILE);
  const file = remoteFile(target, project, { rel, size: body.length });
  (file.handle as MlflowFileHandle).body = body;
  file.checksum = { algorithm: 'md5', value: md5Base64(body) };
  file.details = { ...file.details, madeBy: 'the MLflow client writes this file itself (model name and version); nothing is fetched' };
  return file;
}

function unlistedReason(target: Target, error: UserFacingError): string {
  if (error instanceof ArtifactServiceDisabledError) return `not downloaded: ${error.message}`;
  const store = target.store;
  if (store.kind === 'run-scoped') {
    return (
      `not downloaded: the tracking server could not list the artifacts in '${store.uri}' (${answerOf(error)}). ` +
      'The server lists and serves files of runs in s3:, gs:, wasbs: or file: stores only with its own access to that store: give the ' +
      'tracking server read access to it, or log artifacts through its artifact service (mlflow server --serve-artifacts, artifact URIs mlflow-artifacts:/…).'
    );
  }
  return `not downloaded: listing its artifacts failed (${errorMessage(error)})`;
}

/** The server's last answer, without the retry advice the generic message adds. */
function answerOf(error: UserFacingError): string {
  if (error instanceof MlflowApiError) return `HTTP ${error.status ?? '?'}: ${error.serverMessage}`;
  if (error instanceof ServerError && error.status !== undefined) return `HTTP ${error.status}, also after retries`;
  return errorMessage(error);
}
