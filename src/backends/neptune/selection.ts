// The Neptune reading of a Selection: every check that needs no network, and the query it becomes (selector and
// filter, neptune.md §4.2) before type inference.
import { InputError } from '../../core/errors.ts';
import type { NameSelector, Selection } from '../../core/types.ts';
import { Inputs } from '../../settings/input-names.ts';
import { compileFilter } from './query/filter-compile.ts';
import { parseFilter } from './query/filter-language.ts';
import { combineFilters, nameSelectorFilter, type NqlFilter } from './query/nql.ts';
import { labelAttribute, type ContainerMode } from './api/search.ts';

export interface NeptuneQuery {
  mode: ContainerMode;
  /** Selector AND filter, attribute types not yet inferred; undefined selects every experiment (or run). */
  filter: NqlFilter | undefined;
  /** The inputs the query came from, for the message when the server rejects it. */
  inputs: string[];
}

/**
 * Experiments unless `runs` is given. With only a filter (or nothing) it is experiments, as in the client's
 * `nq.*` functions: a Selection has no way to ask for runs by filter alone.
 */
export function containerMode(selection: Selection): ContainerMode {
  return selection.runs !== undefined ? 'runs' : 'experiments';
}

function checkNames(selector: NameSelector | undefined, input: string): void {
  if (selector === undefined) return;
  if (selector.kind === 'regex') {
    if (selector.pattern.trim() === '') throw new InputError(input, 'the regex is empty.');
    return;
  }
  // The client rejects an empty list (ValueError); an empty name would only match nothing.
  if (selector.names.length === 0) throw new InputError(input, 'give at least one name.');
  if (selector.names.some((n) => n === '')) throw new InputError(input, 'a name is empty.');
}

export function validateNeptuneSelection(selection: Selection): void {
  if (selection.backend !== 'neptune') throw new InputError(Inputs.backend, `'${selection.backend}' is not 'neptune'.`);
  const parts = selection.project.split('/');
  if (parts.length !== 2 || parts.some((p) => p.trim() === '')) {
    throw new InputError(Inputs.project, `'${selection.project}' is not of the form workspace/project.`);
  }
  if (selection.experiments !== undefined && selection.runs !== undefined) {
    throw new InputError(Inputs.runs, "give either 'experiments' or 'runs', not both.");
  }
  if (selection.pattern !== undefined) throw new InputError(Inputs.pattern, "is for W&B; Neptune selects with 'attributes' (a regex).");
  checkNames(selection.experiments, Inputs.experiments);
  checkNames(selection.runs, Inputs.runs);
  checkNames(selection.attributes, Inputs.attributes);
  if (selection.filter !== undefined) parseFilter(selection.filter);
  const range = selection.stepRange;
  if (range !== undefined) {
    const ends = [range.from, range.to].filter((v): v is number => v !== null);
    if (ends.some((v) => !Number.isFinite(v))) throw new InputError(Inputs.stepRange, 'both ends must be finite numbers.');
    if (range.from !== null && range.to !== null && range.from > range.to) {
      throw new InputError(Inputs.stepRange, `starts after it ends (${range.from} > ${range.to}).`);
    }
  }
  if (selection.tail !== undefined && (!Number.isSafeInteger(selection.tail) || selection.tail < 1)) {
    throw new InputError(Inputs.tail, `${selection.tail} is not a whole number ≥ 1.`);
  }
}

export function buildQuery(selection: Selection): NeptuneQuery {
  const mode = containerMode(selection);
  const selector = mode === 'runs' ? selection.runs : selection.experiments;
  const inputs: string[] = [];
  if (selector !== undefined) inputs.push(mode === 'runs' ? Inputs.runs : Inputs.experiments);
  if (selection.filter !== undefined) inputs.push(Inputs.filter);
  const selectorFilter = selector === undefined ? undefined : nameSelectorFilter(selector, labelAttribute(mode));
  const userFilter = selection.filter === undefined ? undefined : compileFilter(parseFilter(selection.filter));
  return { mode, filter: combineFilters(selectorFilter, userFilter), inputs };
}
