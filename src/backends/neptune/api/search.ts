// Finding the experiments or runs (neptune.md §4): the leaderboard search, projected on the label attribute and
// sys/id, default sorting, offset paging. The next page is requested while the caller works on the current one.
import { InputError, ServerError } from '../../../core/errors.ts';
import { PageGuard } from '../../../core/paging/page-guard.ts';
import type { NeptuneApi } from './neptune-api.ts';
import { decodeAnswer, SearchResultSchema } from './proto.ts';
import type { ProtoAttributeDTO, ProtoLeaderboardEntriesSearchResultDTO } from './proto/neptune_pb.ts';

export type ContainerMode = 'experiments' | 'runs';

export interface Container {
  /** `sys/id`, e.g. `DEMO-12`. */
  sysId: string;
  /** `sys/name` (experiments) or `sys/custom_run_id` (runs); undefined when the server sent none. */
  label: string | undefined;
}

export interface SearchOptions {
  mode: ContainerMode;
  /** Rendered NQL, or undefined for no query. */
  query: string | undefined;
  pageSize: number;
  /** Which inputs shaped the query, for the message when the server rejects it (400). */
  queryInputs: readonly string[];
}

export function labelAttribute(mode: ContainerMode): 'sys/name' | 'sys/custom_run_id' {
  return mode === 'experiments' ? 'sys/name' : 'sys/custom_run_id';
}

/** The JSON body of one search page (§4.1; key order as captured from the client). */
export function searchBody(options: SearchOptions, offset: number): Record<string, unknown> {
  return {
    attributeFilters: [{ path: labelAttribute(options.mode) }, { path: 'sys/id' }],
    // This flag, not NQL, is what tells experiments (head runs) from runs.
    experimentLeader: options.mode === 'experiments',
    pagination: { limit: options.pageSize, offset },
    ...(options.query === undefined ? {} : { query: { query: options.query } }),
    sorting: { sortBy: { name: 'sys/creation_time', type: 'datetime' }, dir: 'descending' },
  };
}

/**
 * The value of a projected attribute: the client reads only `string_properties.value` (§4.1). proto3 puts no empty
 * string on the wire, so '' is also what a missing value reads as: none.
 */
function stringValue(attribute: ProtoAttributeDTO): string | undefined {
  const value = attribute.stringProperties?.value;
  return value === '' ? undefined : value;
}

interface SearchPage {
  containers: Container[];
  /** `matching_item_count`; undefined when the server sent none (proto3 writes no 0). */
  total: number | undefined;
}

async function fetchPage(api: NeptuneApi, options: SearchOptions, offset: number): Promise<SearchPage> {
  const body = await api.post({
    endpoint: 'search',
    path: '/api/leaderboard/v1/proto/leaderboard/entries/search/',
    query: { projectIdentifier: api.project, type: 'run' },
    body: searchBody(options, offset),
    onBadRequest: (message) => {
      const [input, ...others] = options.queryInputs;
      if (input === undefined) return undefined;
      const also = others.length === 0 ? '' : ` (together with '${others.join("', '")}')`;
      const why = message === '' ? '' : `: ${message}`;
      return new InputError(input, `Neptune rejected the query built from it${also}${why}. Check the regex or filter syntax.`);
    },
  });
  let decoded: ProtoLeaderboardEntriesSearchResultDTO;
  try {
    decoded = decodeAnswer(SearchResultSchema, body);
  } catch (error) {
    throw new ServerError(`Neptune's search answer could not be decoded as protobuf (${(error as Error).message}).`);
  }
  const label = labelAttribute(options.mode);
  const containers: Container[] = [];
  for (const entry of decoded.entries) {
    const values = new Map(entry.attributes.map((a) => [a.name, stringValue(a)]));
    const sysId = values.get('sys/id');
    if (sysId === undefined || sysId === '') throw new ServerError('Neptune returned a search entry without sys/id.');
    containers.push({ sysId, label: values.get(label) });
  }
  const total = Number(decoded.matchingItemCount);
  return { containers, total: total > 0 ? total : undefined };
}

/**
 * Yields the matching containers page by page (§4.4): offset += page size while a page comes back full. Page
 * n+1 is already on its way while page n is being processed.
 */
export async function* searchContainers(api: NeptuneApi, options: SearchOptions): AsyncGenerator<Container[]> {
  const guard = new PageGuard('Neptune', `the ${options.mode} of the search`);
  let offset = 0;
  let pending = fetchPage(api, options, offset);
  for (;;) {
    const { containers: page, total } = await pending;
    const more = guard.nextOffset({ count: page.length, full: page.length >= options.pageSize, total });
    if (more) {
      offset += options.pageSize;
      pending = fetchPage(api, options, offset);
      // Kept for the next iteration; this only stops an unobserved rejection if the consumer quits early.
      pending.catch(() => {});
    }
    yield page;
    if (!more) return;
  }
}
