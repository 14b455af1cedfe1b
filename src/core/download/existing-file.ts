// Whether a file already at its final path is the one the tracker describes (skip-existing), without following
// a link planted there.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat } from 'node:fs/promises';
import type { Checksum } from '../types.ts';

export async function md5Base64OfFile(file: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('base64');
}

export type ExistingState =
  | { kind: 'absent' }
  /** A regular file whose size (and checksum, when known) matches. */
  | { kind: 'same'; bytes: number; md5?: string }
  /** Something is there, but not a verified copy (different size or checksum, a link, a folder). */
  | { kind: 'different'; what: string };

/** What is at `finalPath` now, compared with what the tracker says the file is. Never follows a symlink. */
export async function inspectExisting(finalPath: string, size: number | undefined, checksum: Checksum | undefined): Promise<ExistingState> {
  let info;
  try {
    info = await lstat(finalPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    throw error;
  }
  if (info.isSymbolicLink()) return { kind: 'different', what: 'a symbolic link' };
  if (!info.isFile()) return { kind: 'different', what: 'not a regular file' };
  if (size !== undefined && info.size !== size) return { kind: 'different', what: `${info.size} bytes instead of ${size}` };
  if (checksum !== undefined) {
    const md5 = await md5Base64OfFile(finalPath);
    if (md5 !== checksum.value) return { kind: 'different', what: 'a different MD5' };
    return { kind: 'same', bytes: info.size, md5 };
  }
  return { kind: 'same', bytes: info.size };
}
