// Where the official client puts a downloaded file (`create_target_path`, neptune.md §7.3), reproduced exactly
// so that files land at the same relative paths as with `neptune_query.download_files`.
import { blake2b } from '@noble/hashes/blake2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { extensionForMimeType } from './mime-extensions.ts';
import { pythonFixed } from './python-format.ts';

const MAX_PART_LENGTH = 255;
const DIGEST_BYTES = 8;
const DIGEST_HEX_LENGTH = DIGEST_BYTES * 2;

/**
 * `hashlib.blake2b(part.encode(), digest_size=8).hexdigest()` (§7.3 step 3). The digest length is in BLAKE2b's
 * parameter block, so this is not a truncated BLAKE2b-512 (the only variant Node's crypto offers).
 */
export function partDigest(part: string): string {
  return bytesToHex(blake2b(new TextEncoder().encode(part), { dkLen: DIGEST_BYTES }));
}

/**
 * The parts pathlib makes of `Path(".") / a / b / …` (§7.3 step 1): `/` separates levels, empty and `.`
 * segments vanish, `..` stays, and an argument starting with `/` starts over at a root part (`//` is its own
 * root, as POSIX allows; three or more slashes are `/`).
 */
export function pathlibParts(segments: readonly string[]): string[] {
  let parts: string[] = [];
  for (const segment of segments) {
    if (segment.startsWith('/')) parts = [segment.startsWith('//') && !segment.startsWith('///') ? '//' : '/'];
    for (const piece of segment.split('/')) if (piece !== '' && piece !== '.') parts.push(piece);
  }
  return parts;
}

// Python's str.isalnum() accepts exactly the letters (L*) and numbers (N*) of its Unicode version; checked with
// Python 3.11 (Unicode 14) against Node 24: every code point where they differ is unassigned in Unicode 14.
const ALNUM = /^[\p{L}\p{N}]$/u;

/** §7.3 step 3: every character that is not alphanumeric, `_` or `-` becomes `_`; then the 255-character cap. */
export function sanitizePathPart(part: string): string {
  const chars: string[] = [];
  for (const ch of part) chars.push(ch === '_' || ch === '-' || ALNUM.test(ch) ? ch : '_');
  const sanitized = chars.join('');
  // Python counts code points, not UTF-16 units.
  if (chars.length <= MAX_PART_LENGTH) return sanitized;
  return `${chars.slice(0, MAX_PART_LENGTH - DIGEST_HEX_LENGTH - 1).join('')}_${partDigest(sanitized)}`;
}

/** The `step_…` part of a file-series point: `f"step_{step:f}"` (§7.3 step 2). */
export function stepPart(step: number): string {
  return `step_${pythonFixed(step)}`;
}

/**
 * The path parts below the destination for one file: container (experiment name or run id), attribute path,
 * `step_…` for series points, every part sanitised, then the MIME extension appended to the last part (after
 * the cap, as the client does, so a name may exceed 255 characters by the extension). Empty when nothing
 * is left (the client would fail on such a file).
 */
export function neptunePathParts(container: string, attribute: string, step: number | undefined, mimeType: string | undefined): string[] {
  const raw = pathlibParts([container, attribute]);
  if (step !== undefined) raw.push(stepPart(step));
  const parts = raw.map(sanitizePathPart);
  const extension = extensionForMimeType(mimeType);
  const last = parts.length - 1;
  // Sanitised parts hold no dots, so pathlib's with_suffix always appends.
  if (extension !== undefined && last >= 0) parts[last] = `${parts[last] ?? ''}${extension}`;
  return parts;
}
