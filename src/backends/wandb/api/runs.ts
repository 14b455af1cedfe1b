// Finding runs: one `Run` query per requested id (wandb.md §2.1), or the `Runs` listing with the user's
// MongoDB-style filter (§2.2), paged by the last edge's cursor.
import { NotFoundError } from '../../../core/errors.ts';
import { PageGuard } from '../../../core/paging/page-guard.ts';
import { countOf, readRelayPage, unexpected } from '../graphql/relay-pages.ts';
import { isObject, type GqlObject, type WandbGraphqlClient } from '../graphql/graphql-client.ts';
import { RUN_QUERY, RUNS_QUERY } from '../graphql/queries.ts';

export interface ProjectPath {
  entity: string;
  project: string;
}

export function projectLabel(path: ProjectPath): string {
  return `${path.entity}/${path.project}`;
}

export interface RunRef {
  /** GraphQL `name`: the short run id (§2 "Naming"). */
  id: string;
  displayName: string | null;
}

export class ProjectNotFoundError extends NotFoundError {
  constructor(path: ProjectPath) {
    super(
      `W&B project '${projectLabel(path)}' was not found, or the API key cannot see it. Check the project input ` +
        '(entity/project) and the account the key belongs to.',
    );
  }
}

export class RunNotFoundError extends NotFoundError {
  readonly runId: string;
  constructor(path: ProjectPath, runId: string) {
    super(
      `W&B run '${runId}' was not found in project '${projectLabel(path)}'. Check the runs input: it takes run ids (e.g. a1b2c3d4), not display names.`,
    );
    this.runId = runId;
  }
}

/** §2.1/§9: `project: null` → unknown project; `project.run: null` → unknown run. */
export function projectOf(data: GqlObject, path: ProjectPath): GqlObject {
  if (!isObject(data.project)) throw new ProjectNotFoundError(path);
  return data.project;
}

export function runRefOf(node: unknown, what: string): RunRef {
  if (!isObject(node) || typeof node.name !== 'string' || node.name === '') throw unexpected(what, 'a run without a name');
  return { id: node.name, displayName: typeof node.displayName === 'string' ? node.displayName : null };
}

export async function fetchRun(gql: WandbGraphqlClient, path: ProjectPath, runId: string): Promise<RunRef> {
  const data = await gql.query('Run', RUN_QUERY, { project: path.project, entity: path.entity, name: runId });
  const run = projectOf(data, path).run;
  if (run === null || run === undefined) throw new RunNotFoundError(path, runId);
  return runRefOf(run, `run '${runId}'`);
}

export interface RunListing {
  /** The filter as a JSON text (§2.2: the client sends `json.dumps(filters)`, `"{}"` for none). */
  filters: string;
  /** `+created_at` (the client's default, oldest first). */
  order: string;
  perPage: number;
}

/** Yields the runs of the project that match the filter, one server page at a time. */
export async function* listRuns(gql: WandbGraphqlClient, path: ProjectPath, listing: RunListing): AsyncGenerator<RunRef[]> {
  const what = `the runs of '${projectLabel(path)}'`;
  const progress = new PageGuard('W&B', what);
  let cursor: string | null = null;
  for (;;) {
    const data = await gql.query('Runs', RUNS_QUERY, {
      project: path.project,
      entity: path.entity,
      order: listing.order,
      filters: listing.filters,
      perPage: listing.perPage,
      cursor,
    });
    const project = projectOf(data, path);
    const page = readRelayPage(project.runs, what);
    yield page.nodes.map((node) => runRefOf(node, what));
    const next = progress.next({ ...page, count: page.nodes.length, total: countOf(project.runCount) });
    if (next === undefined) return;
    cursor = next;
  }
}
