// The client's second way to an entry's bytes (wandb-artifacts.md §5.3): when the signed storage URL is refused
// (an expired signature), it GETs a download handler on the API host with the API key, which redirects to (or
// serves) the blob. The URL's form depends on the manifest's storage layout and the server's features.
import { Feature } from '../api/server-features.ts';
import type { VersionRef } from '../api/artifact-file-urls.ts';

export interface FallbackInput {
  /** The API base URL (`{base}`), without a trailing `/`. */
  baseUrl: string;
  ref: VersionRef;
  storageLayout: string;
  storageRegion: string;
  features: ReadonlySet<string>;
  entryPath: string;
  /** Base64 MD5 of the entry. */
  digest: string;
  birthArtifactId: string | null;
}

/** Python's `urllib.parse.quote(s)`: everything but letters, digits, `_.-~` and `/` is percent-encoded (UTF-8). */
export function pythonQuote(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9_.\-~/]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function fallbackUrl(input: FallbackInput): string {
  const hex = Buffer.from(input.digest, 'base64').toString('hex');
  const { entity, project, collection } = input.ref.path;
  const q = pythonQuote;
  if (input.storageLayout !== 'V2') return `${input.baseUrl}/artifacts/${q(entity)}/${q(hex)}`;
  const region = q(input.storageRegion);
  // The version that first uploaded the blob; a manifest without it can only mean this version.
  const birth = q(input.birthArtifactId ?? input.ref.id);
  const basename = q(input.entryPath.split('/').at(-1) ?? input.entryPath);
  if (input.features.has(Feature.v2HandlerWithArtifactId)) {
    return `${input.baseUrl}/artifactsV2/${region}/${q(entity)}/${q(project)}/${q(collection)}/${q(input.ref.id)}/${birth}/${hex}/${basename}`;
  }
  if (input.features.has(Feature.membershipFileHandler)) {
    return `${input.baseUrl}/artifactsV2/${region}/${q(entity)}/${q(project)}/${q(collection)}/${birth}/${hex}/${basename}`;
  }
  return `${input.baseUrl}/artifactsV2/${region}/${q(entity)}/${birth}/${hex}`;
}
