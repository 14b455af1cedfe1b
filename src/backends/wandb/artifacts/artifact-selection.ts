// The artifact mode's own inputs, read and checked without any network call: which artifact versions
// (`artifacts` by name, `artifact-type`, `run-artifacts` of the runs picked with runs/filter), how many versions
// (`artifact-versions`), and which entries of each (`files` names or regex, `pattern` SQL LIKE — matched here
// over the manifest, wandb-artifacts.md §4). Combinations that mean nothing are refused naming the input.
import { InputError } from '../../../core/errors.ts';
import type { InputReader } from '../../../core/inputs/input-spec.ts';
import { readChoice, readInteger, readNameSelector } from '../../../core/inputs/input-values.ts';
import { likeToRegExp } from '../../../core/names/like-pattern.ts';
import { compileNameMatcher } from '../../../core/names/name-matcher.ts';
import { describeNames } from '../../../core/report/describe.ts';
import { WandbInputs as Inputs } from '../inputs.ts';
import { NAMES_AND_PATTERN_MESSAGE } from '../run-files/file-choice.ts';
import { readRunSelection, runsGiven, type RunSelection } from '../runs/run-selection.ts';
import { readArtifactNames, type ArtifactName } from './artifact-names.ts';

/** How many versions of a collection: the one `latest` points to, every one, or the newest N. */
export type VersionCount = { kind: 'latest' } | { kind: 'all' } | { kind: 'newest'; count: number };

export type RunArtifactsDirection = 'logged' | 'used';

export type ArtifactChoice =
  /** `artifacts`: versions by name; `type` (artifact-type) must then match what each resolves to. */
  | { kind: 'names'; names: ArtifactName[]; type: string | null; versions: VersionCount }
  /** `artifact-type` alone: every collection of that type in the project. */
  | { kind: 'type'; type: string; versions: VersionCount }
  /** `run-artifacts`: what the selected runs logged (outputArtifacts) or used (inputArtifacts), of `type` only. */
  | { kind: 'runs'; runs: Pick<RunSelection, 'runs' | 'filter'>; direction: RunArtifactsDirection; type: string | null };

export type EntryChoice =
  | { kind: 'all' }
  | { kind: 'names'; names: string[] }
  /** A LIKE pattern, a regex, or both (each must match). */
  | { kind: 'matching'; matches: (path: string) => boolean };

export interface ArtifactInputs {
  artifacts: ArtifactChoice;
  entries: EntryChoice;
  /** True when some version is named without its project (the `project` input must then give it). */
  needsProject: boolean;
  /** The selection in words, part by part. */
  described: string[];
}

const MAX_VERSIONS = 1_000_000;

/** True when any input that selects artifacts was given: the W&B source then downloads artifacts, not run files. */
export function artifactModeChosen(read: InputReader): boolean {
  return [Inputs.artifacts, Inputs.artifactType, Inputs.runArtifacts].some((name) => read(name) !== '');
}

export function readArtifactInputs(read: InputReader): ArtifactInputs {
  const namesText = read(Inputs.artifacts);
  const type = read(Inputs.artifactType);
  const direction = read(Inputs.runArtifacts);
  const versionsText = read(Inputs.artifactVersions);
  const described: string[] = [];

  let artifacts: ArtifactChoice;
  if (direction !== '') {
    if (namesText !== '')
      throw new InputError(
        Inputs.runArtifacts,
        "give either 'artifacts' (versions by name) or 'run-artifacts' (the artifacts of runs), not both.",
      );
    if (versionsText !== '') {
      throw new InputError(
        Inputs.artifactVersions,
        "does not apply to 'run-artifacts': a run logged or used exact versions, and those are taken.",
      );
    }
    const runs = readRunSelection(read);
    const chosen = readChoice(direction, Inputs.runArtifacts, ['logged', 'used'] as const, undefined);
    artifacts = { kind: 'runs', runs, direction: chosen, type: type === '' ? null : type };
    described.push(`artifacts ${chosen} by ${runs.described.length > 0 ? runs.described.join(', ') : 'every run'}`);
  } else {
    if (runsGiven(read)) {
      const input = read(Inputs.runs) !== '' ? Inputs.runs : Inputs.filter;
      throw new InputError(
        input,
        "selects runs, but 'artifacts' and 'artifact-type' name artifacts directly; for the artifacts of runs add run-artifacts: logged (or used).",
      );
    }
    const versions = readVersionCount(versionsText);
    if (namesText !== '') {
      const names = readArtifactNames(namesText);
      if (versionsText !== '' && names.every((n) => n.version !== null)) {
        throw new InputError(
          Inputs.artifactVersions,
          "applies to collections named without a version or alias (e.g. 'model'), and every line of 'artifacts' names one.",
        );
      }
      artifacts = { kind: 'names', names, type: type === '' ? null : type, versions };
      described.push(`artifacts ${describeNames({ kind: 'names', names: names.map((n) => n.asGiven) })}`);
    } else {
      artifacts = { kind: 'type', type, versions };
      described.push(`every '${type}' artifact`);
    }
    if (versions.kind !== 'latest') described.push(`versions ${versions.kind === 'all' ? 'all' : `newest ${versions.count}`}`);
  }
  if (type !== '' && artifacts.kind !== 'type') described.push(`of type '${type}'`);

  const entries = readEntryChoice(read);
  if (entries.described !== '') described.push(entries.described);
  const needsProject = artifacts.kind !== 'names' || artifacts.names.some((n) => n.project === null);
  return { artifacts, entries: entries.choice, needsProject, described };
}

function readVersionCount(text: string): VersionCount {
  if (text === '' || text === 'latest') return { kind: 'latest' };
  if (text === 'all') return { kind: 'all' };
  if (!/^\d+$/.test(text))
    throw new InputError(Inputs.artifactVersions, `'${text}' is not 'latest', 'all' or a number of versions (e.g. 3).`);
  return { kind: 'newest', count: readInteger(text, Inputs.artifactVersions, 1, MAX_VERSIONS) as number };
}

/** `files` and `pattern` pick entries by their path in the manifest, with the vocabulary of run files. */
function readEntryChoice(read: InputReader): { choice: EntryChoice; described: string } {
  const selector = readNameSelector(read(Inputs.files), Inputs.files);
  const pattern = read(Inputs.pattern);
  if (pattern !== '' && selector?.kind === 'names') throw new InputError(Inputs.pattern, NAMES_AND_PATTERN_MESSAGE);
  const described = [...(selector ? [`entries ${describeNames(selector)}`] : []), ...(pattern ? [`entries like '${pattern}'`] : [])].join(
    ', ',
  );
  if (selector?.kind === 'names') return { choice: { kind: 'names', names: selector.names }, described };
  const like = pattern === '' ? undefined : likeToRegExp(pattern);
  const regex = selector?.kind === 'regex' ? compileNameMatcher(selector.pattern, Inputs.files) : undefined;
  if (like === undefined && regex === undefined) return { choice: { kind: 'all' }, described };
  return {
    choice: { kind: 'matching', matches: (p) => (like === undefined || like.test(p)) && (regex === undefined || regex(p)) },
    described,
  };
}
