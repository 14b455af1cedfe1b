// The data that flows through the core: selection → resolved remote files → download plan → results.
// Nothing here knows about GitHub Actions or about a particular tracker's wire protocol.

export type BackendName = 'neptune' | 'wandb';

/** Whether the container of a file is an experiment (Neptune experiments API) or a run. */
export type ContainerKind = 'experiment' | 'run';

/** A selector over names: an explicit list, or a regex (in the backend's extended syntax). */
export type NameSelector = { kind: 'names'; names: string[] } | { kind: 'regex'; pattern: string };

/** A step window for file series: both ends inclusive, either may be open. */
export interface StepRange {
  from: number | null;
  to: number | null;
}

/** What the user asked for, independent of how it is read (action inputs or CLI flags). */
export interface Selection {
  backend: BackendName;
  project: string;
  /** Neptune: experiments by name. Exclusive with `runs`. */
  experiments?: NameSelector;
  /** Neptune: runs by custom run id; W&B: runs by id (or regex over ids and display names). */
  runs?: NameSelector;
  /** Neptune: the readable condition language; W&B: a MongoDB-style JSON filter. */
  filter?: string;
  /** Neptune: attribute paths; W&B: file names. */
  attributes?: NameSelector;
  /** W&B: SQL LIKE pattern over file names (exclusive with explicit names). */
  pattern?: string;
  stepRange?: StepRange;
  /** The last N steps of each file series. */
  tail?: number;
}

export interface Checksum {
  algorithm: 'md5';
  /** Base64 of the raw digest, as W&B reports it. */
  value: string;
}

/** One file the tracker holds, resolved from the selection. */
export interface RemoteFile {
  backend: BackendName;
  project: string;
  containerKind: ContainerKind;
  /** Experiment name or run id: the first directory level under the destination. */
  container: string;
  /** Neptune attribute path, or W&B file name. */
  attribute: string;
  /** Step of a file-series point; undefined for single files. */
  step?: number;
  size?: number;
  checksum?: Checksum;
  mimeType?: string;
  /**
   * Path segments below the destination, as the backend's layout rules produce them (Neptune sanitises
   * every part, W&B keeps the name's folders). The core layout module still checks and adapts them.
   */
  pathParts: string[];
  /**
   * Set by the backend when the tracker reported a name that must not become a local path (absolute, `..`,
   * NUL…). The file is kept in the results as `failed` with this reason instead of being dropped silently.
   */
  invalidName?: string;
  /** Whatever the backend needs to locate the bytes again (storage path, URL…). Opaque to the core. */
  handle: unknown;
}

export type FileStatus = 'downloaded' | 'skipped' | 'missing' | 'failed' | 'planned';

/** A remote file together with where it goes on disk, or why it cannot go anywhere. */
export interface PlannedFile {
  file: RemoteFile;
  /** Absolute final path, when the layout accepted the file. */
  finalPath?: string;
  /** POSIX-style path relative to the destination (also used in the manifest and outputs). */
  relativePath?: string;
  /** Set when the layout rejected the file (hostile name, collision); the file then ends as `failed`. */
  rejected?: string;
}

export interface FileResult {
  planned: PlannedFile;
  status: FileStatus;
  /** Bytes now on disk at the final path (downloaded or skipped). */
  bytes: number;
  /** MD5 of the bytes on disk (base64), when computed. */
  md5?: string;
  error?: string;
  attempts: number;
}

export type OverwritePolicy = 'skip-existing' | 'overwrite' | 'error';
export const OVERWRITE_POLICIES: readonly OverwritePolicy[] = ['skip-existing', 'overwrite', 'error'];

export type IfNoFilesFound = 'warn' | 'error' | 'ignore';
export const IF_NO_FILES_FOUND: readonly IfNoFilesFound[] = ['warn', 'error', 'ignore'];

export interface Shard {
  /** 1-based index. */
  index: number;
  count: number;
}
