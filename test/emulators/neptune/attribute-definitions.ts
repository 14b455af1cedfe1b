// `POST /api/leaderboard/v1/leaderboard/attributes/definitions/query` (neptune.md §5): the distinct
// (name, type) pairs of the chosen runs, filtered by name regex groups and types, paged with an opaque token.
// The name/type filters are shared with the attribute-values endpoint.
import {
  badRequest,
  isObject,
  optionalArray,
  optionalCount,
  optionalObject,
  optionalString,
  optionalStringArray,
  requireProject,
  type Json,
} from './http-util.ts';
import { BACKEND_TYPES } from './nql-eval.ts';
import { decodePageToken, encodePageToken } from './page-token.ts';
import { serverRegex } from './regex.ts';
import { attributeDefinitionsOf, type NeptuneStore, type StoredProject, type StoredRun } from './store.ts';

export interface Definition {
  name: string;
  type: string;
}

/**
 * `attributeNameFilter` (§5.1, §5.2): a name passes when it passes any `mustMatchAny` group; a group passes when
 * every `mustMatchRegexes` pattern is found in the name and no `mustNotMatchRegexes` pattern is. No groups (`{}`)
 * lets every name pass. Patterns are compiled up front so a bad one is a 400 even when no name is tested.
 */
export function compileNameFilter(filter: Json | undefined): (name: string) => boolean {
  const groups = filter === undefined ? undefined : optionalArray(filter, 'mustMatchAny');
  if (groups === undefined || groups.length === 0) return () => true;
  const compiled = groups.map((g) => {
    if (!isObject(g)) throw badRequest("'mustMatchAny' entries must be objects");
    const must = (optionalStringArray(g, 'mustMatchRegexes') ?? []).map(serverRegex);
    const mustNot = (optionalStringArray(g, 'mustNotMatchRegexes') ?? []).map(serverRegex);
    return { must, mustNot };
  });
  return (name) => compiled.some((g) => g.must.every((re) => re.test(name)) && !g.mustNot.some((re) => re.test(name)));
}

/** `attributeFilter`: a list of `{attributeType}` matched as "any of" (§5.1); absent or empty = all types. */
export function compileTypeFilter(list: unknown[] | undefined): (type: string) => boolean {
  if (list === undefined || list.length === 0) return () => true;
  const types = new Set(
    list.map((f) => {
      const type = isObject(f) ? f.attributeType : undefined;
      if (typeof type !== 'string' || !BACKEND_TYPES.has(type))
        throw badRequest(`Unknown attribute type in attributeFilter: ${JSON.stringify(f)}`);
      return type;
    }),
  );
  return (type) => types.has(type);
}

const byNameThenType = (a: Definition, b: Definition): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a.type < b.type ? -1 : a.type > b.type ? 1 : 0;

function distinctSorted(definitions: Iterable<Definition>): Definition[] {
  const seen = new Map<string, Definition>();
  for (const d of definitions) {
    const key = `${d.type}\0${d.name}`;
    if (!seen.has(key)) seen.set(key, { name: d.name, type: d.type });
  }
  return [...seen.values()].sort(byNameThenType);
}

function* definitionsOfRuns(runs: Iterable<StoredRun>): Generator<Definition> {
  for (const run of runs) yield* attributeDefinitionsOf(run);
}

/** Whole-project definitions (type inference asks these, §4.2): computed once per project, live runs only. */
const projectDefinitions = new WeakMap<StoredProject, Definition[]>();

function definitionsOfProject(project: StoredProject): Definition[] {
  let list = projectDefinitions.get(project);
  if (!list) {
    list = distinctSorted(definitionsOfRuns(project.runs.filter((r) => !r.trashed)));
    projectDefinitions.set(project, list);
  }
  return list;
}

/** Runs named by `ws/proj/<sysId>` identifiers (§3) within the given projects; unknown ids are skipped. */
export function runsOf(store: NeptuneStore, identifiers: readonly string[], projectIds: ReadonlySet<string>): StoredRun[] {
  const runs: StoredRun[] = [];
  const seen = new Set<StoredRun>();
  for (const id of identifiers) {
    const found = store.runByIdentifier(id, projectIds);
    if (found && !seen.has(found.run)) {
      seen.add(found.run);
      runs.push(found.run);
    }
  }
  return runs;
}

export function attributeDefinitions(store: NeptuneStore, body: Json): Json {
  const projectIds = optionalStringArray(body, 'projectIdentifiers') ?? [];
  if (projectIds.length === 0) throw badRequest("'projectIdentifiers' must name at least one project");
  const projects = projectIds.map((id) => requireProject(store, id));
  const experimentIds = optionalStringArray(body, 'experimentIdsFilter');
  const nameOk = compileNameFilter(optionalObject(body, 'attributeNameFilter'));
  const typeOk = compileTypeFilter(optionalArray(body, 'attributeFilter'));
  const nextPage = optionalObject(body, 'nextPage') ?? {};
  const limit = optionalCount(nextPage, 'limit');
  const token = optionalString(nextPage, 'nextPageToken');
  const offset = token ? decodePageToken('definitions', token) : 0;

  let all: Definition[];
  if (experimentIds === undefined) {
    all = projects.length === 1 && projects[0] ? definitionsOfProject(projects[0]) : distinctSorted(projects.flatMap(definitionsOfProject));
  } else {
    all = distinctSorted(definitionsOfRuns(runsOf(store, experimentIds, new Set(projectIds))));
  }
  const matching = all.filter((d) => typeOk(d.type) && nameOk(d.name));
  const end = limit === undefined ? matching.length : offset + limit;
  const entries = matching.slice(offset, end);
  // `nextPage` is required in the answer (§5.1); the token is present only while more entries remain.
  const answer: Json = {};
  if (limit !== undefined) answer.limit = limit;
  // A zero limit would page forever (the client asks again while pages are full, §5.1): no token then.
  if (end < matching.length && limit !== 0) answer.nextPageToken = encodePageToken('definitions', end);
  return { entries, nextPage: answer };
}
