// What the user asked of W&B, read from the inputs with every check that needs no network (wandb.md §1, §2):
// the key and the server, entity/project, runs by id, regex or filter, and files by name, pattern or regex.
import { InputError } from '../../core/errors.ts';
import type { InputEnvironment, InputReader } from '../../core/inputs/input-spec.ts';
import { readHttpUrl, readInteger, readNameSelector, readProjectPath, readWithFallback } from '../../core/inputs/input-values.ts';
import { compileNameMatcher, type NameMatcher } from '../../core/names/name-matcher.ts';
import { describeNames } from '../../core/report/describe.ts';
import { DEFAULT_BASE_URL, normaliseBaseUrl } from './graphql/graphql-client.ts';
import { WandbInputs as Inputs } from './inputs.ts';
import { checkApiKey } from './key.ts';

export const DEFAULT_PER_PAGE = 50;
export const MAX_PER_PAGE = 1000;

export type RunChoice = { kind: 'all' } | { kind: 'ids'; ids: string[] } | { kind: 'regex'; matches: NameMatcher };

export type FileChoice =
  | { kind: 'all' }
  /** Exact names, asked of the server (`fileNames`). */
  | { kind: 'names'; names: string[] }
  /** A SQL LIKE pattern, matched by the server (§2.3), and optionally a regex matched here over what it lists. */
  | { kind: 'pattern'; pattern: string; matches?: NameMatcher }
  /** Matched here over the listed names (`files: regex:…`). */
  | { kind: 'regex'; matches: NameMatcher };

export interface WandbSelection {
  source: 'wandb';
  apiKey: string;
  baseUrl: string;
  /** Page size of Runs and RunFiles: default 50 as the client (§6), at most 1000. */
  perPage: number;
  /** null: the viewer's default entity (§2.0). */
  entity: string | null;
  project: string;
  runs: RunChoice;
  /** The user's filter as JSON text, or null. */
  filter: string | null;
  files: FileChoice;
  /** The selection in words (from the inputs as given). */
  description: string;
  /** `entity/project` or `project`, as given. */
  projectAsGiven: string;
}

/** The official client's message (wandb.md §2.3), raised when names and a pattern are both given. */
export const NAMES_AND_PATTERN_MESSAGE =
  'Querying for files by both names and pattern is not supported. Please provide either a list of names or a pattern to match.';

export function readWandbSelection(read: InputReader, { env }: InputEnvironment): WandbSelection {
  const apiKey = readWithFallback(read, Inputs.apiToken, env, ['WANDB_API_KEY']);
  if (apiKey === '') throw new InputError(Inputs.apiToken, 'no credential given. Pass api-token (from a secret) or set WANDB_API_KEY.');
  checkApiKey(apiKey);
  const baseUrl = readBaseUrl(readWithFallback(read, Inputs.apiUrl, env, ['WANDB_BASE_URL']) || DEFAULT_BASE_URL);
  const projectAsGiven = read(Inputs.project) || projectFromEnvironment(env);
  if (projectAsGiven === '')
    throw new InputError(Inputs.project, 'is required: give entity/project, or set WANDB_PROJECT (and WANDB_ENTITY).');
  const { first: entity, second: project } = readProjectPath(projectAsGiven, Inputs.project, 'entity/project (or just project)', true);

  const runsSelector = readNameSelector(read(Inputs.runs), Inputs.runs);
  const filterText = read(Inputs.filter);
  const fileSelector = readNameSelector(read(Inputs.files), Inputs.files);
  const pattern = read(Inputs.pattern);
  const description = [
    `wandb project '${projectAsGiven}'`,
    ...(runsSelector ? [`runs ${describeNames(runsSelector)}`] : []),
    ...(filterText ? [`filter ${filterText}`] : []),
    ...(fileSelector ? [`files ${describeNames(fileSelector)}`] : []),
    ...(pattern ? [`pattern '${pattern}'`] : []),
  ].join(', ');
  return {
    source: 'wandb',
    apiKey,
    baseUrl,
    perPage: readInteger(read(Inputs.perPage), Inputs.perPage, 1, MAX_PER_PAGE) ?? DEFAULT_PER_PAGE,
    entity: entity ?? null,
    project,
    runs:
      runsSelector === undefined
        ? { kind: 'all' }
        : runsSelector.kind === 'names'
          ? { kind: 'ids', ids: runsSelector.names }
          : { kind: 'regex', matches: compileNameMatcher(runsSelector.pattern, Inputs.runs) },
    filter: filterText === '' ? null : readFilter(filterText),
    files: readFileChoice(fileSelector, pattern),
    description,
    projectAsGiven,
  };
}

/** WANDB_ENTITY/WANDB_PROJECT, as the client reads them; '' when no project is set. */
function projectFromEnvironment(env: NodeJS.ProcessEnv): string {
  const name = env.WANDB_PROJECT?.trim() ?? '';
  const entity = env.WANDB_ENTITY?.trim() ?? '';
  return name === '' ? '' : entity === '' ? name : `${entity}/${name}`;
}

function readFileChoice(selector: ReturnType<typeof readNameSelector>, pattern: string): FileChoice {
  if (pattern !== '') {
    if (selector?.kind === 'names') throw new InputError(Inputs.pattern, NAMES_AND_PATTERN_MESSAGE);
    if (selector?.kind === 'regex') return { kind: 'pattern', pattern, matches: compileNameMatcher(selector.pattern, Inputs.files) };
    return { kind: 'pattern', pattern };
  }
  if (selector === undefined) return { kind: 'all' };
  if (selector.kind === 'names') return { kind: 'names', names: selector.names };
  return { kind: 'regex', matches: compileNameMatcher(selector.pattern, Inputs.files) };
}

/** §1 "Base URL": http(s), trailing `/` stripped; a wandb.ai address must be an https `api.` host. */
function readBaseUrl(value: string): string {
  const url = readHttpUrl(value, Inputs.apiUrl, 'https://api.wandb.ai');
  const host = url.hostname.toLowerCase();
  if ((host === 'wandb.ai' || host.endsWith('.wandb.ai')) && (!host.includes('api.') || url.protocol !== 'https:')) {
    throw new InputError(Inputs.apiUrl, `'${value}' is the W&B web address; the API is https://api.wandb.ai.`);
  }
  return normaliseBaseUrl(url.toString());
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
