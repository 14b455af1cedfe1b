// Listing one folder of artifacts: through the proxied artifact service (mlflow.md §3.2: basenames, `is_dir`
// always, `file_size` only on files with bytes) or through the run-scoped tracking route (§3.1: run-relative
// paths, whatever store the run uses; paged where a server pages, though the open-source one never does).
import { PageGuard } from '../../../core/paging/page-guard.ts';
import { int64, isObject, MlflowApiError, text, type Json, type MlflowRestClient } from './rest-client.ts';

export interface ListedEntry {
  /** As the server wrote it: a basename (proxied) or a run-relative path (run-scoped). */
  path: string;
  isDir: boolean;
  /** Bytes; a file listed without `file_size` has 0 (§3.1). */
  size: number;
}

/** §3.2: a server started with --no-serve-artifacts answers 503 and says so; asking again cannot help. */
export function isArtifactServiceDisabled(status: number, body: Buffer | string): boolean {
  return status === 503 && /no-serve-artifacts/.test(body.toString());
}

export class ArtifactServiceDisabledError extends MlflowApiError {}

function entriesOf(answer: Json, what: string): ListedEntry[] {
  // §2.1: an empty folder, a file path and a missing path all answer `{}`.
  const files = Array.isArray(answer.files) ? answer.files : [];
  return files.map((f) => {
    if (!isObject(f) || typeof f.path !== 'string') {
      throw new MlflowApiError(`MLflow listed an entry without a path in ${what}.`, 200, undefined, '');
    }
    return { path: f.path, isDir: f.is_dir === true, size: f.is_dir === true ? 0 : (int64(f.file_size) ?? 0) };
  });
}

/** `GET <base>?path=<dir>` on the proxied service; `base` ends in `/api/2.0/mlflow-artifacts/artifacts`. */
export async function listProxied(client: MlflowRestClient, base: string, dir: string, what: string): Promise<ListedEntry[]> {
  try {
    const answer = await client.call({
      endpoint: 'mlflow-artifacts/list',
      method: 'GET',
      path: base,
      query: { path: dir },
      what,
      final: isArtifactServiceDisabled,
    });
    return entriesOf(answer, what);
  } catch (error) {
    if (error instanceof MlflowApiError && error.status === 503 && /no-serve-artifacts/.test(error.serverMessage)) {
      throw new ArtifactServiceDisabledError(
        `The tracking server does not serve artifacts (it runs with --no-serve-artifacts), so ${what} cannot be listed through it. Start it with --serve-artifacts, or give this tool a server that does.`,
        503,
        error.errorCode,
        error.serverMessage,
      );
    }
    throw error;
  }
}

/** `GET /api/2.0/mlflow/artifacts/list?run_id=&path=`, every page (§3.1). */
export async function listRunScoped(client: MlflowRestClient, runId: string, dir: string, what: string): Promise<ListedEntry[]> {
  const guard = new PageGuard('MLflow', what);
  const out: ListedEntry[] = [];
  let token: string | undefined;
  for (;;) {
    const answer = await client.call({
      endpoint: 'artifacts/list',
      method: 'GET',
      path: '/api/2.0/mlflow/artifacts/list',
      query: { run_id: runId, ...(dir === '' ? {} : { path: dir }), ...(token === undefined ? {} : { page_token: token }) },
      what,
    });
    const page = entriesOf(answer, what);
    out.push(...page);
    const next = text(answer.next_page_token);
    token = guard.next({ count: page.length, cursor: next, hasNextPage: next !== undefined && next !== '' });
    if (token === undefined) return out;
  }
}
