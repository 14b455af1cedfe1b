// What every MLflow route handler gets (mlflow.md): the request and its parsed URL, the store, the server's own base URL
// (with its path prefix) and the deployment knobs.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BlobSigner, FaultAction } from '../common/contracts.ts';
import type { MlflowStore } from './store.ts';

export interface MlflowServerOptions {
  /** The server is reached below this path (a reverse proxy at `/mlflow`); default none. */
  pathPrefix?: string;
  /** `mlflow server --no-serve-artifacts`: every mlflow-artifacts route answers 503 (§3.2). Default true. */
  serveArtifacts?: boolean;
  /** A newer server with the run-scoped presigned download route (§3.2). Default false (unknown route). */
  presignedDownloads?: boolean;
  /** What `GET /version` answers. */
  version?: string;
}

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  store: MlflowStore;
  signer: BlobSigner;
  /** `http://127.0.0.1:<port>[/prefix]`. */
  baseUrl: string;
  options: MlflowServerOptions;
  /** A body-level fault for a download route to apply while it streams (truncate, reset, chunked, empty…). */
  bodyFault: FaultAction | undefined;
}

/** A GET field, or a POST body field (§2.1: GET RPCs read the query string). */
export function field(ctx: RouteContext, body: Record<string, unknown> | undefined, name: string): unknown {
  if (body !== undefined && name in body) return body[name];
  const all = ctx.url.searchParams.getAll(name);
  if (all.length === 0) return undefined;
  return all.length === 1 ? all[0] : all;
}

export function stringList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map(String);
  return [String(value)];
}
