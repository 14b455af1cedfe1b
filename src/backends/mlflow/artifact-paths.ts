// Artifact paths: the names a server lists, checked with the official client's `validate_path_is_safe` rules
// (mlflow.md §4.4) before they become local paths, and the paths a user gives (`files`, the path part of a
// `models:/` or `runs:/` URI), normalised and checked the same way before anything is sent.

export type NameCheck = { ok: true } | { ok: false; reason: string };

const WINDOWS_DRIVE = /^[A-Za-z]:/;
const MAX_DECODES = 10;

/** The value URL-decoded repeatedly until it stops changing (at most 10 times), as the client decodes it. */
function decodedForm(value: string): string {
  let current = value;
  for (let i = 0; i < MAX_DECODES; i += 1) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return current;
    }
    if (next === current) return current;
    current = next;
  }
  return current;
}

/**
 * `validate_path_is_safe` (§4.4): refused when the decoded value contains `#`, a `..` segment, a backslash (the
 * Windows separator, which the client refuses on Windows and this tool everywhere, so a listing means the same
 * files on every runner), or is absolute (`/…`, `C:…`, `\\server`). NUL is refused too: no file system takes it.
 * `why` is the reason alone (e.g. "contains a '..' segment").
 */
export function checkArtifactPath(value: string): NameCheck {
  const decoded = decodedForm(value);
  const refuse = (why: string): NameCheck => ({ ok: false, reason: why });
  if (value.includes('\0') || decoded.includes('\0')) return refuse('contains a NUL character');
  if (decoded.includes('#')) return refuse("contains '#'");
  if (decoded.includes('\\')) return refuse('contains a backslash, which Windows reads as a folder separator');
  if (decoded.startsWith('/')) return refuse('is an absolute path');
  if (WINDOWS_DRIVE.test(decoded)) return refuse('starts with a Windows drive letter');
  if (decoded.split('/').includes('..')) return refuse("contains a '..' segment");
  return { ok: true };
}

/** Path parts of a checked path: `a//b/./c/` → `['a', 'b', 'c']` (what a POSIX join makes of it). */
export function pathParts(value: string): string[] {
  return value.split('/').filter((part) => part !== '' && part !== '.');
}

/** `a`, `b` → `a/b`; an empty side is left out. */
export function joinPath(a: string, b: string): string {
  if (a === '') return b;
  if (b === '') return a;
  return `${a}/${b}`;
}

/**
 * A path the user gave, made canonical (`/model/` → `model`, `a//b` → `a/b`, `.` → ``) or refused with the rule
 * it breaks, so a bad path fails before any request. `''` is the root.
 */
export function normaliseUserPath(value: string): { ok: true; path: string } | { ok: false; reason: string } {
  const trimmed = value.trim().replace(/^\/+/, '');
  const check = checkArtifactPath(trimmed);
  if (!check.ok) return check;
  return { ok: true, path: pathParts(trimmed).join('/') };
}
