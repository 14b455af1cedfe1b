// Runs (mlflow.md §2.2): one by id (`runs/get`, sending `run_id` and `run_uuid` as the client does), or listed
// with `runs/search` over experiment ids, the user's filter and a view type, paged until an answer has no token.
// A server refusing the filter (400 INVALID_PARAMETER_VALUE) is the user's input mistake, said as such.
import { InputError, NotFoundError } from '../../../core/errors.ts';
import { PageGuard } from '../../../core/paging/page-guard.ts';
import { MlflowInputs as Inputs } from '../inputs.ts';
import { isObject, MlflowApiError, text, type Json, type MlflowRestClient } from './rest-client.ts';

export interface RunInfo {
  runId: string;
  runName: string;
  experimentId: string;
  artifactUri: string;
  lifecycleStage: string;
  status: string;
}

/** `MlflowClient.search_runs`' page size (§2.2). */
export const SEARCH_RUNS_PAGE = 1000;

export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export class RunNotFoundError extends NotFoundError {
  readonly runId: string;
  constructor(runId: string, server: string) {
    super(
      `MLflow run '${runId}' was not found on ${server}. Check the runs input: it takes run ids (32 hexadecimal characters), not run names (use regex: for names).`,
    );
    this.runId = runId;
  }
}

export function runInfoOf(value: unknown, what: string): RunInfo {
  const info = isObject(value) && isObject(value.info) ? value.info : undefined;
  const runId = text(info?.run_id) ?? text(info?.run_uuid);
  if (info === undefined || runId === undefined || runId === '') {
    throw new MlflowApiError(`MLflow answered about ${what} with a run without an id.`, 200, undefined, '');
  }
  return {
    runId,
    runName: text(info.run_name) ?? (isObject(value) ? runNameTag(value) : undefined) ?? '',
    experimentId: text(info.experiment_id) ?? '',
    artifactUri: text(info.artifact_uri) ?? '',
    lifecycleStage: text(info.lifecycle_stage) ?? 'active',
    status: text(info.status) ?? '',
  };
}

/** Older servers may leave `run_name` out; the `mlflow.runName` tag holds it. */
function runNameTag(run: Json): string | undefined {
  const tags = isObject(run.data) && Array.isArray(run.data.tags) ? run.data.tags : [];
  for (const tag of tags) if (isObject(tag) && tag.key === 'mlflow.runName' && typeof tag.value === 'string') return tag.value;
  return undefined;
}

export async function getRun(client: MlflowRestClient, runId: string): Promise<RunInfo> {
  let answer: Json;
  try {
    answer = await client.call({
      endpoint: 'runs/get',
      method: 'GET',
      path: '/api/2.0/mlflow/runs/get',
      query: { run_uuid: runId, run_id: runId },
      what: `run '${runId}'`,
    });
  } catch (error) {
    if (error instanceof MlflowApiError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST')
      throw new RunNotFoundError(runId, client.server.uri);
    throw error;
  }
  return runInfoOf(answer.run, `run '${runId}'`);
}

export interface RunSearch {
  experimentIds: readonly string[];
  filter: string | null;
  viewType: ViewType;
}

/** The runs that match, one server page at a time. */
export async function* searchRuns(client: MlflowRestClient, search: RunSearch): AsyncGenerator<RunInfo[]> {
  const what = `the runs of experiment${search.experimentIds.length === 1 ? '' : 's'} ${search.experimentIds.join(', ')}`;
  const guard = new PageGuard('MLflow', what);
  let token: string | undefined;
  for (;;) {
    let answer: Json;
    try {
      answer = await client.call({
        endpoint: 'runs/search',
        method: 'POST',
        path: '/api/2.0/mlflow/runs/search',
        body: {
          experiment_ids: search.experimentIds,
          run_view_type: search.viewType,
          filter: search.filter ?? '',
          max_results: SEARCH_RUNS_PAGE,
          ...(token === undefined ? {} : { page_token: token }),
        },
        what,
      });
    } catch (error) {
      if (error instanceof MlflowApiError && error.status === 400 && search.filter !== null) {
        throw new InputError(Inputs.filter, `the server refused it: ${error.errorCode ?? 'HTTP 400'}: ${error.serverMessage}`);
      }
      throw error;
    }
    const list = Array.isArray(answer.runs) ? answer.runs : [];
    yield list.map((r) => runInfoOf(r, what));
    const next = text(answer.next_page_token);
    token = guard.next({ count: list.length, cursor: next, hasNextPage: next !== undefined && next !== '' });
    if (token === undefined) return;
  }
}
