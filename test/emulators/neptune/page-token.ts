// Opaque paging tokens (definitions `nextPageToken`, values `nextPageToken`, series `searchAfter.token`). The
// client only echoes them (neptune.md §5.1, §6.2, §6.3), so they carry a position in a deterministic order,
// tagged with the endpoint so a token handed to the wrong endpoint is a 400 rather than a silent restart.
import { badRequest } from './http-util.ts';

export function encodePageToken(kind: string, offset: number): string {
  return Buffer.from(JSON.stringify({ k: kind, o: offset }), 'utf8').toString('base64url');
}

export function decodePageToken(kind: string, token: string): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('Invalid page token');
  }
  const p = parsed as { k?: unknown; o?: unknown } | null;
  if (typeof p !== 'object' || p === null || p.k !== kind || typeof p.o !== 'number' || !Number.isInteger(p.o) || p.o < 0) {
    throw badRequest('Invalid page token');
  }
  return p.o;
}
