// Brings one planned file to its final path: the overwrite policy first, then attempts until the bytes are
// verified (length, and MD5 when the tracker or the storage gives one) and moved into place. What a failure
// means — retry after a back-off, renew the URL, end this file, or stop the run — is decided by
// failure-classes.ts; this module only carries it out, so every file ends with a result or a run-stopping error.
import path from 'node:path';
import type { Logger } from '../logger.ts';
import type { Source } from '../source.ts';
import { RetryBudget, sleep, type RetryPolicy } from '../http/retry-policy.ts';
import type { FileResult, OverwritePolicy, PlannedFile } from '../types.ts';
import { AttemptError } from './attempt-error.ts';
import { copyVerifiedTwin } from './content-twins.ts';
import { inspectExisting } from './existing-file.ts';
import { classifyFileFailure } from './failure-classes.ts';
import type { FolderMaker } from './folder-maker.ts';
import type { StagingArea } from './staging-area.ts';
import { fetchToFile, type FetchContext } from './storage-fetch.ts';

export interface FileDownloadContext extends FetchContext {
  source: Source;
  retry: RetryPolicy;
  overwrite: OverwritePolicy;
  folders: FolderMaker;
  staging: StagingArea;
  /** The process ran out of file descriptors: fewer files should be in flight. */
  onOutOfDescriptors?: () => void;
  /** Says each retry at debug level (the action shows it with ACTIONS_STEP_DEBUG). */
  log?: Logger;
}

/** Expired-URL renewals allowed per file on top of the retry budget (each renewal is also an attempt). */
const MAX_RENEWALS = 5;

/** Thrown (never returned) when the file met an error that stops the whole run; carries the file's result. */
export class RunStoppingError extends Error {
  readonly result: FileResult;
  constructor(error: Error, result: FileResult) {
    super(error.message, { cause: error });
    this.name = 'RunStoppingError';
    this.result = result;
  }
}

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
  const { file, finalPath, relativePath = '' } = planned;
  if (finalPath === undefined) {
    return { planned, status: 'failed', bytes: 0, attempts: 0, error: planned.rejected ?? 'no local path' };
  }
  // The tracker only points to this file: it is listed, never fetched (and no folder is made for it).
  if (file.reference !== undefined) return { planned, status: 'reference', bytes: 0, attempts: 0, error: file.reference.note };
  const budget = new RetryBudget(ctx.retry);

  try {
    const folder = path.dirname(finalPath);
    await ctx.folders.ensure(folder);
    // The layout gives every file of a run its own path, so in a folder this run created nothing can exist yet.
    const existing = ctx.folders.isFresh(folder)
      ? ({ kind: 'absent' } as const)
      : await inspectExisting(finalPath, file.size, ctx.overwrite === 'skip-existing' ? file.checksum : undefined);
    if (existing.kind === 'same' && ctx.overwrite === 'skip-existing') {
      return { planned, status: 'skipped', bytes: existing.bytes, md5: existing.md5, attempts: 0 };
    }
    if (existing.kind !== 'absent' && ctx.overwrite === 'error') {
      return {
        planned,
        status: 'failed',
        bytes: 0,
        attempts: 0,
        error: `a file already exists at '${relativePath}'; set overwrite to 'overwrite' or 'skip-existing', or clear the destination`,
      };
    }
  } catch (error) {
    // Before any request: a folder that cannot be made, a file in the way that cannot be read.
    const failure = classifyFileFailure(error, relativePath, ctx.signal.aborted);
    if (failure.scope === 'run') throw new RunStoppingError(failure.error, stopped(planned, budget, failure.error.message));
    return { planned, status: 'failed', bytes: 0, attempts: 0, error: failure.reason };
  }

  if (twinPath !== undefined) {
    const copied = await copyTwin(planned, finalPath, twinPath, ctx, budget);
    if (copied !== undefined) return copied;
  }

  let renew = false;
  let renewals = 0;
  /** The digest of bytes that failed verification: the same wrong bytes twice will not change on a third try. */
  let rejectedDigest: string | undefined;
  for (;;) {
    budget.begin();
    const tmp = ctx.staging.tempPath();
    try {
      const locator = await ctx.source.locate(file, renew);
      renew = false;
      const got = await fetchToFile(locator, tmp, ctx, file.checksum !== undefined, onReceived);
      const mismatch = verify(got, planned);
      if (mismatch !== undefined) {
        const repeated = got.md5 !== undefined && got.md5 === rejectedDigest;
        rejectedDigest = got.md5;
        throw new AttemptError(
          repeated ? 'fatal' : 'transient',
          repeated ? `${mismatch}; the storage sent the same bytes twice` : mismatch,
        );
      }
      await ctx.staging.moveIntoPlace(tmp, finalPath);
      return { planned, status: 'downloaded', bytes: got.bytes, md5: got.md5, attempts: budget.attemptCount };
    } catch (error) {
      await ctx.staging.remove(tmp);
      const failure = classifyFileFailure(error, relativePath, ctx.signal.aborted);
      if (failure.scope === 'run') throw new RunStoppingError(failure.error, stopped(planned, budget, failure.error.message));
      if (failure.retry === 'never') {
        return failure.status === 'missing'
          ? { planned, status: 'missing', bytes: 0, attempts: budget.attemptCount, error: failure.reason }
          : gaveUp(planned, budget, failure.reason);
      }
      if (failure.retry === 'renew' && renewals < MAX_RENEWALS) {
        renewals += 1;
        renew = true;
        ctx.log?.debug(`file '${relativePath}': attempt ${budget.attemptCount} failed (${failure.reason}); locating it again`);
        continue;
      }
      if (failure.retry === 'after-backoff' && failure.descriptors) ctx.onOutOfDescriptors?.();
      const wait = budget.next(failure.retry === 'after-backoff' ? failure.retryAfterMs : undefined);
      if (wait === undefined) return gaveUp(planned, budget, failure.reason);
      ctx.log?.debug(`file '${relativePath}': attempt ${budget.attemptCount} failed (${failure.reason}); retrying in ${wait} ms`);
      await sleep(wait, ctx.signal).catch((cancelled: unknown) => {
        const stop = classifyFileFailure(cancelled, relativePath, true);
        throw new RunStoppingError(stop.scope === 'run' ? stop.error : new Error(String(cancelled)), stopped(planned, budget, 'cancelled'));
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
  budget: RetryBudget,
): Promise<FileResult | undefined> {
  const tmp = ctx.staging.tempPath();
  try {
    const outcome = await copyVerifiedTwin(twinPath, tmp, planned);
    if (outcome.kind === 'unusable') {
      ctx.log?.debug(`file '${planned.relativePath ?? ''}': not copied from its twin (${outcome.why}); fetching it`);
      await ctx.staging.remove(tmp);
      return undefined;
    }
    await ctx.staging.moveIntoPlace(tmp, finalPath);
    return { planned, status: 'downloaded', bytes: outcome.bytes, ...(outcome.md5 === undefined ? {} : { md5: outcome.md5 }), attempts: 0 };
  } catch (error) {
    await ctx.staging.remove(tmp);
    const failure = classifyFileFailure(error, planned.relativePath ?? '', ctx.signal.aborted);
    if (failure.scope === 'run') throw new RunStoppingError(failure.error, stopped(planned, budget, failure.error.message));
    return { planned, status: 'failed', bytes: 0, attempts: 0, error: failure.reason };
  }
}

function stopped(planned: PlannedFile, budget: RetryBudget, why: string): FileResult {
  return { planned, status: 'failed', bytes: 0, attempts: budget.attemptCount, error: why };
}

function gaveUp(planned: PlannedFile, budget: RetryBudget, lastError: string): FileResult {
  const n = budget.attemptCount;
  return { planned, status: 'failed', bytes: 0, attempts: n, error: `gave up after ${n} attempt${n === 1 ? '' : 's'}: ${lastError}` };
}

/** Why the received bytes are not the file the tracker described, or undefined when they are. */
function verify(got: { bytes: number; md5?: string; storageMd5?: string }, planned: PlannedFile): string | undefined {
  const { size, checksum } = planned.file;
  if (size !== undefined && got.bytes !== size) return `received ${got.bytes} bytes, but the tracker says the file has ${size}`;
  if (checksum !== undefined && checksum.value !== got.md5) return `MD5 mismatch: the tracker says ${checksum.value}, received ${got.md5}`;
  // A tracker without checksums: the storage's own MD5 still catches bytes changed on the way.
  if (got.storageMd5 !== undefined && got.storageMd5 !== got.md5) {
    return `MD5 mismatch: the storage says ${got.storageMd5}, received ${got.md5}`;
  }
  return undefined;
}
