// Fitting the downloads to the process's open-file limit. Each file in flight holds up to four descriptors (a
// connection to the tracker's API host, one to storage, its temporary file, and the previous file still being
// closed), on top of what Node itself keeps open; a low `ulimit -n` (64 on some self-hosted runners) would
// otherwise fail files with EMFILE. Linux says the limit in /proc/self/limits; elsewhere it is not read (the
// download pool still halves its workers on EMFILE).
import { readFileSync } from 'node:fs';

/** Descriptors a file in flight may hold. */
export const DESCRIPTORS_PER_FILE = 4;
/** Descriptors left for Node, the API connections of resolution and the manifest. */
export const DESCRIPTORS_RESERVED = 32;

/** The soft limit on open files, or undefined when it cannot be read or is unlimited. */
export function readOpenFileLimit(read: () => string = () => readFileSync('/proc/self/limits', 'utf8')): number | undefined {
  let text: string;
  try {
    text = read();
  } catch {
    return undefined;
  }
  const m = /^Max open files\s+(\d+|unlimited)\s/m.exec(text);
  return m === null || m[1] === 'unlimited' ? undefined : Number(m[1]);
}

/** The concurrency that fits `limit`: at most `requested`, at least 1. */
export function concurrencyWithin(requested: number, limit: number | undefined): number {
  if (limit === undefined) return requested;
  return Math.max(1, Math.min(requested, Math.floor((limit - DESCRIPTORS_RESERVED) / DESCRIPTORS_PER_FILE)));
}
