// Paging as the SQL store does it (mlflow.md §2.2): `max_results` between 1 and 50,000, tokens that are base64
// of Python's `json.dumps({"offset": N})` (`{"offset": 1}`, with the space), and a token on every full page —
// also when nothing follows (recorded), so the page after it is empty and has none.
import { invalidParameter } from './responses.ts';

export const SEARCH_MAX_RESULTS_THRESHOLD = 50_000;

export function pageToken(offset: number): string {
  return Buffer.from(`{"offset": ${offset}}`, 'utf8').toString('base64');
}

export function offsetOf(token: unknown): number {
  if (token === undefined || token === null || token === '') return 0;
  if (typeof token !== 'string') throw invalidParameter('Invalid page token, could not base64-decode');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    throw invalidParameter('Invalid page token, decoded value=' + Buffer.from(token, 'base64').toString('latin1'));
  }
  const offset = typeof parsed === 'object' && parsed !== null ? (parsed as { offset?: unknown }).offset : undefined;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw invalidParameter(`Invalid page token, parsed value=${JSON.stringify(parsed)}`);
  }
  return offset;
}

export function maxResultsOf(value: unknown, fallback: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) {
    throw invalidParameter(`Invalid value for request parameter max_results. It must be a positive integer, but got ${String(value)}`);
  }
  if (n > SEARCH_MAX_RESULTS_THRESHOLD) {
    throw invalidParameter(
      `Invalid value for request parameter max_results. It must be at most ${SEARCH_MAX_RESULTS_THRESHOLD}, but got ${n}`,
    );
  }
  return n;
}

/** One page of `items` and the token for the next: present whenever the page is full. */
export function page<T>(items: readonly T[], token: unknown, maxResults: number): { items: T[]; next: string | undefined } {
  const offset = offsetOf(token);
  const slice = items.slice(offset, offset + maxResults);
  return { items: slice, next: slice.length === maxResults ? pageToken(offset + maxResults) : undefined };
}
