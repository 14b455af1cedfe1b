// A target is one thing whose artifacts are downloaded (mlflow.md) — a run, or a registered model version — with the store
// its files are in, the paths wanted inside it, and what the manifest says about it. Its files become
// RemoteFiles here: `<run id>/<run-relative path>` or `<model name>-v<version>/<path inside the model>`.
import type { FileDetail, RemoteFile } from '../../core/types.ts';
import type { NameMatcher } from '../../core/names/name-matcher.ts';
import { joinPath, pathParts } from './artifact-paths.ts';
import type { ArtifactStore } from './artifact-store.ts';
import type { WalkEntry } from './artifact-walk.ts';
import type { MlflowFileHandle } from './locator.ts';

export interface Target {
  kind: 'run' | 'model-version';
  /** Manifest container: the run id, or `models:/<name>/<version>`. */
  container: string;
  /** First folder level of the layout: the run id, or `<name>-v<version>`. */
  folder: string;
  /** Why the folder name cannot be used (it is not one plain path segment). */
  folderProblem?: string;
  store: ArtifactStore;
  /** Paths relative to the store's root to take (`''`: everything), and a regex over those paths. */
  starts: string[];
  matches?: NameMatcher;
  /** For `/get-artifact`: the run, and the run-relative path of the store's root (runs and run-backed models). */
  run?: { runId: string; root: string };
  /** The registered model version, when the client would write `registered_model_meta` (§5). */
  modelMeta?: { name: string; version: string; folder: string };
  details: Record<string, FileDetail>;
  /** How to say "this target" in messages: `run 'abc' (my-run)`. */
  label: string;
}

export function remoteFile(target: Target, project: string, entry: WalkEntry): RemoteFile {
  const handle: MlflowFileHandle = {
    store: target.store,
    rel: entry.rel,
    ...(target.run === undefined ? {} : { runPath: joinPath(target.run.root, entry.rel), runId: target.run.runId }),
    viaUiRoute: false,
  };
  const file: RemoteFile = {
    backend: 'mlflow',
    project,
    containerKind: target.kind,
    container: target.container,
    attribute: entry.rel,
    size: entry.size,
    details: { ...target.details, artifactPath: entry.rel },
    pathParts: [],
    handle,
  };
  if (target.folderProblem !== undefined) file.invalidName = target.folderProblem;
  else if (entry.invalid !== undefined)
    file.invalidName = `MLflow artifact name ${JSON.stringify(entry.rel)} ${entry.invalid}; it was not downloaded`;
  else file.pathParts = [target.folder, ...pathParts(entry.rel)];
  return file;
}

/** A target that could not be listed: one failed record that says why, instead of its files. */
export function unlistedTarget(target: Target, project: string, reason: string): RemoteFile {
  const path = target.starts.length === 1 && target.starts[0] !== '' ? (target.starts[0] ?? '') : '.';
  return {
    backend: 'mlflow',
    project,
    containerKind: target.kind,
    container: target.container,
    attribute: path,
    details: { ...target.details, artifactPath: path },
    pathParts: [],
    invalidName: reason,
    handle: null,
  };
}

/** A run id or `<name>-v<version>` becomes the first folder level, so it must be one plain path segment. */
export function folderProblem(name: string, what: string): string | undefined {
  if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) {
    return `${what} ${JSON.stringify(name)} cannot be a folder name (it is empty, '.', '..', or holds a path separator or NUL)`;
  }
  return undefined;
}
