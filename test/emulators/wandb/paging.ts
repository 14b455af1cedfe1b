// Relay connections with opaque cursors (wandb.md §2.2/§2.3): `first` items after the `after` cursor, each
// edge with its own cursor, pageInfo.endCursor equal to the last edge's cursor.
import { GraphQLError } from 'graphql';

/** What a page holds when `first` is not given (the client always sends it; 50 is its default). */
export const DEFAULT_PAGE_SIZE = 50;

export interface Edge<T> {
  node: T;
  cursor: string;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: { startCursor: string | null; endCursor: string | null; hasNextPage: boolean; hasPreviousPage: boolean };
}

export function encodeCursor(kind: string, key: string): string {
  return Buffer.from(`${kind}:${key}`, 'utf8').toString('base64');
}

/** The key inside a cursor of this kind; a GraphQL error for anything else (a cursor is not an offset). */
export function decodeCursor(kind: string, cursor: string): string {
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  if (!text.startsWith(`${kind}:`) || encodeCursor(kind, text.slice(kind.length + 1)) !== cursor) {
    throw new GraphQLError(`invalid cursor ${JSON.stringify(cursor)}`);
  }
  return text.slice(kind.length + 1);
}

/** Page size asked for, capped by the server's maximum (the client then simply pages on). */
export function pageSize(first: number | null | undefined, maxPerPage: number): number {
  if (first === null || first === undefined) return Math.min(DEFAULT_PAGE_SIZE, maxPerPage);
  if (first < 0) throw new GraphQLError('first must not be negative');
  return Math.min(first, maxPerPage);
}

/** The page of `items` starting at index `start`. */
export function pageOf<T>(items: readonly T[], start: number, size: number, cursorOf: (item: T) => string): Connection<T> {
  const slice = items.slice(start, start + size);
  const edges = slice.map((node) => ({ node, cursor: cursorOf(node) }));
  return {
    edges,
    pageInfo: {
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
      hasNextPage: start + slice.length < items.length,
      hasPreviousPage: start > 0,
    },
  };
}

/** Pages `items` after an opaque cursor made of each item's key. */
export function pagedByKey<T, N>(
  items: readonly T[],
  kind: string,
  keyOf: (item: T) => string,
  args: { after?: string | null; first?: number | null },
  ctx: { maxPerPage: number },
  toNode: (item: T) => N,
): Connection<N> & { totalCount: number } {
  let start = 0;
  if (args.after) {
    const key = decodeCursor(kind, args.after);
    const at = items.findIndex((i) => keyOf(i) === key);
    if (at < 0) throw new GraphQLError(`cursor ${JSON.stringify(args.after)} does not point into this list`);
    start = at + 1;
  }
  const page = pageOf(items, start, pageSize(args.first, ctx.maxPerPage), (i) => encodeCursor(kind, keyOf(i)));
  return { totalCount: items.length, pageInfo: page.pageInfo, edges: page.edges.map((e) => ({ node: toNode(e.node), cursor: e.cursor })) };
}
