// The fewest requests each protocol allows for a scenario, with the official clients' batch and page sizes
// (wandb-artifacts.md §1, §5.1; neptune.md §4.4, §5.4, §6.2, §6.3, §7.1, §8.3; wandb.md §2.3, §6). Keys are the
// emulator's request-log labels, `<target> <endpoint>`.

/** neptune.md §8.3 defaults. */
const SEARCH_PAGE = 10_000;
const RUN_ID_BYTES = 50;
const MAX_REQUEST_SIZE = 220_000;
const ATTRIBUTE_VALUES_BATCH = 10_000;
const SERIES_PAIRS = 10_000;
const FILES_PER_SIGNING = 200;
/** The emulator's points per series per answer (test/emulators/neptune/series.ts, the real value is unknown, §13). */
const EMULATOR_SERIES_PAGE = 1000;
/** neptune.md §7.2: the Azure SDK's first ranged GET covers 32 MiB, later ones 4 MiB. */
const AZURE_FIRST = 32 * 1024 * 1024;
const AZURE_CHUNK = 4 * 1024 * 1024;

const ceilDiv = (a: number, b: number): number => Math.ceil(a / b);

/** §4.4: pages of 10,000; a full last page costs one more (empty) request. */
function searchPages(runs: number): number {
  return Math.floor(runs / SEARCH_PAGE) + 1;
}

/** Per search page: definitions requests (§5.4: ≤ 4,400 run ids each). */
function perPage(runs: number, perPageCost: (pageRuns: number) => number): number {
  let total = 0;
  for (let left = runs; left > 0; left -= SEARCH_PAGE) total += perPageCost(Math.min(left, SEARCH_PAGE));
  return total;
}

function storageRequests(files: number, fileSize: number, provider: 'gcp' | 'azure'): Record<string, number> {
  if (provider === 'gcp') return { 'storage blob': files };
  const perFile = fileSize <= AZURE_FIRST ? 1 : 1 + ceilDiv(fileSize - AZURE_FIRST, AZURE_CHUNK);
  return { 'azure blob': files * perFile };
}

/** S1: `runs` runs with one File-series attribute of `points` steps each. */
export function neptuneSeriesMinimum(runs: number, points: number, fileSize: number, provider: 'gcp' | 'azure'): Record<string, number> {
  const files = runs * points;
  return {
    'neptune-api oauth-token': 1,
    'neptune-api search': searchPages(runs),
    'neptune-api attribute-definitions': perPage(runs, (n) => ceilDiv(n, MAX_REQUEST_SIZE / RUN_ID_BYTES)),
    // One (run, attribute) pair per run; each request pages on while a series has more points.
    'neptune-api series': perPage(runs, (n) => ceilDiv(n, SERIES_PAIRS)) * Math.max(1, ceilDiv(points, EMULATOR_SERIES_PAGE)),
    'neptune-api signed-url': ceilDiv(files, FILES_PER_SIGNING),
    ...storageRequests(files, fileSize, provider),
  };
}

/** S3, S4: `runs` runs with one File attribute named `attribute`. */
export function neptuneFileMinimum(runs: number, attribute: string, fileSize: number, dryRun: boolean): Record<string, number> {
  // §6.2: runs per values request bounded by runs × names ≤ 10,000 and 50·runs + name bytes ≤ 220,000.
  const runsPerValues = Math.min(ATTRIBUTE_VALUES_BATCH, Math.floor((MAX_REQUEST_SIZE - Buffer.byteLength(attribute)) / RUN_ID_BYTES));
  const out: Record<string, number> = {
    'neptune-api oauth-token': 1,
    'neptune-api search': searchPages(runs),
    'neptune-api attribute-definitions': perPage(runs, (n) => ceilDiv(n, MAX_REQUEST_SIZE / RUN_ID_BYTES)),
    'neptune-api attribute-values': perPage(runs, (n) => ceilDiv(n, runsPerValues)),
  };
  if (!dryRun) Object.assign(out, { 'neptune-api signed-url': ceilDiv(runs, FILES_PER_SIGNING) }, storageRequests(runs, fileSize, 'gcp'));
  return out;
}

/** S2: one run named by id (the `Run` query, §2.1), its files listed `perPage` at a time (§2.3), each GET → 302 → storage. */
export function wandbFilesMinimum(files: number, perPage: number): Record<string, number> {
  return {
    'wandb-api Run': 1,
    'wandb-api RunFiles': Math.max(1, ceilDiv(files, perPage)),
    'wandb-api file': files,
    'storage blob': files,
  };
}

/**
 * S5: one run named by id (`runs/get`, mlflow.md §2.2), its root and its one folder listed through the proxied
 * service (§3.2, one level per request), one GET per file. The action also asks `experiments/get` once, for the
 * experiment's name in the manifest: one request above this minimum.
 */
export function mlflowArtifactsMinimum(files: number): Record<string, number> {
  return { 'mlflow-api runs/get': 1, 'mlflow-api mlflow-artifacts/list': 2, 'mlflow-api mlflow-artifacts/download': files };
}

/** A request for a file's bytes: storage hosts, and MLflow's download routes on the tracking server. */
function isStorageKey(key: string): boolean {
  return (
    key.startsWith('storage ') ||
    key.startsWith('azure ') ||
    key === 'mlflow-api mlflow-artifacts/download' ||
    key === 'mlflow-api get-artifact'
  );
}

/** The client's file-URL batch (wandb-artifacts.md §5.1). */
const FILE_URLS_PER_REQUEST = 5000;

/**
 * S6: one artifact version by name (wandb-artifacts.md §1): features, the lookup, the manifest's URL, its GET on
 * storage, file URLs in batches of 5000, then one storage GET per entry (the signed URL, no redirect).
 */
export function wandbArtifactMinimum(entries: number): Record<string, number> {
  return {
    'wandb-api ServerFeaturesQuery': 1,
    'wandb-api ArtifactMembershipByName': 1,
    'wandb-api FetchArtifactManifest': 1,
    'wandb-api GetArtifactMembershipFileUrls': Math.max(1, ceilDiv(entries, FILE_URLS_PER_REQUEST)),
    'storage blob': entries + 1,
  };
}

/** Sums the API part (everything but storage) of a per-endpoint record. */
export function apiTotal(counts: Record<string, number>): number {
  let n = 0;
  for (const [key, value] of Object.entries(counts)) if (!isStorageKey(key)) n += value;
  return n;
}

/** Storage GETs (gcp/aws/wandb storage, Azure, MLflow downloads). */
export function storageTotal(counts: Record<string, number>): number {
  let n = 0;
  for (const [key, value] of Object.entries(counts)) if (isStorageKey(key)) n += value;
  return n;
}
