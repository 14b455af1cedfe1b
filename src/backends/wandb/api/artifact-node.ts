// Reading an `ArtifactFragment` (wandb-artifacts.md §2.4) and the version name the client derives from it: the
// one `v<N>` alias (two of them are an error, as in the client), else `v<versionIndex>`.
import { isObject } from '../graphql/graphql-client.ts';
import { unexpected } from '../graphql/relay-pages.ts';
import { VERSION_ALIAS } from '../artifacts/artifact-names.ts';

/** Where a collection lives: `entity/project/collection`. */
export interface CollectionPath {
  entity: string;
  project: string;
  collection: string;
}

export function collectionLabel(path: CollectionPath): string {
  return `${path.entity}/${path.project}/${path.collection}`;
}

export interface ArtifactAlias {
  alias: string;
  /** The collection the alias belongs to (selected with `$includeAliases`), when the server said. */
  collection: CollectionPath | null;
}

export interface ArtifactNode {
  id: string;
  /** The sequence the version was logged to (§2.4 "source"); null when the server hides its project. */
  sequence: CollectionPath | null;
  versionIndex: number | null;
  type: string;
  /** `COMMITTED`, `PENDING` (a draft) or `DELETED`. */
  state: string;
  digest: string;
  size: number | null;
  fileCount: number | null;
  aliases: ArtifactAlias[];
}

/** `{name project{name entity{name}}}` (CollectionInfoFragment / SourceCollectionInfoFragment); null if incomplete. */
export function readCollectionPath(value: unknown): CollectionPath | null {
  if (!isObject(value) || typeof value.name !== 'string' || !isObject(value.project)) return null;
  const project = value.project;
  const entity = isObject(project.entity) ? project.entity.name : undefined;
  if (typeof project.name !== 'string' || typeof entity !== 'string') return null;
  return { entity, project: project.name, collection: value.name };
}

function intOrNull(value: unknown): number | null {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : null;
}

export function readAliases(value: unknown): ArtifactAlias[] {
  if (!Array.isArray(value)) return [];
  const out: ArtifactAlias[] = [];
  for (const item of value) {
    if (!isObject(item) || typeof item.alias !== 'string') continue;
    out.push({ alias: item.alias, collection: readCollectionPath(item.artifactCollection) });
  }
  return out;
}

export function readArtifactNode(value: unknown, what: string): ArtifactNode {
  if (!isObject(value) || typeof value.id !== 'string' || value.id === '') throw unexpected(what, 'an artifact without an id');
  const type = isObject(value.artifactType) ? value.artifactType.name : undefined;
  if (typeof type !== 'string') throw unexpected(what, 'an artifact without a type');
  if (typeof value.state !== 'string') throw unexpected(what, 'an artifact without a state');
  return {
    id: value.id,
    sequence: readCollectionPath(value.artifactSequence),
    versionIndex: intOrNull(value.versionIndex),
    type,
    state: value.state,
    digest: typeof value.digest === 'string' ? value.digest : '',
    size: intOrNull(value.size),
    fileCount: intOrNull(value.fileCount),
    aliases: readAliases(value.aliases),
  };
}

/**
 * §2.4: the version (`v7`) and the other aliases of a version, from the alias names the server gave and the
 * version index. More than one version alias is the client's ValueError, here an unexpected answer.
 */
export function versionAndAliases(
  aliases: readonly string[],
  versionIndex: number | null,
  what: string,
): { version: string; aliases: string[] } {
  const versions = aliases.filter((a) => VERSION_ALIAS.test(a));
  if (versions.length > 1) throw unexpected(what, `more than one version alias (${versions.join(', ')})`);
  const version = versions[0] ?? (versionIndex === null ? undefined : `v${versionIndex}`);
  if (version === undefined) throw unexpected(what, 'a version with neither a version alias nor a version index');
  return { version, aliases: aliases.filter((a) => !VERSION_ALIAS.test(a)) };
}

/** §2.3 legacy path and §3.1: the aliases that belong to `path`'s collection (others are of linked collections). */
export function aliasesIn(node: ArtifactNode, path: CollectionPath): string[] {
  return node.aliases
    .filter(
      (a) =>
        a.collection !== null &&
        a.collection.entity === path.entity &&
        a.collection.project === path.project &&
        a.collection.collection === path.collection,
    )
    .map((a) => a.alias);
}
