// A version's manifest (wandb-artifacts.md §4): `FetchArtifactManifest` gives its signed storage URL, which is
// fetched without any credential (§1: the manifest GET never carries the key). The client gives up on a 4xx
// there; an expired signature is renewed here by asking for the URL again, a few times at most.
import { ServerError, redact } from '../../../core/errors.ts';
import type { ApiClient } from '../../../core/http/api-client.ts';
import { firstHeader } from '../../../core/http/headers.ts';
import { isObject, WANDB_USER_AGENT, type WandbGraphqlClient } from '../graphql/graphql-client.ts';
import { FETCH_ARTIFACT_MANIFEST_QUERY } from '../graphql/artifact-queries.ts';
import { unexpected } from '../graphql/relay-pages.ts';
import { parseManifest, type ArtifactManifest } from '../artifacts/manifest.ts';

/** Fresh URLs asked for after an expired one. */
const MAX_RENEWALS = 2;
const MAX_REDIRECTS = 3;

export async function fetchManifestUrl(gql: WandbGraphqlClient, artifactId: string, what: string): Promise<string> {
  const data = await gql.query('FetchArtifactManifest', FETCH_ARTIFACT_MANIFEST_QUERY, { id: artifactId });
  const artifact = isObject(data.artifact) ? data.artifact : undefined;
  const manifest = artifact && isObject(artifact.currentManifest) ? artifact.currentManifest : undefined;
  const file = manifest && isObject(manifest.file) ? manifest.file : undefined;
  // §4 step 1: the client's "Failed to fetch artifact manifest".
  if (file === undefined || typeof file.directUrl !== 'string' || file.directUrl === '') throw unexpected(what, 'no manifest URL');
  return file.directUrl;
}

export async function fetchManifest(gql: WandbGraphqlClient, api: ApiClient, artifactId: string, what: string): Promise<ArtifactManifest> {
  for (let renewal = 0; ; renewal += 1) {
    let url = await fetchManifestUrl(gql, artifactId, what);
    for (let hop = 0; ; hop += 1) {
      // ApiClient retries 429, 5xx and dropped connections; anything else comes back here.
      const res = await api.request({ endpoint: 'artifact-manifest', method: 'GET', url, headers: { 'User-Agent': WANDB_USER_AGENT } });
      const location = firstHeader(res.headers.location);
      if (res.status >= 300 && res.status < 400 && location !== undefined && hop < MAX_REDIRECTS) {
        url = new URL(location, url).toString();
        continue;
      }
      if (res.status >= 200 && res.status < 300) return parseManifest(res.body.toString('utf8'), what);
      const body = res.body.subarray(0, 2048).toString('utf8');
      const expired = res.status === 401 || res.status === 403 || (res.status === 400 && /expired/i.test(body));
      if (expired && renewal < MAX_RENEWALS) break;
      const code = /<Code>([^<]+)<\/Code>/.exec(body)?.[1];
      throw new ServerError(
        redact(
          `The manifest of W&B artifact ${what} could not be fetched from storage: HTTP ${res.status}${code ? ` (${code})` : ''}` +
            `${expired ? ' after asking for a fresh URL' : ''}${res.status === 404 ? '; the storage does not have it' : ''}.`,
        ),
        res.status,
      );
    }
  }
}
