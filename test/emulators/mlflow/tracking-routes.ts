// Experiments and runs (mlflow.md §2.2): get-by-name, get, search; runs/get and runs/search with the filter
// grammar, order_by, view types and the SQL store's paging; and logged-models/search, which the client calls
// after every `runs:/` download (§4.1) and which answers `{}` here as on the recorded server.
import { experimentJson, runJson, searchableRun } from './entities.ts';
import { maxResultsOf, page } from './paging.ts';
import { doesNotExist, invalidParameter, readJsonBody, sendJson } from './responses.ts';
import { field, stringList, type RouteContext } from './route-context.ts';
import { experimentFilter, runFilter, sortExperiments, sortRuns } from './search-filter.ts';

const VIEW_TYPES = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'];

function viewType(value: unknown): string {
  if (value === undefined || value === null || value === '') return 'ACTIVE_ONLY';
  const v = typeof value === 'number' ? (VIEW_TYPES[value - 1] ?? '') : String(value);
  if (!VIEW_TYPES.includes(v)) throw invalidParameter(`Invalid value '${String(value)}' for parameter 'view_type'`);
  return v;
}

function inView(stage: string | undefined, view: string): boolean {
  const deleted = stage === 'deleted';
  return view === 'ALL' || (view === 'DELETED_ONLY' ? deleted : !deleted);
}

function required(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') {
    throw invalidParameter(
      `Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`,
    );
  }
  return value;
}

export async function getExperimentByName(ctx: RouteContext): Promise<void> {
  const name = required(field(ctx, undefined, 'experiment_name'), 'experiment_name');
  const e = ctx.store.experiments.find((x) => x.name === name);
  if (!e) throw doesNotExist(`Could not find experiment with name '${name}'`);
  sendJson(ctx.res, 200, { experiment: experimentJson(e) });
}

export async function getExperiment(ctx: RouteContext): Promise<void> {
  const id = required(field(ctx, undefined, 'experiment_id'), 'experiment_id');
  const e = ctx.store.experimentById.get(id);
  if (!e) throw doesNotExist(`No Experiment with id=${id} exists`);
  sendJson(ctx.res, 200, { experiment: experimentJson(e) });
}

export async function searchExperiments(ctx: RouteContext): Promise<void> {
  const body = ctx.req.method === 'POST' ? await readJsonBody(ctx.req) : undefined;
  const view = viewType(field(ctx, body, 'view_type'));
  const filter = field(ctx, body, 'filter');
  const matches = experimentFilter(typeof filter === 'string' ? filter : '');
  const all = ctx.store.experiments.filter((e) => inView(e.lifecycleStage, view) && matches(e));
  const sorted = sortExperiments(all, stringList(field(ctx, body, 'order_by')));
  const { items, next } = page(sorted, field(ctx, body, 'page_token'), maxResultsOf(field(ctx, body, 'max_results'), 1000));
  sendJson(ctx.res, 200, {
    ...(items.length > 0 ? { experiments: items.map(experimentJson) } : {}),
    ...(next === undefined ? {} : { next_page_token: next }),
  });
}

export async function getRun(ctx: RouteContext): Promise<void> {
  const id = required(field(ctx, undefined, 'run_id') ?? field(ctx, undefined, 'run_uuid'), 'run_id');
  const record = ctx.store.runById.get(id);
  if (!record) throw doesNotExist(`Run with id=${id} not found`);
  sendJson(ctx.res, 200, { run: runJson(record, ctx.baseUrl) });
}

export async function searchRuns(ctx: RouteContext): Promise<void> {
  const body = ctx.req.method === 'POST' ? await readJsonBody(ctx.req) : undefined;
  const experimentIds = stringList(field(ctx, body, 'experiment_ids'));
  const view = viewType(field(ctx, body, 'run_view_type'));
  const filter = field(ctx, body, 'filter');
  const matches = runFilter(typeof filter === 'string' ? filter : '');
  const maxResults = maxResultsOf(field(ctx, body, 'max_results'), 1000);
  const candidates = ctx.store.runs
    .filter((r) => experimentIds.includes(r.run.experimentId) && inView(r.run.lifecycleStage, view))
    .map((r) => searchableRun(r, ctx.baseUrl))
    .filter(matches);
  const sorted = sortRuns(candidates, stringList(field(ctx, body, 'order_by')));
  const { items, next } = page(sorted, field(ctx, body, 'page_token'), maxResults);
  sendJson(ctx.res, 200, {
    ...(items.length > 0 ? { runs: items.map((r) => runJson(r.record, ctx.baseUrl)) } : {}),
    ...(next === undefined ? {} : { next_page_token: next }),
  });
}

/** §4.1: the client looks for a logged model named like the first path part; this server holds none. */
export async function searchLoggedModels(ctx: RouteContext): Promise<void> {
  if (ctx.req.method === 'POST') await readJsonBody(ctx.req);
  sendJson(ctx.res, 200, {});
}
