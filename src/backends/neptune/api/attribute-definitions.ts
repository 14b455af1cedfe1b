// Which attributes exist (neptune.md §5): the attribute-definitions query, filtered by name (exact names as an
// escaped regex, or the extended regex) and by type, optionally limited to some runs; token paging.
import { InputError, ServerError } from '../../../core/errors.ts';
import { PageGuard } from '../../../core/paging/page-guard.ts';
import type { NameSelector } from '../../../core/inputs/input-values.ts';
import { splitAttributeNames } from './batching.ts';
import type { NeptuneApi } from './neptune-api.ts';
import { parseExtendedRegex } from '../../../core/names/extended-regex.ts';
import { exactNamesRegex } from '../query/python-re-escape.ts';

export interface AttributeDefinition {
  name: string;
  /** Backend spelling (§5.3), e.g. `fileRef`. */
  type: string;
}

export interface NameFilterAlternative {
  mustMatchRegexes?: string[];
  mustNotMatchRegexes?: string[];
}

/** The `attributeNameFilter` body field: `{}` for all names. */
export interface AttributeNameFilter {
  mustMatchAny?: NameFilterAlternative[];
}

/**
 * `attributeNameFilter`s for a selector (§5.2), one per request: `[{}]` for all attributes; one filter with an
 * alternative per ` | ` branch for a regex; for exact names one `^(a|b)$` filter per ≤ `maxFilterSize`-byte group.
 */
export function attributeNameFilters(selector: NameSelector | undefined, maxFilterSize: number): AttributeNameFilter[] {
  if (selector === undefined) return [{}];
  if (selector.kind === 'names') {
    return splitAttributeNames(selector.names, maxFilterSize).map((group) => ({
      mustMatchAny: [{ mustMatchRegexes: [exactNamesRegex(group)] }],
    }));
  }
  const alternatives = parseExtendedRegex(selector.pattern).map((conjunction) => {
    const alternative: NameFilterAlternative = {};
    if (conjunction.positive.length > 0) alternative.mustMatchRegexes = conjunction.positive;
    if (conjunction.negated.length > 0) alternative.mustNotMatchRegexes = conjunction.negated;
    return alternative;
  });
  return [{ mustMatchAny: alternatives }];
}

export interface DefinitionsQuery {
  /** Run identifiers `ws/proj/<sys/id>`; undefined searches the whole project (type inference). */
  runIdentifiers?: readonly string[];
  nameFilter: AttributeNameFilter;
  /** Backend type names to match any of. */
  types: readonly string[];
  pageSize: number;
  /** The input to blame when the server rejects the name regex (400). */
  input: string;
}

interface DefinitionsAnswer {
  entries?: unknown;
  nextPage?: { nextPageToken?: unknown };
}

/** All definitions matching one filter, following `nextPage` tokens (§5.1). */
export async function fetchAttributeDefinitions(api: NeptuneApi, query: DefinitionsQuery): Promise<AttributeDefinition[]> {
  const out: AttributeDefinition[] = [];
  let token: string | undefined;
  const guard = new PageGuard('Neptune', 'the attribute definitions');
  for (;;) {
    const body: Record<string, unknown> = {
      projectIdentifiers: [api.project],
      attributeNameFilter: query.nameFilter,
      nextPage: token === undefined ? { limit: query.pageSize } : { limit: query.pageSize, nextPageToken: token },
      ...(query.runIdentifiers === undefined ? {} : { experimentIdsFilter: query.runIdentifiers }),
      attributeFilter: query.types.map((attributeType) => ({ attributeType })),
    };
    const answer = (await api.postJson({
      endpoint: 'attribute-definitions',
      path: '/api/leaderboard/v1/leaderboard/attributes/definitions/query',
      body,
      onBadRequest: (message) =>
        new InputError(query.input, `Neptune rejected the attribute name pattern${message === '' ? '' : `: ${message}`}.`),
    })) as DefinitionsAnswer | null;
    if (answer === null || typeof answer !== 'object' || !Array.isArray(answer.entries)) {
      throw new ServerError("Neptune's attribute-definitions answer has no 'entries' list.");
    }
    for (const entry of answer.entries as unknown[]) {
      const { name, type } = (entry ?? {}) as { name?: unknown; type?: unknown };
      if (typeof name === 'string' && typeof type === 'string') out.push({ name, type });
    }
    const next = answer.nextPage?.nextPageToken;
    // The client stops at an empty token or a short page (§5.1). (A missing `nextPage` is a parse error there;
    // here it just ends the listing.)
    const more = typeof next === 'string' && next !== '' && answer.entries.length >= query.pageSize;
    const cursor = guard.next({ count: answer.entries.length, cursor: more ? next : undefined, hasNextPage: more });
    if (cursor === undefined) return out;
    token = cursor;
  }
}
