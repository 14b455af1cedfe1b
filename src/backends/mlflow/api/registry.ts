// The model registry (mlflow.md §5): which version a `models:/` URI means — a version number
// (`model-versions/get`), an alias (`registered-models/alias`), the newest version overall or in a stage
// (`registered-models/get-latest-versions`) — and where its files are (`model-versions/get-download-uri`).
import { NotFoundError } from '../../../core/errors.ts';
import { describeChoice, type VersionChoice } from '../model-uri.ts';
import { isObject, MlflowApiError, text, type Json, type MlflowRestClient } from './rest-client.ts';

export interface ModelVersion {
  name: string;
  version: string;
  /** The run the version was registered from (may be empty for versions registered from a path). */
  runId: string;
  /** Where it was registered from, e.g. `runs:/<run id>/model` or `mlflow-artifacts:/…`. */
  source: string;
  status: string;
  aliases: string[];
}

export class ModelNotFoundError extends NotFoundError {}

function versionOf(value: unknown, what: string): ModelVersion {
  if (!isObject(value) || typeof value.name !== 'string' || (typeof value.version !== 'string' && typeof value.version !== 'number')) {
    throw new MlflowApiError(`MLflow answered about ${what} without a model name and version.`, 200, undefined, '');
  }
  return {
    name: value.name,
    version: String(value.version),
    runId: text(value.run_id) ?? '',
    source: text(value.source) ?? '',
    status: text(value.status) ?? '',
    aliases: Array.isArray(value.aliases) ? value.aliases.filter((a): a is string => typeof a === 'string') : [],
  };
}

/** §5 (recorded): 404 RESOURCE_DOES_NOT_EXIST for a model or version, 400 INVALID_PARAMETER_VALUE for an alias. */
function notFound(error: unknown, name: string, choice: VersionChoice, server: string): unknown {
  if (!(error instanceof MlflowApiError)) return error;
  const uri = describeChoice(name, choice);
  if (error.errorCode === 'RESOURCE_DOES_NOT_EXIST') {
    return new ModelNotFoundError(
      `${uri} was not found on ${server}: ${error.serverMessage}. Check the models input (names are case-sensitive).`,
    );
  }
  if (choice.kind === 'alias' && error.errorCode === 'INVALID_PARAMETER_VALUE' && /alias/i.test(error.serverMessage)) {
    return new ModelNotFoundError(`${uri} was not found on ${server}: ${error.serverMessage} Check the alias (it is case-sensitive).`);
  }
  return error;
}

/** The version a URI's choice names. */
export async function resolveVersion(client: MlflowRestClient, name: string, choice: VersionChoice): Promise<ModelVersion> {
  const what = describeChoice(name, choice);
  try {
    switch (choice.kind) {
      case 'version': {
        const answer = await client.call({
          endpoint: 'model-versions/get',
          method: 'GET',
          path: '/api/2.0/mlflow/model-versions/get',
          query: { name, version: choice.version },
          what,
        });
        return versionOf(answer.model_version, what);
      }
      case 'alias': {
        const answer = await client.call({
          endpoint: 'registered-models/alias',
          method: 'GET',
          path: '/api/2.0/mlflow/registered-models/alias',
          query: { name, alias: choice.alias },
          what,
        });
        return versionOf(answer.model_version, what);
      }
      case 'latest':
      case 'stage':
        return await latestVersion(client, name, choice.kind === 'stage' ? [choice.stage] : [], choice, what);
    }
  } catch (error) {
    throw notFound(error, name, choice, client.server.uri);
  }
}

/**
 * §5: the newest version per stage (all stages when none is given), the highest number of them taken, as the
 * client does. The POST form first; a server without it (404 ENDPOINT_NOT_FOUND) gets the GET form.
 */
async function latestVersion(
  client: MlflowRestClient,
  name: string,
  stages: string[],
  choice: VersionChoice,
  what: string,
): Promise<ModelVersion> {
  let answer: Json;
  const path = '/api/2.0/mlflow/registered-models/get-latest-versions';
  try {
    answer = await client.call({ endpoint: 'registered-models/get-latest-versions', method: 'POST', path, body: { name, stages }, what });
  } catch (error) {
    if (!(error instanceof MlflowApiError) || error.status !== 404 || (error.errorCode ?? 'ENDPOINT_NOT_FOUND') !== 'ENDPOINT_NOT_FOUND')
      throw error;
    answer = await client.call({ endpoint: 'registered-models/get-latest-versions', method: 'GET', path, query: { name, stages }, what });
  }
  const versions = (Array.isArray(answer.model_versions) ? answer.model_versions : []).map((v) => versionOf(v, what));
  const newest = versions.reduce<ModelVersion | undefined>(
    (best, v) => (best === undefined || Number(v.version) > Number(best.version) ? v : best),
    undefined,
  );
  if (newest === undefined) {
    throw new ModelNotFoundError(
      `${describeChoice(name, choice)}: registered model '${name}' has no version${choice.kind === 'stage' ? ` in stage '${choice.stage}'` : ''} on ${client.server.uri}.`,
    );
  }
  return newest;
}

/** §5: where the version's files are (its storage location, else its source). */
export async function getDownloadUri(client: MlflowRestClient, version: ModelVersion): Promise<string> {
  const what = `models:/${version.name}/${version.version}`;
  const answer = await client.call({
    endpoint: 'model-versions/get-download-uri',
    method: 'GET',
    path: '/api/2.0/mlflow/model-versions/get-download-uri',
    query: { name: version.name, version: version.version },
    what,
  });
  const uri = text(answer.artifact_uri);
  if (uri === undefined || uri === '') throw new MlflowApiError(`MLflow gave no download URI for ${what}.`, 200, undefined, '');
  return uri;
}
