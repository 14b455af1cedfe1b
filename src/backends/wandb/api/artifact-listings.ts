// Listing artifact versions (wandb-artifacts.md §3): the versions of one collection (`ProjectArtifacts`, §3.1),
// the collections of one type (`ArtifactTypeArtifactCollections`, §3.2), and what a run logged or used
// (`RunOutputArtifacts` / `RunInputArtifacts`, §3.3). Every listing pages by `pageInfo.endCursor`.
import { NotFoundError } from '../../../core/errors.ts';
import { PageGuard } from '../../../core/paging/page-guard.ts';
import { isObject, type GqlObject, type WandbGraphqlClient } from '../graphql/graphql-client.ts';
import {
  ARTIFACT_TYPE_ARTIFACT_COLLECTIONS_QUERY,
  PROJECT_ARTIFACTS_QUERY,
  RUN_INPUT_ARTIFACTS_QUERY,
  RUN_OUTPUT_ARTIFACTS_QUERY,
} from '../graphql/artifact-queries.ts';
import { readEndCursorPage, unexpected, type EdgePage } from '../graphql/relay-pages.ts';
import { readArtifactNode, readCollectionPath, type ArtifactNode, type CollectionPath } from './artifact-node.ts';
import { projectLabel, type ProjectPath } from './runs.ts';

/** §3.1: only committed versions, as `collection.artifacts()` asks (json.dumps spacing). */
const COMMITTED_ONLY = '{"state": "COMMITTED"}';

export interface ListedVersion {
  /** `edges[].version`: the version in the listed collection. */
  version: string;
  artifact: ArtifactNode;
}

async function* pages(
  what: string,
  fetch: (cursor: string | null) => Promise<GqlObject>,
  connectionOf: (data: GqlObject) => unknown,
): AsyncGenerator<EdgePage> {
  const guard = new PageGuard('W&B', what);
  let cursor: string | null = null;
  for (;;) {
    const page = readEndCursorPage(connectionOf(await fetch(cursor)), what);
    yield page;
    const next = guard.next({ count: page.edges.length, cursor: page.cursor, hasNextPage: page.hasNextPage });
    if (next === undefined) return;
    cursor = next;
  }
}

function child(value: unknown, key: string): unknown {
  return isObject(value) ? value[key] : undefined;
}

/**
 * §3.1: the committed versions of `entity/project/collection` (of `type`), in `order` (`-version_index`: newest
 * first). A missing project, type or collection is a NotFoundError naming it.
 */
export async function* listCollectionVersions(
  gql: WandbGraphqlClient,
  path: CollectionPath,
  type: string,
  order: string | null,
  perPage: number,
): AsyncGenerator<ListedVersion[]> {
  const what = `the versions of '${path.entity}/${path.project}/${path.collection}'`;
  const fetch = (cursor: string | null): Promise<GqlObject> =>
    gql.query('ProjectArtifacts', PROJECT_ARTIFACTS_QUERY, {
      entity: path.entity,
      project: path.project,
      type,
      collection: path.collection,
      order,
      filters: COMMITTED_ONLY,
      perPage,
      cursor,
    });
  const connection = (data: GqlObject): unknown => {
    const collection = child(child(data.project, 'artifactType'), 'artifactCollection');
    if (!isObject(collection)) {
      throw new NotFoundError(
        `W&B has no '${type}' artifact collection '${path.collection}' in '${path.entity}/${path.project}'. Check the artifacts and artifact-type inputs.`,
      );
    }
    return collection.artifacts;
  };
  for await (const page of pages(what, fetch, connection)) {
    yield page.edges.map((edge) => {
      if (typeof edge.version !== 'string') throw unexpected(what, 'an edge without its version');
      return { version: edge.version, artifact: readArtifactNode(edge.node, what) };
    });
  }
}

/** §3.2: the names of the collections of `type` in the project. */
export async function* listTypeCollections(
  gql: WandbGraphqlClient,
  path: ProjectPath,
  type: string,
  perPage: number,
): AsyncGenerator<CollectionPath[]> {
  const what = `the '${type}' artifact collections of '${projectLabel(path)}'`;
  const fetch = (cursor: string | null): Promise<GqlObject> =>
    gql.query('ArtifactTypeArtifactCollections', ARTIFACT_TYPE_ARTIFACT_COLLECTIONS_QUERY, {
      entity: path.entity,
      project: path.project,
      type,
      cursor,
      perPage,
    });
  const connection = (data: GqlObject): unknown => {
    if (!isObject(data.project))
      throw new NotFoundError(`W&B project '${projectLabel(path)}' was not found, or the API key cannot see it.`);
    const artifactType = data.project.artifactType;
    if (!isObject(artifactType)) {
      throw new NotFoundError(`W&B project '${projectLabel(path)}' has no artifact type '${type}'. Check the artifact-type input.`);
    }
    return artifactType.artifactCollections;
  };
  for await (const page of pages(what, fetch, connection)) {
    yield page.edges.map((edge) => {
      const found = readCollectionPath(edge.node);
      if (found === null) throw unexpected(what, 'a collection without its name or project');
      return found;
    });
  }
}

/** §3.3: the artifacts run `runId` logged (`logged`) or used (`used`). */
export async function* listRunArtifacts(
  gql: WandbGraphqlClient,
  path: ProjectPath,
  runId: string,
  direction: 'logged' | 'used',
  perPage: number,
): AsyncGenerator<ArtifactNode[]> {
  const what = `the artifacts run '${runId}' ${direction} in '${projectLabel(path)}'`;
  const [operation, query] =
    direction === 'logged' ? ['RunOutputArtifacts', RUN_OUTPUT_ARTIFACTS_QUERY] : ['RunInputArtifacts', RUN_INPUT_ARTIFACTS_QUERY];
  const fetch = (cursor: string | null): Promise<GqlObject> =>
    gql.query(operation, query, { entity: path.entity, project: path.project, run: runId, cursor, perPage });
  const connection = (data: GqlObject): unknown => {
    const run = child(data.project, 'run');
    if (!isObject(run)) throw new NotFoundError(`W&B run '${runId}' was not found in '${projectLabel(path)}' while listing its artifacts.`);
    return run.artifacts;
  };
  for await (const page of pages(what, fetch, connection)) yield page.edges.map((edge) => readArtifactNode(edge.node, what));
}
