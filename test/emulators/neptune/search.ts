// `POST /api/leaderboard/v1/proto/leaderboard/entries/search/` (neptune.md §4): NQL filter, experimentLeader,
// sorting, offset pagination and attribute projection; answered as ProtoLeaderboardEntriesSearchResultDTO.
import { createHash } from 'node:crypto';
import { attributeToProto, type ProtoObject } from './attribute-proto.ts';
import {
  badRequest,
  optionalArray,
  optionalBoolean,
  optionalCount,
  optionalObject,
  optionalString,
  requireProject,
  isObject,
  type Json,
} from './http-util.ts';
import { BACKEND_TYPES, compileNql, type RunPredicate } from './nql-eval.ts';
import { referencedAttributes } from './nql.ts';
import {
  attributeDefinitionsOf,
  attributeOf,
  type NeptuneStore,
  type StoredAttribute,
  type StoredProject,
  type StoredRun,
} from './store.ts';

export interface SearchSettings {
  /** Largest page the server returns whatever `pagination.limit` asks for (default: no cap). */
  pageSizeCap?: number;
}

/** A stable UUID-shaped id (the API's internal ids are UUIDs; the client never reads them for runs). */
export function stableUuid(...parts: string[]): string {
  const h = createHash('sha1').update(parts.join('\0')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

type SortKey = number | string | undefined;

/** The value a run sorts by: the attribute when its type is the requested one (int and float mix), else none. */
function sortKeyOf(a: StoredAttribute | undefined, type: string): SortKey {
  if (a === undefined) return undefined;
  const numeric = type === 'int' || type === 'float';
  if (numeric && (a.type === 'int' || a.type === 'float')) return a.value;
  if (a.type !== type) return undefined;
  switch (a.type) {
    case 'string':
      return a.value;
    case 'bool':
      return a.value ? 1 : 0;
    case 'datetime':
      return a.millis;
    case 'floatSeries':
      return a.points.at(-1)?.value;
    default:
      return undefined;
  }
}

function sortRuns(runs: readonly StoredRun[], name: string, type: string, descending: boolean): readonly StoredRun[] {
  // The default order (§4.3) is precomputed; `runs` already is by ascending creation time.
  if (name === 'sys/creation_time' && type === 'datetime') return descending ? runs.toReversed() : runs;
  const keyed = runs.map((run) => ({ run, key: sortKeyOf(attributeOf(run, name), type) }));
  const sign = descending ? -1 : 1;
  keyed.sort((x, y) => {
    // Runs without the attribute go last in both directions; ties keep the creation order (stable sort).
    if (x.key === undefined || y.key === undefined) return x.key === undefined ? (y.key === undefined ? 0 : 1) : -1;
    return x.key < y.key ? -sign : x.key > y.key ? sign : 0;
  });
  return keyed.map((k) => k.run);
}

function projection(body: Json): string[] | undefined {
  const filters = optionalArray(body, 'attributeFilters');
  if (filters === undefined) return undefined;
  return filters.map((f) => {
    if (!isObject(f) || typeof f.path !== 'string') throw badRequest("'attributeFilters' entries must be {path: string}");
    return f.path;
  });
}

function entryOf(project: StoredProject, run: StoredRun, names: string[] | undefined): ProtoObject {
  const attributes: ProtoObject[] = [];
  // No projection: every attribute (the client always sends one, §4.1).
  const wanted = names ?? [...attributeDefinitionsOf(run)].map((d) => d.name);
  const seen = new Set<string>();
  for (const name of wanted) {
    if (seen.has(name)) continue;
    seen.add(name);
    const a = attributeOf(run, name);
    // sys/id, sys/name, sys/custom_run_id come back as type "string" with string_properties (§4.1).
    if (a) attributes.push(attributeToProto(name, a));
  }
  return {
    experiment_id: stableUuid(project.id, run.sysId),
    type: 'run',
    project_id: stableUuid(project.id),
    organization_id: stableUuid(project.workspace),
    project_name: project.name,
    organization_name: project.workspace,
    attributes,
  };
}

export function search(store: NeptuneStore, url: URL, body: Json, settings: SearchSettings): ProtoObject {
  const project = requireProject(store, url.searchParams.get('projectIdentifier'));
  const types = url.searchParams.getAll('type');
  const leadersOnly = optionalBoolean(body, 'experimentLeader') ?? false;

  const queryText = optionalString(optionalObject(body, 'query') ?? {}, 'query')?.trim() ?? '';
  let predicate: RunPredicate | undefined;
  // Trashed runs are hidden unless the query asks about sys/trashed: the current client sends no trashed
  // condition (§4.1) while older ones added `sys/trashed == false`, so the real server must hide them by default.
  let includeTrashed = false;
  if (queryText !== '') {
    const compiled = compileNql(queryText);
    predicate = compiled.predicate;
    includeTrashed = referencedAttributes(compiled.ast).has('sys/trashed');
  }

  const sorting = optionalObject(body, 'sorting') ?? {};
  const dir = optionalString(sorting, 'dir') ?? 'descending';
  if (dir !== 'ascending' && dir !== 'descending') throw badRequest(`Unknown sort direction '${dir}'`);
  const sortBy = optionalObject(sorting, 'sortBy') ?? {};
  const sortName = optionalString(sortBy, 'name') ?? 'sys/creation_time';
  const sortType = optionalString(sortBy, 'type') ?? (sortName === 'sys/creation_time' ? 'datetime' : 'string');
  if (!BACKEND_TYPES.has(sortType)) throw badRequest(`Unknown attribute type '${sortType}'`);

  const pagination = optionalObject(body, 'pagination') ?? {};
  const offset = optionalCount(pagination, 'offset') ?? 0;
  const limit = Math.min(optionalCount(pagination, 'limit') ?? Infinity, settings.pageSizeCap ?? Infinity);
  const names = projection(body);

  let runs = types.length > 0 && !types.includes('run') ? [] : store.runsByCreation(project, { leadersOnly, includeTrashed });
  if (predicate) runs = runs.filter(predicate);
  const ordered = sortRuns(runs, sortName, sortType, dir === 'descending');
  const page = ordered.slice(offset, offset + limit);
  return { matching_item_count: ordered.length, entries: page.map((run) => entryOf(project, run, names)) };
}
