// A presigned download URL for one file of a run whose artifacts live in a cloud store (mlflow.md §3.2, newer
// servers: `POST /api/2.0/mlflow/artifacts/presigned-download-url`). The URL is fetched without MLflow
// credentials; the answer's `headers` go with it. A server without the route (an empty 404) or without support
// for the run's store (501 NOT_IMPLEMENTED) says "not offered", and the caller falls back to `/get-artifact`.
import { isObject, MlflowApiError, text, type MlflowRestClient } from './rest-client.ts';

export type Presigned = { kind: 'url'; url: string; headers: Record<string, string> } | { kind: 'not-offered'; reason: string };

export async function presignedDownloadUrl(client: MlflowRestClient, runId: string, path: string): Promise<Presigned> {
  try {
    const answer = await client.call({
      endpoint: 'artifacts/presigned-download-url',
      method: 'POST',
      path: '/api/2.0/mlflow/artifacts/presigned-download-url',
      body: { run_id: runId, path },
      what: `artifact '${path}' of run '${runId}'`,
    });
    const url = text(answer.presigned_url);
    if (url === undefined || !/^https?:\/\//i.test(url)) return { kind: 'not-offered', reason: 'the answer holds no http(s) URL' };
    return { kind: 'url', url, headers: headersOf(answer.headers) };
  } catch (error) {
    if (error instanceof MlflowApiError && [400, 404, 405, 501].includes(error.status ?? 0)) {
      return { kind: 'not-offered', reason: `HTTP ${error.status}${error.errorCode ? ` ${error.errorCode}` : ''}` };
    }
    throw error;
  }
}

/**
 * The headers to send with the URL. The field's exact shape is not in the text (§3.2 is from the pull request's
 * description): a map is read as is, and a list of `{name, value}` pairs is accepted too.
 */
function headersOf(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(value)) for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  if (Array.isArray(value))
    for (const h of value) if (isObject(h) && typeof h.name === 'string' && typeof h.value === 'string') out[h.name] = h.value;
  return out;
}
