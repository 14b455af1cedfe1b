// Disk side of a download: folders created without following planted symlinks, temporary files that are
// always removed unless renamed into place, and the check that decides whether an existing file is the same.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, mkdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { FilesystemError } from '../errors.ts';
import type { Checksum } from '../types.ts';

/** Error codes that mean the disk (or a quota, or a ulimit) is full: stop everything, not just this file. */
const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

export function isDiskFullError(error: unknown): boolean {
  return DISK_FULL_CODES.has((error as NodeJS.ErrnoException | undefined)?.code ?? '');
}

/**
 * Creates the folders from the destination down to `dir`, refusing to pass through a symlink: a link planted
 * inside the destination must not redirect writes outside it. Verified folders are remembered.
 */
export class FolderMaker {
  private readonly root: string;
  private readonly made = new Set<string>();
  /** Folders this run created: nothing was in them before, so no file there needs an existence check. */
  private readonly fresh = new Set<string>();
  private readonly pending = new Map<string, Promise<void>>();

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  async ensure(dir: string): Promise<void> {
    const target = path.resolve(dir);
    if (this.made.has(target)) return;
    if (target === this.root) return this.ensureRoot();
    const rel = path.relative(this.root, target);
    if (rel.startsWith('..') || path.isAbsolute(rel)) throw new FilesystemError(`'${target}' is outside the destination.`);
    const running = this.pending.get(target);
    if (running) return running;
    const work = this.create(target).finally(() => this.pending.delete(target));
    this.pending.set(target, work);
    return work;
  }

  /** True when this run created `dir` (after ensure()): it held nothing before the run. */
  isFresh(dir: string): boolean {
    return this.fresh.has(path.resolve(dir));
  }

  /** The destination itself is the user's choice (it may be reached through links); it only has to be a folder. */
  private ensureRoot(): Promise<void> {
    const running = this.pending.get(this.root);
    if (running) return running;
    const work = mkdir(this.root, { recursive: true })
      .then(async () => {
        if (!(await stat(this.root)).isDirectory()) throw new FilesystemError(`The destination '${this.root}' is not a folder.`);
        this.made.add(this.root);
      })
      .catch((error: unknown) => {
        if (error instanceof FilesystemError) throw error;
        throw new FilesystemError(`Cannot create the destination '${this.root}': ${(error as Error).message}`, { cause: error });
      })
      .finally(() => this.pending.delete(this.root));
    this.pending.set(this.root, work);
    return work;
  }

  private async create(target: string): Promise<void> {
    const parent = path.dirname(target);
    if (parent !== target && !this.made.has(parent)) await this.ensure(parent);
    try {
      await mkdir(target);
      this.fresh.add(target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const info = await lstat(target);
    if (info.isSymbolicLink()) {
      throw new FilesystemError(
        `'${path.relative(this.root, target)}' in the destination is a symbolic link; refusing to write through it. Remove it or choose another destination.`,
      );
    }
    if (!info.isDirectory()) {
      throw new FilesystemError(`'${path.relative(this.root, target)}' in the destination is a file, but a folder is needed there.`);
    }
    this.made.add(target);
  }
}

/** Tracks temporary files so that a cancelled or failed run can remove every one of them. */
export class TempFiles {
  private readonly live = new Set<string>();
  /** Random per run, so runs never share names; a counter per file (cheaper than random bytes per file). */
  private readonly prefix = randomBytes(4).toString('hex');
  private counter = 0;

  /** A short, unique name beside the final path (short so a 255-byte final name still leaves room). */
  create(finalPath: string): string {
    this.counter += 1;
    const tmp = path.join(path.dirname(finalPath), `.def-${this.prefix}${this.counter.toString(16)}.part`);
    this.live.add(tmp);
    return tmp;
  }

  /** The temporary file became the final file. */
  settled(tmp: string): void {
    this.live.delete(tmp);
  }

  async remove(tmp: string): Promise<void> {
    this.live.delete(tmp);
    await unlink(tmp).catch(() => undefined);
  }

  async removeAll(): Promise<void> {
    await Promise.all([...this.live].map((tmp) => this.remove(tmp)));
  }

  get count(): number {
    return this.live.size;
  }
}

export async function md5Base64OfFile(file: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('base64');
}

export type ExistingState =
  | { kind: 'absent' }
  /** A regular file whose size (and checksum, when known) matches. */
  | { kind: 'same'; bytes: number; md5?: string }
  /** Something is there, but not a verified copy (different size or checksum, a link, a folder). */
  | { kind: 'different'; what: string };

/** What is at `finalPath` now, compared with what the tracker says the file is. Never follows a symlink. */
export async function inspectExisting(finalPath: string, size: number | undefined, checksum: Checksum | undefined): Promise<ExistingState> {
  let info;
  try {
    info = await lstat(finalPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    throw error;
  }
  if (info.isSymbolicLink()) return { kind: 'different', what: 'a symbolic link' };
  if (!info.isFile()) return { kind: 'different', what: 'not a regular file' };
  if (size !== undefined && info.size !== size) return { kind: 'different', what: `${info.size} bytes instead of ${size}` };
  if (checksum !== undefined) {
    const md5 = await md5Base64OfFile(finalPath);
    if (md5 !== checksum.value) return { kind: 'different', what: 'a different MD5' };
    return { kind: 'same', bytes: info.size, md5 };
  }
  return { kind: 'same', bytes: info.size };
}
