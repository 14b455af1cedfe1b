// Progress for logs: counts as files finish, and decides when a line is worth printing — every file for a
// small job, otherwise at most one line per interval (and the last one), so big jobs do not flood the log.
import type { FileResult } from '../types.ts';

export interface ProgressSnapshot {
  done: number;
  total: number;
  bytes: number;
  downloaded: number;
  skipped: number;
  missing: number;
  failed: number;
  reference: number;
  elapsedMs: number;
}

export class ProgressCounter {
  private readonly snapshot: ProgressSnapshot;
  private readonly startedAt: number;
  private lastLineAt = 0;
  private readonly everyFileUpTo: number;
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(total: number, options: { everyFileUpTo?: number; intervalMs?: number; now?: () => number } = {}) {
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    this.everyFileUpTo = options.everyFileUpTo ?? 20;
    this.intervalMs = options.intervalMs ?? 5000;
    this.snapshot = { done: 0, total, bytes: 0, downloaded: 0, skipped: 0, missing: 0, failed: 0, reference: 0, elapsedMs: 0 };
  }

  /** More files were resolved while downloads went on. */
  setTotal(total: number): void {
    this.snapshot.total = total;
  }

  /** Counts a finished file; returns a snapshot when a progress line is due. */
  add(result: FileResult): ProgressSnapshot | undefined {
    const s = this.snapshot;
    s.done += 1;
    if (result.status !== 'planned') s[result.status] += 1;
    if (result.status === 'downloaded') s.bytes += result.bytes;
    const now = this.now();
    s.elapsedMs = now - this.startedAt;
    const due = s.total <= this.everyFileUpTo || s.done === s.total || now - this.lastLineAt >= this.intervalMs;
    if (!due) return undefined;
    this.lastLineAt = now;
    return { ...s };
  }
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${Math.round(bytes)} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export function formatProgress(s: ProgressSnapshot): string {
  const seconds = Math.max(s.elapsedMs / 1000, 0.001);
  const rate = formatBytes(s.bytes / seconds);
  const parts = [`${s.done}/${s.total} files`, `${formatBytes(s.bytes)} downloaded`, `${rate}/s`];
  if (s.skipped) parts.push(`${s.skipped} skipped`);
  if (s.missing) parts.push(`${s.missing} missing`);
  if (s.failed) parts.push(`${s.failed} failed`);
  if (s.reference) parts.push(`${s.reference} references not downloaded`);
  return parts.join(', ');
}
