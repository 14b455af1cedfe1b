// Temporary folders a test creates in the system temp folder, removed when the test (or suite) ends — passed
// or failed. `t.after(() => folders.removeAll())` in a test, `after(() => folders.removeAll())` in a suite.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export class TempFolders {
  private readonly made: string[] = [];

  /** A new empty folder named `<prefix>XXXXXX` in the system temp folder. */
  async make(prefix: string): Promise<string> {
    const folder = await mkdtemp(path.join(tmpdir(), prefix));
    this.made.push(folder);
    return folder;
  }

  async removeAll(): Promise<void> {
    await Promise.all(this.made.splice(0).map((f) => rm(f, { recursive: true, force: true, maxRetries: 3 })));
  }
}
