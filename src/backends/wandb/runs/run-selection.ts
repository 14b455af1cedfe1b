// Which runs the user picked (wandb.md §2.1, §2.2): run ids, a `regex:` over ids and display names, and/or a
// MongoDB-style filter. Read once from the `runs` and `filter` inputs; both modes use it (run files, and the
// artifacts those runs logged or used).
import { InputError } from '../../../core/errors.ts';
import type { InputReader } from '../../../core/inputs/input-spec.ts';
import { readNameSelector } from '../../../core/inputs/input-values.ts';
import { compileNameMatcher, type NameMatcher } from '../../../core/names/name-matcher.ts';
import { describeNames } from '../../../core/report/describe.ts';
import { WandbInputs as Inputs } from '../inputs.ts';

export type RunChoice = { kind: 'all' } | { kind: 'ids'; ids: string[] } | { kind: 'regex'; matches: NameMatcher };

export interface RunSelection {
  runs: RunChoice;
  /** The user's filter as JSON text, or null. */
  filter: string | null;
  /** `runs 'a', 'b'`, `filter {…}`: the parts of the selection's description. */
  described: string[];
}

/** True when `runs` or `filter` was given. */
export function runsGiven(read: InputReader): boolean {
  return read(Inputs.runs) !== '' || read(Inputs.filter) !== '';
}

export function readRunSelection(read: InputReader): RunSelection {
  const selector = readNameSelector(read(Inputs.runs), Inputs.runs);
  const filterText = read(Inputs.filter);
  return {
    runs:
      selector === undefined
        ? { kind: 'all' }
        : selector.kind === 'names'
          ? { kind: 'ids', ids: selector.names }
          : { kind: 'regex', matches: compileNameMatcher(selector.pattern, Inputs.runs) },
    filter: filterText === '' ? null : readFilter(filterText),
    described: [...(selector ? [`runs ${describeNames(selector)}`] : []), ...(filterText ? [`filter ${filterText}`] : [])],
  };
}

/** §2.2: a MongoDB-style object, sent as JSON text. Anything else cannot be a `filters` value. */
function readFilter(text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InputError(Inputs.filter, `is not valid JSON (${(error as Error).message}); give e.g. {"state": "finished"}.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InputError(Inputs.filter, 'must be a JSON object such as {"state": "finished", "config.lr": {"$gt": 0.01}}.');
  }
  return text.trim();
}
