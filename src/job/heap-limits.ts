// Keeps the process's memory near what streaming downloads need. V8 sizes its young generation from the
// machine's memory (two semi-spaces of up to 64 MiB each on a runner with 16 GiB or more) and doubles it
// whenever enough objects survive scavenges, which a loop finishing thousands of small files a second keeps
// doing; the old generation then grows to several times its live size between full collections. Measured by
// bench/ (S1, 10,000 files): ~25 MiB live, 300+ MiB RSS, the same for a bare undici GET loop.
// Both flags are read by V8 whenever it resizes the heap, so setting them at start-up works; the flags that
// are fixed when the heap is created (--max-semi-space-size) cannot be passed, since the runner starts
// `node dist/index.js` itself.
import v8 from 'node:v8';

/** V8 major versions whose flag names were checked (Node 24 ships V8 13.6); elsewhere nothing is changed. */
const CHECKED_V8_MAJORS = new Set([13]);

export const HEAP_FLAGS = [
  // Keep the young generation at its initial size (1 MiB semi-spaces): scavenges stay short and frequent, and
  // garbage Buffers (every response chunk) are freed within a megabyte of allocation instead of 64.
  '--semi-space-growth-factor=1',
  // Let the old generation grow by half of what survived the last full collection before the next one (V8's
  // own factor goes up to 4×). 20% saved no more memory in S1 and made S4 (100,000 runs resolved) 30% slower.
  '--heap-growing-percent=50',
] as const;

/** Applies HEAP_FLAGS unless the V8 version is unchecked or the user opted out; says whether it did. */
export function limitHeapGrowth(env: NodeJS.ProcessEnv = process.env, v8Version: string = process.versions.v8): boolean {
  if (env.DOWNLOAD_EXPERIMENT_FILES_HEAP_LIMITS === 'off') return false;
  if (!CHECKED_V8_MAJORS.has(Number(v8Version.split('.')[0]))) return false;
  for (const flag of HEAP_FLAGS) v8.setFlagsFromString(flag);
  return true;
}
