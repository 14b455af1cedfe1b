// The data that flows through the core: selection → resolved remote files → download plan → results.
// Nothing here knows about GitHub Actions or about a particular tracker's wire protocol.

/** Whether the container of a file (its first folder level) is an experiment, a run, an artifact version, a model version… */
export type ContainerKind = 'experiment' | 'run' | 'artifact' | 'model-version';

export interface Checksum {
  algorithm: 'md5';
  /** Base64 of the raw digest, as W&B reports it. */
  value: string;
}

export type FileDetail = string | number | boolean | null | readonly string[];

/** One file the tracker holds, resolved from the selection. */
export interface RemoteFile {
  /** The source's name, as the `backend` input gives it. */
  backend: string;
  project: string;
  containerKind: ContainerKind;
  /** What holds the file (an experiment name, a run id…): the first folder level under the destination. */
  container: string;
  /** The file's name within its container, as the tracker names it (the source's labels say what it is). */
  attribute: string;
  /** Step of a file-series point; undefined for single files. */
  step?: number;
  size?: number;
  checksum?: Checksum;
  mimeType?: string;
  /**
   * What the source knows of the file beyond the common fields (a run's name, an artifact's version and
   * aliases…), written to the file's manifest record as is. Keys are the source's; values plain JSON.
   */
  details?: Readonly<Record<string, FileDetail>>;
  /**
   * Path segments below the destination, as the source's layout rules produce them (one tracker's client
   * sanitises every part, another keeps the name's folders). The core's local-path planner still checks and
   * adapts them.
   */
  pathParts: string[];
  /**
   * Set by the source when the tracker reported a name that must not become a local path (absolute, `..`,
   * NUL…). The file is kept in the results as `failed` with this reason instead of being dropped silently.
   */
  invalidName?: string;
  /**
   * Set by the source for a file the tracker only points to and this tool does not fetch (an object in a
   * cloud bucket the tracker records a reference to): the file ends as `reference`, with the URI and the note
   * in its manifest record, and nothing is downloaded.
   */
  reference?: { uri: string; note: string };
  /**
   * Files with the same content key hold the same bytes (the source derives it from a digest it trusts, e.g.
   * `md5:<digest>:<size>`). Within a run only one of them is fetched; the others are copied from it once it is
   * verified.
   */
  contentKey?: string;
  /** Whatever the source needs to locate the bytes again (storage path, URL…). Opaque to the core. */
  handle: unknown;
}

/** `reference`: a file the tracker only points to (RemoteFile.reference), listed but never downloaded. */
export type FileStatus = 'downloaded' | 'skipped' | 'missing' | 'failed' | 'planned' | 'reference';

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
