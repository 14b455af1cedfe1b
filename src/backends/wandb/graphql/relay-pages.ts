// Relay-style connections as the official paginator reads them (wandb.md §2.2 "Pagination"): the next cursor
// is the LAST EDGE's cursor (not pageInfo.endCursor), and paging stops when pageInfo.hasNextPage is false.
import { ServerError } from '../../../core/errors.ts';
import { isObject } from './graphql-client.ts';

export interface RelayPage {
  nodes: unknown[];
  /** Cursor to ask for the page after this one. */
  cursor: string | undefined;
  hasNextPage: boolean;
}

export function readRelayPage(value: unknown, what: string): RelayPage {
  if (!isObject(value) || !Array.isArray(value.edges)) throw unexpected(what, 'no edges');
  const edges = value.edges as unknown[];
  const nodes = edges.map((edge) => (isObject(edge) ? edge.node : undefined));
  const last = edges.at(-1);
  const pageInfo = isObject(value.pageInfo) ? value.pageInfo : {};
  // §2.2: edges[-1].cursor; endCursor only as a fallback for a server that leaves edge cursors out.
  const lastCursor = isObject(last) && typeof last.cursor === 'string' ? last.cursor : undefined;
  const endCursor = typeof pageInfo.endCursor === 'string' ? pageInfo.endCursor : undefined;
  return { nodes, cursor: lastCursor ?? endCursor, hasNextPage: pageInfo.hasNextPage === true };
}

export function unexpected(what: string, why: string): ServerError {
  return new ServerError(`Unexpected answer from W&B for ${what}: ${why}.`);
}

/** A count the server reported (an Int, or a 64-bit integer printed as a string); undefined when it gave none. */
export function countOf(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}
