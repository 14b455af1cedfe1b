// Which W&B file names may become local paths. W&B names are run-relative POSIX paths (`media/images/x.png`)
// and are mirrored under `<destination>/<run id>/`. The released clients join them to the root unchecked; the
// newest client (wandb.md §4, HEAD `validate_fspath`) refuses hostile ones, and so do we. A refused file is not
// dropped: it is reported with the reason (RemoteFile.invalidName), so the user sees what the server holds.

export type NameCheck = { ok: true; parts: string[] } | { ok: false; reason: string };

const WINDOWS_DRIVE = /^[A-Za-z]:/;

/**
 * Normalises like Python's PurePosixPath (§4: `a//b`, `./a` and a trailing `/` collapse) and refuses names that
 * are absolute, contain a `..` part, NUL, a backslash (a Windows separator, so `a\..\b` and `\\server\x` can
 * never be read as paths), start with a Windows drive (`C:`), or normalise to `.` (nothing).
 */
export function checkFileName(name: string): NameCheck {
  if (name.includes('\0')) return refuse(name, 'contains a NUL character');
  if (name.includes('\\')) return refuse(name, 'contains a backslash, which Windows reads as a folder separator');
  if (name.startsWith('/')) return refuse(name, 'is an absolute path');
  if (WINDOWS_DRIVE.test(name)) return refuse(name, 'starts with a Windows drive letter');
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) return refuse(name, "contains a '..' segment");
  if (parts.length === 0) return refuse(name, 'names no file (it normalises to `.`)');
  return { ok: true, parts };
}

/** A run id becomes the first folder level, so it must be one plain path segment. */
export function checkRunId(id: string): NameCheck {
  if (id === '' || id === '.' || id === '..') return { ok: false, reason: `W&B run id '${id}' cannot be used as a folder name` };
  if (/[/\\\0]/.test(id) || WINDOWS_DRIVE.test(id)) {
    return { ok: false, reason: `W&B run id ${JSON.stringify(id)} contains a path separator, NUL or drive prefix` };
  }
  return { ok: true, parts: [id] };
}

function refuse(name: string, why: string): NameCheck {
  // JSON.stringify shows control characters and NUL visibly instead of writing them into logs.
  return { ok: false, reason: `W&B file name ${JSON.stringify(name)} ${why}; it was not downloaded` };
}
