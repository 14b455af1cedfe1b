// SQL LIKE patterns, the `pattern` filter some trackers take over file names (wandb.md §2.3: "mySQL's LIKE
// syntax"): `%` any run of characters, `_` exactly one character, `\` escapes the next character. Where the
// tracker's server matches, a source only sends the pattern (and the emulators match with this module); over
// lists no server filters (the entries of a manifest), a source matches with it, so both agree.

// Characters that must be escaped in a `u`-mode RegExp (identity escapes of anything else are syntax errors).
const REGEXP_SYNTAX = /[\\^$.*+?()[\]{}|/]/g;

function escapeForRegExp(ch: string): string {
  return ch.replace(REGEXP_SYNTAX, '\\$&');
}

export interface LikeOptions {
  /**
   * Match case-insensitively. Default false: a run's file names are case-sensitive paths (one run can hold
   * both `A.txt` and `a.txt`), so the server's name column cannot use a case-insensitive collation, and MySQL's
   * LIKE follows the column's collation. This is inferred (§2.3 says the server's behaviour cannot be seen).
   */
  caseInsensitive?: boolean;
}

/**
 * Compiles a LIKE pattern into an anchored RegExp. Works on code points (`_` is one character, as in MySQL,
 * not one UTF-16 unit) and lets `%`/`_` match newlines. A trailing lone `\` is a literal backslash, as MySQL
 * treats it.
 */
export function likeToRegExp(pattern: string, options: LikeOptions = {}): RegExp {
  let source = '';
  let afterPercent = false;
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i += 1) {
    const ch = chars[i] ?? '';
    if (ch === '%') {
      // Collapsing runs of `%` keeps patterns like `%%%%x` from backtracking needlessly.
      if (!afterPercent) source += '.*';
      afterPercent = true;
      continue;
    }
    afterPercent = false;
    if (ch === '\\') {
      source += escapeForRegExp(chars[i + 1] ?? '\\');
      i += 1;
    } else if (ch === '_') {
      source += '.';
    } else {
      source += escapeForRegExp(ch);
    }
  }
  return new RegExp(`^${source}$`, options.caseInsensitive ? 'isu' : 'su');
}
