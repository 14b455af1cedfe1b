// Types shared by every emulator part: the declarative fixture, blob contents, fault rules, the request log
// and the storage signer. The Neptune API, the W&B API, the MLflow tracking server, the storage endpoint and
// Azurite glue are written against these, so one fixture file and one fault interface drive every tracker.
import type { IncomingMessage, ServerResponse } from 'node:http';

// ---------------------------------------------------------------- fixture

/** Bytes of a blob: literal, or generated deterministically (large files are streamed, never stored). */
export type Content =
  | { text: string }
  | { base64: string }
  /** Deterministic pseudo-random bytes of `size`, derived from `seed` (default: the blob key). */
  | { generate: { size: number; seed?: string } }
  /** Listed by the tracker, but the storage has no such blob (answers 404 the provider's way). */
  | { missing: true; size?: number };

export type StorageProvider = 'azure' | 'gcp' | 'aws';

export interface NeptuneFileValue {
  content: Content;
  mimeType: string;
  /** Storage path; default derived from project/run/attribute. */
  path?: string;
}

export interface NeptuneSeriesPoint extends NeptuneFileValue {
  step: number;
  timestampMillis?: number;
}

export type NeptuneAttribute =
  | { type: 'string'; value: string }
  | { type: 'float'; value: number }
  | { type: 'int'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'datetime'; value: string }
  | { type: 'stringSet'; value: string[] }
  | { type: 'floatSeries'; points: { step: number; value: number }[] }
  | ({ type: 'fileRef' } & NeptuneFileValue)
  | { type: 'fileRefSeries'; points: NeptuneSeriesPoint[] };

export interface NeptuneRun {
  /** `sys/id`, e.g. `DEMO-1`. */
  sysId: string;
  /** `sys/custom_run_id`. */
  customRunId: string;
  /** `sys/name`: the experiment this run belongs to. */
  experimentName: string;
  /** Head run of its experiment (what `experimentLeader=true` returns). Default: the newest run of the name. */
  isHead?: boolean;
  /** ISO time for `sys/creation_time`. */
  creationTime: string;
  tags?: string[];
  failed?: boolean;
  trashed?: boolean;
  /** Other attributes by path (sys/* ones above are generated). */
  attributes: Record<string, NeptuneAttribute>;
}

export interface NeptuneProject {
  /** `workspace/project`. */
  id: string;
  provider: StorageProvider;
  runs: NeptuneRun[];
  /** Generated runs appended to `runs` (benchmarks): `count` runs with one file attribute each. */
  generatedRuns?: { count: number; prefix: string; attribute: string; fileSize: number; mimeType: string };
}

export interface NeptuneFixture {
  /** The secret part of the API token (`api_key`). */
  apiKey: string;
  projects: NeptuneProject[];
  /** Access-token lifetime in seconds (short values exercise refresh). Default 3600. */
  accessTokenTtlSeconds?: number;
}

export interface WandbFile {
  /** Run-relative POSIX path, e.g. `media/images/x.png`. */
  name: string;
  content: Content;
  mimetype?: string;
  /** Override the MD5 the API reports (to test a mismatch); default: base64 MD5 of the real bytes. */
  md5?: string;
  /** Override the reported size. */
  sizeBytes?: number;
}

export interface WandbRun {
  /** Run id (GraphQL `name`), e.g. `a1b2c3d4`. */
  id: string;
  displayName: string;
  state: 'running' | 'finished' | 'crashed' | 'failed' | 'killed';
  createdAt: string;
  tags?: string[];
  group?: string;
  jobType?: string;
  config?: Record<string, unknown>;
  summary?: Record<string, unknown>;
  files: WandbFile[];
  /** Generated files appended to `files` (benchmarks). */
  generatedFiles?: { count: number; prefix: string; size: number; mimetype: string };
}

/**
 * An entry of an artifact version (wandb-artifacts.md §4). A stored entry has `content` (its blob is stored under
 * its MD5, shared with every entry of the same bytes). A reference has `ref`: `http` is served by the emulator's
 * reference host at that path with an ETag of the content's hex MD5, which the manifest records as the digest;
 * `uri` (s3://, gs://, file://…) is only recorded.
 */
export interface WandbArtifactEntry {
  path: string;
  content?: Content;
  ref?: { http: string; content: Content; recordedDigest?: string } | { uri: string; digest: string; size?: number };
  /** The digest the manifest records, instead of the bytes' MD5 (a manifest that disagrees with its blob). */
  digest?: string;
  /** Left out of the file-URL listing (§5.1: the client then skips the entry silently). */
  unlisted?: boolean;
  /** `extra.alg` of the entry (newer clients write `XXH128`); give `digest` with it, the emulator hashes MD5 only. */
  algorithm?: string;
}

export interface WandbArtifactVersion {
  entries: WandbArtifactEntry[];
  /** Aliases besides `v<N>`; `latest` is moved to the newest committed version unless a version names it. */
  aliases?: string[];
  /** Default `COMMITTED`; a `PENDING` version is a draft (§2.4). */
  state?: 'COMMITTED' | 'PENDING' | 'DELETED';
  createdAt?: string;
  description?: string;
  metadata?: Record<string, unknown>;
  /** The run (id) that logged this version: its `outputArtifacts`. */
  loggedBy?: string;
  /** Runs (ids) that used it: their `inputArtifacts`. */
  usedBy?: string[];
  /** `storagePolicyConfig.storageLayout` (default `V2`). */
  storageLayout?: 'V1' | 'V2';
  /** Generated stored entries appended to `entries` (benchmarks): `<prefix><i>`, `size` bytes each. */
  generatedEntries?: { count: number; prefix: string; size: number };
}

export interface WandbArtifactCollection {
  name: string;
  type: string;
  description?: string;
  /** Version N is `versions[N]`. */
  versions: WandbArtifactVersion[];
}

export interface WandbProject {
  entity: string;
  name: string;
  runs: WandbRun[];
  artifacts?: WandbArtifactCollection[];
}

export interface WandbFixture {
  /** The API key (40+ characters after an optional `prefix-`, as the official client checks). */
  apiKey: string;
  /** The viewer's default entity. */
  viewerEntity: string;
  projects: WandbProject[];
}

/** One artifact file of an MLflow run, by its run-relative POSIX path (`model/MLmodel`). */
export interface MlflowArtifact {
  path: string;
  content: Content;
}

export interface MlflowMetric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

/**
 * Where a run's artifacts live (mlflow.md §3.4): the proxied service (`mlflow-artifacts:/<exp>/<run>/artifacts`,
 * the default); the same service named by an `http://…/api/2.0/mlflow-artifacts/artifacts/…` URI; or another
 * store (`s3://…`) the server reads itself — `readable: false` makes its listing fail as for a server without
 * the store's credentials, `presigned: true` lets the server hand out presigned URLs for it.
 */
export type MlflowArtifactStore =
  { kind: 'proxied' } | { kind: 'http' } | { kind: 'store'; uri: string; readable?: boolean; presigned?: boolean };

export interface MlflowRun {
  /** 32 hexadecimal characters, as the server makes them. */
  runId: string;
  runName: string;
  experimentId: string;
  userId?: string;
  status?: 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
  startTime: number;
  endTime?: number;
  lifecycleStage?: 'active' | 'deleted';
  /** Latest value of each metric, in the order the answer lists them. */
  metrics?: MlflowMetric[];
  params?: Record<string, string>;
  /** Tags besides `mlflow.runName` (added last, as the server lists it). */
  tags?: Record<string, string>;
  artifacts: MlflowArtifact[];
  /** Folders without files (listed, nothing to download). */
  emptyFolders?: string[];
  /**
   * Names a listing of `folder` returns besides the real entries, verbatim, as a broken or hostile server would
   * (`..`, `/etc/passwd`); they hold no bytes.
   */
  listedOnly?: { folder: string; name: string; isDir?: boolean; size?: number }[];
  /** Generated files appended to `artifacts` (benchmarks): `<prefix><i>`, i zero-padded. */
  generatedArtifacts?: { count: number; prefix: string; size: number };
  store?: MlflowArtifactStore;
}

export interface MlflowExperiment {
  experimentId: string;
  name: string;
  lifecycleStage?: 'active' | 'deleted';
  creationTime: number;
  lastUpdateTime?: number;
  tags?: Record<string, string>;
}

export interface MlflowModelVersion {
  version: number;
  /** The run it was registered from; `source` defaults to `runs:/<runId>/model`. */
  runId?: string;
  source?: string;
  /** What get-download-uri answers when set (else `source`). */
  storageLocation?: string;
  aliases?: string[];
  stage?: 'None' | 'Staging' | 'Production' | 'Archived';
  status?: 'READY' | 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION';
  creationTimestamp: number;
  lastUpdatedTimestamp?: number;
  description?: string;
}

export interface MlflowRegisteredModel {
  name: string;
  creationTimestamp: number;
  lastUpdatedTimestamp?: number;
  versions: MlflowModelVersion[];
}

export interface MlflowFixture {
  experiments: MlflowExperiment[];
  runs: MlflowRun[];
  models?: MlflowRegisteredModel[];
  /**
   * Authentication in front of the API: the built-in basic-auth app (users and passwords; 401 with
   * `WWW-Authenticate: Basic realm="mlflow"`), or a proxy that checks a Bearer token. None by default.
   */
  auth?: { basic: { username: string; password: string }[] } | { bearer: string };
}

export interface Fixture {
  neptune?: NeptuneFixture;
  wandb?: WandbFixture;
  mlflow?: MlflowFixture;
}

// ---------------------------------------------------------------- faults

/** `reference`: the host that serves W&B artifacts' http(s) reference entries. */
export type FaultTarget = 'neptune-api' | 'wandb-api' | 'mlflow-api' | 'storage' | 'azure' | 'reference';

export type FaultAction =
  /** Answer with this status (and Retry-After, seconds or HTTP-date, and body) instead of the real answer. */
  | { kind: 'status'; status: number; retryAfter?: string; body?: string; headers?: Record<string, string> }
  /** Destroy the socket after sending headers and `afterBytes` of the body (0: before any body byte). */
  | { kind: 'reset'; afterBytes?: number }
  /** Send a Content-Length for the full body but only `bytes` of it, then end the socket. */
  | { kind: 'truncate'; bytes: number }
  /** Send headers (and `afterBytes` of body), then stall for `ms` before continuing. */
  | { kind: 'stall'; ms: number; afterBytes?: number }
  /** Storage: answer as the provider does for an expired signature. */
  | { kind: 'expire' }
  /** Wait `ms` before answering normally (latency). */
  | { kind: 'delay'; ms: number }
  /** Serve different bytes than the blob holds (checksum mismatch), same length. */
  | { kind: 'corrupt' }
  /**
   * Send the body without Content-Length (chunked transfer encoding), as a streaming server does; with `bytes`,
   * end it cleanly after that many bytes (a proxy that lost the rest): only the listed size can tell.
   */
  | { kind: 'chunked'; bytes?: number }
  /** Answer 200 with an empty body (Content-Length: 0) instead of the real bytes. */
  | { kind: 'empty' };

export interface FaultRule {
  target: FaultTarget;
  /** Endpoint label (see RequestLogEntry.endpoint) or undefined for any. */
  endpoint?: string;
  /** Substring of the request path (after URL decoding) that must be present. */
  pathIncludes?: string;
  /** How many matching requests get the fault (default: 1). Infinity: always. */
  times?: number;
  /** Probability in [0,1] that a matching request gets it (default 1); uses the emulator's seeded random. */
  probability?: number;
  action: FaultAction;
}

export interface FaultEngine {
  add(rule: FaultRule): void;
  clear(): void;
  /** Returns the action for this request, consuming one use of the first matching rule. */
  take(target: FaultTarget, endpoint: string, path: string): FaultAction | undefined;
  /** Faults handed out so far, per action kind. */
  readonly injected: Map<string, number>;
}

// ---------------------------------------------------------------- request log

export interface RequestLogEntry {
  target: FaultTarget;
  /** A short label: Neptune `oauth-token`, `refresh`, `client-config`, `oidc-discovery`, `search`,
   * `attribute-definitions`, `attribute-values`, `series`, `signed-url`; W&B the GraphQL operation name
   * (`Run`, `Runs`, `RunFiles`, `Viewer`, …), `file` or `artifact-handler` (the fallback download routes); MLflow
   * the route (`runs/search`, `mlflow-artifacts/list`, `mlflow-artifacts/download`, `get-artifact`, …); storage
   * `blob`; the reference host `ref`. */
  endpoint: string;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  status: number;
  at: number;
}

export interface RequestLog {
  record(entry: RequestLogEntry): void;
  entries(): readonly RequestLogEntry[];
  count(target?: FaultTarget, endpoint?: string): number;
  clear(): void;
}

// ---------------------------------------------------------------- storage signing

/** Issues signed, expiring URLs for blobs (gcp/aws/wandb on the storage endpoint, azure on Azurite). */
export interface BlobSigner {
  /** Registers a blob's content under a key (idempotent). Azure blobs are uploaded to Azurite here. */
  put(key: string, content: Content, provider: StorageProvider | 'wandb'): Promise<void>;
  /** A signed GET URL for the key; expires after the configured TTL. */
  sign(key: string, provider: StorageProvider | 'wandb'): string;
}

/** A request handler an API emulator exports; the composer mounts it on its own server. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => void;
