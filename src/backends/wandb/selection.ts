// What the user asked of W&B, read from the inputs with every check that needs no network (wandb.md §1, §2;
// wandb-artifacts.md §2.1): the key and the server, entity/project, then one of two modes. Without an artifact
// input the source downloads run files (runs by id, regex or filter; files by name, pattern or regex); with
// `artifacts`, `artifact-type` or `run-artifacts` it downloads artifact versions and their entries.
import { InputError } from '../../core/errors.ts';
import type { InputEnvironment, InputReader } from '../../core/inputs/input-spec.ts';
import { readHttpUrl, readInteger, readNameSelector, readProjectPath, readWithFallback } from '../../core/inputs/input-values.ts';
import { describeNames } from '../../core/report/describe.ts';
import { artifactModeChosen, readArtifactInputs, type ArtifactChoice, type EntryChoice } from './artifacts/artifact-selection.ts';
import { DEFAULT_BASE_URL, normaliseBaseUrl } from './graphql/graphql-client.ts';
import { WandbInputs as Inputs } from './inputs.ts';
import { checkApiKey } from './key.ts';
import { readFileChoice, type FileChoice } from './run-files/file-choice.ts';
import { readRunSelection, type RunChoice } from './runs/run-selection.ts';

export { NAMES_AND_PATTERN_MESSAGE, type FileChoice } from './run-files/file-choice.ts';
export type { RunChoice } from './runs/run-selection.ts';

export const DEFAULT_PER_PAGE = 50;
export const MAX_PER_PAGE = 1000;
/** wandb-artifacts.md §5.1: entries per file-URL request, the client's WANDB_ARTIFACT_FETCH_FILE_URL_BATCH_SIZE. */
export const DEFAULT_FILE_URL_BATCH = 5000;
const MAX_FILE_URL_BATCH = 100_000;

interface WandbConnection {
  source: 'wandb';
  apiKey: string;
  baseUrl: string;
  /** null: the viewer's default entity (wandb.md §2.0). */
  entity: string | null;
  /** The selection in words (from the inputs as given). */
  description: string;
  /** `entity/project` or `project`, as given. */
  projectAsGiven: string;
}

/** Files of runs, as `Api().run(…).files(…)` + `File.download` (wandb.md). */
export interface WandbRunFilesSelection extends WandbConnection {
  mode: 'run-files';
  /** Page size of Runs and RunFiles: default 50 as the client (wandb.md §6), at most 1000. */
  perPage: number;
  project: string;
  runs: RunChoice;
  /** The user's filter as JSON text, or null. */
  filter: string | null;
  files: FileChoice;
}

/** Artifact versions and their entries, as `api.artifact(…).download()` (wandb-artifacts.md). */
export interface WandbArtifactSelection extends WandbConnection {
  mode: 'artifacts';
  /** Page size of every listing the user set with per-page; null: each operation's client default. */
  perPage: number | null;
  /** null when no project was given: every artifact is then named with its entity and project. */
  project: string | null;
  artifacts: ArtifactChoice;
  entries: EntryChoice;
  /** Entries per file-URL request (wandb-artifacts.md §5.1). */
  fileUrlBatch: number;
}

export type WandbSelection = WandbRunFilesSelection | WandbArtifactSelection;

export function readWandbSelection(read: InputReader, { env }: InputEnvironment): WandbSelection {
  const apiKey = readWithFallback(read, Inputs.apiToken, env, ['WANDB_API_KEY']);
  if (apiKey === '') throw new InputError(Inputs.apiToken, 'no credential given. Pass api-token (from a secret) or set WANDB_API_KEY.');
  checkApiKey(apiKey);
  const baseUrl = readBaseUrl(readWithFallback(read, Inputs.apiUrl, env, ['WANDB_BASE_URL']) || DEFAULT_BASE_URL);
  const projectAsGiven = read(Inputs.project) || projectFromEnvironment(env);
  const perPage = readInteger(read(Inputs.perPage), Inputs.perPage, 1, MAX_PER_PAGE);
  const connection = { source: 'wandb' as const, apiKey, baseUrl };

  if (artifactModeChosen(read)) {
    const chosen = readArtifactInputs(read);
    if (projectAsGiven === '' && chosen.needsProject) throw projectRequired();
    const path = projectAsGiven === '' ? undefined : readPath(projectAsGiven);
    return {
      ...connection,
      mode: 'artifacts',
      perPage: perPage ?? null,
      entity: path?.first ?? null,
      project: path?.second ?? null,
      artifacts: chosen.artifacts,
      entries: chosen.entries,
      fileUrlBatch: readFileUrlBatch(env),
      description: [...(projectAsGiven ? [`wandb project '${projectAsGiven}'`] : ['wandb']), ...chosen.described].join(', '),
      projectAsGiven: projectAsGiven || projectsOfNames(chosen.artifacts),
    };
  }
  if (read(Inputs.artifactVersions) !== '') {
    throw new InputError(
      Inputs.artifactVersions,
      "says how many versions of an artifact to take: give 'artifacts' or 'artifact-type' with it.",
    );
  }
  if (projectAsGiven === '') throw projectRequired();
  const { first: entity, second: project } = readPath(projectAsGiven);
  const runs = readRunSelection(read);
  const fileSelector = readNameSelector(read(Inputs.files), Inputs.files);
  const pattern = read(Inputs.pattern);
  return {
    ...connection,
    mode: 'run-files',
    perPage: perPage ?? DEFAULT_PER_PAGE,
    entity: entity ?? null,
    project,
    runs: runs.runs,
    filter: runs.filter,
    files: readFileChoice(fileSelector, pattern),
    description: [
      `wandb project '${projectAsGiven}'`,
      ...runs.described,
      ...(fileSelector ? [`files ${describeNames(fileSelector)}`] : []),
      ...(pattern ? [`pattern '${pattern}'`] : []),
    ].join(', '),
    projectAsGiven,
  };
}

function projectRequired(): InputError {
  return new InputError(Inputs.project, 'is required: give entity/project, or set WANDB_PROJECT (and WANDB_ENTITY).');
}

function readPath(value: string): { first?: string; second: string } {
  return readProjectPath(value, Inputs.project, 'entity/project (or just project)', true);
}

/** The projects of fully named artifacts, for the manifest when no `project` was given. */
function projectsOfNames(choice: ArtifactChoice): string {
  if (choice.kind !== 'names') return '';
  return [...new Set(choice.names.map((n) => `${n.entity ?? ''}/${n.project ?? ''}`))].join(', ');
}

/** WANDB_ENTITY/WANDB_PROJECT, as the client reads them; '' when no project is set. */
function projectFromEnvironment(env: NodeJS.ProcessEnv): string {
  const name = env.WANDB_PROJECT?.trim() ?? '';
  const entity = env.WANDB_ENTITY?.trim() ?? '';
  return name === '' ? '' : entity === '' ? name : `${entity}/${name}`;
}

/** wandb.md §1 "Base URL": http(s), trailing `/` stripped; a wandb.ai address must be an https `api.` host. */
function readBaseUrl(value: string): string {
  const url = readHttpUrl(value, Inputs.apiUrl, 'https://api.wandb.ai');
  const host = url.hostname.toLowerCase();
  if ((host === 'wandb.ai' || host.endsWith('.wandb.ai')) && (!host.includes('api.') || url.protocol !== 'https:')) {
    throw new InputError(Inputs.apiUrl, `'${value}' is the W&B web address; the API is https://api.wandb.ai.`);
  }
  return normaliseBaseUrl(url.toString());
}

/** wandb-artifacts.md §5.1: the client's WANDB_ARTIFACT_FETCH_FILE_URL_BATCH_SIZE, honoured the same way. */
function readFileUrlBatch(env: NodeJS.ProcessEnv): number {
  const variable = 'WANDB_ARTIFACT_FETCH_FILE_URL_BATCH_SIZE';
  const text = env[variable]?.trim() ?? '';
  if (text === '') return DEFAULT_FILE_URL_BATCH;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > MAX_FILE_URL_BATCH) {
    throw new InputError(variable, `'${text}' is not a whole number from 1 to ${MAX_FILE_URL_BATCH} (entries per file-URL request).`);
  }
  return n;
}
