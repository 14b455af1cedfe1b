// The rules for reading input values, each written once: lists and `regex:` selectors, whole numbers,
// booleans, choices, http(s) addresses, `a/b` project paths, credentials and mutually exclusive inputs. Every
// failure is an InputError that names the input, shows what was given and says what is allowed.
import { InputError } from '../errors.ts';
import type { InputReader } from './input-spec.ts';

/** A selector over names: an explicit list, or a regex in the official clients' extended syntax. */
export type NameSelector = { kind: 'names'; names: string[] } | { kind: 'regex'; pattern: string };

const REGEX_PREFIX = 'regex:';

/** One name per line (blank lines dropped, duplicates once), or `regex:<pattern>` on a single line. */
export function readNameSelector(value: string, input: string): NameSelector | undefined {
  if (value === '') return undefined;
  if (value.startsWith(REGEX_PREFIX)) {
    const pattern = value.slice(REGEX_PREFIX.length).trim();
    if (pattern === '' || pattern.includes('\n')) throw new InputError(input, `'regex:' must be followed by one pattern on the same line.`);
    return { kind: 'regex', pattern };
  }
  const names = value
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return { kind: 'names', names: [...new Set(names)] };
}

export function readInteger(value: string, input: string, min: number, max: number): number | undefined {
  if (value === '') return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new InputError(input, `'${value}' is not a whole number from ${min} to ${max}.`);
  }
  return n;
}

export function readBoolean(value: string, input: string, fallback: boolean): boolean {
  if (value === '') return fallback;
  // The values @actions/core's getBooleanInput accepts (github-actions.md §2.2).
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new InputError(input, `'${value}' is not a boolean; use true or false.`);
}

/** One of `allowed`; '' gives `fallback`, or is refused as missing when there is none. */
export function readChoice<T extends string>(value: string, input: string, allowed: readonly T[], fallback: T | undefined): T {
  if (value === '' && fallback !== undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(input, `${value === '' ? 'is required' : `'${value}' is not allowed`}. Available options: ${allowed.join(', ')}.`);
}

/**
 * An http(s) address without credentials, query or fragment. `what` names the value in messages when it is not
 * the input itself (the address inside a token); `example` is what a right value looks like.
 */
export function readHttpUrl(value: string, input: string, example: string, what = `'${value}'`): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(input, `${what} is not a URL; give e.g. ${example}.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InputError(input, `${what} must be an http(s) URL.`);
  if (url.username !== '' || url.password !== '') throw new InputError(input, 'must not contain credentials; pass them as api-token.');
  if (url.search !== '' || url.hash !== '') throw new InputError(input, `${what} must not have a query or fragment.`);
  return url;
}

/**
 * `a/b` (or, when `optionalFirst`, just `b`): the parts, trimmed. `form` names the shape in the message, e.g.
 * `workspace/project`.
 */
export function readProjectPath(value: string, input: string, form: string, optionalFirst = false): { first?: string; second: string } {
  const parts = value.split('/').map((p) => p.trim());
  const wellFormed = (parts.length === 2 || (optionalFirst && parts.length === 1)) && parts.every((p) => p !== '');
  if (!wellFormed) throw new InputError(input, `'${value}' is not of the form ${form}.`);
  return parts.length === 1 ? { second: parts[0] as string } : { first: parts[0] as string, second: parts[1] as string };
}

/** The input, else the first environment variable that is set; '' when none is. */
export function readWithFallback(read: InputReader, input: string, env: NodeJS.ProcessEnv, variables: readonly string[]): string {
  const given = read(input);
  if (given !== '') return given;
  for (const variable of variables) {
    const value = env[variable]?.trim();
    if (value) return value;
  }
  return '';
}

/** Refuses two inputs that exclude each other, naming the second. */
export function refuseBoth(read: InputReader, first: string, second: string): void {
  if (read(first) !== '' && read(second) !== '') throw new InputError(second, `give either '${first}' or '${second}', not both.`);
}
