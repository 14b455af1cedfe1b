// Request bodies in, JSON/protobuf answers and Neptune-shaped errors out.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type protobuf from 'protobufjs';
import type { StoredProject } from './store.ts';
import { encodeMessage } from './wire-schema.ts';
import type { NeptuneStore } from './store.ts';

/** Request bodies above this are refused (413, a documented status, neptune.md §7.1); the client's are ≤ ~2 MB. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

/**
 * An error answer. The body is the API's `Error` model `{code, message, errorType?}` (neptune.md §2.2, §8.2);
 * `errorType: "ACCESS_DENIED"` is what makes the client raise NeptuneProjectInaccessible.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly errorType: string;
  constructor(status: number, errorType: string, message: string) {
    super(message);
    this.status = status;
    this.errorType = errorType;
  }
}

export const badRequest = (message: string): ApiError => new ApiError(400, 'BAD_REQUEST', message);

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

export function sendError(res: ServerResponse, error: ApiError): void {
  sendJson(res, error.status, { code: error.status, message: error.message, errorType: error.errorType });
}

/** The /proto/ endpoints answer raw protobuf bytes (neptune.md §1); the client ignores the content type. */
export function sendProto(res: ServerResponse, type: protobuf.Type, value: Record<string, unknown>): void {
  const bytes = encodeMessage(type, value);
  res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': String(bytes.length) });
  res.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, 'PAYLOAD_TOO_LARGE', 'Request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export type Json = Record<string, unknown>;

/**
 * The JSON object body every POST carries (`Content-Type: application/json`, neptune.md §1). A declared
 * non-JSON content type is refused with 415 as a Spring server would; a missing one is tolerated.
 */
export async function readJsonObject(req: IncomingMessage): Promise<Json> {
  const type = req.headers['content-type'];
  if (type !== undefined && !/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `Content type '${type}' not supported`);
  }
  const text = (await readBody(req)).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest('Malformed JSON request body');
  }
  if (!isObject(parsed)) throw badRequest('Request body must be a JSON object');
  return parsed;
}

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// Field readers: a present field of the wrong type is a 400, as the server's DTO binding would answer.

export function optionalObject(o: Json, key: string): Json | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw badRequest(`'${key}' must be an object`);
  return v;
}

export function optionalArray(o: Json, key: string): unknown[] | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw badRequest(`'${key}' must be an array`);
  return v;
}

export function optionalStringArray(o: Json, key: string): string[] | undefined {
  const list = optionalArray(o, key);
  if (list && !list.every((x) => typeof x === 'string')) throw badRequest(`'${key}' must be a list of strings`);
  return list as string[] | undefined;
}

export function optionalString(o: Json, key: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badRequest(`'${key}' must be a string`);
  return v;
}

export function optionalNumber(o: Json, key: string): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw badRequest(`'${key}' must be a number`);
  return v;
}

export function optionalCount(o: Json, key: string): number | undefined {
  const v = optionalNumber(o, key);
  if (v !== undefined && (!Number.isInteger(v) || v < 0)) throw badRequest(`'${key}' must be a non-negative integer`);
  return v;
}

export function optionalBoolean(o: Json, key: string): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw badRequest(`'${key}' must be a boolean`);
  return v;
}

/** The project named by a request: 404 PROJECT_NOT_FOUND / 403 ACCESS_DENIED as in neptune.md §8.2. */
export function requireProject(store: NeptuneStore, id: string | null | undefined): StoredProject {
  if (id === undefined || id === null || id === '') throw badRequest('projectIdentifier is required');
  const project = store.project(id);
  if (!project) throw new ApiError(404, 'PROJECT_NOT_FOUND', `Project ${id} not found`);
  if (project.inaccessible) throw new ApiError(403, 'ACCESS_DENIED', `You don't have access to project ${id}`);
  return project;
}
