// From an artifact selection to the versions to download (wandb-artifacts.md §2, §3): versions by name (each
// confirmed before any download starts, so a typo fails early), the newest N or all versions of a collection,
// every collection of a type, or what the selected runs logged or used. A version reached twice is taken once.
import { InputError, NotFoundError } from '../../../core/errors.ts';
import { orderedPool } from '../../../core/concurrency/ordered-pool.ts';
import { aliasesIn, collectionLabel, versionAndAliases, type ArtifactNode, type CollectionPath } from '../api/artifact-node.ts';
import { ArtifactNotFoundError, fetchArtifactByName, type FoundVersion } from '../api/artifact-by-name.ts';
import type { VersionRef } from '../api/artifact-file-urls.ts';
import { listCollectionVersions, listRunArtifacts, listTypeCollections } from '../api/artifact-listings.ts';
import { Feature } from '../api/server-features.ts';
import { WandbInputs as Inputs } from '../inputs.ts';
import { selectedRuns } from '../runs/selected-runs.ts';
import { DEFAULT_PER_PAGE } from '../selection.ts';
import { VERSION_ALIAS, type ArtifactName } from './artifact-names.ts';
import type { ArtifactChoice, VersionCount } from './artifact-selection.ts';
import type { ArtifactSession } from './session.ts';

/** A version to download, and how it was reached. */
export interface VersionToFetch {
  artifact: ArtifactNode;
  ref: VersionRef;
  /** Its aliases in `ref.path`'s collection (the version alias aside). */
  aliases: string[];
  /** The line of `artifacts` that named it. */
  requested?: string;
  /** The run that logged or used it (run-artifacts). */
  run?: string;
}

/** Lookups and listings at the same time (each listing's pages stay sequential). */
const CONCURRENCY = 4;
/** §3.3: `run.logged_artifacts(per_page=100)`. */
const RUN_ARTIFACTS_PER_PAGE = 100;

export async function* versionsToFetch(session: ArtifactSession): AsyncGenerator<VersionToFetch> {
  const seen = new Set<string>();
  for await (const version of chosenVersions(session, session.selection.artifacts)) {
    if (seen.has(version.artifact.id)) {
      session.log.debug(`W&B artifact ${describeVersion(version)} was reached twice; it is downloaded once.`);
      continue;
    }
    seen.add(version.artifact.id);
    yield version;
  }
}

export function describeVersion(v: VersionToFetch): string {
  return `'${collectionLabel(v.ref.path)}:${v.ref.version}'`;
}

function chosenVersions(session: ArtifactSession, choice: ArtifactChoice): AsyncIterable<VersionToFetch> {
  switch (choice.kind) {
    case 'names':
      return namedVersions(session, choice.names, choice.type, choice.versions);
    case 'type':
      return typeVersions(session, choice.type, choice.versions);
    case 'runs':
      return runVersions(session, choice);
  }
}

async function* toAsync<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

/** Every name is resolved (a few at once) before the first version is handed on. */
async function* namedVersions(
  session: ArtifactSession,
  names: ArtifactName[],
  type: string | null,
  versions: VersionCount,
): AsyncGenerator<VersionToFetch> {
  const resolved: VersionToFetch[][] = [];
  for await (const list of orderedPool(toAsync(names), CONCURRENCY, (name) => versionsOfName(session, name, type, versions))) {
    resolved.push(list);
  }
  for (const list of resolved) yield* list;
}

async function versionsOfName(
  session: ArtifactSession,
  name: ArtifactName,
  type: string | null,
  versions: VersionCount,
): Promise<VersionToFetch[]> {
  const project = name.project ?? (session.selection.project as string);
  const where = { entity: await session.entity(name.entity, project), project };
  if (name.version !== null || versions.kind === 'latest') {
    const found = await byName(session, where, `${name.collection}:${name.version ?? 'latest'}`);
    checkType(found, type, name.asGiven);
    checkCommitted(found, name.asGiven);
    return [{ ...fromFound(found), requested: name.asGiven }];
  }
  // All or the newest N: the listing needs the type, which `latest` tells when the input does not.
  const listType = type ?? (await byName(session, where, `${name.collection}:latest`)).artifact.type;
  const path = { ...where, collection: name.collection };
  return (await newestVersions(session, path, listType, versions)).map((v) => ({ ...v, requested: name.asGiven }));
}

async function byName(session: ArtifactSession, where: { entity: string; project: string }, name: string): Promise<FoundVersion> {
  const features = await session.features();
  return fetchArtifactByName(session.gql, features.has(Feature.membershipByName), where, name);
}

function fromFound(found: FoundVersion): VersionToFetch {
  return {
    artifact: found.artifact,
    ref: { id: found.artifact.id, path: found.path, version: found.version, type: found.artifact.type },
    aliases: found.aliases,
  };
}

/** `Api.artifact(name, type=…)`: a version of another type is the client's CommError (§2.4). */
function checkType(found: FoundVersion, type: string | null, asGiven: string): void {
  if (type === null || found.artifact.type === type) return;
  throw new InputError(Inputs.artifactType, `is '${type}', but W&B artifact '${asGiven}' is of type '${found.artifact.type}'.`);
}

/** §2.4: a PENDING version is a draft the client cannot load; DELETED ones it downloads (with a warning here). */
function checkCommitted(found: FoundVersion, asGiven: string): void {
  const { state } = found.artifact;
  if (state === 'COMMITTED' || state === 'DELETED') return;
  throw new NotFoundError(
    `W&B artifact '${asGiven}' (${collectionLabel(found.path)}:${found.version}) is not committed (state ${state}): it is still being logged, or the run that logged it ended before committing it. Name a committed version (e.g. ':latest').`,
  );
}

/**
 * §3.1: the newest N (or all) committed versions, asked newest first (`-version_index`, what W&B's own tests
 * rely on). Should a server ignore the order, every version is listed and sorted here.
 */
async function newestVersions(
  session: ArtifactSession,
  path: CollectionPath,
  type: string,
  versions: VersionCount,
): Promise<VersionToFetch[]> {
  const want = versions.kind === 'newest' ? versions.count : versions.kind === 'latest' ? 1 : Infinity;
  const perPage = Math.min(session.selection.perPage ?? DEFAULT_PER_PAGE, want);
  const taken: VersionToFetch[] = [];
  let previous = Infinity;
  let ordered = true;
  for await (const page of listCollectionVersions(session.gql, path, type, '-version_index', perPage)) {
    for (const listed of page) {
      const index = listed.artifact.versionIndex ?? Number(listed.version.slice(1));
      if (!(index < previous)) ordered = false;
      previous = index;
      taken.push(listedVersion(path, listed.version, listed.artifact));
    }
    if (!ordered || taken.length >= want) break;
  }
  if (!ordered) {
    session.log.debug(`W&B listed the versions of '${collectionLabel(path)}' out of order; listing them all and sorting.`);
    taken.length = 0;
    for await (const page of listCollectionVersions(session.gql, path, type, null, session.selection.perPage ?? DEFAULT_PER_PAGE)) {
      for (const listed of page) taken.push(listedVersion(path, listed.version, listed.artifact));
    }
    taken.sort((a, b) => versionNumber(b) - versionNumber(a));
  }
  return taken.slice(0, want);
}

function versionNumber(v: VersionToFetch): number {
  return Number(v.ref.version.slice(1));
}

function listedVersion(path: CollectionPath, version: string, artifact: ArtifactNode): VersionToFetch {
  return {
    artifact,
    ref: { id: artifact.id, path, version, type: artifact.type },
    aliases: aliasesIn(artifact, path).filter((a) => !VERSION_ALIAS.test(a)),
  };
}

/** Every collection of `type` in the project, then its latest, newest N or all versions. */
async function* typeVersions(session: ArtifactSession, type: string, versions: VersionCount): AsyncGenerator<VersionToFetch> {
  const project = await session.projectPath();
  const perPage = session.selection.perPage ?? DEFAULT_PER_PAGE;
  async function* collections(): AsyncGenerator<CollectionPath> {
    for await (const page of listTypeCollections(session.gql, project, type, perPage)) yield* page;
  }
  const lists = orderedPool(collections(), CONCURRENCY, async (path) => {
    if (versions.kind !== 'latest') return newestVersions(session, path, type, versions);
    try {
      const found = await byName(session, path, `${path.collection}:latest`);
      return found.artifact.state === 'COMMITTED' ? [fromFound(found)] : [];
    } catch (error) {
      // A collection whose versions are all drafts has no `latest` yet: nothing to take from it.
      if (!(error instanceof ArtifactNotFoundError)) throw error;
      session.log.warning(`W&B artifact collection '${collectionLabel(path)}' has no committed 'latest' version; skipped.`);
      return [];
    }
  });
  for await (const list of lists) yield* list;
}

/** §3.3: what each selected run logged or used, each version in its own sequence (skipped when hidden). */
async function* runVersions(session: ArtifactSession, choice: Extract<ArtifactChoice, { kind: 'runs' }>): AsyncGenerator<VersionToFetch> {
  const project = await session.projectPath();
  const { selection, log, gql } = session;
  const runs = selectedRuns(gql, project, choice.runs, selection.perPage ?? DEFAULT_PER_PAGE, log);
  const lists = orderedPool(runs, CONCURRENCY, async (runId) => {
    const out: VersionToFetch[] = [];
    for await (const page of listRunArtifacts(gql, project, runId, choice.direction, selection.perPage ?? RUN_ARTIFACTS_PER_PAGE)) {
      for (const artifact of page) {
        if (choice.type !== null && artifact.type !== choice.type) continue;
        const sequence = artifact.sequence;
        if (sequence === null) {
          log.debug(`W&B run '${runId}' ${choice.direction} an artifact whose project is hidden from this key; skipped.`);
          continue;
        }
        const what = `an artifact run '${runId}' ${choice.direction}`;
        const named = versionAndAliases(aliasesIn(artifact, sequence), artifact.versionIndex, what);
        const version: VersionToFetch = {
          artifact,
          ref: { id: artifact.id, path: sequence, version: named.version, type: artifact.type },
          aliases: named.aliases,
          run: runId,
        };
        if (artifact.state === 'PENDING') {
          log.warning(`W&B artifact ${describeVersion(version)}, ${choice.direction} by run '${runId}', is not committed yet; skipped.`);
          continue;
        }
        out.push(version);
      }
    }
    return out;
  });
  for await (const list of lists) yield* list;
}
