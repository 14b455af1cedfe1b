// The search grammar of `runs/search` and `experiments/search` (mlflow.md §2.3): comparisons joined by AND, each
// `[entity.]key comparator value`, quoted keys with backticks or double quotes, string values in single or
// double quotes, `IN (…)` lists, `IS [NOT] NULL`; and `order_by` entries `<identifier> [ASC|DESC]`. Parsing only:
// which entities and operators a search accepts, and what they mean, is search-filter.ts's.
import { invalidParameter } from './responses.ts';

export type Value =
  { kind: 'number'; value: number } | { kind: 'string'; value: string } | { kind: 'list'; values: string[] } | { kind: 'none' };

export interface Identifier {
  /** As written before the first `.` (lower-cased), or '' when there was no entity. */
  entity: string;
  key: string;
}

export interface Clause {
  identifier: Identifier;
  /** Upper-cased: `=`, `!=`, `>`, `LIKE`, `NOT IN`, `IS NULL`… */
  comparator: string;
  value: Value;
  text: string;
}

type Token =
  | { t: 'word'; v: string }
  | { t: 'squote'; v: string }
  | { t: 'dquote'; v: string }
  | { t: 'bquote'; v: string }
  | { t: 'number'; v: number; raw: string }
  | { t: 'op'; v: string }
  | { t: 'punct'; v: string };

function quoted(text: string, start: number, quote: string): { value: string; end: number } {
  let value = '';
  for (let i = start + 1; i < text.length; i += 1) {
    const c = text[i] as string;
    if (c === quote) {
      if (text[i + 1] === quote) {
        value += quote;
        i += 1;
        continue;
      }
      return { value, end: i + 1 };
    }
    value += c;
  }
  throw invalidParameter(`Invalid filter string: unterminated quote in '${text}'`);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      const q = quoted(text, i, c);
      tokens.push({ t: c === "'" ? 'squote' : c === '"' ? 'dquote' : 'bquote', v: q.value });
      i = q.end;
      continue;
    }
    const number = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/.exec(text.slice(i));
    const previous = tokens.at(-1);
    if (number && !(previous?.t === 'word' && previous.v.endsWith('.'))) {
      tokens.push({ t: 'number', v: Number(number[0]), raw: number[0] });
      i += number[0].length;
      continue;
    }
    const op = /^(!=|<>|>=|<=|=|>|<)/.exec(text.slice(i));
    if (op) {
      tokens.push({ t: 'op', v: op[0] === '<>' ? '!=' : op[0] });
      i += op[0].length;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ t: 'punct', v: c });
      i += 1;
      continue;
    }
    const word = /^[A-Za-z_][\w.:-]*/.exec(text.slice(i));
    if (word) {
      tokens.push({ t: 'word', v: word[0] });
      i += word[0].length;
      continue;
    }
    throw invalidParameter(`Invalid filter string '${text}': unexpected character '${c}'`);
  }
  return tokens;
}

class Cursor {
  private readonly tokens: Token[];
  private at = 0;
  constructor(tokens: Token[]) {
    this.tokens = tokens;
  }
  peek(offset = 0): Token | undefined {
    return this.tokens[this.at + offset];
  }
  next(): Token | undefined {
    const t = this.tokens[this.at];
    this.at += 1;
    return t;
  }
  done(): boolean {
    return this.at >= this.tokens.length;
  }
  isWord(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t?.t === 'word' && t.v.toUpperCase() === word;
  }
}

function identifier(cursor: Cursor, text: string): Identifier {
  const t = cursor.next();
  if (t?.t === 'bquote' || t?.t === 'dquote') return { entity: '', key: t.v };
  if (t?.t !== 'word') throw invalidParameter(`Invalid clause(s) in filter string: '${text}'`);
  const dot = t.v.indexOf('.');
  if (dot < 0) return { entity: '', key: t.v };
  const entity = t.v.slice(0, dot).toLowerCase();
  const rest = t.v.slice(dot + 1);
  if (rest !== '') return { entity, key: rest };
  const q = cursor.next();
  if (q?.t === 'bquote' || q?.t === 'dquote') return { entity, key: q.v };
  throw invalidParameter(`Invalid identifier '${t.v}' in filter string '${text}'`);
}

function comparator(cursor: Cursor, text: string): string {
  const t = cursor.next();
  if (t?.t === 'op') return t.v;
  if (t?.t === 'word') {
    const w = t.v.toUpperCase();
    if (w === 'LIKE' || w === 'ILIKE' || w === 'IN') return w;
    if (w === 'NOT' && cursor.isWord('IN')) {
      cursor.next();
      return 'NOT IN';
    }
    if (w === 'IS') {
      if (cursor.isWord('NULL')) {
        cursor.next();
        return 'IS NULL';
      }
      if (cursor.isWord('NOT') && cursor.isWord('NULL', 1)) {
        cursor.next();
        cursor.next();
        return 'IS NOT NULL';
      }
    }
  }
  throw invalidParameter(`Invalid clause(s) in filter string: '${text}'`);
}

function value(cursor: Cursor, comp: string, text: string): Value {
  if (comp === 'IS NULL' || comp === 'IS NOT NULL') return { kind: 'none' };
  const t = cursor.next();
  if (comp === 'IN' || comp === 'NOT IN') {
    if (t?.t !== 'punct' || t.v !== '(')
      throw invalidParameter(`While parsing a list in the query, expected a non-empty list of string values, but got ${text}`);
    const values: string[] = [];
    for (;;) {
      const item = cursor.next();
      if (item?.t !== 'squote' && item?.t !== 'dquote') {
        throw invalidParameter(
          `While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: ${text}`,
        );
      }
      values.push(item.v);
      const sep = cursor.next();
      if (sep?.t === 'punct' && sep.v === ')') break;
      if (sep?.t !== 'punct' || sep.v !== ',') throw invalidParameter(`Invalid list in filter string: '${text}'`);
    }
    return { kind: 'list', values };
  }
  if (t?.t === 'number') return { kind: 'number', value: t.v };
  if (t?.t === 'squote' || t?.t === 'dquote') return { kind: 'string', value: t.v };
  throw invalidParameter(`Invalid clause(s) in filter string: '${text}'`);
}

/** Clauses of a filter joined by AND; '' is no clause. */
export function parseFilter(text: string): Clause[] {
  if (text.trim() === '') return [];
  const cursor = new Cursor(tokenize(text));
  const clauses: Clause[] = [];
  for (;;) {
    const id = identifier(cursor, text);
    const comp = comparator(cursor, text);
    clauses.push({ identifier: id, comparator: comp, value: value(cursor, comp, text), text });
    if (cursor.done()) return clauses;
    if (!cursor.isWord('AND')) throw invalidParameter(`Invalid clause(s) in filter string: '${text}'`);
    cursor.next();
  }
}

export interface OrderKey {
  identifier: Identifier;
  ascending: boolean;
}

/** `metrics.acc DESC`, ``params.`model name` ``, `start_time` (ascending by default). */
export function parseOrderBy(text: string): OrderKey {
  const cursor = new Cursor(tokenize(text));
  const id = identifier(cursor, text);
  let ascending = true;
  if (cursor.isWord('ASC') || cursor.isWord('DESC')) ascending = (cursor.next() as { v: string }).v.toUpperCase() === 'ASC';
  if (!cursor.done()) throw invalidParameter(`Invalid order_by clause '${text}'. Could not be parsed.`);
  return { identifier: id, ascending };
}
