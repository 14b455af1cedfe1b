// The official Neptune client's "extended regex" for names (`internal/pattern.py`, neptune.md §4.2), which the
// action's `regex:` inputs use for both trackers: alternatives split on ` | `, each a conjunction split on ` & `,
// a conjunct starting with `!` negated; `\x20` and `\x21` stand for a space and `!` inside a part.

export interface Conjunction {
  positive: string[];
  negated: string[];
}

const OR_SPLIT = /[ \t\r\n]+\|[ \t\r\n]+/;
const AND_SPLIT = /[ \t\r\n]+&[ \t\r\n]+/;
const NOT_PREFIX = /^![ \t\r\n]*/;

function unescapePart(part: string): string {
  return part.split('\\x20').join(' ').split('\\x21').join('!');
}

// Python's str.isspace() set (checked with Python 3.11); unlike JS `\s` it has 0x1c–0x1f and 0x85 but not U+FEFF.
const PY_SPACE = '\\t\\n\\v\\f\\r\\u001c-\\u001f \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'gu');

/** Python's str.strip() without arguments. */
export function pythonStrip(text: string): string {
  return text.replace(PY_STRIP, '');
}

export function parseExtendedRegex(pattern: string): Conjunction[] {
  return pythonStrip(pattern)
    .split(OR_SPLIT)
    .map((alternative) => {
      const conjunction: Conjunction = { positive: [], negated: [] };
      for (const part of alternative.split(AND_SPLIT)) {
        if (NOT_PREFIX.test(part)) conjunction.negated.push(unescapePart(part.replace(NOT_PREFIX, '')));
        else conjunction.positive.push(unescapePart(part));
      }
      return conjunction;
    });
}
