// What the user asked of Neptune, read from the inputs with every check that needs no network (neptune.md §2.1,
// §4.2, §6.3): the token and the server it names, the project, experiments or runs by name, regex or filter,
// which attributes, and which steps of file series.
import { InputError } from '../../core/errors.ts';
import type { InputEnvironment, InputReader } from '../../core/inputs/input-spec.ts';
import {
  readHttpUrl,
  readInteger,
  readNameSelector,
  readProjectPath,
  readWithFallback,
  refuseBoth,
  type NameSelector,
} from '../../core/inputs/input-values.ts';
import { resolveBatchSizes, type NeptuneBatchSizes } from './api/batch-sizes.ts';
import type { ContainerMode } from './api/search.ts';
import { parseNeptuneToken } from './auth/api-token.ts';
import { NeptuneInputs as Inputs } from './inputs.ts';
import { parseFilter, type FilterAst } from './query/filter-language.ts';

/** A step window for file series: both ends inclusive, either may be open. */
export interface StepRange {
  from: number | null;
  to: number | null;
}

export interface NeptuneSelection {
  source: 'neptune';
  /** The base64 JSON API token, as given (§2.1). */
  apiToken: string;
  /** Base URL of the API: `api-url`, else the address inside the token, without a trailing `/`. */
  baseUrl: string;
  /** `workspace/project`. */
  project: string;
  /**
   * Experiments (head runs, saved under the experiment name) unless `runs` is given (runs, saved under the custom
   * run id). With only a filter (or nothing) it is experiments, as in the client's `nq.*` functions.
   */
  mode: ContainerMode;
  /** The experiments or runs by name or regex; undefined: every one the filter admits. */
  names: NameSelector | undefined;
  filter: { text: string; ast: FilterAst } | undefined;
  /** File and File-series attributes by path or regex; undefined: all of them. */
  attributes: NameSelector | undefined;
  stepRange: StepRange | undefined;
  /** The last N steps of each file series. */
  tail: number | undefined;
  /** Page and batch sizes: the client's defaults, or its NEPTUNE_QUERY_* variables (§8.3). */
  batchSizes: NeptuneBatchSizes;
}

export function readNeptuneSelection(read: InputReader, { env }: InputEnvironment): NeptuneSelection {
  const apiToken = readWithFallback(read, Inputs.apiToken, env, ['NEPTUNE_API_TOKEN']);
  if (apiToken === '') {
    throw new InputError(Inputs.apiToken, 'no credential given. Pass api-token (from a secret) or set NEPTUNE_API_TOKEN.');
  }
  const token = parseNeptuneToken(apiToken);
  const apiUrl = read(Inputs.apiUrl);
  if (apiUrl !== '') readHttpUrl(apiUrl, Inputs.apiUrl, 'https://neptune.example.com');
  const project = readWithFallback(read, Inputs.project, env, ['NEPTUNE_PROJECT']);
  if (project === '') throw new InputError(Inputs.project, 'is required: give workspace/project, or set NEPTUNE_PROJECT.');
  readProjectPath(project, Inputs.project, 'workspace/project');

  refuseBoth(read, Inputs.experiments, Inputs.runs);
  const runs = readNameSelector(read(Inputs.runs), Inputs.runs);
  const mode: ContainerMode = runs !== undefined ? 'runs' : 'experiments';
  const filterText = read(Inputs.filter);
  return {
    source: 'neptune',
    apiToken: apiToken.trim(),
    // httpx joins `/api/...` onto api_url, keeping any path prefix it has (§2.1).
    baseUrl: (apiUrl || token.apiUrl).replace(/\/+$/, ''),
    project,
    mode,
    names: runs ?? readNameSelector(read(Inputs.experiments), Inputs.experiments),
    filter: filterText === '' ? undefined : { text: filterText, ast: parseFilter(filterText) },
    attributes: readNameSelector(read(Inputs.attributes), Inputs.attributes),
    stepRange: readStepRange(read(Inputs.stepRange)),
    tail: readInteger(read(Inputs.tail), Inputs.tail, 1, Number.MAX_SAFE_INTEGER),
    batchSizes: resolveBatchSizes(undefined, env),
  };
}

/** `from:to`, both inclusive, either side optional (`100:`, `:2.5`). */
export function readStepRange(value: string): StepRange | undefined {
  if (value === '') return undefined;
  const m = /^\s*([^:]*?)\s*:\s*([^:]*?)\s*$/.exec(value);
  const bad = (): InputError =>
    new InputError(
      Inputs.stepRange,
      `'${value}' is not a range; use 'from:to' with numbers, either side optional (e.g. '100:', ':2.5', '10:20').`,
    );
  if (!m) throw bad();
  const end = (s: string): number | null => {
    if (s === '') return null;
    const n = Number(s);
    if (!Number.isFinite(n)) throw bad();
    return n;
  };
  const range = { from: end(m[1] ?? ''), to: end(m[2] ?? '') };
  if (range.from === null && range.to === null) throw bad();
  if (range.from !== null && range.to !== null && range.from > range.to) {
    throw new InputError(Inputs.stepRange, `'${value}' starts after it ends; swap the two numbers.`);
  }
  return range;
}
