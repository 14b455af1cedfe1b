// Brings one planned file to its final path: the overwrite policy first, then attempts until the bytes are
// verified (length, and MD5 when the tracker gave one) and renamed into place. Expired URLs are renewed at
// once; transient failures wait (Retry-After or jittered back-off) within the retry budget.
import { rename } from 'node:fs/promises';
import path from 'node:path';
import type { Source } from '../source.ts';
import { AuthenticationError, CancelledError, FilesystemError, redact } from '../errors.ts';
import { type FolderMaker, inspectExisting, isDiskFullError, type TempFiles } from './local-files.ts';
import { RetryBudget, sleep, type RetryPolicy } from '../http/retry-policy.ts';
import { AttemptError } from './attempt-error.ts';
import { fetchToFile, type FetchContext } from './storage-fetch.ts';
import { copyVerifiedTwin } from './content-twins.ts';
import type { FileResult, OverwritePolicy, PlannedFile } from '../types.ts';

export interface FileDownloadContext extends FetchContext {
  source: Source;
  retry: RetryPolicy;
  overwrite: OverwritePolicy;
  folders: FolderMaker;
  temps: TempFiles;
}

/** Expired-URL renewals allowed per file on top of the retry budget (each renewal is also an attempt). */
const MAX_RENEWALS = 5;

/**
 * `onReceived` is called when an attempt has received every byte (the rest of that attempt is disk work: flush,
 * close, verify, rename), so the caller can start the next transfer meanwhile. It may be called again if the
 * bytes then fail verification and the file is fetched again.
 */
export async function downloadFile(
  planned: PlannedFile,
  ctx: FileDownloadContext,
  onReceived?: () => void,
  /** A verified file with the same bytes (RemoteFile.contentKey): copied instead of fetched, when it can be. */
  twinPath?: string,
): Promise<FileResult> {
  const { file, finalPath } = planned;
  if (finalPath === undefined) {
    return { planned, status: 'failed', bytes: 0, attempts: 0, error: planned.rejected ?? 'no local path' };
  }
  // The tracker only points to this file: it is listed, never fetched (and no folder is made for it).
  if (file.reference !== undefined) return { planned, status: 'reference', bytes: 0, attempts: 0, error: file.reference.note };
  const folder = path.dirname(finalPath);
  await ctx.folders.ensure(folder);

  // The layout gives every file of a run its own path, so in a folder this run created nothing can exist yet.
  const existing = ctx.folders.isFresh(folder)
    ? ({ kind: 'absent' } as const)
    : await inspectExisting(finalPath, file.size, ctx.overwrite === 'skip-existing' ? file.checksum : undefined);
  if (existing.kind !== 'absent') {
    if (ctx.overwrite === 'skip-existing' && existing.kind === 'same') {
      return { planned, status: 'skipped', bytes: existing.bytes, md5: existing.md5, attempts: 0 };
    }
    if (ctx.overwrite === 'error') {
      return {
        planned,
        status: 'failed',
        bytes: 0,
        attempts: 0,
        error: `a file already exists at '${planned.relativePath}'; set overwrite to 'overwrite' or 'skip-existing', or clear the destination`,
      };
    }
  }

  if (twinPath !== undefined) {
    const copied = await copyTwin(planned, finalPath, twinPath, ctx);
    if (copied !== undefined) return copied;
  }

  const budget = new RetryBudget(ctx.retry);
  let renew = false;
  let renewals = 0;
  for (;;) {
    if (ctx.signal.aborted) throw new CancelledError();
    budget.begin();
    const tmp = ctx.temps.create(finalPath);
    try {
      const locator = await ctx.source.locate(file, renew);
      renew = false;
      const got = await fetchToFile(locator, tmp, ctx, file.checksum !== undefined, onReceived);
      verify(got, planned);
      await rename(tmp, finalPath);
      ctx.temps.settled(tmp);
      return { planned, status: 'downloaded', bytes: got.bytes, md5: got.md5, attempts: budget.attemptCount };
    } catch (error) {
      await ctx.temps.remove(tmp);
      if (ctx.signal.aborted) throw new CancelledError();
      if (isDiskFullError(error)) throw diskFull(planned, error);
      if (isLocalFileError(error)) {
        // This file cannot be written (a folder in its place, no permission, a name the file system refuses):
        // its own failure, not the run's.
        const { code, message } = error as NodeJS.ErrnoException;
        return {
          planned,
          status: 'failed',
          bytes: 0,
          attempts: budget.attemptCount,
          error: `cannot write '${planned.relativePath}': ${code}: ${message}`,
        };
      }
      if (!(error instanceof AttemptError)) throw error;
      const lastError = redact(error.message);
      if (error.kind === 'missing') return { planned, status: 'missing', bytes: 0, attempts: budget.attemptCount, error: lastError };
      if (error.kind === 'fatal') return failed(planned, budget, lastError);
      if (error.kind === 'refused') {
        throw new AuthenticationError(
          `${lastError} while downloading '${planned.relativePath}': the tracker refuses the credential, so the run stops. Check api-token.`,
        );
      }
      if (error.kind === 'expired' && renewals < MAX_RENEWALS) {
        renewals += 1;
        renew = true;
        continue;
      }
      const wait = budget.next(error.retryAfterMs);
      if (wait === undefined) return failed(planned, budget, lastError);
      await sleep(wait, ctx.signal).catch(() => {
        throw new CancelledError();
      });
    }
  }
}

/** The file from its verified twin, or undefined when the copy cannot be used (then it is fetched). */
async function copyTwin(
  planned: PlannedFile,
  finalPath: string,
  twinPath: string,
  ctx: FileDownloadContext,
): Promise<FileResult | undefined> {
  const tmp = ctx.temps.create(finalPath);
  try {
    const outcome = await copyVerifiedTwin(twinPath, tmp, planned);
    if (outcome.kind === 'unusable') {
      await ctx.temps.remove(tmp);
      return undefined;
    }
    await rename(tmp, finalPath);
    ctx.temps.settled(tmp);
    return { planned, status: 'downloaded', bytes: outcome.bytes, ...(outcome.md5 === undefined ? {} : { md5: outcome.md5 }), attempts: 0 };
  } catch (error) {
    await ctx.temps.remove(tmp);
    if (isDiskFullError(error)) throw diskFull(planned, error);
    if (isLocalFileError(error)) {
      const { code, message } = error as NodeJS.ErrnoException;
      return { planned, status: 'failed', bytes: 0, attempts: 0, error: `cannot write '${planned.relativePath}': ${code}: ${message}` };
    }
    throw error;
  }
}

function diskFull(planned: PlannedFile, cause: unknown): FilesystemError {
  return new FilesystemError(
    `The disk is full (or a size limit was hit) while writing '${planned.relativePath}'. Free space or choose another destination; nothing partial was kept.`,
    { cause },
  );
}

const LOCAL_FILE_CODES = new Set(['EISDIR', 'ENOTDIR', 'EACCES', 'EPERM', 'ENAMETOOLONG', 'EEXIST', 'ENOTEMPTY', 'EINVAL', 'EILSEQ']);

function isLocalFileError(error: unknown): boolean {
  return error instanceof Error && !(error instanceof AttemptError) && LOCAL_FILE_CODES.has((error as NodeJS.ErrnoException).code ?? '');
}

function failed(planned: PlannedFile, budget: RetryBudget, lastError: string): FileResult {
  const n = budget.attemptCount;
  return { planned, status: 'failed', bytes: 0, attempts: n, error: `gave up after ${n} attempt${n === 1 ? '' : 's'}: ${lastError}` };
}

/** A transfer that delivered other bytes than the tracker described is a failed attempt, never a result. */
function verify(got: { bytes: number; md5?: string; storageMd5?: string }, planned: PlannedFile): void {
  const { size, checksum } = planned.file;
  if (size !== undefined && got.bytes !== size) {
    throw new AttemptError('transient', `received ${got.bytes} bytes, but the tracker says the file has ${size}`);
  }
  if (checksum !== undefined && checksum.value !== got.md5) {
    throw new AttemptError('transient', `MD5 mismatch: the tracker says ${checksum.value}, received ${got.md5}`);
  }
  // Neptune reports no checksum; the storage's own MD5 still catches bytes changed on the way.
  if (got.storageMd5 !== undefined && got.storageMd5 !== got.md5) {
    throw new AttemptError('transient', `MD5 mismatch: the storage says ${got.storageMd5}, received ${got.md5}`);
  }
}
