// A failed attempt at one file, with what the retry loop should do about it. Sources throw it from `locate()`
// to fail one file without ending the job; the storage fetch throws it for an answer that is not the bytes.

/** How the downloader treats a failed attempt. */
export type FailureKind =
  /** The signed URL expired: ask the source to locate the file again (renew = true) and retry at once. */
  | 'expired'
  /** The blob does not exist: the file ends as `missing`. */
  | 'missing'
  /** Worth another attempt after a back-off (429, 5xx, resets…). */
  | 'transient'
  /** Will not get better by retrying. */
  | 'fatal'
  /** The tracker refuses our credential itself: no other file will do better, so the whole run stops. */
  | 'refused';

export class AttemptError extends Error {
  readonly kind: FailureKind;
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;
  constructor(kind: FailureKind, message: string, options: { status?: number; retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'AttemptError';
    this.kind = kind;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}
