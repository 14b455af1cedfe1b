// Turns raw input strings (action inputs or CLI flags, same names) into one validated Settings object. Every
// check that needs no network happens here, so bad input fails before the first request, with a message that
// names the input, what was given and what is allowed.
import path from 'node:path';
import { InputError } from '../core/errors.ts';
import { parseShard } from '../core/plan/shard.ts';
import {
  IF_NO_FILES_FOUND,
  OVERWRITE_POLICIES,
  type BackendName,
  type IfNoFilesFound,
  type NameSelector,
  type OverwritePolicy,
  type Selection,
  type Shard,
  type StepRange,
} from '../core/types.ts';
import { Inputs, type InputName } from './input-names.ts';
import { manifestFileName } from '../core/report/manifest.ts';

/** Reads one input: trimmed text, '' when not given. */
export type InputReader = (name: InputName) => string;

export interface ArtifactSettings {
  name: string;
  retentionDays: number;
  compressionLevel: number;
}

export interface Settings {
  selection: Selection;
  /** The tracker credential (Neptune API token or W&B API key). */
  token: string;
  apiUrl: string | undefined;
  perPage: number | undefined;
  destination: string;
  manifestPath: string;
  overwrite: OverwritePolicy;
  concurrency: number;
  dryRun: boolean;
  ifNoFilesFound: IfNoFilesFound;
  shard: Shard | undefined;
  artifact: ArtifactSettings | undefined;
}

export const BACKENDS: readonly BackendName[] = ['neptune', 'wandb'];
/** Measured with `npm run bench` (bench/README.md): with 20 ms of round trip, 32 downloads 35% faster than 16. */
export const DEFAULT_CONCURRENCY = 32;
export const MAX_CONCURRENCY = 256;
export const DEFAULT_DESTINATION = 'experiment-files';
const REGEX_PREFIX = 'regex:';
/** Characters the artifact service rejects in a name (github-actions.md §3.2). */
const ARTIFACT_NAME_FORBIDDEN = /[":<>|*?\r\n\\/]/;

export interface Environment {
  env: NodeJS.ProcessEnv;
  /** Where relative destinations resolve: GITHUB_WORKSPACE on a runner, the working directory in the CLI. */
  baseDirectory: string;
}

export function parseSettings(read: InputReader, { env, baseDirectory }: Environment): Settings {
  const backend = oneOf(read(Inputs.backend), Inputs.backend, BACKENDS, undefined);
  const token = read(Inputs.apiToken) || (backend === 'neptune' ? env.NEPTUNE_API_TOKEN : env.WANDB_API_KEY)?.trim() || '';
  if (token === '') {
    const variable = backend === 'neptune' ? 'NEPTUNE_API_TOKEN' : 'WANDB_API_KEY';
    throw new InputError(Inputs.apiToken, `no credential given. Pass api-token (from a secret) or set ${variable}.`);
  }
  const apiUrl = read(Inputs.apiUrl) || (backend === 'wandb' ? env.WANDB_BASE_URL?.trim() : undefined) || undefined;
  if (apiUrl !== undefined) checkUrl(apiUrl);

  const selection: Selection = { backend, project: projectOf(read(Inputs.project), backend, env) };
  const experiments = nameSelector(read(Inputs.experiments), Inputs.experiments);
  const runs = nameSelector(read(Inputs.runs), Inputs.runs);
  if (experiments && backend === 'wandb') throw new InputError(Inputs.experiments, "is for Neptune; W&B selects with 'runs' and 'filter'.");
  if (experiments && runs) throw new InputError(Inputs.runs, "give either 'experiments' or 'runs', not both.");
  if (experiments) selection.experiments = experiments;
  if (runs) selection.runs = runs;
  const filter = read(Inputs.filter);
  if (filter !== '') selection.filter = filter;

  const attributes = nameSelector(read(Inputs.attributes), Inputs.attributes);
  const files = nameSelector(read(Inputs.files), Inputs.files);
  if (attributes && backend === 'wandb') throw new InputError(Inputs.attributes, "is for Neptune; W&B selects with 'files' or 'pattern'.");
  if (files && backend === 'neptune') throw new InputError(Inputs.files, "is for W&B; Neptune selects with 'attributes'.");
  const names = attributes ?? files;
  if (names) selection.attributes = names;
  const pattern = read(Inputs.pattern);
  if (pattern !== '') {
    if (backend === 'neptune') throw new InputError(Inputs.pattern, "is for W&B; Neptune selects with 'attributes' (a regex).");
    if (files?.kind === 'names') {
      // The official client's own rule (wandb.md §2.3).
      throw new InputError(
        Inputs.pattern,
        "querying for files by both names and pattern is not supported: give either 'files' or 'pattern'.",
      );
    }
    selection.pattern = pattern;
  }
  const stepRange = parseStepRange(read(Inputs.stepRange));
  if (stepRange) selection.stepRange = stepRange;
  const tail = optionalInteger(read(Inputs.tail), Inputs.tail, 1, Number.MAX_SAFE_INTEGER);
  if (tail !== undefined) selection.tail = tail;
  if (backend === 'wandb' && (stepRange || tail !== undefined)) {
    throw new InputError(stepRange ? Inputs.stepRange : Inputs.tail, 'steps exist only for Neptune file series.');
  }

  const destination = path.resolve(baseDirectory, read(Inputs.destination) || DEFAULT_DESTINATION);
  const shard = optionalShard(read(Inputs.shard));
  return {
    selection,
    token,
    apiUrl,
    perPage: optionalInteger(read(Inputs.perPage), Inputs.perPage, 1, 1000),
    destination,
    manifestPath: path.join(destination, manifestFileName(shard)),
    overwrite: oneOf(read(Inputs.overwrite), Inputs.overwrite, OVERWRITE_POLICIES, 'skip-existing'),
    concurrency: optionalInteger(read(Inputs.concurrency), Inputs.concurrency, 1, MAX_CONCURRENCY) ?? DEFAULT_CONCURRENCY,
    dryRun: parseBoolean(read(Inputs.dryRun), Inputs.dryRun, false),
    ifNoFilesFound: oneOf(read(Inputs.ifNoFilesFound), Inputs.ifNoFilesFound, IF_NO_FILES_FOUND, 'warn'),
    shard,
    artifact: artifactSettings(read, shard),
  };
}

function oneOf<T extends string>(value: string, input: InputName, allowed: readonly T[], fallback: T | undefined): T {
  if (value === '' && fallback !== undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(input, `${value === '' ? 'is required' : `'${value}' is not allowed`}. Available options: ${allowed.join(', ')}.`);
}

function checkUrl(value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(Inputs.apiUrl, `'${value}' is not a URL; give e.g. https://neptune.example.com.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InputError(Inputs.apiUrl, `'${value}' must be an http(s) URL.`);
}

function projectOf(value: string, backend: BackendName, env: NodeJS.ProcessEnv): string {
  let project = value;
  if (project === '' && backend === 'neptune') project = env.NEPTUNE_PROJECT?.trim() ?? '';
  if (project === '' && backend === 'wandb') {
    const name = env.WANDB_PROJECT?.trim() ?? '';
    const entity = env.WANDB_ENTITY?.trim() ?? '';
    project = name === '' ? '' : entity === '' ? name : `${entity}/${name}`;
  }
  if (project === '') {
    const hint =
      backend === 'neptune' ? 'workspace/project, or set NEPTUNE_PROJECT' : 'entity/project, or set WANDB_PROJECT (and WANDB_ENTITY)';
    throw new InputError(Inputs.project, `is required: give ${hint}.`);
  }
  const parts = project.split('/');
  const wellFormed = backend === 'neptune' ? parts.length === 2 : parts.length <= 2;
  if (!wellFormed || parts.some((p) => p.trim() === '')) {
    const form = backend === 'neptune' ? 'workspace/project' : 'entity/project (or just project)';
    throw new InputError(Inputs.project, `'${project}' is not of the form ${form}.`);
  }
  return project;
}

/** One name per line, or `regex:<pattern>` on a single line. */
export function nameSelector(value: string, input: InputName): NameSelector | undefined {
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

export function parseStepRange(value: string): StepRange | undefined {
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

function optionalInteger(value: string, input: InputName, min: number, max: number): number | undefined {
  if (value === '') return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new InputError(input, `'${value}' is not a whole number from ${min} to ${max}.`);
  }
  return n;
}

function parseBoolean(value: string, input: InputName, fallback: boolean): boolean {
  if (value === '') return fallback;
  // The values @actions/core's getBooleanInput accepts (github-actions.md §2.2).
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new InputError(input, `'${value}' is not a boolean; use true or false.`);
}

function optionalShard(value: string): Shard | undefined {
  if (value === '') return undefined;
  const shard = parseShard(value);
  if (!shard) throw new InputError(Inputs.shard, `'${value}' is not of the form i/n with 1 ≤ i ≤ n (e.g. 2/4).`);
  return shard;
}

/**
 * `manifest-<i>-of-<n>.json` in a sharded job: shards that merge their artifacts into one folder
 * (download-artifact's merge-multiple) would otherwise overwrite each other's manifest.json.
 */

function artifactSettings(read: InputReader, shard: Shard | undefined): ArtifactSettings | undefined {
  const base = read(Inputs.artifactName);
  const retentionDays = optionalInteger(read(Inputs.artifactRetentionDays), Inputs.artifactRetentionDays, 0, 400) ?? 0;
  const compressionLevel = optionalInteger(read(Inputs.artifactCompressionLevel), Inputs.artifactCompressionLevel, 0, 9) ?? 6;
  if (base === '') return undefined;
  const bad = ARTIFACT_NAME_FORBIDDEN.exec(base);
  if (bad) {
    throw new InputError(
      Inputs.artifactName,
      `'${base}' contains ${JSON.stringify(bad[0])}, which the artifact service rejects (not allowed: " : < > | * ? \\ / and line breaks).`,
    );
  }
  // Each shard uploads its own artifact: the service rejects a second upload of the same name in one run.
  const name = shard && shard.count > 1 ? `${base}-${shard.index}-of-${shard.count}` : base;
  return { name, retentionDays, compressionLevel };
}
