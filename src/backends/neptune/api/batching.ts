// How the official client cuts work into requests (`internal/retrieval/split.py`, neptune.md §5.2, §5.4, §6.2,
// §6.3). Sizes are estimates the client makes of the request body: 50 bytes per run id, the UTF-8 bytes of
// each attribute name.

/** Bytes the client counts for one run id (`_UUID_SIZE`). */
export const RUN_ID_SIZE = 50;

const utf8Length = (text: string): number => Buffer.byteLength(text, 'utf8');
const ceilDiv = (a: number, b: number): number => Math.floor((a + b - 1) / b);

/**
 * `split_sys_ids` (§5.4): at most `maxRequestSize / 50` ids per attribute-definitions request, spread evenly
 * (9 ids with room for 4 → 3, 3, 3).
 */
export function splitRunIds<T>(ids: readonly T[], maxRequestSize: number): T[][] {
  const perRequest = Math.max(Math.floor(maxRequestSize / RUN_ID_SIZE), 1);
  const batches = ceilDiv(ids.length, perRequest);
  if (batches === 0) return [];
  if (batches === 1) return [ids.slice()];
  const size = ceilDiv(ids.length, batches);
  const out: T[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}

/**
 * `split_attribute_names` (§5.2): exact names grouped greedily so that each group's UTF-8 total stays within
 * `maxFilterSize` (a single longer name still gets its own group).
 */
export function splitAttributeNames(names: readonly string[], maxFilterSize: number): string[][] {
  const out: string[][] = [];
  let group: string[] = [];
  let size = 0;
  for (const name of names) {
    const length = utf8Length(name);
    if (group.length > 0 && size + length > maxFilterSize) {
      out.push(group);
      group = [];
      size = 0;
    }
    group.push(name);
    size += length;
  }
  if (group.length > 0) out.push(group);
  return out;
}

/**
 * `split_sys_ids_attributes` (§6.2): attribute names are grouped first (≤ `valuesBatch` names and
 * ≤ `maxRequestSize - 50` bytes each); then runs are added to a batch while `runs × largest group ≤ valuesBatch`
 * and `50·runs + largest group bytes ≤ maxRequestSize`. Every run batch is paired with every name group.
 */
export function splitRunsAndAttributes<R>(
  runs: readonly R[],
  names: readonly string[],
  valuesBatch: number,
  maxRequestSize: number,
): { runs: R[]; names: string[] }[] {
  if (names.length === 0) return [];
  const groups: string[][] = [];
  let group: string[] = [];
  let groupSize = 0;
  for (const name of names) {
    const length = utf8Length(name);
    if (group.length > 0 && (group.length >= valuesBatch || groupSize + length > maxRequestSize - RUN_ID_SIZE)) {
      groups.push(group);
      group = [];
      groupSize = 0;
    }
    group.push(name);
    groupSize += length;
  }
  groups.push(group);
  const largestBytes = Math.max(...groups.map((g) => g.reduce((sum, n) => sum + utf8Length(n), 0)));
  const largestCount = Math.max(...groups.map((g) => g.length));

  const out: { runs: R[]; names: string[] }[] = [];
  let batch: R[] = [];
  let total = largestBytes;
  const flush = (): void => {
    for (const g of groups) out.push({ runs: batch, names: g });
  };
  for (const run of runs) {
    if (batch.length > 0 && ((batch.length + 1) * largestCount > valuesBatch || total + RUN_ID_SIZE > maxRequestSize)) {
      flush();
      batch = [];
      total = largestBytes;
    }
    batch.push(run);
    total += RUN_ID_SIZE;
  }
  if (batch.length > 0) flush();
  return out;
}

/**
 * Series requests (§6.3): (run, attribute) pairs in order, at most `seriesBatch` per request and at most
 * `maxRequestSize` bytes of attribute names.
 */
export function splitSeriesPairs<P extends { attribute: string }>(pairs: readonly P[], seriesBatch: number, maxRequestSize: number): P[][] {
  const out: P[][] = [];
  let batch: P[] = [];
  let size = 0;
  for (const pair of pairs) {
    const length = utf8Length(pair.attribute);
    if (batch.length > 0 && (batch.length >= seriesBatch || size + length > maxRequestSize)) {
      out.push(batch);
      batch = [];
      size = 0;
    }
    batch.push(pair);
    size += length;
  }
  if (batch.length > 0) out.push(batch);
  return out;
}

/** `requestId`s of a series request: indexes zero-padded to the width of the last one (§6.3). */
export function seriesRequestIds(count: number): string[] {
  const width = String(Math.max(count - 1, 0)).length;
  return Array.from({ length: count }, (_, i) => String(i).padStart(width, '0'));
}
