// Experiments, runs and model versions as the server writes them in JSON (mlflow.md §2.2, §5; key order and
// omitted fields as recorded, §9.2): unset and empty fields are left out, as proto JSON does.
import type { MlflowExperiment, MlflowModelVersion, MlflowRegisteredModel } from '../common/contracts.ts';
import { PyFloat } from './python-json.ts';
import type { RunRecord } from './store.ts';
import type { Searchable } from './search-filter.ts';

export function experimentJson(e: MlflowExperiment): Record<string, unknown> {
  const tags = Object.entries(e.tags ?? {}).map(([key, value]) => ({ key, value }));
  return {
    experiment_id: e.experimentId,
    name: e.name,
    artifact_location: `mlflow-artifacts:/${e.experimentId}`,
    lifecycle_stage: e.lifecycleStage ?? 'active',
    last_update_time: e.lastUpdateTime ?? e.creationTime,
    creation_time: e.creationTime,
    ...(tags.length > 0 ? { tags } : {}),
  };
}

/** §2.2, §3.4: where the run's artifacts are, as `info.artifact_uri`. */
export function artifactUriOf(record: RunRecord, baseUrl: string): string {
  const { run, store } = record;
  if (store.kind === 'store') return store.uri;
  const path = `${run.experimentId}/${run.runId}/artifacts`;
  return store.kind === 'http' ? `${baseUrl}/api/2.0/mlflow-artifacts/artifacts/${path}` : `mlflow-artifacts:/${path}`;
}

function tagsOf(record: RunRecord): { key: string; value: string }[] {
  const tags = Object.entries(record.run.tags ?? {}).map(([key, value]) => ({ key, value }));
  if (!tags.some((t) => t.key === 'mlflow.runName')) tags.push({ key: 'mlflow.runName', value: record.run.runName });
  return tags;
}

export function runJson(record: RunRecord, baseUrl: string): Record<string, unknown> {
  const r = record.run;
  const params = Object.entries(r.params ?? {}).map(([key, value]) => ({ key, value }));
  return {
    info: {
      run_uuid: r.runId,
      experiment_id: r.experimentId,
      run_name: r.runName,
      user_id: r.userId ?? 'root',
      status: r.status ?? 'FINISHED',
      start_time: r.startTime,
      ...(r.endTime === undefined ? {} : { end_time: r.endTime }),
      artifact_uri: artifactUriOf(record, baseUrl),
      lifecycle_stage: r.lifecycleStage ?? 'active',
      run_id: r.runId,
    },
    data: {
      ...(r.metrics && r.metrics.length > 0
        ? { metrics: r.metrics.map((m) => ({ key: m.key, value: new PyFloat(m.value), timestamp: m.timestamp, step: m.step })) }
        : {}),
      ...(params.length > 0 ? { params } : {}),
      tags: tagsOf(record),
    },
    inputs: {},
    outputs: {},
  };
}

/** A run as the filter and the sort read it. */
export function searchableRun(record: RunRecord, baseUrl: string): Searchable & { record: RunRecord } {
  const r = record.run;
  const tags = new Map(tagsOf(record).map((t) => [t.key, t.value]));
  const metrics = new Map<string, number>();
  for (const m of r.metrics ?? []) metrics.set(m.key, m.value);
  return {
    record,
    metric: (key) => metrics.get(key),
    param: (key) => r.params?.[key],
    tag: (key) => tags.get(key),
    attribute: (key) => {
      switch (key) {
        case 'run_id':
          return r.runId;
        case 'run_name':
          return r.runName;
        case 'user_id':
          return r.userId ?? 'root';
        case 'status':
          return r.status ?? 'FINISHED';
        case 'start_time':
          return r.startTime;
        case 'end_time':
          return r.endTime;
        case 'artifact_uri':
          return artifactUriOf(record, baseUrl);
        default:
          return undefined;
      }
    },
  };
}

export function versionSource(v: MlflowModelVersion): string {
  return v.source ?? (v.runId !== undefined ? `runs:/${v.runId}/model` : '');
}

/** `withAliases`: model-versions/get and the alias route list them; `latest_versions` entries do not (§9.2). */
export function versionJson(model: MlflowRegisteredModel, v: MlflowModelVersion, withAliases: boolean): Record<string, unknown> {
  return {
    name: model.name,
    version: String(v.version),
    creation_timestamp: v.creationTimestamp,
    last_updated_timestamp: v.lastUpdatedTimestamp ?? v.creationTimestamp,
    current_stage: v.stage ?? 'None',
    description: v.description ?? '',
    source: versionSource(v),
    ...(v.runId === undefined ? {} : { run_id: v.runId }),
    status: v.status ?? 'READY',
    run_link: '',
    ...(withAliases && (v.aliases ?? []).length > 0 ? { aliases: v.aliases } : {}),
  };
}

/** The newest version of each stage (what `latest_versions` and get-latest-versions answer). */
export function latestPerStage(model: MlflowRegisteredModel, stages: readonly string[]): MlflowModelVersion[] {
  const wanted = stages.map((s) => s.toLowerCase());
  const newest = new Map<string, MlflowModelVersion>();
  for (const v of model.versions) {
    const stage = v.stage ?? 'None';
    if (wanted.length > 0 && !wanted.includes(stage.toLowerCase())) continue;
    const best = newest.get(stage);
    if (best === undefined || v.version > best.version) newest.set(stage, v);
  }
  return [...newest.values()].sort((a, b) => a.version - b.version);
}

export function registeredModelJson(model: MlflowRegisteredModel): Record<string, unknown> {
  const aliases = model.versions
    .flatMap((v) => (v.aliases ?? []).map((alias) => ({ alias, version: String(v.version) })))
    .sort((a, b) => (a.alias < b.alias ? -1 : a.alias > b.alias ? 1 : 0));
  const latest = latestPerStage(model, []);
  return {
    name: model.name,
    creation_timestamp: model.creationTimestamp,
    last_updated_timestamp: model.lastUpdatedTimestamp ?? model.creationTimestamp,
    ...(latest.length > 0 ? { latest_versions: latest.map((v) => versionJson(model, v, false)) } : {}),
    ...(aliases.length > 0 ? { aliases } : {}),
  };
}
