// What the user asked of MLflow, read from the inputs with every check that needs no network: the server and
// its credentials (mlflow.md §1), then either runs — experiments by name or regex, runs by id or by a regex over
// run names, a `runs/search` filter and a lifecycle (§2) — or model versions and run paths by URI (§5), and
// the artifact paths to take from each (`files`).
import { InputError } from '../../core/errors.ts';
import type { OriginTls } from '../../core/http/dispatcher.ts';
import type { InputEnvironment, InputReader } from '../../core/inputs/input-spec.ts';
import { readChoice, readNameSelector, readWithFallback, type NameSelector } from '../../core/inputs/input-values.ts';
import { compileNameMatcher, type NameMatcher } from '../../core/names/name-matcher.ts';
import { describeNames } from '../../core/report/describe.ts';
import { normaliseUserPath } from './artifact-paths.ts';
import { readCredentials, type MlflowAuth, type Note } from './credentials.ts';
import { MlflowInputs as Inputs } from './inputs.ts';
import { parseArtifactUri, type ArtifactUri } from './model-uri.ts';
import { readTrackingServer, type TrackingServer } from './tracking-server.ts';

export type Lifecycle = 'active' | 'deleted' | 'all';
export const LIFECYCLES: readonly Lifecycle[] = ['active', 'deleted', 'all'];

export type ExperimentChoice = { kind: 'all' } | { kind: 'names'; names: string[] } | { kind: 'regex'; matches: NameMatcher };
export type RunChoice = { kind: 'all' } | { kind: 'ids'; ids: string[] } | { kind: 'regex'; matches: NameMatcher };

export type FileChoice =
  | { kind: 'all' }
  /** Artifact paths relative to the run (or model) root: a file, or a folder taken whole. */
  | { kind: 'paths'; paths: string[] }
  /** Matched here over every listed path, relative to the root. */
  | { kind: 'regex'; matches: NameMatcher };

export type MlflowTarget =
  | { kind: 'runs'; experiments: ExperimentChoice; runs: RunChoice; filter: string | null; lifecycle: Lifecycle }
  | { kind: 'uris'; uris: ArtifactUri[] };

export interface MlflowSelection {
  source: 'mlflow';
  server: TrackingServer;
  auth: MlflowAuth;
  tls: OriginTls | undefined;
  /** Said once when the job starts (about the credentials). */
  notes: Note[];
  target: MlflowTarget;
  files: FileChoice;
  description: string;
}

export function readMlflowSelection(read: InputReader, { env }: InputEnvironment): MlflowSelection {
  const server = readTrackingServer(readWithFallback(read, Inputs.apiUrl, env, ['MLFLOW_TRACKING_URI']));
  const { auth, tls, notes } = readCredentials(read, env, server);
  const models = read(Inputs.models);
  const experiments = readNameSelector(read(Inputs.experiments), Inputs.experiments);
  const runs = readNameSelector(read(Inputs.runs), Inputs.runs);
  const filter = read(Inputs.filter);
  const lifecycleText = read(Inputs.lifecycle);
  const files = readNameSelector(read(Inputs.files), Inputs.files);

  let target: MlflowTarget;
  if (models !== '') {
    const mixed = [Inputs.experiments, Inputs.runs, Inputs.filter, Inputs.lifecycle].filter((name) => read(name) !== '');
    if (mixed.length > 0) {
      throw new InputError(
        Inputs.models,
        `selects model versions and run paths by URI; it does not combine with ${mixed.map((n) => `'${n}'`).join(', ')}. Use one step for the models and another for the runs.`,
      );
    }
    target = { kind: 'uris', uris: readUris(models) };
  } else {
    target = {
      kind: 'runs',
      experiments: experimentChoice(experiments),
      runs: runChoice(runs),
      filter: filter === '' ? null : filter,
      lifecycle: readChoice(lifecycleText, Inputs.lifecycle, LIFECYCLES, 'active'),
    };
  }
  const description = describe(server, target, { experiments, runs, filter, files });
  return { source: 'mlflow', server, auth, tls, notes, target, files: fileChoice(files), description };
}

function readUris(text: string): ArtifactUri[] {
  const out: ArtifactUri[] = [];
  const seen = new Set<string>();
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (line === '' || seen.has(line)) continue;
    seen.add(line);
    const parsed = parseArtifactUri(line);
    if (!parsed.ok) throw new InputError(Inputs.models, parsed.reason);
    out.push(parsed.value);
  }
  return out;
}

function experimentChoice(selector: NameSelector | undefined): ExperimentChoice {
  if (selector === undefined) return { kind: 'all' };
  if (selector.kind === 'names') return { kind: 'names', names: selector.names };
  return { kind: 'regex', matches: compileNameMatcher(selector.pattern, Inputs.experiments) };
}

function runChoice(selector: NameSelector | undefined): RunChoice {
  if (selector === undefined) return { kind: 'all' };
  if (selector.kind === 'regex') return { kind: 'regex', matches: compileNameMatcher(selector.pattern, Inputs.runs) };
  for (const id of selector.names) {
    // A run id is one folder level of the layout, and a path segment of every request about it.
    if (/[/\\#?%\s]/.test(id) || id === '.' || id === '..') {
      throw new InputError(Inputs.runs, `'${id}' is not a run id (32 hexadecimal characters, as the MLflow UI shows under "Run ID").`);
    }
  }
  return { kind: 'ids', ids: selector.names };
}

function fileChoice(selector: NameSelector | undefined): FileChoice {
  if (selector === undefined) return { kind: 'all' };
  if (selector.kind === 'regex') return { kind: 'regex', matches: compileNameMatcher(selector.pattern, Inputs.files) };
  const paths: string[] = [];
  for (const name of selector.names) {
    const normal = normaliseUserPath(name);
    if (!normal.ok)
      throw new InputError(Inputs.files, `'${name}' ${normal.reason}; give artifact paths relative to the run, e.g. model/MLmodel.`);
    if (normal.path === '') return { kind: 'all' };
    if (!paths.includes(normal.path)) paths.push(normal.path);
  }
  return { kind: 'paths', paths };
}

function describe(
  server: TrackingServer,
  target: MlflowTarget,
  given: { experiments?: NameSelector; runs?: NameSelector; filter: string; files?: NameSelector },
): string {
  const parts = [`mlflow server ${server.uri}`];
  if (target.kind === 'uris') {
    const shown = target.uris.slice(0, 5).map((u) => u.uri);
    parts.push(`${shown.join(', ')}${target.uris.length > 5 ? ` and ${target.uris.length - 5} more` : ''}`);
  } else {
    if (given.experiments) parts.push(`experiments ${describeNames(given.experiments)}`);
    else if (target.runs.kind !== 'ids') parts.push(target.lifecycle === 'active' ? 'every active experiment' : 'every experiment');
    if (given.runs) parts.push(`runs ${describeNames(given.runs)}`);
    if (given.filter !== '') parts.push(`filter ${given.filter}`);
    if (target.lifecycle !== 'active') parts.push(`lifecycle ${target.lifecycle}`);
  }
  if (given.files) parts.push(`files ${describeNames(given.files)}`);
  return parts.join(', ');
}
