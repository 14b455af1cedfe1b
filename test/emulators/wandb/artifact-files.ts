// The File connection of an artifact version (wandb-artifacts.md §3.4, §5.1): one File per listed entry, with
// its signed storage URL, and the manifest's own File (§4).
import type { EntryRecord, VersionRecord } from './artifact-store.ts';
import type { WandbContext } from './nodes.ts';
import { pagedByKey as paged } from './paging.ts';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

export interface FileArgs {
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
export function entryFiles(version: VersionRecord, args: FileArgs, ctx: WandbContext) {
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

export class ManifestFileNode {
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
