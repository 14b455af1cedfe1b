// How to read a signed URL, per storage provider (neptune.md §7.2), and what a failed answer means. Storage
// requests carry no Neptune credentials: the signature is in the URL.
import type { FailureKind, Locator, StorageAnswer } from '../../../core/source.ts';
import type { SignedUrl } from '../api/storage-bridge.ts';

/** The Azure SDK's defaults: a 32 MiB first range, then 4 MiB chunks (§7.2, §13). */
const AZURE_FIRST_BYTES = 32 * 1024 * 1024;
const AZURE_CHUNK_BYTES = 4 * 1024 * 1024;
const AZURE_VERSION = '2021-08-06';

const isTransientStatus = (status: number): boolean => status === 408 || status === 429 || status >= 500;

function header(answer: StorageAnswer, name: string): string | undefined {
  const value = answer.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Azure: any 401, or 403 with code AuthenticationFailed/InvalidAuthenticationInfo (an expired SAS), is expiry. */
export function classifyAzure(answer: StorageAnswer): FailureKind {
  const { status } = answer;
  if (status === 404) return 'missing';
  if (status === 401) return 'expired';
  if (status === 403) {
    const code = header(answer, 'x-ms-error-code') ?? /<Code>([^<]*)<\/Code>/.exec(answer.body)?.[1];
    if (code === 'AuthenticationFailed' || code === 'InvalidAuthenticationInfo') return 'expired';
    // The SDK raises other 403s as generic HTTP errors, which the client retries with the same URL.
    return 'transient';
  }
  if (isTransientStatus(status)) return 'transient';
  return 'fatal';
}

/** An S3/GCS error body about an expired signature ("Request has expired", ExpiredToken, …). */
const EXPIRED_BODY = /request has expired|expiredtoken|<Code>AccessDenied<\/Code>[\s\S]*expired|signature[^<]*expired/i;

/**
 * GCS / S3 via a plain GET: 404 missing; 400 expired (the client's only renewal rule, GCS's expired V4 URL);
 * a 403 whose body says the request expired (S3) also renews; other 403s are retried as the client does.
 */
export function classifyPlain(answer: StorageAnswer): FailureKind {
  const { status } = answer;
  if (status === 404) return 'missing';
  if (status === 400) return 'expired';
  if (status === 403) return EXPIRED_BODY.test(answer.body) ? 'expired' : 'transient';
  if (isTransientStatus(status)) return 'transient';
  return 'fatal';
}

export function locatorFor(signed: SignedUrl): Locator {
  if (signed.provider === 'azure') {
    return {
      url: signed.url,
      headers: { 'x-ms-version': AZURE_VERSION },
      ranged: { firstBytes: AZURE_FIRST_BYTES, chunkBytes: AZURE_CHUNK_BYTES, header: 'x-ms-range' },
      classify: classifyAzure,
    };
  }
  return { url: signed.url, classify: classifyPlain };
}
