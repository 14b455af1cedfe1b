// The artifact types of the W&B schema (wandb-artifacts.md §7 (item 2)) as resolver classes over artifact-store.ts
// records: collections (`ArtifactSequence`), memberships, versions (`Artifact`), aliases, types, manifests and
// the File connection of a version's entries. graphql-js reads `__typename` to resolve the collection interface.
import { GraphQLError } from 'graphql';
import type { CollectionRecord, EntryRecord, VersionRecord } from './artifact-store.ts';
import { decodeCursor, encodeCursor, pageOf, pageSize, type Connection } from './paging.ts';
import type { WandbContext } from './nodes.ts';
import { projectKey, type ProjectRecord } from './store.ts';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

function projectOf(ctx: WandbContext, c: CollectionRecord): unknown {
  const record = ctx.store.projects.get(projectKey(c.entity, c.project));
  return record ? ctx.projectNode(record) : null;
}

/** `coll`, `coll:vN` or `coll:<alias>` (§2.5): the version it names, or undefined. */
export function versionByName(collection: CollectionRecord, spec: string): VersionRecord | undefined {
  const m = /^v(\d+)$/.exec(spec);
  if (m) return collection.versions[Number(m[1])];
  return collection.versions.find((v) => v.aliases.includes(spec));
}

/** Splits `name` on its first `:`; no version means `latest` (what a stand-in picks, §2.5). */
export function splitName(name: string): { collection: string; spec: string } {
  const colon = name.indexOf(':');
  return colon < 0 ? { collection: name, spec: 'latest' } : { collection: name.slice(0, colon), spec: name.slice(colon + 1) };
}

/** Pages `items` after an opaque cursor made of each item's key. */
function paged<T, N>(
  items: readonly T[],
  kind: string,
  keyOf: (item: T) => string,
  args: { after?: string | null; first?: number | null },
  ctx: WandbContext,
  toNode: (item: T) => N,
): Connection<N> & { totalCount: number } {
  let start = 0;
  if (args.after) {
    const key = decodeCursor(kind, args.after);
    const at = items.findIndex((i) => keyOf(i) === key);
    if (at < 0) throw new GraphQLError(`cursor ${JSON.stringify(args.after)} does not point into this list`);
    start = at + 1;
  }
  const page = pageOf(items, start, pageSize(args.first, ctx.maxPerPage), (i) => encodeCursor(kind, keyOf(i)));
  return { totalCount: items.length, pageInfo: page.pageInfo, edges: page.edges.map((e) => ({ node: toNode(e.node), cursor: e.cursor })) };
}

/** §3.1 `filters`: `{"state": "X"}` or `{"state": {"$in": [...]}}` (JSON text or object); nothing else. */
function stateFilter(filters: unknown): (state: string) => boolean {
  let parsed: unknown = filters;
  if (typeof filters === 'string') {
    try {
      parsed = JSON.parse(filters);
    } catch {
      throw new GraphQLError(`filters is not JSON: ${filters}`);
    }
  }
  if (parsed === null || parsed === undefined) return () => true;
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new GraphQLError('filters must be a JSON object');
  const { state, ...rest } = parsed as Record<string, unknown>;
  if (Object.keys(rest).length > 0)
    throw new GraphQLError(`the emulator filters artifacts by state only, not ${Object.keys(rest).join(', ')}`);
  if (state === undefined) return () => true;
  if (typeof state === 'string') return (s) => s === state;
  const within = (state as { $in?: unknown }).$in;
  if (Array.isArray(within)) return (s) => within.includes(s);
  throw new GraphQLError('unsupported state filter');
}

/** §3.1 `order`: null lists newest first (as the stand-in did); `version_index`/`+version_index` ascending, `-version_index` descending. */
function versionOrder(order: string | null | undefined): (a: VersionRecord, b: VersionRecord) => number {
  if (order === null || order === undefined || order === '-version_index') return (a, b) => b.versionIndex - a.versionIndex;
  if (order === 'version_index' || order === '+version_index') return (a, b) => a.versionIndex - b.versionIndex;
  throw new GraphQLError(`the emulator orders artifacts by version_index only, not ${JSON.stringify(order)}`);
}

export class CollectionNode {
  readonly record: CollectionRecord;
  readonly __typename = 'ArtifactSequence';
  constructor(record: CollectionRecord) {
    this.record = record;
  }
  get id(): string {
    return this.record.id;
  }
  get name(): string {
    return this.record.name;
  }
  get description(): string | null {
    return this.record.description;
  }
  get createdAt(): string {
    return this.record.createdAt;
  }
  get updatedAt(): string {
    return this.record.createdAt;
  }
  project(_args: unknown, ctx: WandbContext): unknown {
    return projectOf(ctx, this.record);
  }
  get defaultArtifactType(): TypeNode {
    return new TypeNode(this.record.entity, this.record.project, this.record.type);
  }
  tags(): { edges: never[] } {
    return { edges: [] };
  }
  artifacts(args: { after?: string | null; first?: number | null; order?: string | null; filters?: unknown }, ctx: WandbContext) {
    const keep = stateFilter(args.filters);
    const order = ctx.ignoreArtifactOrder === true ? '+version_index' : args.order;
    const list = this.record.versions.filter((v) => keep(v.state)).sort(versionOrder(order));
    const page = paged(
      list,
      'Artifact',
      (v) => String(v.seq),
      args,
      ctx,
      (v) => v,
    );
    return {
      totalCount: page.totalCount,
      pageInfo: page.pageInfo,
      edges: page.edges.map((e) => ({ version: `v${e.node.versionIndex}`, node: new VersionNode(e.node), cursor: e.cursor })),
    };
  }
  aliases(args: { after?: string | null; first?: number | null }, ctx: WandbContext) {
    const all = this.record.versions.flatMap((v) => aliasNames(v).map((alias) => ({ alias, version: v })));
    return paged(
      all,
      'ArtifactAlias',
      (a) => `${a.version.seq}:${a.alias}`,
      args,
      ctx,
      (a) => new AliasNode(a.version, a.alias),
    );
  }
  artifactMembership(args: { aliasName: string }): MembershipNode | null {
    const version = versionByName(this.record, args.aliasName);
    return version ? new MembershipNode(version) : null;
  }
}

/** `v<N>` first, then the other aliases (the order of the accepted answer in §2.3). */
function aliasNames(v: VersionRecord): string[] {
  return [`v${v.versionIndex}`, ...v.aliases];
}

export class AliasNode {
  private readonly version: VersionRecord;
  readonly alias: string;
  constructor(version: VersionRecord, alias: string) {
    this.version = version;
    this.alias = alias;
  }
  get id(): string {
    return b64(`ArtifactAlias:${this.version.seq}:${this.alias}`);
  }
  get artifactCollection(): CollectionNode {
    return new CollectionNode(this.version.collection);
  }
}

export class MembershipNode {
  private readonly version: VersionRecord;
  constructor(version: VersionRecord) {
    this.version = version;
  }
  get id(): string {
    return b64(`ArtifactCollectionMembership:${this.version.seq}`);
  }
  get versionIndex(): number {
    return this.version.versionIndex;
  }
  get createdAt(): string {
    return this.version.createdAt;
  }
  get aliases(): AliasNode[] {
    return aliasNames(this.version).map((a) => new AliasNode(this.version, a));
  }
  get artifactCollection(): CollectionNode {
    return new CollectionNode(this.version.collection);
  }
  get artifact(): VersionNode {
    return new VersionNode(this.version);
  }
  files(args: FileArgs, ctx: WandbContext) {
    return entryFiles(this.version, args, ctx);
  }
}

export class VersionNode {
  private readonly record: VersionRecord;
  readonly ttlDurationSeconds = -2;
  readonly ttlIsInherited = true;
  readonly historyStep = null;
  constructor(record: VersionRecord) {
    this.record = record;
  }
  get id(): string {
    return this.record.id;
  }
  get artifactSequence(): CollectionNode {
    return new CollectionNode(this.record.collection);
  }
  get versionIndex(): number {
    return this.record.versionIndex;
  }
  get artifactType(): TypeNode {
    const c = this.record.collection;
    return new TypeNode(c.entity, c.project, c.type);
  }
  get description(): string | null {
    return this.record.description;
  }
  get metadata(): string | null {
    return this.record.metadata;
  }
  tags(): never[] {
    return [];
  }
  get state(): string {
    return this.record.state;
  }
  get size(): number {
    return this.record.size;
  }
  get digest(): string {
    return this.record.digest;
  }
  /** The artifact digest of §4 is the MD5 form. */
  get digestAlgorithm(): string {
    return 'MANIFEST_MD5';
  }
  get commitHash(): string {
    return this.record.digest.slice(0, 12);
  }
  get fileCount(): number {
    return this.record.entries.length;
  }
  get createdAt(): string {
    return this.record.createdAt;
  }
  get updatedAt(): string {
    return this.record.createdAt;
  }
  get aliases(): AliasNode[] {
    return aliasNames(this.record).map((a) => new AliasNode(this.record, a));
  }
  get currentManifest(): { id: string; file: ManifestFileNode } {
    return { id: b64(`ArtifactManifest:${this.record.seq}`), file: new ManifestFileNode(this.record) };
  }
  files(args: FileArgs, ctx: WandbContext) {
    return entryFiles(this.record, args, ctx);
  }
}

export class TypeNode {
  private readonly entity: string;
  private readonly project: string;
  readonly name: string;
  readonly description = null;
  readonly createdAt = '2024-01-01T00:00:00';
  constructor(entity: string, project: string, name: string) {
    this.entity = entity;
    this.project = project;
    this.name = name;
  }
  get id(): string {
    return b64(`ArtifactType:${this.entity}/${this.project}/${this.name}`);
  }
  private collections(ctx: WandbContext): CollectionRecord[] {
    return [...(ctx.store.artifacts.collections.get(`${this.entity}/${this.project}`)?.values() ?? [])].filter((c) => c.type === this.name);
  }
  artifact(args: { name: string }, ctx: WandbContext): VersionNode | null {
    const { collection, spec } = splitName(args.name);
    const record = this.collections(ctx).find((c) => c.name === collection);
    const version = record ? versionByName(record, spec) : undefined;
    return version ? new VersionNode(version) : null;
  }
  artifactCollection(args: { name: string }, ctx: WandbContext): CollectionNode | null {
    const record = this.collections(ctx).find((c) => c.name === args.name);
    return record ? new CollectionNode(record) : null;
  }
  artifactCollections(args: { after?: string | null; first?: number | null }, ctx: WandbContext) {
    return paged(
      this.collections(ctx),
      'ArtifactCollection',
      (c) => String(c.seq),
      args,
      ctx,
      (c) => new CollectionNode(c),
    );
  }
}

interface FileArgs {
  names?: readonly (string | null)[] | null;
  after?: string | null;
  first?: number | null;
}

/**
 * The largest page of an artifact's files: the client asks for 5000 file URLs at a time (§5.1), a batch size
 * that only makes sense if the server answers it whole, so these pages are not held to the run listings' cap.
 */
export const MAX_ARTIFACT_FILES_PER_PAGE = 10_000;

/** §5.1, §3.4: one File per listed entry (references included), `names` narrowing, index cursors. */
function entryFiles(version: VersionRecord, args: FileArgs, ctx: WandbContext) {
  let list = version.entries.map((entry, index) => ({ entry, index })).filter((e) => !e.entry.unlisted);
  const names = (args.names ?? []).filter((n): n is string => typeof n === 'string');
  if (names.length > 0) list = list.filter((e) => names.includes(e.entry.path));
  const fileCtx = { ...ctx, maxPerPage: Math.max(ctx.maxPerPage, MAX_ARTIFACT_FILES_PER_PAGE) };
  return paged(
    list,
    'ArtifactFile',
    (e) => String(e.index),
    args,
    fileCtx,
    (e) => new EntryFileNode(version, e.entry, e.index),
  );
}

class EntryFileNode {
  private readonly version: VersionRecord;
  private readonly entry: EntryRecord;
  private readonly index: number;
  readonly mimetype = 'application/octet-stream';
  constructor(version: VersionRecord, entry: EntryRecord, index: number) {
    this.version = version;
    this.entry = entry;
    this.index = index;
  }
  get id(): string {
    return b64(`File:${this.version.seq}:${this.index}`);
  }
  get name(): string {
    return this.entry.path;
  }
  get displayName(): string {
    return this.entry.path;
  }
  get sizeBytes(): number {
    return this.entry.size;
  }
  get updatedAt(): string {
    return this.version.createdAt;
  }
  get digest(): string {
    return this.entry.digest;
  }
  get md5(): string {
    return this.entry.digest;
  }
  get storagePath(): string | null {
    return this.entry.blobKey ?? null;
  }
  /** On the API host: the V1 download handler of §5.3 (a reference: its own URL). */
  url(_args: unknown, ctx: WandbContext): string {
    if (this.entry.ref !== undefined) return this.entry.ref;
    const hex = Buffer.from(this.entry.digest, 'base64').toString('hex');
    return `${ctx.baseUrl}/artifacts/${encodeURIComponent(this.version.collection.entity)}/${hex}`;
  }
  /** A signed storage URL; for a reference, its URI (the client ignores it, §5.1). */
  directUrl(_args: unknown, ctx: WandbContext): string {
    if (this.entry.ref !== undefined) return this.entry.ref;
    return ctx.signer.sign(this.entry.blobKey ?? '', 'wandb');
  }
}

class ManifestFileNode {
  private readonly version: VersionRecord;
  readonly name = 'wandb_manifest.json';
  readonly displayName = 'wandb_manifest.json';
  readonly mimetype = 'application/json';
  constructor(version: VersionRecord) {
    this.version = version;
  }
  get id(): string {
    return b64(`File:manifest:${this.version.seq}`);
  }
  get sizeBytes(): number {
    return 0;
  }
  get storagePath(): string {
    return this.version.manifestKey;
  }
  url(_args: unknown, ctx: WandbContext): string {
    return ctx.signer.sign(this.version.manifestKey, 'wandb');
  }
  directUrl(_args: unknown, ctx: WandbContext): string {
    return ctx.signer.sign(this.version.manifestKey, 'wandb');
  }
}

/** The project fields of §7 (item 2) (mixed into ProjectNode). */
export function projectArtifactFields(record: ProjectRecord) {
  const key = `${record.entity}/${record.name}`;
  const collections = (ctx: WandbContext): Map<string, CollectionRecord> => ctx.store.artifacts.collections.get(key) ?? new Map();
  return {
    artifactCollectionMembership(args: { name: string }, ctx: WandbContext): MembershipNode | null {
      const { collection, spec } = splitName(args.name);
      const c = collections(ctx).get(collection);
      const version = c ? versionByName(c, spec) : undefined;
      return version ? new MembershipNode(version) : null;
    },
    artifact(args: { name: string }, ctx: WandbContext): VersionNode | null {
      const { collection, spec } = splitName(args.name);
      const c = collections(ctx).get(collection);
      const version = c ? versionByName(c, spec) : undefined;
      return version ? new VersionNode(version) : null;
    },
    artifactType(args: { name: string }, ctx: WandbContext): TypeNode | null {
      return [...collections(ctx).values()].some((c) => c.type === args.name) ? new TypeNode(record.entity, record.name, args.name) : null;
    },
    artifactTypes(args: { after?: string | null; first?: number | null }, ctx: WandbContext) {
      const types = [...new Set([...collections(ctx).values()].map((c) => c.type))];
      return paged(
        types,
        'ArtifactType',
        (t) => t,
        args,
        ctx,
        (t) => new TypeNode(record.entity, record.name, t),
      );
    },
    artifactCollection(args: { name: string }, ctx: WandbContext): CollectionNode | null {
      const c = collections(ctx).get(args.name);
      return c ? new CollectionNode(c) : null;
    },
  };
}

/** §3.3: a run's logged (`outputArtifacts`) or used (`inputArtifacts`) versions. */
export function runArtifacts(
  versions: readonly VersionRecord[],
  args: { after?: string | null; first?: number | null },
  ctx: WandbContext,
) {
  return paged(
    versions,
    'Artifact',
    (v) => String(v.seq),
    args,
    ctx,
    (v) => new VersionNode(v),
  );
}
