// Planned files in download order as resolution produces them, so downloads start with the first page of a
// listing instead of after the last one (a W&B run of 10,000 files is 200 sequential pages at the client's 50).
import type { PlannedFile } from '../types.ts';

export class PlanQueue {
  readonly items: PlannedFile[] = [];
  private closed = false;
  private waiters: (() => void)[] = [];
  private readonly listeners: ((added: readonly PlannedFile[]) => void)[] = [];

  /** A closed queue holding `files`. */
  static of(files: readonly PlannedFile[]): PlanQueue {
    const queue = new PlanQueue();
    queue.push(files);
    queue.close();
    return queue;
  }

  push(files: readonly PlannedFile[]): void {
    if (this.closed) throw new Error('the plan queue is closed');
    if (files.length === 0) return;
    for (const file of files) this.items.push(file);
    for (const listener of this.listeners) listener(files);
    this.wake();
  }

  /** No more files will come. */
  close(): void {
    this.closed = true;
    this.wake();
  }

  /** Calls `listener` with the files already queued and with every later batch. */
  onAdd(listener: (added: readonly PlannedFile[]) => void): void {
    this.listeners.push(listener);
    if (this.items.length > 0) listener(this.items);
  }

  /**
   * Waits until the file at `index` exists (true), or the queue closed without it or `stopped()` turned true
   * (false). Whoever makes `stopped()` true calls interrupt() to wake the waiting.
   */
  async waitFor(index: number, stopped: () => boolean): Promise<boolean> {
    while (index >= this.items.length) {
      if (this.closed || stopped()) return false;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return !stopped();
  }

  /** Wakes every waitFor() so it can check its stop condition. */
  interrupt(): void {
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
