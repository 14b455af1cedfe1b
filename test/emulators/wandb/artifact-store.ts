// The artifacts of a W&B fixture as the emulator serves them (wandb-artifacts.md §4, §7 (item 4)): collections of
// versions with stable ids, `latest` on the newest committed version, blobs stored once under their MD5
// (`birthArtifactID` = the first version that stored them), each version's manifest as a blob of its own, and
// the http references registered with the reference host.
import { createHash } from 'node:crypto';
import { contentMd5Base64, contentSize, isMissing } from '../common/content.ts';
import type { BlobSigner, Content, WandbArtifactCollection, WandbArtifactEntry, WandbArtifactVersion } from '../common/contracts.ts';

export interface EntryRecord {
  path: string;
  /** What the manifest records: base64 MD5 of a stored entry, ETag (hex MD5) or given digest of a reference. */
  digest: string;
  size: number;
  /** Storage key of a stored entry's blob: `artifacts/<hex of the digest>`. */
  blobKey?: string;
  birthArtifactId?: string;
  ref?: string;
  unlisted: boolean;
  /** `extra.alg` when the fixture sets one. */
  algorithm?: string;
}

export interface VersionRecord {
  /** Global sequence number: the id is base64 `Artifact:<seq>`. */
  seq: number;
  id: string;
  collection: CollectionRecord;
  versionIndex: number;
  /** Aliases besides `v<N>` (with `latest` where the server puts it). */
  aliases: string[];
  state: 'COMMITTED' | 'PENDING' | 'DELETED';
  createdAt: string;
  description: string | null;
  metadata: string | null;
  entries: EntryRecord[];
  storageLayout: 'V1' | 'V2';
  manifestKey: string;
  /** §4: hex MD5 of the manifest's `<path>:<digest>` lines. */
  digest: string;
  size: number;
}

export interface CollectionRecord {
  seq: number;
  id: string;
  name: string;
  type: string;
  description: string | null;
  entity: string;
  project: string;
  createdAt: string;
  versions: VersionRecord[];
}

export interface ArtifactIndex {
  byId: Map<string, VersionRecord>;
  collectionsById: Map<string, CollectionRecord>;
  /** Collections per project key `entity/project`, by name. */
  collections: Map<string, Map<string, CollectionRecord>>;
  /** Run key `entity/project/run` → versions it logged / used. */
  logged: Map<string, VersionRecord[]>;
  used: Map<string, VersionRecord[]>;
  /** Stored blobs by `<entity>/<hex md5>`: their key (what the fallback handler, §5.3, serves) and birth artifact. */
  blobs: Map<string, { key: string; birthArtifactId: string }>;
}

/** An http reference to serve: the reference host's path and bytes. */
export interface HttpReference {
  path: string;
  content: Content;
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

export function emptyArtifactIndex(): ArtifactIndex {
  return { byId: new Map(), collectionsById: new Map(), collections: new Map(), logged: new Map(), used: new Map(), blobs: new Map() };
}

/** §4: the artifact digest, computed here from the protocol text (not from the source's code). */
export function manifestDigestHex(entries: readonly { path: string; digest: string }[]): string {
  const lines = entries.map((e) => `${e.path}:${e.digest}\n`).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return createHash('md5')
    .update(`wandb-artifact-manifest-v1\n${lines.join('')}`)
    .digest('hex');
}

/** A generated entry without its own seed is seeded by collection and path, so unchanged files share a blob. */
function withSeed(content: Content, seed: string): Content {
  return 'generate' in content && content.generate.seed === undefined ? { generate: { ...content.generate, seed } } : content;
}

/** The bytes the emulator serves for an entry (its content, or an http reference's), seeded as it seeds them. */
export function servedEntryContent(entity: string, project: string, collection: string, entry: WandbArtifactEntry): Content | undefined {
  if (entry.ref !== undefined) return 'http' in entry.ref ? withSeed(entry.ref.content, `ref/${entry.ref.http}`) : undefined;
  return entry.content === undefined ? undefined : withSeed(entry.content, `${entity}/${project}/${collection}/${entry.path}`);
}

/** Every entry of a version, generated ones included, as the emulator serves them. */
export function versionEntries(version: WandbArtifactVersion): WandbArtifactEntry[] {
  return allEntries(version);
}

function allEntries(version: WandbArtifactVersion): WandbArtifactEntry[] {
  const g = version.generatedEntries;
  if (!g) return version.entries;
  const width = String(Math.max(0, g.count - 1)).length;
  const generated = Array.from({ length: g.count }, (_, i) => ({
    path: `${g.prefix}${String(i).padStart(width, '0')}`,
    content: { generate: { size: g.size } } as Content,
  }));
  return [...version.entries, ...generated];
}

export interface ArtifactBuild {
  index: ArtifactIndex;
  signer: BlobSigner;
  references: HttpReference[];
  /** The reference host's origin, for `ref` URLs. */
  referenceOrigin: string;
  nextSeq: () => number;
}

export async function addCollections(
  build: ArtifactBuild,
  entity: string,
  project: string,
  collections: readonly WandbArtifactCollection[],
  createdAt: string,
): Promise<void> {
  const byName = new Map<string, CollectionRecord>();
  build.index.collections.set(`${entity}/${project}`, byName);
  for (const c of collections) {
    if (byName.has(c.name)) throw new Error(`fixture: artifact collection ${c.name} twice in ${entity}/${project}`);
    const seq = build.nextSeq();
    const record: CollectionRecord = {
      seq,
      id: b64(`ArtifactCollection:${seq}`),
      name: c.name,
      type: c.type,
      description: c.description ?? null,
      entity,
      project,
      createdAt,
      versions: [],
    };
    byName.set(c.name, record);
    build.index.collectionsById.set(record.id, record);
    const explicitLatest = c.versions.some((v) => v.aliases?.includes('latest'));
    const newestCommitted = c.versions.findLastIndex((v) => (v.state ?? 'COMMITTED') === 'COMMITTED');
    for (const [versionIndex, v] of c.versions.entries()) {
      const aliases = [...(v.aliases ?? [])];
      if (!explicitLatest && versionIndex === newestCommitted) aliases.push('latest');
      record.versions.push(await addVersion(build, record, versionIndex, v, aliases, createdAt));
    }
  }
}

async function addVersion(
  build: ArtifactBuild,
  collection: CollectionRecord,
  versionIndex: number,
  v: WandbArtifactVersion,
  aliases: string[],
  createdAt: string,
): Promise<VersionRecord> {
  const seq = build.nextSeq();
  const id = b64(`Artifact:${seq}`);
  const entries: EntryRecord[] = [];
  const seen = new Set<string>();
  for (const e of allEntries(v)) {
    if (seen.has(e.path)) throw new Error(`fixture: entry ${e.path} twice in ${collection.name}:v${versionIndex}`);
    seen.add(e.path);
    entries.push(await addEntry(build, collection, id, e));
  }
  const manifestKey = `artifact-manifests/${seq}.json`;
  const layout = v.storageLayout ?? 'V2';
  const record: VersionRecord = {
    seq,
    id,
    collection,
    versionIndex,
    aliases,
    state: v.state ?? 'COMMITTED',
    createdAt: v.createdAt ?? createdAt,
    description: v.description ?? null,
    metadata: v.metadata === undefined ? null : JSON.stringify(v.metadata),
    entries,
    storageLayout: layout,
    manifestKey,
    digest: manifestDigestHex(entries),
    size: entries.reduce((n, e) => n + e.size, 0),
  };
  await build.signer.put(manifestKey, { text: manifestText(record) }, 'wandb');
  build.index.byId.set(id, record);
  const runKey = (run: string): string => `${collection.entity}/${collection.project}/${run}`;
  if (v.loggedBy !== undefined) push(build.index.logged, runKey(v.loggedBy), record);
  for (const run of v.usedBy ?? []) push(build.index.used, runKey(run), record);
  return record;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key) ?? [];
  list.push(value);
  map.set(key, list);
}

async function addEntry(
  build: ArtifactBuild,
  collection: CollectionRecord,
  artifactId: string,
  e: WandbArtifactEntry,
): Promise<EntryRecord> {
  const unlisted = e.unlisted === true;
  if (e.ref !== undefined) {
    if ('uri' in e.ref) return { path: e.path, digest: e.ref.digest, size: e.ref.size ?? 0, ref: e.ref.uri, unlisted };
    const served = servedEntryContent(collection.entity, collection.project, collection.name, e) as Content;
    build.references.push({ path: e.ref.http, content: served });
    const etag = isMissing(served) ? 'missing' : Buffer.from(contentMd5Base64(served, e.ref.http), 'base64').toString('hex');
    const url = `${build.referenceOrigin}/${e.ref.http.split('/').map(encodeURIComponent).join('/')}`;
    return { path: e.path, digest: e.ref.recordedDigest ?? etag, size: contentSize(served), ref: url, unlisted };
  }
  if (e.content === undefined) throw new Error(`fixture: entry ${e.path} has neither content nor ref`);
  const content = servedEntryContent(collection.entity, collection.project, collection.name, e) as Content;
  // A missing blob still needs a digest in the manifest: one of its path, stored nowhere.
  const real = isMissing(content) ? createHash('md5').update(`missing:${e.path}`).digest('base64') : contentMd5Base64(content, e.path);
  const digest = e.digest ?? real;
  const hex = Buffer.from(digest, 'base64').toString('hex');
  const blobKey = `artifacts/${hex}`;
  const owner = `${collection.entity}/${hex}`;
  if (isMissing(content)) return { path: e.path, digest, size: contentSize(content), blobKey, birthArtifactId: artifactId, unlisted };
  // Content-addressed: the first version to store a digest is its birth artifact; later ones share the blob.
  let blob = build.index.blobs.get(owner);
  if (blob === undefined) {
    await build.signer.put(blobKey, content, 'wandb');
    blob = { key: blobKey, birthArtifactId: artifactId };
    build.index.blobs.set(owner, blob);
  }
  const record: EntryRecord = {
    path: e.path,
    digest,
    size: contentSize(content),
    blobKey,
    birthArtifactId: blob.birthArtifactId,
    unlisted,
  };
  if (e.algorithm !== undefined) record.algorithm = e.algorithm;
  return record;
}

/** §4: the manifest as served (`contents` in entry order). */
function manifestText(v: VersionRecord): string {
  const contents: Record<string, Record<string, unknown>> = {};
  for (const e of v.entries) {
    const entry: Record<string, unknown> = { digest: e.digest };
    if (e.ref !== undefined) {
      entry.ref = e.ref;
      if (/^https?:/.test(e.ref)) entry.extra = { etag: `"${e.digest}"` };
    } else entry.birthArtifactID = e.birthArtifactId;
    if (e.algorithm !== undefined) entry.extra = { alg: e.algorithm };
    entry.size = e.size;
    contents[e.path] = entry;
  }
  return JSON.stringify({
    version: 1,
    storagePolicy: 'wandb-storage-policy-v1',
    storagePolicyConfig: v.storageLayout === 'V2' ? { storageLayout: 'V2' } : {},
    contents,
  });
}
