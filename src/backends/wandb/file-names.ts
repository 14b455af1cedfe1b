// Which W&B names may become local paths. Run file names and artifact entry paths are relative POSIX paths
// (`media/images/x.png`), mirrored under `<destination>/<run id>/` or `<destination>/<collection>-v<N>/`. The
// released clients join them to the root unchecked; the newest clients (wandb.md §4 HEAD `validate_fspath`,
// wandb-artifacts.md §5.6 0.28.0+) refuse hostile ones, and so do we. A refused file is not dropped: it is
// reported with the reason (RemoteFile.invalidName), so the user sees what the server holds.

export type NameCheck = { ok: true; parts: string[] } | { ok: false; reason: string };

const WINDOWS_DRIVE = /^[A-Za-z]:/;

/**
 * Normalises like Python's PurePosixPath (wandb.md §4: `a//b`, `./a` and a trailing `/` collapse) and refuses names that
 * are absolute, contain a `..` part, NUL, a backslash (a Windows separator, so `a\..\b` and `\\server\x` can
 * never be read as paths), start with a Windows drive (`C:`), or normalise to `.` (nothing).
 */
export function checkFileName(name: string, noun = 'W&B file name'): NameCheck {
  const refuse = (why: string): NameCheck => ({
    ok: false,
    // JSON.stringify shows control characters and NUL visibly instead of writing them into logs.
    reason: `${noun} ${JSON.stringify(name)} ${why}; it was not downloaded`,
  });
  if (name.includes('\0')) return refuse('contains a NUL character');
  if (name.includes('\\')) return refuse('contains a backslash, which Windows reads as a folder separator');
  if (name.startsWith('/')) return refuse('is an absolute path');
  if (WINDOWS_DRIVE.test(name)) return refuse('starts with a Windows drive letter');
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) return refuse("contains a '..' segment");
  if (parts.length === 0) return refuse('names no file (it normalises to `.`)');
  return { ok: true, parts };
}

/** A run id (or an artifact's folder name) becomes the first folder level, so it must be one plain path segment. */
export function checkRunId(id: string, noun = 'W&B run id'): NameCheck {
  if (id === '' || id === '.' || id === '..') return { ok: false, reason: `${noun} '${id}' cannot be used as a folder name` };
  if (/[/\\\0]/.test(id) || WINDOWS_DRIVE.test(id)) {
    return { ok: false, reason: `${noun} ${JSON.stringify(id)} contains a path separator, NUL or drive prefix` };
  }
  return { ok: true, parts: [id] };
}
