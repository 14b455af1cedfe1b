// Files of one run that hold the same bytes (RemoteFile.contentKey: the same trusted digest and size) are fetched
// once. The first one to start is fetched as any file; its twins picked up meanwhile wait parked (they hold no
// worker), and once it is verified at its final path each twin is copied from there into its own temporary file,
// checked again and renamed into place. A twin that comes later is copied at once. When the first one fails, the
// next twin is fetched in its place.
import { constants } from 'node:fs';
import { copyFile, lstat } from 'node:fs/promises';
import type { PlannedFile } from '../types.ts';
import { md5Base64OfFile } from './existing-file.ts';

type TwinState<T> = { kind: 'fetching'; parked: T[] } | { kind: 'present'; path: string };

export class ContentTwins<T> {
  private readonly states = new Map<string, TwinState<T>>();

  /** Parks `twin` when a file with its key is being fetched now (true); false when the caller must handle it. */
  park(key: string, twin: T): boolean {
    const state = this.states.get(key);
    if (state?.kind !== 'fetching') return false;
    state.parked.push(twin);
    return true;
  }

  /** The final path of a verified file with this key, if one is on disk already. */
  present(key: string): string | undefined {
    const state = this.states.get(key);
    return state?.kind === 'present' ? state.path : undefined;
  }

  /** The caller fetches the file with this key; twins picked up meanwhile are parked until end(). */
  begin(key: string): void {
    if (this.states.get(key)?.kind !== 'present') this.states.set(key, { kind: 'fetching', parked: [] });
  }

  /**
   * The fetch ended: with the verified file's path (its twins will be copied from there), or undefined when it
   * failed (the next twin is fetched instead). Returns the twins parked meanwhile, for the caller to handle.
   */
  end(key: string, path: string | undefined): T[] {
    const state = this.states.get(key);
    const parked = state?.kind === 'fetching' ? state.parked : [];
    if (path === undefined) this.states.delete(key);
    else this.states.set(key, { kind: 'present', path });
    return parked;
  }
}

export type CopyOutcome = { kind: 'copied'; bytes: number; md5?: string } | { kind: 'unusable'; why: string };

/**
 * Copies the verified file at `from` to the temporary path `tmp` (a reflink where the file system can, else a
 * plain copy; never over an existing file) and checks the copy against the size and MD5 the tracker gave. The
 * source is not followed when it is a link. `unusable` means: fetch the file instead. Disk errors are thrown.
 */
export async function copyVerifiedTwin(from: string, tmp: string, planned: PlannedFile): Promise<CopyOutcome> {
  const info = await lstat(from).catch(() => undefined);
  if (info === undefined || !info.isFile()) return { kind: 'unusable', why: `'${from}' is no longer a regular file` };
  try {
    await copyFile(from, tmp, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'unusable', why: `'${from}' disappeared` };
    throw error;
  }
  const { size, checksum } = planned.file;
  const copied = await lstat(tmp);
  if (size !== undefined && copied.size !== size) return { kind: 'unusable', why: `the copy has ${copied.size} bytes, not ${size}` };
  if (checksum === undefined) return { kind: 'copied', bytes: copied.size };
  const md5 = await md5Base64OfFile(tmp);
  if (md5 !== checksum.value) return { kind: 'unusable', why: 'the copy does not have the MD5 the tracker gave' };
  return { kind: 'copied', bytes: copied.size, md5 };
}
