// The one place that turns a source's path parts into a final local path. It guarantees that every final
// path lies inside the destination, makes names valid on the runner's OS (Windows forbids more than POSIX),
// and detects two files that would land on the same path (also case-insensitively where the file system is).
import path from 'node:path';
import type { PlannedFile, RemoteFile } from '../types.ts';

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

/**
 * Plans files one by one (so it can run while pages arrive). The first file to claim a path keeps it; a later
 * file that maps to the same path, or to a path that is a folder of another file (or vice versa), is rejected
 * with a message naming both, instead of silently overwriting it.
 */
export class LocalPathPlanner {
  private readonly options: LocalPathOptions;
  private readonly files = new Map<string, string>();
  private readonly folders = new Set<string>();

  constructor(options: LocalPathOptions) {
    this.options = options;
    for (const r of options.reserved ?? []) this.files.set(this.key(r), 'a file this tool writes');
  }

  plan(file: RemoteFile): PlannedFile {
    if (file.invalidName !== undefined) return { file, rejected: file.invalidName };
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
      return { file, rejected: `its local path '${placed.relativePath}' is already taken by ${owner}` };
    }
    if (this.folders.has(key)) {
      return { file, rejected: `its local path '${placed.relativePath}' is a folder of other downloaded files` };
    }
    const segments = key.split('/');
    for (let i = 1; i < segments.length; i += 1) {
      const ancestor = segments.slice(0, i).join('/');
      const ancestorOwner = this.files.get(ancestor);
      if (ancestorOwner !== undefined) {
        return { file, rejected: `a folder of its local path '${placed.relativePath}' is already the file of ${ancestorOwner}` };
      }
    }
    this.files.set(key, describeFile(file));
    for (let i = 1; i < segments.length; i += 1) this.folders.add(segments.slice(0, i).join('/'));
    return { file, ...placed };
  }

  private key(relativePath: string): string {
    return this.options.caseInsensitive ? relativePath.normalize('NFC').toLowerCase() : relativePath;
  }
}

/** A short human identity of a remote file, for messages. */
export function describeFile(file: RemoteFile): string {
  const step = file.step === undefined ? '' : ` step ${file.step}`;
  return `${file.container}: ${file.attribute}${step}`;
}
