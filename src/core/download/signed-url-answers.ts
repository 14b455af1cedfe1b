// What a failed answer to a presigned (signed) storage URL means, for sources that hand the downloader such URLs
// (GCS V4 and S3 SigV4 signatures): 404 the object is gone; 408/429/5xx try again; 401/403, and GCS's 400
// `ExpiredToken`, mean the signature expired or was revoked, so the source must give a new URL; anything else
// will not get better.
import { isRetryableStatus } from '../http/retry-policy.ts';
import type { FailureKind } from './attempt-error.ts';

export interface FailedAnswer {
  status: number;
  /** The first KiB of the error body. */
  body: string;
}

export function classifySignedUrlAnswer(answer: FailedAnswer): FailureKind {
  const { status } = answer;
  if (status === 404) return 'missing';
  if (isRetryableStatus(status)) return 'transient';
  if (status === 401 || status === 403) return 'expired';
  if (status === 400 && /expired/i.test(answer.body)) return 'expired';
  return 'fatal';
}
