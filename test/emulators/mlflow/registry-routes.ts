// The model registry routes a download needs (mlflow.md §5), with the recorded answers: a version by number or
// alias (an unknown alias is 400 INVALID_PARAMETER_VALUE, an unknown version 404), the registered model with
// its `latest_versions` and sorted aliases, the newest versions per stage, and the download URI.
import type { MlflowModelVersion, MlflowRegisteredModel } from '../common/contracts.ts';
import { latestPerStage, registeredModelJson, versionJson, versionSource } from './entities.ts';
import { doesNotExist, invalidParameter, readJsonBody, sendJson } from './responses.ts';
import { field, stringList, type RouteContext } from './route-context.ts';

function modelOf(ctx: RouteContext, name: unknown): MlflowRegisteredModel {
  if (typeof name !== 'string' || name === '') throw invalidParameter("Missing value for required parameter 'name'.");
  const model = ctx.store.models.get(name);
  if (!model) throw doesNotExist(`Registered Model with name=${name} not found`);
  return model;
}

function versionOf(ctx: RouteContext): { model: MlflowRegisteredModel; version: MlflowModelVersion } {
  const name = field(ctx, undefined, 'name');
  const wanted = String(field(ctx, undefined, 'version') ?? '');
  const model = ctx.store.models.get(typeof name === 'string' ? name : '');
  const version = model?.versions.find((v) => String(v.version) === wanted || (/^\d+$/.test(wanted) && v.version === Number(wanted)));
  if (!model || !version) throw doesNotExist(`Model Version (name=${String(name)}, version=${wanted}) not found`);
  return { model, version };
}

export async function getRegisteredModel(ctx: RouteContext): Promise<void> {
  const model = modelOf(ctx, field(ctx, undefined, 'name'));
  sendJson(ctx.res, 200, { registered_model: registeredModelJson(model) });
}

export async function getModelVersion(ctx: RouteContext): Promise<void> {
  const { model, version } = versionOf(ctx);
  sendJson(ctx.res, 200, { model_version: versionJson(model, version, true) });
}

export async function getModelVersionByAlias(ctx: RouteContext): Promise<void> {
  const model = modelOf(ctx, field(ctx, undefined, 'name'));
  const alias = String(field(ctx, undefined, 'alias') ?? '');
  const version = model.versions.find((v) => (v.aliases ?? []).includes(alias));
  if (!version) throw invalidParameter(`Registered model alias ${alias} not found.`);
  sendJson(ctx.res, 200, { model_version: versionJson(model, version, true) });
}

export async function getDownloadUri(ctx: RouteContext): Promise<void> {
  const { version } = versionOf(ctx);
  sendJson(ctx.res, 200, { artifact_uri: version.storageLocation ?? versionSource(version) });
}

/** POST `{name, stages}` or GET `?name=&stages=`: the newest version of each stage asked (all when none). */
export async function getLatestVersions(ctx: RouteContext): Promise<void> {
  const body = ctx.req.method === 'POST' ? await readJsonBody(ctx.req) : undefined;
  const model = modelOf(ctx, field(ctx, body, 'name'));
  const latest = latestPerStage(model, stringList(field(ctx, body, 'stages')));
  sendJson(ctx.res, 200, latest.length > 0 ? { model_versions: latest.map((v) => versionJson(model, v, false)) } : {});
}
