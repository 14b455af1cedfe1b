// The W&B schema's resolvers (wandb.md §9) as plain objects: graphql-js's default resolver reads a field's
// property, calling it with (args, context) when it is a method, so each GraphQL type is a small class over a
// store record.
import { GraphQLError } from 'graphql';
import { likeToRegExp } from '../../../src/core/names/like-pattern.ts';
import { CollectionNode, VersionNode } from './artifact-nodes.ts';
import { projectArtifactFields, runArtifacts } from './artifact-roots.ts';
import type { BlobSigner } from '../common/contracts.ts';
import { decodeCursor, encodeCursor, pageOf, pageSize, type Connection } from './paging.ts';
import { FilterError, parseFilters, runComparator, runMatches, unwrapConfigValue } from './run-filters.ts';
import { md5Of, projectKey, type FileRecord, type ProjectRecord, type RunRecord, type WandbStore } from './store.ts';

export interface WandbContext {
  store: WandbStore;
  signer: BlobSigner;
  /** Origin of the API server, for File.url. */
  baseUrl: string;
  maxPerPage: number;
  /**
   * A misbehaving server, for the reliability suite: `overlap` starts every file page one file early (the last
   * file of the previous page again); `endless` never ends a file listing, with a fresh cursor every page.
   */
  hostilePaging?: 'overlap' | 'endless';
  /** What `serverInfo.features` lists as enabled (wandb-artifacts.md §2.2). */
  features: readonly string[];
  /** Versions listed oldest first whatever `order` says (server option ignoreArtifactOrder). */
  ignoreArtifactOrder?: boolean;
  /** A Project node (artifact-nodes.ts builds them without importing this module). */
  projectNode: (record: ProjectRecord) => unknown;
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

function asGraphqlError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof FilterError) throw new GraphQLError(error.message);
    throw error;
  }
}

/** The authenticated user (wandb.md §2.0: `{viewer{id}}`, GetViewer, GetDefaultEntity and Viewer all read it). */
function viewerOf(store: WandbStore): Record<string, unknown> {
  return {
    id: b64(`User:${store.viewerEntity}`),
    name: 'Emulator User',
    username: store.viewerEntity,
    email: `${store.viewerEntity}@example.com`,
    admin: false,
    flags: '{}',
    entity: store.viewerEntity,
    deletedAt: null,
    // Never the key itself: only an id and a label, as the real server lists keys.
    apiKeys: { edges: [{ node: { id: b64('ApiKey:1'), name: 'emulator', description: null } }] },
    teams: { edges: store.entities.filter((e) => e !== store.viewerEntity).map((name) => ({ node: { id: b64(`Entity:${name}`), name } })) },
  };
}

export function createRootValue(): Record<string, unknown> {
  return {
    viewer: (_args: unknown, ctx: WandbContext) => viewerOf(ctx.store),
    // wandb.md §2.1/§9: an unknown entity/project is `project: null`, not an error.
    project: (args: { name?: string | null; entityName?: string | null }, ctx: WandbContext) => {
      const entity = args.entityName ?? ctx.store.viewerEntity;
      const record = ctx.store.projects.get(projectKey(entity, args.name ?? ''));
      return record ? new ProjectNode(record) : null;
    },
    // wandb-artifacts.md §2.2: the enabled features (the field is absent from an old server's schema).
    serverInfo: (_args: unknown, ctx: WandbContext) => ({
      features: ctx.features.map((name) => ({ name, isEnabled: true })),
      cliVersionInfo: {},
    }),
    artifact: (args: { id: string }, ctx: WandbContext) => {
      const record = ctx.store.artifacts.byId.get(args.id);
      return record ? new VersionNode(record) : null;
    },
    artifactCollection: (args: { id: string }, ctx: WandbContext) => {
      const record = ctx.store.artifacts.collectionsById.get(args.id);
      return record ? new CollectionNode(record) : null;
    },
  };
}

export function newProjectNode(record: ProjectRecord): ProjectNode {
  return new ProjectNode(record);
}

class ProjectNode {
  private readonly record: ProjectRecord;
  readonly readOnly = false;
  // wandb-artifacts.md §7 (item 2): artifactCollectionMembership, artifact, artifactType(s), artifactCollection.
  readonly artifactCollectionMembership;
  readonly artifact;
  readonly artifactType;
  readonly artifactTypes;
  readonly artifactCollection;

  constructor(record: ProjectRecord) {
    this.record = record;
    const fields = projectArtifactFields(record);
    this.artifactCollectionMembership = fields.artifactCollectionMembership;
    this.artifact = fields.artifact;
    this.artifactType = fields.artifactType;
    this.artifactTypes = fields.artifactTypes;
    this.artifactCollection = fields.artifactCollection;
  }

  /** `ProjectInfoFragment`: `entity { name }`. */
  get entity(): { id: string; name: string } {
    return { id: b64(`Entity:${this.record.entity}`), name: this.record.entity };
  }

  get id(): string {
    return b64(`Project:${this.record.internalId}`);
  }

  /** A number as text: clients convert it with int() (wandb.md §2.1 projectId note applies alike). */
  get internalId(): string {
    return String(this.record.internalId);
  }

  get name(): string {
    return this.record.name;
  }

  get entityName(): string {
    return this.record.entity;
  }

  private matching(filters: unknown): RunRecord[] {
    const filter = asGraphqlError(() => parseFilters(filters));
    return asGraphqlError(() => this.record.runs.filter((r) => runMatches(r.filterable, filter)));
  }

  runCount(args: { filters?: unknown }): number {
    return this.matching(args.filters).length;
  }

  run(args: { name: string }): RunNode | null {
    const record = this.record.byId.get(args.name);
    return record ? new RunNode(record) : null;
  }

  runs(
    args: { filters?: unknown; after?: string | null; first?: number | null; order?: string | null },
    ctx: WandbContext,
  ): Connection<RunNode> {
    const compare = asGraphqlError(() => runComparator(args.order));
    const list = this.matching(args.filters).sort((a, b) => compare(a.filterable, b.filterable));
    let start = 0;
    if (args.after) {
      const id = decodeCursor('Run', args.after);
      const at = list.findIndex((r) => r.run.id === id);
      if (at < 0) throw new GraphQLError(`cursor ${JSON.stringify(args.after)} does not point into this list`);
      start = at + 1;
    }
    const page = pageOf(list, start, pageSize(args.first, ctx.maxPerPage), (r) => encodeCursor('Run', r.run.id));
    return { edges: page.edges.map((e) => ({ node: new RunNode(e.node), cursor: e.cursor })), pageInfo: page.pageInfo };
  }
}

/** Config as W&B stores it: every entry `{value, desc}` (the client unwraps them, wandb.md §2.1). */
function wrappedConfig(config: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config ?? {})) out[k] = unwrapConfigValue(v) === v ? { value: v, desc: null } : v;
  return out;
}

class RunNode {
  private readonly record: RunRecord;
  readonly sweepName = null;
  readonly commit = null;
  readonly readOnly = false;
  readonly description = null;
  readonly notes = null;
  readonly historyLineCount = 0;
  readonly systemMetrics = '{}';
  readonly historyKeys = { keys: {}, lastStep: -1 };

  constructor(record: RunRecord) {
    this.record = record;
  }

  get id(): string {
    const { run, project } = this.record;
    return b64(`Run:v1:${run.id}:${project.name}:${project.entity}`);
  }
  get name(): string {
    return this.record.run.id;
  }
  get displayName(): string {
    return this.record.run.displayName;
  }
  get state(): string {
    return this.record.run.state;
  }
  get tags(): string[] {
    return this.record.run.tags ?? [];
  }
  get group(): string | null {
    return this.record.run.group ?? null;
  }
  get jobType(): string | null {
    return this.record.run.jobType ?? null;
  }
  get createdAt(): string {
    return this.record.run.createdAt;
  }
  get heartbeatAt(): string {
    return this.record.run.createdAt;
  }
  get config(): Record<string, unknown> {
    return wrappedConfig(this.record.run.config);
  }
  get summaryMetrics(): Record<string, unknown> {
    return this.record.run.summary ?? {};
  }
  get projectId(): number {
    return this.record.project.internalId;
  }
  /** wandb.md §2.3: the count of all the run's files, whatever `names`/`pattern` select. */
  get fileCount(): number {
    return this.record.files.length;
  }
  /** wandb-artifacts.md §3.3: what the run logged. */
  outputArtifacts(args: { after?: string | null; first?: number | null }, ctx: WandbContext) {
    return runArtifacts(ctx.store.artifacts.logged.get(this.runKey) ?? [], args, ctx);
  }
  /** wandb-artifacts.md §3.3: what the run used. */
  inputArtifacts(args: { after?: string | null; first?: number | null }, ctx: WandbContext) {
    return runArtifacts(ctx.store.artifacts.used.get(this.runKey) ?? [], args, ctx);
  }
  private get runKey(): string {
    return `${this.record.project.entity}/${this.record.project.name}/${this.record.run.id}`;
  }
  user(_args: unknown, ctx: WandbContext): Record<string, unknown> {
    return { id: b64(`User:${ctx.store.viewerEntity}`), name: 'Emulator User', username: ctx.store.viewerEntity };
  }

  /**
   * `names` (empty: all) keeps list order and silently omits names the run does not have (wandb.md §9 allows
   * a placeholder instead; we omit, so a client must notice absent names itself). `pattern` is MySQL LIKE,
   * case-sensitive (see src/core/names/like-pattern.ts). The cursor is keyset-like (the file's sequence number), so paging
   * stays correct whatever the filter.
   */
  files(
    args: { names?: readonly (string | null)[] | null; after?: string | null; first?: number | null; pattern?: string | null },
    ctx: WandbContext,
  ): Connection<FileNode> & { totalCount: number } {
    let list: readonly FileRecord[] = this.record.files;
    const names = (args.names ?? []).filter((n): n is string => typeof n === 'string');
    if (names.length > 0) {
      const wanted = new Set(names);
      list = list.filter((f) => wanted.has(f.name));
    }
    if (args.pattern !== null && args.pattern !== undefined) {
      const re = likeToRegExp(args.pattern);
      list = list.filter((f) => re.test(f.name));
    }
    if (ctx.hostilePaging === 'endless' && list.length > 0) return endlessFiles(this.record, list, args, ctx);
    let start = 0;
    if (args.after) {
      const afterSeq = Number(decodeCursor('File', args.after));
      start = firstIndexAfter(list, afterSeq);
      if (ctx.hostilePaging === 'overlap') start = Math.max(0, start - 1);
    }
    const page = pageOf(list, start, pageSize(args.first, ctx.maxPerPage), (f) => encodeCursor('File', String(f.seq)));
    return {
      totalCount: list.length,
      edges: page.edges.map((e) => ({ node: new FileNode(this.record, e.node), cursor: e.cursor })),
      pageInfo: page.pageInfo,
    };
  }
}

/** The files again and again, each page with fresh cursors (`Endless:<position>`), always with a next page. */
function endlessFiles(
  record: RunRecord,
  list: readonly FileRecord[],
  args: { after?: string | null; first?: number | null },
  ctx: WandbContext,
): Connection<FileNode> & { totalCount: number } {
  const from = args.after ? Number(decodeCursor('Endless', args.after)) + 1 : 0;
  const size = pageSize(args.first, ctx.maxPerPage);
  const edges = Array.from({ length: size }, (_, i) => ({
    node: new FileNode(record, list[(from + i) % list.length] as FileRecord),
    cursor: encodeCursor('Endless', String(from + i)),
  }));
  const pageInfo = {
    startCursor: edges[0]?.cursor ?? null,
    endCursor: edges.at(-1)?.cursor ?? null,
    hasNextPage: true,
    hasPreviousPage: from > 0,
  };
  return { edges, pageInfo, totalCount: list.length };
}

/** Binary search: lists are in ascending `seq` order. */
function firstIndexAfter(list: readonly FileRecord[], seq: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid]?.seq ?? Infinity) <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

class FileNode {
  private readonly run: RunRecord;
  private readonly file: FileRecord;

  constructor(run: RunRecord, file: FileRecord) {
    this.run = run;
    this.file = file;
  }

  /** §2.3: base64 `File:<n>`. */
  get id(): string {
    return b64(`File:${this.file.seq}`);
  }
  get name(): string {
    return this.file.name;
  }
  get displayName(): string {
    return this.file.name;
  }
  get storagePath(): string {
    return this.file.key;
  }
  digest(): string {
    return md5Of(this.file);
  }
  get sizeBytes(): number {
    return this.file.sizeBytes;
  }
  get mimetype(): string {
    return this.file.mimetype;
  }
  get updatedAt(): string {
    return this.file.updatedAt;
  }
  md5(): string {
    return md5Of(this.file);
  }
  /** On the API host; GET answers 302 to signed storage. `upload` is ignored (run.files() always sends false). */
  url(_args: { upload?: boolean | null }, ctx: WandbContext): string {
    const { project, run } = this.run;
    // A name that is exactly `.` or `..` cannot survive URL normalisation (WHATWG reads %2E%2E as `..` too);
    // such names are hostile anyway, and clients refuse them before downloading.
    const seg = encodeURIComponent;
    return `${ctx.baseUrl}/files/${seg(project.entity)}/${seg(project.name)}/${seg(run.id)}/${seg(this.file.name)}`;
  }
  /** A storage URL (the client only displays it). */
  directUrl(_args: unknown, ctx: WandbContext): string {
    return ctx.signer.sign(this.file.key, 'wandb');
  }
}
