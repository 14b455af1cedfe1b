// Where unfinished downloads live: one folder per run at the top of the destination, `.def-tmp-<pid>-<random>`,
// renamed file by file into place once verified and removed when the run ends, however it ends. A run killed
// outright (kill -9, a runner that vanished) cannot clean up; the next run into the same destination removes
// the staging folders and manifest drafts of processes that no longer exist.
import { randomBytes } from 'node:crypto';
import { copyFile, lstat, mkdir, readdir, rename, rm, unlink } from 'node:fs/promises';
import path from 'node:path';

/** `.def-tmp-<pid>-<hex>` (a run's folder) or `.def-tmp-<pid>-<hex>.json` (a manifest being written). */
const STAGING_NAME = /^\.def-tmp-(\d+)-[0-9a-f]+(?:\.json)?$/;

export type LivenessCheck = (pid: number) => boolean;

/** Whether a process exists (EPERM: it does, but is not ours). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A name for this process's temporary things at the top of the destination. */
export function stagingName(suffix = ''): string {
  return `.def-tmp-${process.pid}-${randomBytes(4).toString('hex')}${suffix}`;
}

/**
 * Removes the staging folders and manifest drafts that processes which no longer exist left in `root`; returns
 * how many. A folder named after this very process is stale too (a pid reused after a kill, as in containers),
 * since this run has not made its own yet. A link is removed, never followed.
 */
export async function removeStaleStaging(root: string, exists: LivenessCheck = processExists): Promise<number> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const m = STAGING_NAME.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid !== process.pid && exists(pid)) continue;
    const entry = path.join(root, name);
    const info = await lstat(entry).catch(() => undefined);
    if (info === undefined) continue;
    await (info.isDirectory() ? rm(entry, { recursive: true, force: true }) : unlink(entry)).catch(() => undefined);
    removed += 1;
  }
  return removed;
}

export class StagingArea {
  readonly dir: string;
  private readonly live = new Set<string>();
  private counter = 0;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** Makes this run's staging folder in `root` (which must exist). */
  static async open(root: string): Promise<StagingArea> {
    const dir = path.join(root, stagingName());
    await mkdir(dir);
    return new StagingArea(dir);
  }

  /** A new temporary file's path (`.def-<n>.part`); it counts as live until moved into place or removed. */
  tempPath(): string {
    this.counter += 1;
    const tmp = path.join(this.dir, `.def-${this.counter.toString(16)}.part`);
    this.live.add(tmp);
    return tmp;
  }

  /**
   * Renames a verified temporary file to its final path (atomic: a reader sees the old file or the new one).
   * Across file systems (a mount inside the destination) it is copied next to the final path and renamed there.
   */
  async moveIntoPlace(tmp: string, finalPath: string): Promise<void> {
    try {
      await rename(tmp, finalPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      const beside = path.join(path.dirname(finalPath), stagingName('.part'));
      try {
        await copyFile(tmp, beside);
        await rename(beside, finalPath);
      } finally {
        await unlink(beside).catch(() => undefined);
      }
      await unlink(tmp).catch(() => undefined);
    }
    this.live.delete(tmp);
  }

  async remove(tmp: string): Promise<void> {
    this.live.delete(tmp);
    await unlink(tmp).catch(() => undefined);
  }

  /** Temporary files not yet moved into place or removed. */
  get liveCount(): number {
    return this.live.size;
  }

  /** Removes the staging folder and whatever is still in it. */
  async close(): Promise<void> {
    this.live.clear();
    await rm(this.dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
