// Walking a store's folders one level per listing, as the client does (mlflow.md §4.1), but with a few
// listings in flight at once and every listed name checked (§4.4) before it can become a path. A start path
// may be a file or a folder: its parent is listed first, which also gives the file's size (a file listed
// without `file_size` has 0 bytes, §3.1), so a path that does not exist is reported instead of fetched.
import { orderedPool } from '../../core/concurrency/ordered-pool.ts';
import type { NameMatcher } from '../../core/names/name-matcher.ts';
import { listProxied, listRunScoped, type ListedEntry } from './api/artifact-lists.ts';
import type { MlflowRestClient } from './api/rest-client.ts';
import { checkArtifactPath, joinPath, pathParts } from './artifact-paths.ts';
import type { ArtifactStore } from './artifact-store.ts';

export interface WalkEntry {
  /** Path relative to the store's root (raw names, `/`-joined). */
  rel: string;
  size: number;
  /** Why this listed name must not become a local path (it is reported, not downloaded). */
  invalid?: string;
}

export interface Listing {
  /** The folder listed, relative to the store's root. */
  dir: string;
  files: WalkEntry[];
  dirs: string[];
}

/** Listings of one store's folders. */
export type FolderLister = (dir: string) => Promise<Listing>;

/** Folder levels below a start path before the walk stops (a server that lists a folder inside itself forever). */
const MAX_DEPTH = 64;
const LIST_CONCURRENCY = 4;

export function folderLister(client: MlflowRestClient, store: Exclude<ArtifactStore, { kind: 'unreachable' }>, what: string): FolderLister {
  return async (dir) => {
    const asked = joinPath(store.root, dir);
    const listedIn = `${what}${dir === '' ? '' : ` (folder '${dir}')`}`;
    const entries =
      store.kind === 'proxied'
        ? await listProxied(client, store.base, asked, listedIn)
        : await listRunScoped(client, store.runId, asked, listedIn);
    const listing: Listing = { dir, files: [], dirs: [] };
    for (const entry of entries) {
      const placed = place(entry, store.kind === 'proxied' ? dir : undefined, store.root);
      if (placed === undefined) continue;
      if (placed.invalid !== undefined || !entry.isDir) listing.files.push(placed);
      else listing.dirs.push(placed.rel);
    }
    return listing;
  };
}

/**
 * A listed entry as a root-relative path. Proxied listings give basenames (joined to `dir`); run-scoped ones
 * give run-relative paths, which must lie inside the folder asked for. Entries naming the folder itself or `.`
 * are skipped as the client skips them.
 */
function place(entry: ListedEntry, dir: string | undefined, root: string): WalkEntry | undefined {
  const check = checkArtifactPath(entry.path);
  let rel: string;
  if (dir !== undefined) {
    if (pathParts(entry.path).length === 0) return undefined;
    rel = joinPath(dir, entry.path);
  } else {
    const prefix = root === '' ? '' : `${root}/`;
    if (!check.ok) return { rel: entry.path, size: entry.size, invalid: check.reason };
    if (!entry.path.startsWith(prefix) || entry.path === root) return undefined;
    rel = entry.path.slice(prefix.length);
  }
  if (!check.ok) return { rel, size: entry.size, invalid: check.reason };
  const normal = pathParts(rel).join('/');
  if (normal === '' || normal === dir) return undefined;
  return { rel: normal, size: entry.size };
}

/**
 * The files under each folder of `dirs`, level by level, several listings at once; pages come out in a fixed
 * order (the resolved list does not depend on timing).
 */
export async function* walk(list: FolderLister, dirs: readonly string[]): AsyncGenerator<Listing> {
  const seen = new Set<string>(dirs);
  let level = [...dirs];
  for (let depth = 0; level.length > 0; depth += 1) {
    const next: string[] = [];
    async function* names(): AsyncGenerator<string> {
      yield* level;
    }
    for await (const listing of orderedPool(names(), LIST_CONCURRENCY, list)) {
      if (depth >= MAX_DEPTH && listing.dirs.length > 0) {
        listing.files.push(...listing.dirs.map((d) => ({ rel: d, size: 0, invalid: `is a folder more than ${MAX_DEPTH} levels deep` })));
        listing.dirs = [];
      }
      for (const d of listing.dirs) {
        if (seen.has(d)) continue;
        seen.add(d);
        next.push(d);
      }
      yield listing;
    }
    level = next;
  }
}

export interface Selected {
  /** Files to report, in a fixed order. */
  files: WalkEntry[];
  /** The folder they were listed from (`undefined` for a start path that is a file). */
  dir: string | undefined;
}

/**
 * The files of `starts` (root-relative; `''` is the root folder, anything else may be a file or a folder),
 * optionally only those whose path `matches`. `missing` is told of a start path that does not exist.
 */
export async function* selectFiles(
  list: FolderLister,
  starts: readonly string[],
  matches: NameMatcher | undefined,
  missing: (path: string) => void,
): AsyncGenerator<Selected> {
  const emitted = new Set<string>();
  const keep = (files: WalkEntry[]): WalkEntry[] =>
    files.filter((f) => {
      if (emitted.has(f.rel) || (matches !== undefined && f.invalid === undefined && !matches(f.rel))) return false;
      emitted.add(f.rel);
      return true;
    });
  const folders: string[] = [];
  const parents = new Map<string, Promise<Listing>>();
  for (const start of starts) {
    if (start === '') {
      folders.push('');
      continue;
    }
    const parent = pathParts(start).slice(0, -1).join('/');
    let listing = parents.get(parent);
    if (listing === undefined) {
      listing = list(parent);
      listing.catch(() => undefined);
      parents.set(parent, listing);
    }
    const { files, dirs } = await listing;
    const file = files.find((f) => f.rel === start);
    if (file !== undefined) {
      const kept = keep([file]);
      if (kept.length > 0) yield { files: kept, dir: undefined };
    } else if (dirs.includes(start)) folders.push(start);
    else missing(start);
  }
  for await (const listing of walk(list, folders)) {
    const kept = keep(listing.files);
    yield { files: kept, dir: listing.dir };
  }
}
