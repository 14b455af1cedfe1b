// The one small interface every source (tracker) implements, and how a source declares itself to the shells.
// The core resolves through `Source`, plans local paths from what it returns and asks it where each file's
// bytes are; sources never touch the disk. `SourceDefinition` is all the shells and settings know of a source:
// its name, the inputs it reads (validated by the source alone) and a factory.
import type { AttemptError, FailureKind } from './download/attempt-error.ts';
import type { ApiClient } from './http/api-client.ts';
import type { OriginTls } from './http/dispatcher.ts';
import type { InputEnvironment, InputReader, InputSpec } from './inputs/input-spec.ts';
import type { Logger } from './logger.ts';
import type { RemoteFile } from './types.ts';

export { AttemptError, type FailureKind } from './download/attempt-error.ts';

export interface StorageAnswer {
  /** The URL that gave this answer (after redirects): tells an API host's refusal from a storage host's. */
  url: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The first few KiB of the error body, as text. */
  body: string;
}

/** Where the bytes of one file are, and how to read them. */
export interface Locator {
  url: string;
  /**
   * Credentials for the tracker's API host. The downloader sends them only while the request URL's origin is
   * `authOrigin`, and never after a redirect leaves it (storage hosts must not see them).
   */
  authHeaders?: Record<string, string>;
  authOrigin?: string;
  /** Non-secret headers for every request of this file (e.g. Azure's x-ms-version). */
  headers?: Record<string, string>;
  /**
   * The bytes themselves, when the source makes the file (a small metadata file the official client writes
   * next to what it downloads): written like a download, to a temporary file renamed into place, and no
   * request is sent. `url` then only names the file in messages.
   */
  body?: Buffer;
  /** Fetch in ranged GETs (Azure): a first range, then fixed-size chunks, using this header. */
  ranged?: { firstBytes: number; chunkBytes: number; header: string };
  /** Maps a non-2xx storage answer to what the downloader should do. */
  classify(answer: StorageAnswer): FailureKind;
  /**
   * Checks a successful answer's headers before its body is taken (e.g. that an ETag is the one the tracker
   * recorded); returns the AttemptError that ends this attempt, or undefined to accept the answer.
   */
  checkAnswer?(answer: Omit<StorageAnswer, 'body'>): AttemptError | undefined;
}

export interface SourceContext {
  api: ApiClient;
  log: Logger;
  signal: AbortSignal;
}

export interface Source {
  readonly name: string;
  /**
   * Streams the resolved files, one page at a time, as the tracker's paging yields them. Throws typed
   * errors (InputError, AuthenticationError, NotFoundError…) for problems the user must fix.
   */
  resolve(): AsyncIterable<RemoteFile[]>;
  /**
   * Tells where a file's bytes are. Called once per attempt; `renew` is true after the previous
   * locator's URL was classified as `expired`, so a cached signature must not be reused.
   */
  locate(file: RemoteFile, renew: boolean): Promise<Locator>;
  /**
   * Called with each batch of files in download order as they are queued, so a source that signs in batches
   * can sign ahead of the downloads instead of one file at a time.
   */
  prepare?(files: readonly RemoteFile[]): void;
}

/** What a source calls the things it downloads, for tables and summaries. */
export interface SourceLabels {
  /** What `RemoteFile.attribute` names within its container (an attribute path, a file name, an artifact path). */
  item: string;
}

/**
 * A source as the shells see it: the `backend` value that picks it, the inputs it reads, and how it turns them
 * into its own typed selection (every check that needs no network, once) and that selection into a Source.
 */
export interface SourceDefinition<S extends { source: string } = { source: string }> {
  /** The value of the `backend` input. */
  readonly name: S['source'];
  /** Environment variables that may hold a credential of this source: masked before any input is read. */
  readonly secretVariables: readonly string[];
  /** Every input it reads (the common ones of settings excepted). */
  readonly inputs: readonly InputSpec[];
  readonly labels: SourceLabels;
  /** Command lines for the CLI's --help: what it does, and the flags after `--backend <name>`. */
  readonly examples: readonly { what: string; flags: string }[];
  /** Reads and checks its inputs without any network call; throws InputError naming the input to change. */
  readSelection(read: InputReader, environment: InputEnvironment): S;
  /** The selection in words, for logs and the "no files" message. */
  describe(selection: S): string;
  /** The project as the user named it (the manifest says it even when nothing matched). */
  project(selection: S): string;
  /**
   * TLS settings the tracker's own configuration asks for (a private CA, no verification, a client
   * certificate), for its API origin only: the job's dispatcher applies them to that origin and to no other.
   */
  tls?(selection: S): OriginTls | undefined;
  create(selection: S, ctx: SourceContext): Source;
}

/** The selection type of a definition: `SelectionOf<typeof SOURCES[number]>` is the union over all sources. */
export type SelectionOf<D> = D extends SourceDefinition<infer S> ? S : never;

/** A source with its inputs read: ready to describe itself and to be created for one job. */
export interface ConfiguredSource<S extends { source: string } = { source: string }> {
  readonly name: string;
  readonly selection: S;
  readonly labels: SourceLabels;
  readonly description: string;
  readonly project: string;
  /** TLS settings for the source's API origin (SourceDefinition.tls), if it has any. */
  readonly tls: OriginTls | undefined;
  create(ctx: SourceContext): Source;
}

export function configureSource<S extends { source: string }>(
  definition: SourceDefinition<S>,
  read: InputReader,
  environment: InputEnvironment,
): ConfiguredSource<S> {
  const selection = definition.readSelection(read, environment);
  return {
    name: definition.name,
    selection,
    labels: definition.labels,
    description: definition.describe(selection),
    project: definition.project(selection),
    tls: definition.tls?.(selection),
    create: (ctx) => definition.create(selection, ctx),
  };
}
