// What an error met while bringing one file to its path means, decided in one place (docs/reliability.md,
// "Failure classes"): it stops the whole run (nothing later can do better), or it ends this file alone, after
// more attempts or at once. Anything not known to stop the run ends the file alone: one bad file fails alone.
import { AuthenticationError, CancelledError, FilesystemError, redact, UserFacingError } from '../errors.ts';
import { isTransientNetworkError, networkErrorText } from '../http/network-errors.ts';
import { AttemptError } from './attempt-error.ts';

/** Codes that mean the disk (or a quota, or a file-size ulimit) is full. */
const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);
/** The process or the system ran out of file descriptors: other files finishing frees them. */
const OUT_OF_DESCRIPTORS = new Set(['EMFILE', 'ENFILE']);
/** A local path that cannot be written (a folder in its place, no permission, a name the file system refuses…). */
const LOCAL_PATH_CODES = new Set([
  'EISDIR',
  'ENOTDIR',
  'EACCES',
  'EPERM',
  'ENAMETOOLONG',
  'EEXIST',
  'ENOTEMPTY',
  'EINVAL',
  'EILSEQ',
  'ELOOP',
  'EROFS',
]);

export function isDiskFullError(error: unknown): boolean {
  return DISK_FULL_CODES.has(codeOf(error));
}

export type FileFailure =
  /** Stop the run: `error` is what the user is told. */
  | { scope: 'run'; error: UserFacingError }
  /**
   * Try this file again after a back-off (or the server's Retry-After), within its retry budget. `descriptors`:
   * the process ran out of file descriptors, so fewer files should be in flight at once.
   */
  | { scope: 'file'; retry: 'after-backoff'; reason: string; retryAfterMs?: number; descriptors?: true }
  /** The signed URL expired: locate the file again and retry at once (bounded renewals). */
  | { scope: 'file'; retry: 'renew'; reason: string }
  /** End this file now: `missing` when storage does not have it, else `failed`. */
  | { scope: 'file'; retry: 'never'; status: 'failed' | 'missing'; reason: string };

/**
 * `relativePath` names the file in messages; `signalAborted` says whether the run was cancelled (an abort
 * surfaces as many kinds of error).
 */
export function classifyFileFailure(error: unknown, relativePath: string, signalAborted: boolean): FileFailure {
  if (signalAborted || error instanceof CancelledError) return { scope: 'run', error: new CancelledError() };
  if (error instanceof UserFacingError && error.code === 'CANCELLED') return { scope: 'run', error };
  const code = codeOf(error);
  if (DISK_FULL_CODES.has(code)) {
    return {
      scope: 'run',
      error: new FilesystemError(
        `The disk is full (or a size limit was hit) while writing '${relativePath}'. Free space or choose another destination; nothing partial was kept.`,
        { cause: error },
      ),
    };
  }
  if (error instanceof AttemptError) {
    const reason = redact(error.message);
    switch (error.kind) {
      case 'refused':
        return {
          scope: 'run',
          error: new AuthenticationError(
            `${reason} while downloading '${relativePath}': the tracker refuses the credential, so the run stops. Check api-token.`,
          ),
        };
      case 'missing':
        return { scope: 'file', retry: 'never', status: 'missing', reason };
      case 'fatal':
        return { scope: 'file', retry: 'never', status: 'failed', reason };
      case 'expired':
        return { scope: 'file', retry: 'renew', reason };
      case 'transient':
        return {
          scope: 'file',
          retry: 'after-backoff',
          reason,
          ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
        };
    }
  }
  if (OUT_OF_DESCRIPTORS.has(code)) {
    return {
      scope: 'file',
      retry: 'after-backoff',
      reason: `too many open files (${code}): lower 'concurrency' or raise the open-file limit (ulimit -n)`,
      descriptors: true,
    };
  }
  if (isTransientNetworkError(error)) return { scope: 'file', retry: 'after-backoff', reason: `connection failed: ${messageOf(error)}` };
  if (LOCAL_PATH_CODES.has(code) || error instanceof FilesystemError) {
    return { scope: 'file', retry: 'never', status: 'failed', reason: `cannot write '${relativePath}': ${messageOf(error)}` };
  }
  // Everything else (a host that does not resolve, an unsupported URL scheme, headers over undici's limit, a bug)
  // would meet every attempt alike: this file fails now, with what happened.
  return { scope: 'file', retry: 'never', status: 'failed', reason: messageOf(error) };
}

/** The errno-style code of an error or of what caused it (our own UserFacingError codes are not errnos). */
function codeOf(error: unknown): string {
  if (error instanceof UserFacingError) return '';
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return code;
    current = current.cause;
  }
  return '';
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return redact(String(error));
  if (error instanceof UserFacingError) return redact(error.message);
  const code = (error as NodeJS.ErrnoException).code;
  const message = networkErrorText(error);
  const text = code !== undefined && !message.includes(code) ? `${code}: ${message}` : message;
  return redact(text);
}
