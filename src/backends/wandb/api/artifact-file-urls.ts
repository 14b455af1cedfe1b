// The signed storage URLs of a version's entries (wandb-artifacts.md §5.1), listed in batches as the client lists
// them before downloading: `GetArtifactMembershipFileUrls` by collection and version where the server has
// membership files, else `GetArtifactFileUrls` by artifact id. Pages are chained by `pageInfo.endCursor`.
// One entry can also be asked for again by name (§3.4 `artifact.files(names=[…])`), to sign it anew.
import { PageGuard } from '../../../core/paging/page-guard.ts';
import { isObject, type GqlObject, type WandbGraphqlClient } from '../graphql/graphql-client.ts';
import {
  GET_ARTIFACT_FILE_URLS_QUERY,
  GET_ARTIFACT_FILES_QUERY,
  GET_ARTIFACT_MEMBERSHIP_FILE_URLS_QUERY,
  GET_ARTIFACT_MEMBERSHIP_FILES_QUERY,
} from '../graphql/artifact-queries.ts';
import { readEndCursorPage, unexpected } from '../graphql/relay-pages.ts';
import { collectionLabel, type CollectionPath } from './artifact-node.ts';

export interface FileUrl {
  /** The entry's path in the manifest. */
  name: string;
  directUrl: string | null;
}

/** How the listing names the version: by collection membership, or by artifact id (legacy). */
export interface VersionRef {
  id: string;
  path: CollectionPath;
  /** `v7`: the version in `path`'s collection (§1 row 7: the resolved version, never `latest`). */
  version: string;
  type: string;
}

export async function* listFileUrls(
  gql: WandbGraphqlClient,
  useMembership: boolean,
  ref: VersionRef,
  perPage: number,
): AsyncGenerator<FileUrl[]> {
  const what = `the file URLs of ${collectionLabel(ref.path)}:${ref.version}`;
  const guard = new PageGuard('W&B', what);
  let cursor: string | null = null;
  for (;;) {
    const data: GqlObject = useMembership
      ? await gql.query('GetArtifactMembershipFileUrls', GET_ARTIFACT_MEMBERSHIP_FILE_URLS_QUERY, {
          entity: ref.path.entity,
          project: ref.path.project,
          collection: ref.path.collection,
          alias: ref.version,
          cursor,
          perPage,
        })
      : await gql.query('GetArtifactFileUrls', GET_ARTIFACT_FILE_URLS_QUERY, { id: ref.id, cursor, perPage });
    const page = readEndCursorPage(filesOf(data, useMembership, what), what);
    yield page.edges.map((edge) => fileUrlOf(edge.node, what));
    const next = guard.next({ count: page.edges.length, cursor: page.cursor, hasNextPage: page.hasNextPage });
    if (next === undefined) return;
    cursor = next;
  }
}

/** One entry's current signed URL, asked for by name; null when the server no longer lists it. */
export async function fetchFileUrl(gql: WandbGraphqlClient, useMembership: boolean, ref: VersionRef, name: string): Promise<string | null> {
  const what = `the file '${name}' of ${collectionLabel(ref.path)}:${ref.version}`;
  const common = { entity: ref.path.entity, project: ref.path.project, fileNames: [name], cursor: null, perPage: 1 };
  const data = useMembership
    ? await gql.query('GetArtifactMembershipFiles', GET_ARTIFACT_MEMBERSHIP_FILES_QUERY, {
        ...common,
        collection: ref.path.collection,
        alias: ref.version,
      })
    : await gql.query('GetArtifactFiles', GET_ARTIFACT_FILES_QUERY, {
        ...common,
        type: ref.type,
        name: `${ref.path.collection}:${ref.version}`,
      });
  const container = useMembership ? membershipOf(data) : legacyArtifactOf(data);
  if (container === undefined) return null;
  const page = readEndCursorPage(container.files, what);
  // FileFragment aliases displayName as `name`.
  const match = page.edges.map((e) => fileUrlOf(e.node, what)).find((f) => f.name === name);
  return match?.directUrl ?? null;
}

function membershipOf(data: GqlObject): GqlObject | undefined {
  const project = isObject(data.project) ? data.project : undefined;
  const collection = project && isObject(project.artifactCollection) ? project.artifactCollection : undefined;
  return collection && isObject(collection.artifactMembership) ? collection.artifactMembership : undefined;
}

function legacyArtifactOf(data: GqlObject): GqlObject | undefined {
  const project = isObject(data.project) ? data.project : undefined;
  const type = project && isObject(project.artifactType) ? project.artifactType : undefined;
  return type && isObject(type.artifact) ? type.artifact : undefined;
}

function filesOf(data: GqlObject, useMembership: boolean, what: string): unknown {
  const container = useMembership ? membershipOf(data) : isObject(data.artifact) ? data.artifact : undefined;
  if (container === undefined) throw unexpected(what, useMembership ? 'no such collection membership' : 'no such artifact');
  return container.files;
}

function fileUrlOf(node: unknown, what: string): FileUrl {
  if (!isObject(node) || typeof node.name !== 'string') throw unexpected(what, 'a file without a name');
  return { name: node.name, directUrl: typeof node.directUrl === 'string' && node.directUrl !== '' ? node.directUrl : null };
}
