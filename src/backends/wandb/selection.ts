// Checks a W&B selection and options without any network call, and turns them into what the resolver
// needs. Every problem is an InputError naming the input (or flag) to change.
import { InputError } from '../../core/errors.ts';
import type { Selection } from '../../core/types.ts';
import { Inputs } from '../../settings/input-names.ts';
import { DEFAULT_BASE_URL, normaliseBaseUrl } from './graphql/graphql-client.ts';
import { checkApiKey } from './key.ts';
import { compileNameRegex, type NameMatcher } from '../../core/names/name-matcher.ts';

export interface WandbOptions {
  apiKey: string;
  /** Default https://api.wandb.ai; the settings fill it from api-url or WANDB_BASE_URL. */
  baseUrl?: string;
  /** Page size of Runs and RunFiles: default 50 as the client (§6), at most 1000. */
  perPage?: number;
}

export const DEFAULT_PER_PAGE = 50;
export const MAX_PER_PAGE = 1000;

export type RunChoice = { kind: 'all' } | { kind: 'ids'; ids: string[] } | { kind: 'regex'; matches: NameMatcher };

export interface WandbPlan {
  baseUrl: string;
  perPage: number;
  /** null: the viewer's default entity (§2.0). */
  entity: string | null;
  project: string;
  runs: RunChoice;
  /** The user's filter as JSON text, or null. */
  filter: string | null;
  fileNames: string[];
  pattern: string | null;
  /** Client-side filter over file names (`files: regex:…`). */
  fileMatches: NameMatcher | null;
}

/** The official client's message (wandb.md §2.3), raised when names and a pattern are both given. */
export const NAMES_AND_PATTERN_MESSAGE =
  'Querying for files by both names and pattern is not supported. Please provide either a list of names or a pattern to match.';

export function planWandbSelection(selection: Selection, options: WandbOptions): WandbPlan {
  checkApiKey(options.apiKey);
  if (selection.experiments) throw new InputError(Inputs.experiments, "is for Neptune; W&B selects with 'runs' and 'filter'.");
  if (selection.stepRange) throw new InputError(Inputs.stepRange, 'steps exist only for Neptune file series.');
  if (selection.tail !== undefined) throw new InputError(Inputs.tail, 'steps exist only for Neptune file series.');

  const plan: WandbPlan = {
    baseUrl: checkBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL),
    perPage: checkPerPage(options.perPage),
    ...splitProject(selection.project),
    runs: { kind: 'all' },
    filter: selection.filter === undefined ? null : checkFilter(selection.filter),
    fileNames: [],
    pattern: null,
    fileMatches: null,
  };

  const runs = selection.runs;
  if (runs?.kind === 'names') {
    if (runs.names.length === 0) throw new InputError(Inputs.runs, 'lists no run id.');
    plan.runs = { kind: 'ids', ids: runs.names };
  } else if (runs?.kind === 'regex') {
    plan.runs = { kind: 'regex', matches: compileNameRegex(runs.pattern, Inputs.runs) };
  }

  const files = selection.attributes;
  if (files?.kind === 'names' && files.names.length === 0) throw new InputError(Inputs.files, 'lists no file name.');
  if (selection.pattern !== undefined) {
    if (files?.kind === 'names') throw new InputError(Inputs.pattern, NAMES_AND_PATTERN_MESSAGE);
    if (selection.pattern === '') throw new InputError(Inputs.pattern, "is empty; use '%' for every file, or leave it out.");
    plan.pattern = selection.pattern;
  }
  if (files?.kind === 'names') plan.fileNames = files.names;
  if (files?.kind === 'regex') plan.fileMatches = compileNameRegex(files.pattern, Inputs.files);
  return plan;
}

function splitProject(value: string): { entity: string | null; project: string } {
  const parts = value.trim().split('/');
  const bad = (): InputError => new InputError(Inputs.project, `'${value}' is not of the form entity/project (or just project).`);
  if (parts.length > 2 || parts.some((p) => p.trim() === '')) throw bad();
  const [first = '', second] = parts.map((p) => p.trim());
  return second === undefined ? { entity: null, project: first } : { entity: first, project: second };
}

/** §1 "Base URL": http(s), trailing `/` stripped; a wandb.ai address must be an https `api.` host. */
function checkBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(Inputs.apiUrl, `'${value}' is not a URL; give e.g. https://api.wandb.ai.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InputError(Inputs.apiUrl, `'${value}' must be an http(s) URL.`);
  if (url.username !== '' || url.password !== '')
    throw new InputError(Inputs.apiUrl, 'must not contain credentials; pass the key as api-token.');
  const host = url.hostname.toLowerCase();
  if ((host === 'wandb.ai' || host.endsWith('.wandb.ai')) && (!host.includes('api.') || url.protocol !== 'https:')) {
    throw new InputError(Inputs.apiUrl, `'${value}' is the W&B web address; the API is https://api.wandb.ai.`);
  }
  if (url.search !== '' || url.hash !== '') throw new InputError(Inputs.apiUrl, `'${value}' must not have a query or fragment.`);
  return normaliseBaseUrl(url.toString());
}

function checkPerPage(value: number | undefined): number {
  if (value === undefined) return DEFAULT_PER_PAGE;
  if (!Number.isInteger(value) || value < 1 || value > MAX_PER_PAGE) {
    throw new InputError(Inputs.perPage, `must be a whole number from 1 to ${MAX_PER_PAGE}, not ${value}.`);
  }
  return value;
}

/** §2.2: a MongoDB-style object, sent as JSON text. Anything else cannot be a `filters` value. */
function checkFilter(text: string): string {
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
