// `POST /api/leaderboard/v1/proto/leaderboard/attributes/query` (neptune.md §6.2): the values of the named
// attributes of the named runs, answered as ProtoQueryAttributesResultDTO. Paging counts (run, attribute)
// values: a page holds at most `nextPage.limit` of them, and a run's values may continue on the next page.
import { compileNameFilter, compileTypeFilter, runsOf } from './attribute-definitions.ts';
import { attributeToProto, type ProtoObject } from './attribute-proto.ts';
import {
  optionalArray,
  optionalCount,
  optionalObject,
  optionalString,
  optionalStringArray,
  requireProject,
  type Json,
} from './http-util.ts';
import { decodePageToken, encodePageToken } from './page-token.ts';
import { stableUuid } from './search.ts';
import { attributeDefinitionsOf, attributeOf, type NeptuneStore, type StoredAttribute, type StoredRun } from './store.ts';

export interface ValuesSettings {
  /** Largest page whatever the client asks; safe because the client pages on the token alone (§6.2). */
  pageSizeCap?: number;
}

export function attributeValues(store: NeptuneStore, url: URL, body: Json, settings: ValuesSettings): ProtoObject {
  const project = requireProject(store, url.searchParams.get('projectIdentifier'));
  const experimentIds = optionalStringArray(body, 'experimentIdsFilter');
  const names = optionalStringArray(body, 'attributeNamesFilter');
  // The global-table path narrows with these instead of exact names (§6.2, last row).
  const nameOk = compileNameFilter(optionalObject(body, 'attributeNameFilter'));
  const typeOk = compileTypeFilter(optionalArray(body, 'attributeFilter'));
  const nextPage = optionalObject(body, 'nextPage') ?? {};
  const limit = Math.min(optionalCount(nextPage, 'limit') ?? Infinity, settings.pageSizeCap ?? Infinity);
  const token = optionalString(nextPage, 'nextPageToken');
  const offset = token ? decodePageToken('values', token) : 0;

  const runs: StoredRun[] =
    experimentIds === undefined ? project.runs.filter((r) => !r.trashed) : runsOf(store, experimentIds, new Set([project.id]));
  const uniqueNames = names === undefined ? undefined : [...new Set(names)];

  const entries: ProtoObject[] = [];
  let index = 0;
  let more = false;
  scan: for (const run of runs) {
    let attributes: ProtoObject[] | undefined;
    const runNames = uniqueNames ?? [...attributeDefinitionsOf(run)].map((d) => d.name);
    for (const name of runNames) {
      const a: StoredAttribute | undefined = attributeOf(run, name);
      if (!a || !typeOk(a.type) || !nameOk(name)) continue;
      if (index >= offset + limit) {
        more = true;
        break scan;
      }
      if (index >= offset) {
        if (!attributes) {
          attributes = [];
          entries.push({ experimentId: stableUuid(project.id, run.sysId), experimentShortId: run.sysId, attributes });
        }
        attributes.push(attributeToProto(name, a));
      }
      index += 1;
    }
  }
  const page: Json = {};
  if (Number.isFinite(limit)) page.limit = limit;
  // The client asks again while a token is present (§6.2), so a zero limit must not hand one out.
  if (more && limit > 0) page.nextPageToken = encodePageToken('values', offset + limit);
  return { entries, nextPage: page };
}
