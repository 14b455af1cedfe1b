// The one place that turns a source's path parts into a final local path. It guarantees that every final
// path lies inside the destination, makes names valid on the runner's OS (Windows forbids more than POSIX),
// and detects two files that would land on the same path (also case-insensitively where the file system is).
import path from 'node:path';
import type { PlannedFile, RemoteFile } from '../types.ts';
import { fileIdentity } from './shard.ts';

export type PathFlavor = 'posix' | 'win32';

export interface LocalPathOptions {
  /** Absolute destination directory. */
  destination: string;
  flavor: PathFlavor;
  /** Treat names that differ only by case (and Unicode normalisation) as the same file (Windows, macOS). */
  caseInsensitive: boolean;
  /** Relative paths the tool itself writes (e.g. the manifest), which no downloaded file may take. */
  reserved?: readonly string[];
}

/** The longest file-name component most file systems accept (ext4, APFS, NTFS: 255). */
export const MAX_NAME_BYTES = 255;

const WINDOWS_FORBIDDEN = /[<>:"|?*\u0000-\u001f]/g;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

export function defaultLocalPathOptions(destination: string, platform: NodeJS.Platform = process.platform): LocalPathOptions {
  return {
    destination,
    flavor: platform === 'win32' ? 'win32' : 'posix',
    caseInsensitive: platform === 'win32' || platform === 'darwin',
  };
}

/**
 * Checks one path component and adapts it to the OS. Returns the component to use, or throws LocalPathError when
 * no safe name exists (empty, `.`/`..`, separators or NUL inside, longer than the file system allows).
 */
export function safeComponent(part: string, flavor: PathFlavor): string {
  if (part === '' || part === '.' || part === '..') throw new LocalPathError(`the path segment '${part}' is not a file or folder name`);
  if (part.includes('\u0000')) throw new LocalPathError('a path segment contains a NUL character');
  if (part.includes('/')) throw new LocalPathError(`the path segment '${part}' contains '/'`);
  let out = part;
  if (flavor === 'win32') {
    if (out.includes('\\')) throw new LocalPathError(`the path segment '${part}' contains '\\', a separator on Windows`);
    out = out.replace(WINDOWS_FORBIDDEN, '_');
    // Windows drops trailing dots and spaces, so `a.` and `a` would be the same file.
    out = out.replace(/[. ]+$/, (m) => '_'.repeat(m.length));
    const reserved = WINDOWS_RESERVED.exec(out);
    if (reserved) out = `${reserved[1]}_${reserved[2] ?? ''}`;
  }
  if (Buffer.byteLength(out, 'utf8') > MAX_NAME_BYTES) {
    throw new LocalPathError(
      `the name '${out.slice(0, 40)}…' is ${Buffer.byteLength(out, 'utf8')} bytes long; file systems allow ${MAX_NAME_BYTES}`,
    );
  }
  return out;
}

export class LocalPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalPathError';
  }
}

/**
 * Joins checked components under the destination and proves containment: the result, resolved, must be a
 * strict descendant of the resolved destination. Throws LocalPathError otherwise.
 */
export function resolveInside(
  destination: string,
  parts: readonly string[],
  flavor: PathFlavor,
): { finalPath: string; relativePath: string } {
  const p = flavor === 'win32' ? path.win32 : path.posix;
  if (parts.length === 0) throw new LocalPathError('the file has no name');
  const safe = parts.map((part) => safeComponent(part, flavor));
  const root = p.resolve(destination);
  const finalPath = p.resolve(root, ...safe);
  const rel = p.relative(root, finalPath);
  if (rel === '' || rel.startsWith('..') || p.isAbsolute(rel)) {
    throw new LocalPathError(`the path '${safe.join('/')}' would be outside the destination`);
  }
  return { finalPath, relativePath: safe.join('/') };
}

/** The longest path the file systems of runners accept (Linux PATH_MAX: 4096 bytes with the NUL). */
export const MAX_PATH_BYTES = 4095;

/**
 * First folder names this tool keeps for itself: the staging folder of unfinished downloads
 * (`.def-tmp-<pid>-<random>`, see download/staging-area.ts).
 */
export const RESERVED_FIRST_SEGMENT = /^\.def-tmp-/i;

/**
 * Names no downloaded file may pass through, at any depth: git's own folder (a tracker could otherwise write
 * `.git/config` or `.git/hooks/*`, code git runs), also in its Windows 8.3 short form.
 */
const GIT_FOLDER = new Set(['.git']);
const GIT_FOLDER_WIN32 = new Set(['.git', 'git~1']);
/** And not as the first level: with `destination: .`, `.github/workflows/*` would add workflows to the repository. */
const FIRST_LEVEL_REFUSED = new Set(['.github']);

/**
 * Plans files one by one (so it can run while pages arrive). The first file to claim a path keeps it; a later
 * file that maps to the same path, or to a path that is a folder of another file (or vice versa), is rejected
 * with a message naming both, instead of silently overwriting it. The same file listed twice (overlapping
 * pages) is planned once: `plan` returns undefined for the repetition.
 */
export class LocalPathPlanner {
  private readonly options: LocalPathOptions;
  private readonly files = new Map<string, RemoteFile | string>();
  private readonly folders = new Set<string>();
  /** Identities of files rejected so far, so a repeated listing of one is dropped as well. */
  private readonly rejectedIdentities = new Set<string>();
  private readonly destinationBytes: number;

  constructor(options: LocalPathOptions) {
    this.options = options;
    this.destinationBytes = Buffer.byteLength(options.destination, 'utf8');
    for (const r of options.reserved ?? []) this.files.set(this.key(r), 'a file this tool writes');
  }

  plan(file: RemoteFile): PlannedFile | undefined {
    const rejection = this.refusal(file);
    if (rejection !== undefined) {
      const identity = fileIdentity(file);
      if (this.rejectedIdentities.has(identity)) return undefined;
      this.rejectedIdentities.add(identity);
      return { file, rejected: rejection };
    }
    let placed: { finalPath: string; relativePath: string };
    try {
      placed = resolveInside(this.options.destination, file.pathParts, this.options.flavor);
    } catch (error) {
      if (error instanceof LocalPathError) return { file, rejected: `unsafe name: ${error.message}` };
      throw error;
    }
    const key = this.key(placed.relativePath);
    const owner = this.files.get(key);
    if (owner !== undefined) {
      if (typeof owner !== 'string' && fileIdentity(owner) === fileIdentity(file)) return undefined;
      return { file, rejected: `its local path '${placed.relativePath}' is already taken by ${ownerName(owner)}` };
    }
    if (this.folders.has(key)) {
      return { file, rejected: `its local path '${placed.relativePath}' is a folder of other downloaded files` };
    }
    const ancestors = ancestorsOf(key);
    for (const ancestor of ancestors) {
      const ancestorOwner = this.files.get(ancestor);
      if (ancestorOwner !== undefined) {
        return { file, rejected: `a folder of its local path '${placed.relativePath}' is already the file of ${ownerName(ancestorOwner)}` };
      }
    }
    this.files.set(key, file);
    for (const ancestor of ancestors) this.folders.add(ancestor);
    return { file, ...placed };
  }

  /** Why the file may not be placed at all (before its path is even built), or undefined. */
  private refusal(file: RemoteFile): string | undefined {
    if (file.invalidName !== undefined) return file.invalidName;
    const parts = file.pathParts;
    // Checked first and cheaply, so a name thousands of folders deep costs nothing more than its length.
    let bytes = this.destinationBytes;
    for (const part of parts) bytes += 1 + Buffer.byteLength(part, 'utf8');
    if (bytes > MAX_PATH_BYTES) {
      return `unsafe name: its local path would be ${bytes} bytes long (${parts.length} levels); file systems allow ${MAX_PATH_BYTES}`;
    }
    const git = this.options.flavor === 'win32' ? GIT_FOLDER_WIN32 : GIT_FOLDER;
    for (const part of parts) {
      const folded = this.key(part.replace(/[. ]+$/, (m) => (this.options.flavor === 'win32' ? '' : m)));
      if (git.has(folded)) return `unsafe name: '${part}' is git's own folder; nothing is written into it`;
    }
    const first = parts[0];
    if (first !== undefined && FIRST_LEVEL_REFUSED.has(this.key(first))) {
      return `unsafe name: '${first}' as the first folder would add to the repository's GitHub workflows and settings`;
    }
    if (first !== undefined && RESERVED_FIRST_SEGMENT.test(first))
      return `unsafe name: '${first}' is the name of this tool's staging folder`;
    return undefined;
  }

  private key(relativePath: string): string {
    return this.options.caseInsensitive ? relativePath.normalize('NFC').toLowerCase() : relativePath;
  }
}

/** `a`, `a/b` for `a/b/c`: the folders a path lies in, from the top. */
function ancestorsOf(key: string): string[] {
  const out: string[] = [];
  for (let at = key.indexOf('/'); at >= 0; at = key.indexOf('/', at + 1)) out.push(key.slice(0, at));
  return out;
}

function ownerName(owner: RemoteFile | string): string {
  return typeof owner === 'string' ? owner : describeFile(owner);
}

/** A short human identity of a remote file, for messages. */
export function describeFile(file: RemoteFile): string {
  const step = file.step === undefined ? '' : ` step ${file.step}`;
  return `${file.container}: ${file.attribute}${step}`;
}
