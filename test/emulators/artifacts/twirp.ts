// Twirp's JSON flavour as the @actions/artifact client speaks it (github-actions.md §3.4): POST with a JSON body,
// JSON answers (the client JSON.parses every answer, errors included), and errors as {"code","msg"} with the
// status the Twirp spec gives each code. Field readers follow protojson: a field may arrive under its proto
// name (snake_case, what the client sends) or its lowerCamel JSON name, int64 as a decimal string or a number,
// wrapper types (StringValue, Int64Value) as bare values, Timestamp as an RFC 3339 string.
import type { IncomingMessage, ServerResponse } from 'node:http';

export type TwirpCode =
  | 'invalid_argument'
  | 'malformed'
  | 'unauthenticated'
  | 'permission_denied'
  | 'not_found'
  | 'bad_route'
  | 'already_exists'
  | 'failed_precondition'
  | 'resource_exhausted'
  | 'internal'
  | 'unavailable';

/** Twirp spec, "Error codes": the HTTP status each code travels with. */
const STATUS_OF: Record<TwirpCode, number> = {
  invalid_argument: 400,
  malformed: 400,
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  bad_route: 404,
  already_exists: 409,
  failed_precondition: 412,
  resource_exhausted: 429,
  internal: 500,
  unavailable: 503,
};

/** The code Twirp clients infer from a bare HTTP status (used when a fault names only a status). */
export function codeForStatus(status: number): TwirpCode {
  for (const [code, s] of Object.entries(STATUS_OF) as [TwirpCode, number][]) if (s === status) return code;
  return status >= 500 ? 'internal' : 'invalid_argument';
}

export class TwirpError extends Error {
  readonly code: TwirpCode;
  readonly status: number;
  constructor(code: TwirpCode, msg: string, status: number = STATUS_OF[code]) {
    super(msg);
    this.name = 'TwirpError';
    this.code = code;
    this.status = status;
  }
}

export type JsonObject = Record<string, unknown>;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendTwirpError(res: ServerResponse, error: TwirpError): void {
  sendJson(res, error.status, { code: error.code, msg: error.message });
}

const MAX_BODY_BYTES = 1024 * 1024;

/** Reads the request body; more than 1 MiB is a client bug here (the largest real request is a few hundred bytes). */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > MAX_BODY_BYTES) throw new TwirpError('malformed', `request body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function parseJsonObject(text: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new TwirpError('malformed', 'the request body is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TwirpError('malformed', 'the request body is not a JSON object');
  }
  return value as JsonObject;
}

function lowerCamel(protoName: string): string {
  return protoName.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** The value of a field under its proto name or its JSON name; null counts as absent (protojson). */
export function field(body: JsonObject, protoName: string): unknown {
  const value = body[protoName] ?? body[lowerCamel(protoName)];
  return value === null ? undefined : value;
}

export function stringField(body: JsonObject, protoName: string): string | undefined {
  const value = field(body, protoName);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new TwirpError('malformed', `${protoName} must be a string`);
  return value;
}

/** A string field whose default ('') the client omits; a required one that is missing or empty is an error. */
export function requiredString(body: JsonObject, protoName: string): string {
  const value = stringField(body, protoName);
  if (!value) throw new TwirpError('invalid_argument', `${protoName} is required`);
  return value;
}

/** int64 (and Int64Value): protojson sends a decimal string, and also accepts a JSON number. */
export function int64Field(body: JsonObject, protoName: string): bigint | undefined {
  const value = field(body, protoName);
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d{1,19}$/.test(value)) return BigInt(value);
  throw new TwirpError('malformed', `${protoName} must be an int64 (a decimal string)`);
}

export function int32Field(body: JsonObject, protoName: string): number | undefined {
  const value = field(body, protoName);
  if (value === undefined) return undefined;
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || Math.abs(n) > 2 ** 31) {
    throw new TwirpError('malformed', `${protoName} must be an int32`);
  }
  return n;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** google.protobuf.Timestamp in JSON: an RFC 3339 string (the client emits UTC with a `Z`). */
export function timestampField(body: JsonObject, protoName: string): Date | undefined {
  const value = field(body, protoName);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !RFC3339.test(value)) {
    throw new TwirpError('malformed', `${protoName} must be an RFC 3339 timestamp`);
  }
  return new Date(value);
}
