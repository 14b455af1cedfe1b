// The runs a RunSelection names, each known to exist on the server (wandb.md §2.1 per id, or §2.2 listed with
// the filter and matched client-side for a regex), in the client's default order, oldest first.
import type { Logger } from '../../../core/logger.ts';
import { orderedPool } from '../../../core/concurrency/ordered-pool.ts';
import { fetchRun, listRuns, projectLabel, type ProjectPath } from '../api/runs.ts';
import type { WandbGraphqlClient } from '../graphql/graphql-client.ts';
import type { RunSelection } from './run-selection.ts';

/** Named runs confirmed at the same time. */
const RUN_CONCURRENCY = 4;
/** §2.2: the client's default order, oldest run first. */
const RUN_ORDER = '+created_at';

async function* toAsync<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

/** Ids of the selected runs. A named run that does not exist is a NotFoundError (RunNotFoundError). */
export async function* selectedRuns(
  gql: WandbGraphqlClient,
  path: ProjectPath,
  selection: Pick<RunSelection, 'runs' | 'filter'>,
  perPage: number,
  log: Logger,
): AsyncGenerator<string> {
  const choice = selection.runs;
  if (choice.kind === 'ids' && selection.filter === null) {
    // Every named run is confirmed (one `Run` query each, a few at once) before any is handed on: downloads
    // start with the first listed page, and a run that does not exist is an input mistake to report before.
    const confirmed: string[] = [];
    for await (const id of orderedPool(toAsync(choice.ids), RUN_CONCURRENCY, (runId) => fetchRun(gql, path, runId).then(() => runId))) {
      confirmed.push(id);
    }
    yield* confirmed;
    return;
  }
  // Ids together with a filter: the server intersects them, as a run the filter excludes is not wanted.
  const filters =
    choice.kind === 'ids'
      ? JSON.stringify({ $and: [JSON.parse(selection.filter ?? '{}') as unknown, { name: { $in: choice.ids } }] })
      : (selection.filter ?? '{}');
  const listed = new Set<string>();
  for await (const page of listRuns(gql, path, { filters, order: RUN_ORDER, perPage })) {
    for (const run of page) {
      if (choice.kind === 'regex' && !choice.matches(run.id) && !(run.displayName !== null && choice.matches(run.displayName))) continue;
      if (listed.has(run.id)) continue;
      listed.add(run.id);
      yield run.id;
    }
  }
  if (choice.kind === 'ids') {
    for (const id of choice.ids) {
      if (!listed.has(id)) log.warning(`W&B run '${id}' in '${projectLabel(path)}' does not exist or does not match the filter.`);
    }
  }
}
