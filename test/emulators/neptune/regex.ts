// Server-side regexes: NQL `MATCHES` (neptune.md §4.2) and attribute-name filters (§5.2). The real server's
// dialect is unknown (§13); both "appear to be find-anywhere", which `RegExp.test` without anchors is.
// Patterns come from Python (`re.escape` escapes `-`, `&`, `#`, space…), so no `u` flag: in unicode mode
// those identity escapes are syntax errors. A leading Java/Python inline flag group like `(?i)` becomes a flag.
import { badRequest } from './http-util.ts';

const cache = new Map<string, RegExp>();
const MAX_CACHED = 10_000;

/** Compiles a pattern, or throws 400 (a regex the server cannot compile is a bad request). */
export function serverRegex(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (re) return re;
  const inline = /^\(\?([ims]+)\)/.exec(pattern);
  try {
    re = inline ? new RegExp(pattern.slice(inline[0].length), [...new Set(inline[1])].join('')) : new RegExp(pattern);
  } catch (error) {
    throw badRequest(`Invalid regular expression '${pattern}': ${(error as Error).message}`);
  }
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(pattern, re);
  return re;
}
