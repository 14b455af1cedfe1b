// One version's entries as RemoteFiles (wandb-artifacts.md §4, §5): its manifest, the entries the user picked,
// then their signed URLs listed in batches as the client lists them (downloads start with the first batch).
// Every stored entry carries its manifest MD5 (verified, and what skip-existing compares) and a content key, so
// entries with the same bytes are fetched once. References are listed first: http(s) ones are fetched from
// their URL, the others only reported. Entries the listing leaves out are fetched through the download handler.
import type { FileDetail, RemoteFile } from '../../../core/types.ts';
import type { PageStream } from '../../../core/paging/page-stream.ts';
import { fetchManifest } from '../api/artifact-manifest.ts';
import { listFileUrls } from '../api/artifact-file-urls.ts';
import { collectionLabel } from '../api/artifact-node.ts';
import { Feature } from '../api/server-features.ts';
import { checkFileName, checkRunId } from '../file-names.ts';
import type { EntryChoice } from './artifact-selection.ts';
import type { EntryHandle } from './entry-locator.ts';
import { fallbackUrl } from './fallback-url.ts';
import { artifactFolder } from './layout.ts';
import { manifestDigest, type ArtifactManifest, type ManifestEntry } from './manifest.ts';
import { classifyReference } from './references.ts';
import type { ArtifactSession } from './session.ts';
import { describeVersion, type VersionToFetch } from './version-resolver.ts';

/** Base64 of a 16-byte digest: the only digest form of a stored (non-reference) entry (§4 table). */
const MD5_BASE64 = /^[A-Za-z0-9+/]{22}==$/;

export async function listVersionEntries(session: ArtifactSession, version: VersionToFetch, out: PageStream<RemoteFile[]>): Promise<void> {
  const { gql, api, log, selection } = session;
  const what = describeVersion(version);
  if (version.artifact.state === 'DELETED') log.warning(`W&B artifact ${what} is marked deleted; it is downloaded as the client does.`);
  const manifest = await fetchManifest(gql, api, version.artifact.id, what);
  // §4's digest is the MD5 form; an artifact whose entries carry other digests has an XXH128 digest (§0).
  const computed = manifestDigest(manifest.entries);
  const md5Only = manifest.entries.every((e) => e.algorithm === 'MD5');
  if (md5Only && version.artifact.digest !== '' && computed !== version.artifact.digest) {
    log.warning(
      `The manifest of W&B artifact ${what} does not add up to the artifact's digest (${version.artifact.digest}, computed ${computed}).`,
    );
  }
  const picked = pickEntries(manifest.entries, selection.entries, what, log.warning.bind(log));
  // The resolved version, as the user sees it: `model:best` is `entity/project/model:v7`.
  const asked = version.requested !== undefined ? `'${version.requested}' is ` : version.run !== undefined ? `(run '${version.run}') ` : '';
  const aliases = version.aliases.length > 0 ? ` (aliases ${version.aliases.join(', ')})` : '';
  log.info(`W&B artifact ${asked}${what}${aliases}: ${picked.length} of ${manifest.entries.length} entries selected.`);
  const features = await session.features();
  const build = new EntryFiles(session, version, manifest, features);

  const references = picked.filter((e) => e.ref !== null);
  if (references.length > 0) out.push(references.map((e) => build.file(e, null, true)));
  const waiting = new Map(picked.filter((e) => e.ref === null).map((e) => [e.path, e]));
  if (waiting.size === 0) return;
  const known = new Set(manifest.entries.map((e) => e.path));
  let unknown = 0;
  for await (const page of listFileUrls(gql, features.has(Feature.membershipFiles), version.ref, selection.fileUrlBatch)) {
    const files: RemoteFile[] = [];
    for (const listed of page) {
      const entry = waiting.get(listed.name);
      if (entry === undefined) {
        if (!known.has(listed.name)) unknown += 1;
        continue;
      }
      waiting.delete(listed.name);
      files.push(build.file(entry, listed.directUrl, true));
    }
    out.push(files);
    // Every picked entry has its URL: later batches hold none of them.
    if (waiting.size === 0) break;
  }
  if (unknown > 0) {
    log.warning(
      `W&B lists ${unknown} file(s) of artifact ${what} that its manifest does not have; they cannot be verified and were not downloaded.`,
    );
  }
  if (waiting.size > 0) {
    // §5.1: the client silently skips entries the listing leaves out; here they go through the download handler.
    log.warning(
      `W&B's file listing of artifact ${what} leaves out ${waiting.size} of its entries; they are fetched through the server's download handler.`,
    );
    out.push([...waiting.values()].map((e) => build.file(e, null, false)));
  }
}

/** The entries `files`/`pattern` pick; a name that is no entry is a warning (as a missing run file). */
function pickEntries(entries: readonly ManifestEntry[], choice: EntryChoice, what: string, warn: (m: string) => void): ManifestEntry[] {
  if (choice.kind === 'all') return [...entries];
  if (choice.kind === 'matching') return entries.filter((e) => choice.matches(e.path));
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const picked: ManifestEntry[] = [];
  for (const name of choice.names) {
    const entry = byPath.get(name);
    if (entry === undefined) warn(`W&B artifact ${what} has no entry named '${name}'.`);
    else picked.push(entry);
  }
  return picked;
}

/** Builds the RemoteFiles of one version's entries. */
class EntryFiles {
  private readonly session: ArtifactSession;
  private readonly version: VersionToFetch;
  private readonly manifest: ArtifactManifest;
  private readonly features: ReadonlySet<string>;
  private readonly folder: ReturnType<typeof artifactFolder>;
  private readonly folderCheck: ReturnType<typeof checkRunId>;

  constructor(session: ArtifactSession, version: VersionToFetch, manifest: ArtifactManifest, features: ReadonlySet<string>) {
    this.session = session;
    this.version = version;
    this.manifest = manifest;
    this.features = features;
    this.folder = artifactFolder(version);
    this.folderCheck = checkRunId(this.folder.folder, 'W&B artifact folder');
  }

  file(entry: ManifestEntry, directUrl: string | null, listed: boolean): RemoteFile {
    const { version } = this;
    const { path } = version.ref;
    const handle: EntryHandle = {
      ref: version.ref,
      entryPath: entry.path,
      digest: entry.digest,
      directUrl,
      fallbackUrl: fallbackUrl({
        baseUrl: this.session.selection.baseUrl,
        ref: version.ref,
        storageLayout: this.manifest.storageLayout,
        storageRegion: this.manifest.storageRegion,
        features: this.features,
        entryPath: entry.path,
        digest: entry.digest,
        birthArtifactId: entry.birthArtifactId,
      }),
      relisted: !listed,
      httpReference: null,
      verifiable: entry.ref !== null || (entry.algorithm === 'MD5' && MD5_BASE64.test(entry.digest)),
      algorithm: entry.algorithm,
    };
    const details: Record<string, FileDetail> = {
      artifact: `${collectionLabel(path)}:${version.ref.version}`,
      version: version.ref.version,
      aliases: version.aliases,
      type: version.artifact.type,
      artifactDigest: version.artifact.digest,
      entryPath: entry.path,
      entryDigest: entry.digest,
    };
    if (version.requested !== undefined) details.requested = version.requested;
    if (version.run !== undefined) details.run = version.run;
    const file: RemoteFile = {
      backend: 'wandb',
      project: `${path.entity}/${path.project}`,
      containerKind: 'artifact',
      container: this.folder.container,
      attribute: entry.path,
      pathParts: [],
      details,
      handle,
    };
    if (entry.size !== null) file.size = entry.size;
    if (entry.ref !== null) {
      details.reference = entry.ref;
      const kind = classifyReference(entry.ref);
      if (kind.kind === 'http') handle.httpReference = kind.url;
      else file.reference = { uri: entry.ref, note: kind.note };
    } else if (handle.verifiable) {
      file.checksum = { algorithm: 'md5', value: entry.digest };
      // §4: blobs are content-addressed by MD5; the same digest and size are the same bytes.
      file.contentKey = `md5:${entry.digest}:${entry.size ?? '?'}`;
    }
    const nameCheck = checkFileName(entry.path, 'W&B artifact entry');
    if (!this.folderCheck.ok) file.invalidName = this.folderCheck.reason;
    else if (!nameCheck.ok) file.invalidName = nameCheck.reason;
    else file.pathParts = [this.folder.folder, ...nameCheck.parts];
    return file;
  }
}
