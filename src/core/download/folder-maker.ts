// Creates the folders from the destination down to a file's folder, refusing to pass through a symlink: a link
// planted inside the destination must not redirect writes outside it. Verified folders are remembered, and the
// ones this run created are known to hold nothing older.
import { lstat, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { FilesystemError } from '../errors.ts';

export class FolderMaker {
  private readonly root: string;
  private readonly made = new Set<string>();
  /** Folders this run created: nothing was in them before, so no file there needs an existence check. */
  private readonly fresh = new Set<string>();
  private readonly pending = new Map<string, Promise<void>>();
  private rootReady: Promise<void> | undefined;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /**
   * The destination itself: the user's choice (it may be reached through links); it only has to be a folder.
   * Its failure stops the run (no file can be written), so callers make sure of it before any download.
   */
  ensureRoot(): Promise<void> {
    this.rootReady ??= mkdir(this.root, { recursive: true })
      .then(async () => {
        if (!(await stat(this.root)).isDirectory()) throw new FilesystemError(`The destination '${this.root}' is not a folder.`);
        this.made.add(this.root);
      })
      .catch((error: unknown) => {
        if (error instanceof FilesystemError) throw error;
        throw new FilesystemError(`Cannot create the destination '${this.root}': ${(error as Error).message}`, { cause: error });
      });
    return this.rootReady;
  }

  /**
   * Makes `dir` (inside the destination) and the folders above it, top down, one level at a time: a name
   * thousands of levels deep costs a loop, not a stack frame per level. Throws FilesystemError (or the file
   * system's error) for the file that needed it.
   */
  async ensure(dir: string): Promise<void> {
    const target = path.resolve(dir);
    if (this.made.has(target)) return;
    await this.ensureRoot();
    const rel = path.relative(this.root, target);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
      if (rel === '') return;
      throw new FilesystemError(`'${target}' is outside the destination.`);
    }
    let current = this.root;
    for (const segment of rel.split(path.sep)) {
      current = path.join(current, segment);
      if (this.made.has(current)) continue;
      await this.once(current);
    }
  }

  /** True when this run created `dir` (after ensure()): it held nothing before the run. */
  isFresh(dir: string): boolean {
    return this.fresh.has(path.resolve(dir));
  }

  /** Creates one level, shared by every file that needs it at the same time. */
  private once(target: string): Promise<void> {
    const running = this.pending.get(target);
    if (running) return running;
    const work = this.create(target).finally(() => this.pending.delete(target));
    this.pending.set(target, work);
    return work;
  }

  private async create(target: string): Promise<void> {
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
