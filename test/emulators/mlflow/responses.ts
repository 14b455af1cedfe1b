// How the MLflow server answers (mlflow.md §4.5, §9.2): JSON with `content-type: application/json`,
// `x-content-type-options: nosniff`, `x-frame-options: SAMEORIGIN` and a Content-Length; errors as
// `{"error_code", "message"}` with the status of their code; unknown API routes as an empty 404 and other
// unknown URLs as Flask's HTML 404; file downloads with the type MLflow guesses from the name.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pythonJson } from './python-json.ts';

export const SECURITY_HEADERS = { 'x-content-type-options': 'nosniff', 'x-frame-options': 'SAMEORIGIN' } as const;

/** §4.5: the status each error code is answered with. */
const STATUS_OF: Record<string, number> = {
  RESOURCE_DOES_NOT_EXIST: 404,
  NOT_FOUND: 404,
  ENDPOINT_NOT_FOUND: 404,
  INVALID_PARAMETER_VALUE: 400,
  BAD_REQUEST: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  PERMISSION_DENIED: 403,
  UNAUTHENTICATED: 401,
  NOT_IMPLEMENTED: 501,
  TEMPORARILY_UNAVAILABLE: 503,
  REQUEST_LIMIT_EXCEEDED: 429,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL_ERROR: 500,
};

/** An MlflowException on the server: its code decides the status. */
export class MlflowError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
  get status(): number {
    return STATUS_OF[this.code] ?? 500;
  }
}

export const invalidParameter = (message: string): MlflowError => new MlflowError('INVALID_PARAMETER_VALUE', message);
export const doesNotExist = (message: string): MlflowError => new MlflowError('RESOURCE_DOES_NOT_EXIST', message);

/** A success answer (MessageToJson, indent 2) or, with `compact`, an error body. */
export function sendJson(res: ServerResponse, status: number, value: unknown, compact = false): void {
  const body = pythonJson(value, compact ? undefined : 2);
  res.writeHead(status, { 'content-type': 'application/json', ...SECURITY_HEADERS, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

export function sendError(res: ServerResponse, error: MlflowError): void {
  sendJson(res, error.status, { error_code: error.code, message: error.message }, true);
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** §4.5: an unknown proto route (under /api/ or /ajax-api/) is an empty 404. */
export function sendEmpty404(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/html; charset=utf-8', 'content-length': '0' });
  res.end();
}

export function sendHtml404(res: ServerResponse): void {
  const body =
    '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n';
  res.writeHead(404, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/** The extensions MLflow serves as text/plain (`_guess_mime_type`); the extension-less MLmodel and MLproject too. */
const TEXT_EXTENSIONS = new Set([
  'txt',
  'log',
  'err',
  'cfg',
  'conf',
  'cnf',
  'cf',
  'ini',
  'properties',
  'prop',
  'hocon',
  'toml',
  'yaml',
  'yml',
  'xml',
  'json',
  'js',
  'py',
  'py3',
  'csv',
  'tsv',
  'md',
  'rst',
  'MLmodel',
  'mlproject',
]);
const KNOWN_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  svg: 'image/svg+xml',
  html: 'text/html',
  htm: 'text/html',
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/gzip',
  tar: 'application/x-tar',
  parquet: 'application/octet-stream',
};

/** §3.2 (recorded: `.csv`, `.md`, `.txt` → text/plain; `.bin` → application/octet-stream). */
export function guessMimeType(name: string): string {
  const base = name.split('/').pop() ?? name;
  const dot = base.lastIndexOf('.');
  const extension = dot <= 0 ? base : base.slice(dot + 1);
  if (TEXT_EXTENSIONS.has(extension)) return 'text/plain';
  return KNOWN_TYPES[extension.toLowerCase()] ?? 'application/octet-stream';
}

const MAX_BODY_BYTES = 1024 * 1024;

/** A request's JSON body, read leniently (§2.1): no body or not JSON is `{}`. */
export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw invalidParameter('Request body is too large.');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    throw invalidParameter('Malformed request: the body is not JSON.');
  }
}
