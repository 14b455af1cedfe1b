// The artifact types of the W&B schema (wandb-artifacts.md §7 (item 2)) as resolver classes over artifact-store.ts
// records: collections (`ArtifactSequence`), memberships, versions (`Artifact`), aliases and types (a version's
// files are in artifact-files.ts). graphql-js reads `__typename` to resolve the collection interface.
import { GraphQLError } from 'graphql';
import type { CollectionRecord, VersionRecord } from './artifact-store.ts';
import { entryFiles, ManifestFileNode, type FileArgs } from './artifact-files.ts';
import { pagedByKey as paged } from './paging.ts';
import type { WandbContext } from './nodes.ts';
import { projectKey } from './store.ts';

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
