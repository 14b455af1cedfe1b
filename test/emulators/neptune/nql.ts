// NQL, the query language of the search endpoint's `query.query` (neptune.md §4.2): tokenizer and parser.
// Grammar (what the client renders, plus the `=`/bare-literal forms older clients used, §4.1 NF):
//   query      := or
//   or         := and ("OR" and)*
//   and        := unary ("AND" unary)*
//   unary      := "NOT" unary | "(" query ")" | predicate
//   predicate  := attr "EXISTS" | attr op value
//   attr       := "`" name "`" [":" type]
//   op         := "==" | "=" | "!=" | ">" | ">=" | "<" | "<=" | ["NOT"] "MATCHES" | ["NOT"] "CONTAINS"
//   value      := '"' chars with \\ and \" escapes '"' | bare word or number
// Keywords are case-insensitive. AND binds tighter than OR, as in SQL.

export type CompareOp = '==' | '!=' | '>' | '>=' | '<' | '<=' | 'MATCHES' | 'NOT MATCHES' | 'CONTAINS' | 'NOT CONTAINS';

export interface AttributeRef {
  name: string;
  /** Backend type name (neptune.md §5.3) when the reference is typed (`` `name`:type ``). */
  type?: string;
}

export type NqlNode =
  | { kind: 'and' | 'or'; children: NqlNode[] }
  | { kind: 'not'; child: NqlNode }
  | { kind: 'exists'; attribute: AttributeRef }
  | { kind: 'compare'; attribute: AttributeRef; op: CompareOp; value: string };

export class NqlError extends Error {
  readonly position: number;
  constructor(message: string, position: number) {
    super(`NQL syntax error at ${position}: ${message}`);
    this.position = position;
  }
}

type Token =
  | { t: '(' | ')'; at: number }
  | { t: 'attr'; ref: AttributeRef; at: number }
  | { t: 'string'; value: string; at: number }
  | { t: 'op'; value: '==' | '!=' | '>' | '>=' | '<' | '<='; at: number }
  | { t: 'word'; value: string; at: number };

/** Nesting beyond this is refused rather than risking the stack (the client's queries nest a few levels). */
const MAX_DEPTH = 256;

/**
 * The name is emitted unescaped (§4.2), so a backtick may occur inside it. The closing backtick is therefore
 * the first one followed by an optional `:type` and then a separator (space, `)`, an operator or the end).
 */
const AFTER_NAME = /^(?::([A-Za-z_][A-Za-z0-9_]*))?(?=[\s)=!<>]|$)/;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '(' || c === ')') {
      tokens.push({ t: c, at: i });
      i += 1;
    } else if (c === '`') {
      let end = text.indexOf('`', i + 1);
      let after: RegExpExecArray | null = null;
      while (end !== -1 && !(after = AFTER_NAME.exec(text.slice(end + 1)))) end = text.indexOf('`', end + 1);
      if (end === -1 || !after) throw new NqlError('unterminated attribute name', i);
      const name = text.slice(i + 1, end);
      if (name === '') throw new NqlError('empty attribute name', i);
      tokens.push({ t: 'attr', ref: after[1] === undefined ? { name } : { name, type: after[1] }, at: i });
      i = end + 1 + after[0].length;
    } else if (c === '"') {
      const start = i;
      let value = '';
      i += 1;
      for (;;) {
        const d = text[i];
        if (d === undefined) throw new NqlError('unterminated string', start);
        if (d === '"') break;
        if (d === '\\') {
          const escaped = text[i + 1];
          if (escaped === undefined) throw new NqlError('unterminated string', start);
          value += escaped;
          i += 2;
        } else {
          value += d;
          i += 1;
        }
      }
      tokens.push({ t: 'string', value, at: start });
      i += 1;
    } else {
      const op = /^(==|!=|>=|<=|=|>|<)/.exec(text.slice(i));
      if (op) {
        const value = op[1] === '=' ? '==' : (op[1] as '==' | '!=' | '>' | '>=' | '<' | '<=');
        tokens.push({ t: 'op', value, at: i });
        i += op[0].length;
        continue;
      }
      const word = /^[A-Za-z0-9_.+\-:/]+/.exec(text.slice(i));
      if (!word) throw new NqlError(`unexpected character '${c}'`, i);
      tokens.push({ t: 'word', value: word[0], at: i });
      i += word[0].length;
    }
  }
  return tokens;
}

const isKeyword = (token: Token | undefined, keyword: string): boolean => token?.t === 'word' && token.value.toUpperCase() === keyword;

class Parser {
  private pos = 0;
  private readonly tokens: Token[];
  private readonly length: number;

  constructor(tokens: Token[], length: number) {
    this.tokens = tokens;
    this.length = length;
  }

  parse(): NqlNode {
    const node = this.or(0);
    const extra = this.tokens[this.pos];
    if (extra) throw new NqlError('unexpected input after the query', extra.at);
    return node;
  }

  private here(): number {
    return this.tokens[this.pos]?.at ?? this.length;
  }

  private or(depth: number): NqlNode {
    const children = [this.and(depth)];
    while (isKeyword(this.tokens[this.pos], 'OR')) {
      this.pos += 1;
      children.push(this.and(depth));
    }
    return children.length === 1 && children[0] ? children[0] : { kind: 'or', children };
  }

  private and(depth: number): NqlNode {
    const children = [this.unary(depth)];
    while (isKeyword(this.tokens[this.pos], 'AND')) {
      this.pos += 1;
      children.push(this.unary(depth));
    }
    return children.length === 1 && children[0] ? children[0] : { kind: 'and', children };
  }

  private unary(depth: number): NqlNode {
    if (depth > MAX_DEPTH) throw new NqlError('query nested too deeply', this.here());
    const token = this.tokens[this.pos];
    if (isKeyword(token, 'NOT')) {
      this.pos += 1;
      return { kind: 'not', child: this.unary(depth + 1) };
    }
    if (token?.t === '(') {
      this.pos += 1;
      const inner = this.or(depth + 1);
      if (this.tokens[this.pos]?.t !== ')') throw new NqlError("expected ')'", this.here());
      this.pos += 1;
      return inner;
    }
    if (token?.t === 'attr') {
      this.pos += 1;
      return this.predicate(token.ref);
    }
    throw new NqlError(token ? 'expected an attribute, NOT or (' : 'unexpected end of query', this.here());
  }

  private predicate(attribute: AttributeRef): NqlNode {
    const token = this.tokens[this.pos];
    let op: CompareOp;
    if (isKeyword(token, 'EXISTS')) {
      this.pos += 1;
      return { kind: 'exists', attribute };
    }
    if (token?.t === 'op') {
      op = token.value;
      this.pos += 1;
    } else if (isKeyword(token, 'MATCHES') || isKeyword(token, 'CONTAINS')) {
      op = (token as { value: string }).value.toUpperCase() as CompareOp;
      this.pos += 1;
    } else if (isKeyword(token, 'NOT')) {
      const next = this.tokens[this.pos + 1];
      if (!isKeyword(next, 'MATCHES') && !isKeyword(next, 'CONTAINS'))
        throw new NqlError('expected MATCHES or CONTAINS after NOT', this.here());
      op = `NOT ${(next as { value: string }).value.toUpperCase()}` as CompareOp;
      this.pos += 2;
    } else {
      throw new NqlError('expected an operator or EXISTS', this.here());
    }
    const value = this.tokens[this.pos];
    if (value?.t !== 'string' && value?.t !== 'word') throw new NqlError('expected a value', this.here());
    if (value.t === 'word' && ['AND', 'OR', 'NOT'].includes(value.value.toUpperCase())) throw new NqlError('expected a value', value.at);
    this.pos += 1;
    return { kind: 'compare', attribute, op, value: value.value };
  }
}

/** Parses a query; throws NqlError (answered as 400) when it is not valid NQL. */
export function parseNql(text: string): NqlNode {
  const tokens = tokenize(text);
  if (tokens.length === 0) throw new NqlError('empty query', 0);
  return new Parser(tokens, text.length).parse();
}

/** Names of every attribute the query mentions (to decide whether it asks about `sys/trashed`). */
export function referencedAttributes(node: NqlNode, into = new Set<string>()): Set<string> {
  switch (node.kind) {
    case 'and':
    case 'or':
      for (const child of node.children) referencedAttributes(child, into);
      break;
    case 'not':
      referencedAttributes(node.child, into);
      break;
    default:
      into.add(node.attribute.name);
  }
  return into;
}
