// From `models:/…` and `runs:/…` URIs to targets (mlflow.md §5, §4.1): a model version resolved through the
// registry (version, alias, latest or stage), then its download URI — `runs:/<run>/<path>` through `runs/get`,
// `mlflow-artifacts:`/`http(s)` as they are, another store through its run when it lies inside one — and a run
// path through `runs/get`. A version asked twice (`@champion` and `/3`) is downloaded once.
import type { Logger } from '../../core/logger.ts';
import type { MlflowRestClient } from './api/rest-client.ts';
import { getDownloadUri, resolveVersion, type ModelVersion } from './api/registry.ts';
import { getRun, type RunInfo } from './api/runs.ts';
import { joinPath, pathParts } from './artifact-paths.ts';
import { descend, pathInsideRun, storeOf, type ArtifactStore } from './artifact-store.ts';
import type { ArtifactUri } from './model-uri.ts';
import type { FileChoice } from './selection.ts';
import { folderProblem, type Target } from './target.ts';

export class UriTargets {
  private readonly client: MlflowRestClient;
  private readonly uris: readonly ArtifactUri[];
  private readonly files: FileChoice;
  private readonly log: Logger;

  constructor(client: MlflowRestClient, uris: readonly ArtifactUri[], files: FileChoice, log: Logger) {
    this.client = client;
    this.uris = uris;
    this.files = files;
    this.log = log;
  }

  async *targets(): AsyncGenerator<Target> {
    const done = new Map<string, string>();
    for (const uri of this.uris) {
      const target = uri.kind === 'run' ? await this.runTarget(uri) : await this.modelTarget(uri);
      const key = `${target.container}\0${target.starts.join('\0')}`;
      const earlier = done.get(key);
      if (earlier !== undefined) {
        this.log.info(`${uri.uri} is ${target.container}, which ${earlier} already selected; it is downloaded once.`);
        continue;
      }
      done.set(key, uri.uri);
      yield target;
    }
  }

  /** Where to start inside the root: the URI's path, and within it the `files` paths. */
  private starts(path: string): Pick<Target, 'starts' | 'matches'> {
    if (this.files.kind === 'paths') return { starts: this.files.paths.map((p) => joinPath(path, p)) };
    return { starts: [path], ...(this.files.kind === 'regex' ? { matches: this.files.matches } : {}) };
  }

  private async runTarget(uri: Extract<ArtifactUri, { kind: 'run' }>): Promise<Target> {
    const run = await getRun(this.client, uri.runId);
    const problem = folderProblem(run.runId, 'MLflow run id');
    return {
      kind: 'run',
      container: run.runId,
      folder: run.runId,
      ...(problem === undefined ? {} : { folderProblem: problem }),
      store: storeOf(run.artifactUri, this.client.server, { runId: run.runId, runRoot: '' }),
      ...this.starts(uri.path),
      run: { runId: run.runId, root: '' },
      details: { runId: run.runId, runName: run.runName, experimentId: run.experimentId, requested: uri.uri },
      label: `run '${run.runId}'${run.runName === '' ? '' : ` (${run.runName})`}`,
    };
  }

  private async modelTarget(uri: Extract<ArtifactUri, { kind: 'model' }>): Promise<Target> {
    const version = await resolveVersion(this.client, uri.name, uri.choice);
    const downloadUri = await getDownloadUri(this.client, version);
    const { store, run } = await this.storeOfVersion(version, downloadUri);
    // The registry's own spelling of the name (the URI's may differ where the store compares without case).
    const name = version.name || uri.name;
    const folder = `${name}-v${version.version}`;
    const problem = folderProblem(folder, 'The model version folder');
    if (version.status !== '' && version.status !== 'READY') {
      this.log.warning(`models:/${name}/${version.version} has status ${version.status}, not READY: its files may be incomplete.`);
    }
    return {
      kind: 'model-version',
      container: `models:/${name}/${version.version}`,
      folder,
      ...(problem === undefined ? {} : { folderProblem: problem }),
      store,
      ...this.starts(uri.path),
      ...(run === undefined ? {} : { run }),
      // §5: the client writes registered_model_meta into a folder it downloaded whole that holds MLmodel.
      ...(this.files.kind === 'all' ? { modelMeta: { name, version: version.version, folder: uri.path } } : {}),
      details: {
        modelName: name,
        modelVersion: version.version,
        requested: uri.uri,
        alias: uri.choice.kind === 'alias' ? uri.choice.alias : null,
        aliases: version.aliases,
        runId: version.runId === '' ? null : version.runId,
        source: downloadUri,
      },
      label: `models:/${name}/${version.version}${uri.choice.kind === 'version' ? '' : ` (${uri.uri})`}`,
    };
  }

  /** The store of a version's files, rooted at the model's folder, and its run when the files are a run's. */
  private async storeOfVersion(
    version: ModelVersion,
    downloadUri: string,
  ): Promise<{ store: ArtifactStore; run?: { runId: string; root: string } }> {
    const runsUri = /^runs:\/(?!\/)([^/]+)(?:\/(.*))?$/i.exec(downloadUri);
    if (runsUri) {
      const run = await getRun(this.client, runsUri[1] ?? '');
      const inRun = pathParts(runsUri[2] ?? '').join('/');
      return { store: descend(runStore(run, this.client), inRun), run: { runId: run.runId, root: inRun } };
    }
    if (/^(mlflow-artifacts|https?):/i.test(downloadUri) || version.runId === '')
      return { store: storeOf(downloadUri, this.client.server) };
    // Another store (s3:, gs:, file:…): reachable through its run's routes when it lies inside that run's folder.
    const run = await getRun(this.client, version.runId).catch(() => undefined);
    const inRun = run === undefined ? undefined : pathInsideRun(downloadUri, run.artifactUri);
    if (run === undefined || inRun === undefined) return { store: storeOf(downloadUri, this.client.server) };
    return { store: descend(runStore(run, this.client), inRun), run: { runId: run.runId, root: inRun } };
  }
}

function runStore(run: RunInfo, client: MlflowRestClient): ArtifactStore {
  return storeOf(run.artifactUri, client.server, { runId: run.runId, runRoot: '' });
}
