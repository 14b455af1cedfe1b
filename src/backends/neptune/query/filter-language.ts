// The `filter` input for Neptune: a readable condition language, parsed into a syntax tree here and compiled to
// the client's filter objects in filter-compile.ts. Grammar (keywords in any case):
//
//   filter     := or
//   or         := and ( 'or' and )*
//   and        := unary ( 'and' unary )*
//   unary      := 'not' unary | '(' or ')' | predicate
//   predicate  := attribute ( compare scalar | ['not'] 'matches' string | ['not'] 'contains' (scalar | list)
//                             | ['not'] 'exists' )
//   attribute  := bare-path | `backticked name` , optionally followed by ':' type   (e.g. config/lr:float)
//   compare    := '==' | '!=' | '>' | '>=' | '<' | '<='
//   scalar     := number | true | false | "double-quoted string"        list := '[' scalar (',' scalar)* ']'
//
// Bare paths are letters, digits and `/ _ - .`; a number with a `.` or an exponent is a float, else an int
// (they render differently, as in Python). In strings `\"` is a quote and `\\` a backslash; any other
// backslash is kept as written, so regexes need no doubling.
import { InputError } from '../../../core/errors.ts';
import { NeptuneInputs as Inputs } from '../inputs.ts';
import { ALL_ATTRIBUTE_TYPES, pythonType, type AttributeType } from './nql.ts';

export type Literal =
  { kind: 'int'; text: string } | { kind: 'float'; value: number } | { kind: 'bool'; value: boolean } | { kind: 'string'; value: string };

export interface AttributeRef {
  name: string;
  type?: AttributeType;
}

export type CompareOperator = '==' | '!=' | '>' | '>=' | '<' | '<=';

export type FilterAst =
  | { kind: 'and' | 'or'; left: FilterAst; right: FilterAst }
  | { kind: 'not'; child: FilterAst }
  | { kind: 'compare'; attribute: AttributeRef; operator: CompareOperator; value: Literal }
  | { kind: 'matches'; attribute: AttributeRef; pattern: string; negated: boolean }
  | { kind: 'contains'; attribute: AttributeRef; values: Literal[]; negated: boolean }
  | { kind: 'exists'; attribute: AttributeRef; negated: boolean };

type TokenKind = 'word' | 'string' | 'name' | 'operator' | '(' | ')' | '[' | ']' | ',' | ':' | 'end';
interface Token {
  kind: TokenKind;
  text: string;
  /** Decoded value of a string or backticked name. */
  value: string;
  /** 0-based offset in the input. */
  at: number;
}

const WORD_CHAR = /[\p{L}\p{N}_\-./]/u;
const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const KEYWORDS = new Set(['and', 'or', 'not', 'matches', 'contains', 'exists', 'true', 'false']);
const COMPARE_OPERATORS = ['>=', '<=', '==', '!=', '>', '<'] as const;

function fail(input: string, at: number, message: string): InputError {
  const before = input.slice(0, at);
  const line = before.split('\n').length;
  const column = at - before.lastIndexOf('\n');
  const where = input.includes('\n') ? `line ${line}, column ${column}` : `position ${column}`;
  return new InputError(Inputs.filter, `${message} (at ${where}).`);
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i] as string;
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    const start = i;
    if ('()[],:'.includes(ch)) {
      tokens.push({ kind: ch as TokenKind, text: ch, value: ch, at: start });
      i += 1;
    } else if (ch === '"') {
      let value = '';
      i += 1;
      for (;;) {
        if (i >= input.length) throw fail(input, start, 'this string has no closing double quote');
        const c = input[i] as string;
        if (c === '"') break;
        if (c === '\\' && (input[i + 1] === '"' || input[i + 1] === '\\')) {
          value += input[i + 1];
          i += 2;
          continue;
        }
        value += c;
        i += 1;
      }
      i += 1;
      tokens.push({ kind: 'string', text: input.slice(start, i), value, at: start });
    } else if (ch === '`') {
      const close = input.indexOf('`', i + 1);
      if (close < 0) throw fail(input, start, 'this attribute name has no closing backtick');
      const value = input.slice(i + 1, close);
      if (value === '') throw fail(input, start, 'an attribute name between backticks is empty');
      i = close + 1;
      tokens.push({ kind: 'name', text: input.slice(start, i), value, at: start });
    } else if (/[=!<>]/.test(ch)) {
      const op = COMPARE_OPERATORS.find((o) => input.startsWith(o, i));
      if (op === undefined) {
        const hint = ch === '=' ? "use '==' to compare" : ch === '!' ? "use 'not' to negate, or '!=' to compare" : `unexpected '${ch}'`;
        throw fail(input, start, hint);
      }
      tokens.push({ kind: 'operator', text: op, value: op, at: start });
      i += op.length;
    } else if (WORD_CHAR.test(ch)) {
      while (i < input.length) {
        const c = input[i] as string;
        // `1e+5`: a '+' right after the exponent letter of a number belongs to it.
        const exponentSign = c === '+' && /^-?(?:\d+\.?\d*|\.\d+)[eE]$/.test(input.slice(start, i));
        if (!WORD_CHAR.test(c) && !exponentSign) break;
        i += 1;
      }
      const text = input.slice(start, i);
      tokens.push({ kind: 'word', text, value: text, at: start });
    } else {
      throw fail(input, start, `unexpected character '${ch}'`);
    }
  }
  tokens.push({ kind: 'end', text: '', value: '', at: input.length });
  return tokens;
}

class Parser {
  private index = 0;
  private readonly input: string;
  private readonly tokens: Token[];

  constructor(input: string) {
    this.input = input;
    this.tokens = tokenize(input);
  }

  parse(): FilterAst {
    if (this.peek().kind === 'end') throw fail(this.input, 0, 'the filter is empty');
    const ast = this.parseOr();
    const rest = this.peek();
    if (rest.kind !== 'end') {
      const hint =
        rest.kind === ')' ? "this ')' has no matching '('" : `expected 'and', 'or' or the end of the filter, found '${rest.text}'`;
      throw fail(this.input, rest.at, hint);
    }
    return ast;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    this.index += 1;
    return token;
  }

  private isKeyword(token: Token, keyword: string): boolean {
    return token.kind === 'word' && token.text.toLowerCase() === keyword;
  }

  private parseOr(): FilterAst {
    let left = this.parseAnd();
    while (this.isKeyword(this.peek(), 'or')) {
      this.next();
      left = { kind: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): FilterAst {
    let left = this.parseUnary();
    while (this.isKeyword(this.peek(), 'and')) {
      this.next();
      left = { kind: 'and', left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): FilterAst {
    const token = this.peek();
    if (this.isKeyword(token, 'not')) {
      this.next();
      return { kind: 'not', child: this.parseUnary() };
    }
    if (token.kind === '(') {
      this.next();
      const inner = this.parseOr();
      const close = this.peek();
      if (close.kind !== ')') throw fail(this.input, close.at, `expected ')' to close the '(' at position ${token.at + 1}`);
      this.next();
      return inner;
    }
    return this.parsePredicate();
  }

  private parseAttribute(): AttributeRef {
    const token = this.next();
    let name: string;
    if (token.kind === 'name') name = token.value;
    else if (token.kind === 'word' && !KEYWORDS.has(token.text.toLowerCase()) && !NUMBER.test(token.text)) name = token.text;
    else if (token.kind === 'end') throw fail(this.input, token.at, 'expected a condition, but the filter ends here');
    else {
      const why = token.kind === 'word' ? ` (write \`${token.text}\` in backticks if it is an attribute name)` : '';
      throw fail(this.input, token.at, `expected an attribute name, found '${token.text}'${why}`);
    }
    if (this.peek().kind !== ':') return { name };
    this.next();
    const typeToken = this.next();
    const type = typeToken.kind === 'word' ? pythonType(typeToken.text) : '';
    if (!(ALL_ATTRIBUTE_TYPES as readonly string[]).includes(type)) {
      throw fail(this.input, typeToken.at, `'${typeToken.text}' is not an attribute type; use one of ${ALL_ATTRIBUTE_TYPES.join(', ')}`);
    }
    return { name, type: type as AttributeType };
  }

  private parsePredicate(): FilterAst {
    const attribute = this.parseAttribute();
    const token = this.next();
    if (token.kind === 'operator')
      return { kind: 'compare', attribute, operator: token.text as CompareOperator, value: this.parseScalar(token) };
    let negated = false;
    let operator = token;
    if (this.isKeyword(token, 'not')) {
      negated = true;
      operator = this.next();
    }
    if (this.isKeyword(operator, 'matches')) {
      const pattern = this.next();
      if (pattern.kind !== 'string')
        throw fail(this.input, pattern.at, `'matches' needs a regex in double quotes, found '${pattern.text}'`);
      return { kind: 'matches', attribute, pattern: pattern.value, negated };
    }
    if (this.isKeyword(operator, 'contains')) {
      const values = this.peek().kind === '[' ? this.parseList(operator) : [this.parseScalar(operator)];
      return { kind: 'contains', attribute, values, negated };
    }
    if (this.isKeyword(operator, 'exists')) return { kind: 'exists', attribute, negated };
    const expected = negated
      ? "expected 'matches', 'contains' or 'exists' after 'not'"
      : `expected an operator after '${attribute.name}' (==, !=, >, >=, <, <=, matches, contains, exists)`;
    throw fail(this.input, operator.at, `${expected}, found ${operator.kind === 'end' ? 'the end of the filter' : `'${operator.text}'`}`);
  }

  private parseList(after: Token): Literal[] {
    const open = this.next();
    const values: Literal[] = [this.parseScalar(open)];
    while (this.peek().kind === ',') values.push(this.parseScalar(this.next()));
    const close = this.next();
    if (close.kind !== ']') throw fail(this.input, close.at, `expected ',' or ']' in the list after '${after.text}'`);
    return values;
  }

  private parseScalar(after: Token): Literal {
    const token = this.next();
    if (token.kind === 'string') return { kind: 'string', value: token.value };
    if (token.kind === 'word') {
      const lower = token.text.toLowerCase();
      if (lower === 'true' || lower === 'false') return { kind: 'bool', value: lower === 'true' };
      if (NUMBER.test(token.text)) {
        return /[.eE]/.test(token.text) ? { kind: 'float', value: Number(token.text) } : { kind: 'int', text: token.text };
      }
      throw fail(
        this.input,
        token.at,
        `expected a value after '${after.text}', found '${token.text}' (put text in double quotes: "${token.text}")`,
      );
    }
    const found = token.kind === 'end' ? 'the end of the filter' : `'${token.text}'`;
    throw fail(
      this.input,
      token.at,
      `expected a value after '${after.text}' (a number, true, false or a "double-quoted string"), found ${found}`,
    );
  }
}

/** Parses the filter input; throws InputError('filter') with the position of the first problem. */
export function parseFilter(input: string): FilterAst {
  return new Parser(input).parse();
}
