// The server's own `validate_path_is_safe` (mlflow.md §4.4): every path a route is given is URL-decoded
// repeatedly, then refused (400 INVALID_PARAMETER_VALUE "Invalid path") when it holds `#`, a `..` segment, is
// absolute, or names a Windows drive. The server here runs on POSIX, where a backslash is an ordinary character.
import { invalidParameter } from './responses.ts';

function decoded(value: string): string {
  let current = value;
  for (let i = 0; i < 10; i += 1) {
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

export function checkPath(path: string): string {
  const d = decoded(path);
  if (d.includes('#') || d.split('/').includes('..') || d.startsWith('/') || /^[A-Za-z]:/.test(d) || d.includes('\0')) {
    throw invalidParameter('Invalid path');
  }
  return path;
}
