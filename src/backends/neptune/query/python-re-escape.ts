// Python's `re.escape`, used to turn exact attribute names into regexes (neptune.md §5.2).

// Python 3.7+ re.escape escapes exactly these characters (`re._special_chars_map`).
const RE_SPECIAL = new Set('()[]{}?*+-|^$\\.&~# \t\n\r\v\f');

export function pythonReEscape(text: string): string {
  let out = '';
  for (const ch of text) out += RE_SPECIAL.has(ch) ? `\\${ch}` : ch;
  return out;
}

/** The regex the client sends for a list of exact names: `^a$` for one, `^(a|b)$` for several (§5.2). */
export function exactNamesRegex(names: readonly string[]): string {
  const escaped = names.map(pythonReEscape);
  return escaped.length === 1 ? `^${escaped[0] ?? ''}$` : `^(${escaped.join('|')})$`;
}
