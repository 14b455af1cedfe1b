// The search query a selection becomes (neptune.md §4.2): the name selector as a condition on the label
// attribute, AND the user's filter, before attribute types are inferred.
import { labelAttribute, type ContainerMode } from '../api/search.ts';
import { NeptuneInputs as Inputs } from '../inputs.ts';
import type { NeptuneSelection } from '../selection.ts';
import { compileFilter } from './filter-compile.ts';
import { combineFilters, nameSelectorFilter, type NqlFilter } from './nql.ts';

export interface NeptuneQuery {
  mode: ContainerMode;
  /** Selector AND filter, attribute types not yet inferred; undefined selects every experiment (or run). */
  filter: NqlFilter | undefined;
  /** The inputs the query came from, for the message when the server rejects it. */
  inputs: string[];
}

export function buildQuery(selection: NeptuneSelection): NeptuneQuery {
  const { mode, names, filter } = selection;
  const inputs: string[] = [];
  if (names !== undefined) inputs.push(mode === 'runs' ? Inputs.runs : Inputs.experiments);
  if (filter !== undefined) inputs.push(Inputs.filter);
  const selectorFilter = names === undefined ? undefined : nameSelectorFilter(names, labelAttribute(mode));
  const userFilter = filter === undefined ? undefined : compileFilter(filter.ast);
  return { mode, filter: combineFilters(selectorFilter, userFilter), inputs };
}
