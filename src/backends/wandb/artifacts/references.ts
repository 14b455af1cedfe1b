// Reference entries (wandb-artifacts.md §5.4): a manifest entry with `ref` points at bytes W&B does not store.
// `http(s)` references are fetched here as the client fetches them (no credential) and checked against their
// ETag. Cloud references are fetched by the client with the cloud's SDK and the user's cloud credentials, which
// this action does not hold: they are listed with status `reference`, their URI and a note, never dropped.

export type ReferenceKind =
  | { kind: 'http'; url: string }
  /** Not fetched here; `note` says what it is and how to get it. */
  | { kind: 'elsewhere'; note: string };

/** §5.4: Azure blob URLs are matched before the plain https row. */
const AZURE_BLOB_HOST = /\.blob\.core\.windows\.net$/i;

export function classifyReference(ref: string): ReferenceKind {
  let url: URL | undefined;
  try {
    url = new URL(ref);
  } catch {
    url = undefined;
  }
  const scheme = url?.protocol ?? '';
  if ((scheme === 'http:' || scheme === 'https:') && url !== undefined) {
    if (AZURE_BLOB_HOST.test(url.hostname)) {
      return {
        kind: 'elsewhere',
        note: 'an Azure Blob Storage object, which the W&B client reads with the Azure SDK and your Azure credentials; fetch it with the Azure CLI (az storage blob download)',
      };
    }
    return { kind: 'http', url: ref };
  }
  switch (scheme) {
    case 's3:':
      return {
        kind: 'elsewhere',
        note: 'an S3 object, which the W&B client reads with boto3 and your AWS credentials; fetch it with `aws s3 cp`',
      };
    case 'gs:':
      return {
        kind: 'elsewhere',
        note: 'a Google Cloud Storage object, which the W&B client reads with your Google credentials; fetch it with `gcloud storage cp`',
      };
    case 'file:':
      return { kind: 'elsewhere', note: 'a path on the machine or shared drive that logged the artifact' };
    case 'wandb-artifact:':
      return { kind: 'elsewhere', note: 'an entry of another W&B artifact; download that artifact itself' };
    default:
      return { kind: 'elsewhere', note: 'a URI the W&B client cannot download either' };
  }
}

/**
 * §5.4 http row: the answer's ETag without its quotes (and a weak `W/` mark), or the final URL when there is
 * no ETag, must equal the entry's digest.
 */
export function referenceMatches(digest: string, etag: string | undefined, finalUrl: string): { ok: true } | { ok: false; got: string } {
  if (etag === undefined || etag.trim() === '')
    return finalUrl === digest ? { ok: true } : { ok: false, got: `no ETag (final URL ${finalUrl})` };
  const bare = etag.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
  return bare === digest ? { ok: true } : { ok: false, got: `ETag ${etag.trim()}` };
}
