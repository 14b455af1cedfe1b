// One artifact version by `collection:alias|vN` (wandb-artifacts.md §2.3): `ArtifactMembershipByName` where the
// server has collection memberships, else the legacy `ArtifactByName`. The answer says which collection the
// version was reached through (the path the file-URL listing then names, §5.1) and its version there.
import { NotFoundError } from '../../../core/errors.ts';
import { isObject, type WandbGraphqlClient } from '../graphql/graphql-client.ts';
import { ARTIFACT_BY_NAME_QUERY, ARTIFACT_MEMBERSHIP_BY_NAME_QUERY } from '../graphql/artifact-queries.ts';
import { unexpected } from '../graphql/relay-pages.ts';
import {
  aliasesIn,
  readAliases,
  readArtifactNode,
  readCollectionPath,
  versionAndAliases,
  type ArtifactNode,
  type CollectionPath,
} from './artifact-node.ts';

/** A version as found: the artifact, the collection it was reached through, and its version and aliases there. */
export interface FoundVersion {
  artifact: ArtifactNode;
  path: CollectionPath;
  version: string;
  aliases: string[];
}

export class ArtifactNotFoundError extends NotFoundError {}

/** `name` is `collection:alias` or `collection:vN`, sent verbatim (§2.1). */
export async function fetchArtifactByName(
  gql: WandbGraphqlClient,
  useMembership: boolean,
  where: { entity: string; project: string },
  name: string,
): Promise<FoundVersion> {
  const label = `${where.entity}/${where.project}`;
  const what = `artifact '${name}' in '${label}'`;
  const variables = { entity: where.entity, project: where.project, name };
  if (useMembership) {
    const data = await gql.query('ArtifactMembershipByName', ARTIFACT_MEMBERSHIP_BY_NAME_QUERY, variables);
    const project = projectOf(data, where);
    const membership = project.artifactCollectionMembership;
    // §2.5: the client's CommError texts.
    if (membership === null || membership === undefined) throw notFound(`artifact membership '${name}' not found in '${label}'`);
    if (!isObject(membership)) throw unexpected(what, 'a membership that is not an object');
    const path = readCollectionPath(membership.artifactCollection);
    if (path === null) throw unexpected(what, 'a membership without its collection');
    const artifact = readArtifactNode(membership.artifact, what);
    const versionIndex = typeof membership.versionIndex === 'number' ? membership.versionIndex : artifact.versionIndex;
    const named = versionAndAliases(
      readAliases(membership.aliases).map((a) => a.alias),
      versionIndex,
      what,
    );
    return { artifact, path, ...named };
  }
  const data = await gql.query('ArtifactByName', ARTIFACT_BY_NAME_QUERY, { ...variables, enableTracking: true });
  const project = projectOf(data, where);
  if (project.artifact === null || project.artifact === undefined) throw notFound(`artifact '${name}' not found in '${label}'`);
  const artifact = readArtifactNode(project.artifact, what);
  const path: CollectionPath = { ...where, collection: name.includes(':') ? name.slice(0, name.indexOf(':')) : name };
  return { artifact, path, ...versionAndAliases(aliasesIn(artifact, path), artifact.versionIndex, what) };
}

function projectOf(data: Record<string, unknown>, where: { entity: string; project: string }): Record<string, unknown> {
  if (!isObject(data.project)) {
    throw notFound(`project '${where.project}' not found under entity '${where.entity}' (or the API key cannot see it)`);
  }
  return data.project;
}

function notFound(message: string): ArtifactNotFoundError {
  return new ArtifactNotFoundError(
    `W&B: ${message}. Check the artifacts input ([entity/project/]collection[:alias or :vN]) and the project input.`,
  );
}
