// Experiments (mlflow.md §2.2): by name (`experiments/get-by-name`, whose exact 404 means "no such experiment"),
// by id (`experiments/get`), or all of them (`experiments/search`, paged until an answer has no token).
import { NotFoundError } from '../../../core/errors.ts';
import { PageGuard } from '../../../core/paging/page-guard.ts';
import { isObject, MlflowApiError, text, type Json, type MlflowRestClient } from './rest-client.ts';

export interface Experiment {
  id: string;
  name: string;
  lifecycleStage: string;
}

/** The client's page size for experiments (§9.1: `search_experiments()` sends 1000). */
const SEARCH_PAGE = 1000;

export function experimentOf(value: unknown, what: string): Experiment {
  if (!isObject(value) || typeof value.experiment_id !== 'string' || typeof value.name !== 'string') {
    throw new MlflowApiError(`MLflow answered about ${what} without an experiment id and name.`, 200, undefined, '');
  }
  return { id: value.experiment_id, name: value.name, lifecycleStage: text(value.lifecycle_stage) ?? 'active' };
}

export class ExperimentNotFoundError extends NotFoundError {}

export async function getExperimentByName(client: MlflowRestClient, name: string): Promise<Experiment> {
  let answer: Json;
  try {
    answer = await client.call({
      endpoint: 'experiments/get-by-name',
      method: 'GET',
      path: '/api/2.0/mlflow/experiments/get-by-name',
      query: { experiment_name: name },
      what: `experiment '${name}'`,
    });
  } catch (error) {
    // §2.2: exactly this answer is "no such experiment" (the client's get_experiment_by_name returns None).
    if (error instanceof MlflowApiError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST') {
      throw new ExperimentNotFoundError(
        `MLflow experiment '${name}' was not found on ${client.server.uri}. Check the experiments input: names are case-sensitive (or use regex:).`,
      );
    }
    throw error;
  }
  return experimentOf(answer.experiment, `experiment '${name}'`);
}

export async function getExperiment(client: MlflowRestClient, id: string): Promise<Experiment> {
  const answer = await client.call({
    endpoint: 'experiments/get',
    method: 'GET',
    path: '/api/2.0/mlflow/experiments/get',
    query: { experiment_id: id },
    what: `experiment ${id}`,
  });
  return experimentOf(answer.experiment, `experiment ${id}`);
}

/** Every experiment of the view type, one page at a time. */
export async function* searchExperiments(client: MlflowRestClient, viewType: 'ACTIVE_ONLY' | 'ALL'): AsyncGenerator<Experiment[]> {
  const guard = new PageGuard('MLflow', 'the experiments');
  let token: string | undefined;
  for (;;) {
    const answer = await client.call({
      endpoint: 'experiments/search',
      method: 'POST',
      path: '/api/2.0/mlflow/experiments/search',
      body: { max_results: SEARCH_PAGE, view_type: viewType, ...(token === undefined ? {} : { page_token: token }) },
      what: 'the experiments',
    });
    // §2.1: no experiments at all is `{}`.
    const list = Array.isArray(answer.experiments) ? answer.experiments : [];
    yield list.map((e) => experimentOf(e, 'the experiments'));
    const next = text(answer.next_page_token);
    // §2.2 (recorded): a full page carries a token even when nothing follows; the next answer then has none.
    token = guard.next({ count: list.length, cursor: next, hasNextPage: next !== undefined && next !== '' });
    if (token === undefined) return;
  }
}
