// Which files of a run the user picked (wandb.md §2.3): names or a SQL LIKE pattern, both asked of the server,
// and `regex:` matched here over the names it lists.
import { InputError } from '../../../core/errors.ts';
import type { NameSelector } from '../../../core/inputs/input-values.ts';
import { compileNameMatcher, type NameMatcher } from '../../../core/names/name-matcher.ts';
import { WandbInputs as Inputs } from '../inputs.ts';

export type FileChoice =
  | { kind: 'all' }
  /** Exact names, asked of the server (`fileNames`). */
  | { kind: 'names'; names: string[] }
  /** A SQL LIKE pattern, matched by the server (§2.3), and optionally a regex matched here over what it lists. */
  | { kind: 'pattern'; pattern: string; matches?: NameMatcher }
  /** Matched here over the listed names (`files: regex:…`). */
  | { kind: 'regex'; matches: NameMatcher };

/** The official client's message (wandb.md §2.3), raised when names and a pattern are both given. */
export const NAMES_AND_PATTERN_MESSAGE =
  'Querying for files by both names and pattern is not supported. Please provide either a list of names or a pattern to match.';

export function readFileChoice(selector: NameSelector | undefined, pattern: string): FileChoice {
  if (pattern !== '') {
    if (selector?.kind === 'names') throw new InputError(Inputs.pattern, NAMES_AND_PATTERN_MESSAGE);
    if (selector?.kind === 'regex') return { kind: 'pattern', pattern, matches: compileNameMatcher(selector.pattern, Inputs.files) };
    return { kind: 'pattern', pattern };
  }
  if (selector === undefined) return { kind: 'all' };
  if (selector.kind === 'names') return { kind: 'names', names: selector.names };
  return { kind: 'regex', matches: compileNameMatcher(selector.pattern, Inputs.files) };
}
