// From a Selection to the files, page by page, the way `fetch_experiments_table` + `fetch_series` +
// `download_files` walk the API (neptune.md §4–§6): search page → attribute definitions of its runs (file and
// file-series types) → file values and series points → RemoteFiles. Only one search page of files is held.
import { InputError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { RemoteFile } from '../../core/types.ts';
import { NeptuneInputs as Inputs } from './inputs.ts';
import { attributeNameFilters, fetchAttributeDefinitions, type AttributeDefinition } from './api/attribute-definitions.ts';
import { fetchFileValues, type FileRef } from './api/attribute-values.ts';
import type { NeptuneBatchSizes } from './api/batch-sizes.ts';
import { splitAttributeNames, splitRunIds, splitRunsAndAttributes, splitSeriesPairs } from './api/batching.ts';
import { neptunePathParts } from './target-path/target-path.ts';
import type { NeptuneApi } from './api/neptune-api.ts';
import { ALL_ATTRIBUTE_TYPES, backendType, renderNql } from './query/nql.ts';
import { exactNamesRegex } from './query/python-re-escape.ts';
import { labelAttribute, searchContainers, type Container, type ContainerMode } from './api/search.ts';
import { buildQuery } from './query/query.ts';
import type { NeptuneSelection } from './selection.ts';
import { fetchFileSeries, type SeriesPair } from './api/series.ts';
import { inferAttributeTypes } from './query/type-inference.ts';

export interface ResolveDeps {
  api: NeptuneApi;
  selection: NeptuneSelection;
  sizes: NeptuneBatchSizes;
  log: Logger;
}

/** What `handle` holds for a Neptune file: enough to sign it again (§7.1). */
export interface NeptuneHandle {
  path: string;
  projectIdentifier: string;
}

const FILE_TYPES = [backendType('file'), backendType('file_series')];

interface Found {
  file: RemoteFile;
  sysId: string;
}

export async function* resolveNeptuneFiles(deps: ResolveDeps): AsyncGenerator<RemoteFile[]> {
  const { api, selection, sizes, log } = deps;
  const query = buildQuery(selection);
  await inferAttributeTypes(query.filter, (names) => lookupDefinitions(deps, names), log);
  const nql = query.filter === undefined ? undefined : renderNql(query.filter);
  log.debug(`Neptune ${query.mode} query: ${nql ?? '(none)'}`);

  const stats = { containers: 0, seriesAttributes: 0 };
  const stepsSelected = selection.stepRange !== undefined || selection.tail !== undefined;
  // With a step range or tail, pages are held back until a file series shows up: if none does, that input is a
  // mistake to report before any download (downloads start with the first page yielded).
  const held: RemoteFile[][] = [];
  const seen = new Set<string>();
  const pages = searchContainers(api, { mode: query.mode, query: nql, pageSize: sizes.searchPage, queryInputs: query.inputs });
  for await (const page of pages) {
    const containers: Container[] = [];
    for (const container of page) {
      // Offset paging over a changing project can repeat an entry; its files would collide with themselves.
      if (seen.has(container.sysId)) continue;
      seen.add(container.sysId);
      if (container.label === undefined) {
        log.warning(`Neptune: ${container.sysId} has no ${labelAttribute(query.mode)}, so its files are skipped.`);
        continue;
      }
      containers.push(container);
    }
    stats.containers += containers.length;
    const files = await filesOf(deps, query.mode, containers, stats);
    if (files.length > 0) held.push(files);
    if (!stepsSelected || stats.seriesAttributes > 0) yield* held.splice(0);
  }

  if (stepsSelected && stats.containers > 0 && stats.seriesAttributes === 0) {
    const input = selection.stepRange !== undefined ? Inputs.stepRange : Inputs.tail;
    throw new InputError(
      input,
      `selects steps of file series, but no selected attribute of the matching ${query.mode} is a file series. ` +
        `Remove '${input}', or select file-series attributes with '${Inputs.attributes}'.`,
    );
  }
  yield* held;
}

/** Type inference's lookup: the exact names anywhere in the project, all 11 types (§4.2), ≤ 60 kB of names per request. */
async function lookupDefinitions(deps: ResolveDeps, names: string[]): Promise<AttributeDefinition[]> {
  const groups = splitAttributeNames(names, deps.sizes.maxAttributeFilterSize);
  const answers = await Promise.all(
    groups.map((group) =>
      fetchAttributeDefinitions(deps.api, {
        nameFilter: { mustMatchAny: [{ mustMatchRegexes: [exactNamesRegex(group)] }] },
        types: ALL_ATTRIBUTE_TYPES.map(backendType),
        pageSize: deps.sizes.attributeDefinitionsPage,
        input: Inputs.filter,
      }),
    ),
  );
  return answers.flat();
}

async function filesOf(
  deps: ResolveDeps,
  mode: ContainerMode,
  containers: readonly Container[],
  stats: { seriesAttributes: number },
): Promise<RemoteFile[]> {
  if (containers.length === 0) return [];
  const position = new Map(containers.map((c, i) => [c.sysId, i]));
  const batches = splitRunIds(containers, deps.sizes.maxRequestSize);
  const found = (await Promise.all(batches.map((batch) => filesOfBatch(deps, mode, batch, stats)))).flat();
  // A stable order (run as listed, attribute, step) keeps the layout's "first file wins" decisions repeatable.
  found.sort(
    (a, b) =>
      (position.get(a.sysId) ?? 0) - (position.get(b.sysId) ?? 0) ||
      compareStrings(a.file.attribute, b.file.attribute) ||
      compareSteps(a.file.step, b.file.step),
  );
  return found.map((f) => f.file);
}

async function filesOfBatch(
  deps: ResolveDeps,
  mode: ContainerMode,
  batch: readonly Container[],
  stats: { seriesAttributes: number },
): Promise<Found[]> {
  const { api, selection, sizes } = deps;
  const runIdentifiers = batch.map((c) => `${api.project}/${c.sysId}`);
  const filters = attributeNameFilters(selection.attributes, sizes.maxAttributeFilterSize);
  const definitions = (
    await Promise.all(
      filters.map((nameFilter) =>
        fetchAttributeDefinitions(api, {
          runIdentifiers,
          nameFilter,
          types: FILE_TYPES,
          pageSize: sizes.attributeDefinitionsPage,
          input: Inputs.attributes,
        }),
      ),
    )
  ).flat();
  const fileNames = new Set<string>();
  const seriesNames = new Set<string>();
  for (const d of definitions) {
    if (d.type === 'fileRef') fileNames.add(d.name);
    else if (d.type === 'fileRefSeries') seriesNames.add(d.name);
  }
  stats.seriesAttributes += seriesNames.size;

  const labels = new Map(batch.map((c) => [c.sysId, c.label ?? '']));
  const make = (sysId: string, attribute: string, ref: FileRef, step?: number): Found | undefined => {
    const label = labels.get(sysId);
    // An answer about a run we did not ask for is ignored.
    if (label === undefined) return undefined;
    return { file: remoteFile(api.project, mode, label, attribute, ref, step), sysId };
  };

  const valueJobs = splitRunsAndAttributes(runIdentifiers, [...fileNames], sizes.attributeValues, sizes.maxRequestSize).map(async (job) =>
    (await fetchFileValues(api, job.runs, job.names, sizes.attributeValues)).map((v) => make(v.sysId, v.attribute, v)),
  );
  const pairs: SeriesPair[] = batch.flatMap((c) => [...seriesNames].map((attribute) => ({ sysId: c.sysId, attribute })));
  const seriesQuery = { mode, stepRange: selection.stepRange, tail: selection.tail };
  const seriesJobs = splitSeriesPairs(pairs, sizes.seriesPairs, sizes.maxRequestSize).map(async (chunk) =>
    (await fetchFileSeries(api, chunk, seriesQuery)).map((p) => make(p.sysId, p.attribute, p, p.step)),
  );
  const results = await Promise.all([...valueJobs, ...seriesJobs]);
  return results.flat().filter((f): f is Found => f !== undefined);
}

/**
 * One string instance per distinct attribute name, MIME type and path part: every run repeats them, and a
 * resolution over 100,000 runs otherwise keeps 100,000 copies of each (bench S4). Bounded: cleared when full.
 */
const sharedStrings = new Map<string, string>();
const SHARED_STRINGS_MAX = 10_000;

function shared(value: string): string {
  const known = sharedStrings.get(value);
  if (known !== undefined) return known;
  if (sharedStrings.size >= SHARED_STRINGS_MAX) sharedStrings.clear();
  sharedStrings.set(value, value);
  return value;
}

export function remoteFile(
  project: string,
  mode: ContainerMode,
  label: string,
  attribute: string,
  ref: FileRef,
  step?: number,
): RemoteFile {
  // The first part is the container's own name (sanitised); the others repeat from run to run.
  const pathParts = neptunePathParts(label, attribute, step, ref.mimeType).map((part, i) =>
    i === 0 && part === label ? label : shared(part),
  );
  const handle: NeptuneHandle = { path: ref.path, projectIdentifier: project };
  const file: RemoteFile = {
    backend: 'neptune',
    project,
    containerKind: mode === 'experiments' ? 'experiment' : 'run',
    container: label,
    attribute: shared(attribute),
    pathParts,
    handle,
  };
  if (step !== undefined) file.step = step;
  if (ref.sizeBytes !== undefined) file.size = ref.sizeBytes;
  if (ref.mimeType !== '') file.mimeType = shared(ref.mimeType);
  if (pathParts.length === 0) file.invalidName = `the name '${label}' and attribute '${attribute}' leave no file name`;
  return file;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Single files first, then steps ascending, NaN last. */
function compareSteps(a: number | undefined, b: number | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return a - b;
}
