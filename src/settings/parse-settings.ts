// Turns raw inputs (action inputs or CLI flags, same names) into one validated Settings object: the chosen
// source reads and checks its own inputs, this module the ones every job has. Every check that needs no network
// happens here, so bad input fails before the first request, with a message that names the input, what was
// given and what is allowed.
import path from 'node:path';
import { InputError } from '../core/errors.ts';
import type { InputEnvironment, InputReader } from '../core/inputs/input-spec.ts';
import { readBoolean, readChoice, readInteger } from '../core/inputs/input-values.ts';
import { manifestFileName } from '../core/report/manifest.ts';
import { parseShard } from '../core/plan/shard.ts';
import { configureSource, type ConfiguredSource, type SourceDefinition } from '../core/source.ts';
import { IF_NO_FILES_FOUND, OVERWRITE_POLICIES, type IfNoFilesFound, type OverwritePolicy, type Shard } from '../core/types.ts';
import { CommonInputs, JOB_INPUTS } from './common-inputs.ts';
import { readTuning, type Tuning } from './tuning.ts';

export interface ArtifactSettings {
  name: string;
  retentionDays: number;
  compressionLevel: number;
}

export interface Settings {
  source: ConfiguredSource;
  destination: string;
  manifestPath: string;
  overwrite: OverwritePolicy;
  concurrency: number;
  dryRun: boolean;
  ifNoFilesFound: IfNoFilesFound;
  shard: Shard | undefined;
  artifact: ArtifactSettings | undefined;
  tuning: Tuning;
}

/** Measured with `npm run bench` (bench/README.md): with 20 ms of round trip, 32 downloads 35% faster than 16. */
export const DEFAULT_CONCURRENCY = 32;
export const MAX_CONCURRENCY = 256;
export const DEFAULT_DESTINATION = 'experiment-files';
/** Characters the artifact service rejects in a name (github-actions.md §3.2). */
const ARTIFACT_NAME_FORBIDDEN = /[":<>|*?\r\n\\/]/;

export function parseSettings(read: InputReader, environment: InputEnvironment, sources: readonly SourceDefinition[]): Settings {
  const names = sources.map((s) => s.name);
  const name = readChoice(read(CommonInputs.backend), CommonInputs.backend, names, undefined);
  const definition = sources.find((s) => s.name === name) as SourceDefinition;
  refuseInputsOfOtherSources(read, definition, sources);
  const source = configureSource(definition, read, environment);

  const destination = path.resolve(environment.baseDirectory, read(CommonInputs.destination) || DEFAULT_DESTINATION);
  const shard = readShard(read(CommonInputs.shard));
  const concurrency = readInteger(read(CommonInputs.concurrency), CommonInputs.concurrency, 1, MAX_CONCURRENCY) ?? DEFAULT_CONCURRENCY;
  return {
    source,
    destination,
    manifestPath: path.join(destination, manifestFileName(shard)),
    overwrite: readChoice(read(CommonInputs.overwrite), CommonInputs.overwrite, OVERWRITE_POLICIES, 'skip-existing'),
    concurrency,
    dryRun: readBoolean(read(CommonInputs.dryRun), CommonInputs.dryRun, false),
    ifNoFilesFound: readChoice(read(CommonInputs.ifNoFilesFound), CommonInputs.ifNoFilesFound, IF_NO_FILES_FOUND, 'warn'),
    shard,
    artifact: readArtifactSettings(read, shard),
    tuning: readTuning(environment.env, concurrency),
  };
}

/** An input that only other sources read was given: say whose it is and what this source reads instead. */
function refuseInputsOfOtherSources(read: InputReader, chosen: SourceDefinition, sources: readonly SourceDefinition[]): void {
  const own = new Set([CommonInputs.backend, ...JOB_INPUTS.map((i) => i.name), ...chosen.inputs.map((i) => i.name)]);
  for (const other of sources) {
    for (const input of other.inputs) {
      if (own.has(input.name) || read(input.name) === '') continue;
      const readers = sources.filter((s) => s.inputs.some((i) => i.name === input.name)).map((s) => s.name);
      const reads = chosen.inputs.map((i) => `'${i.name}'`).join(', ');
      throw new InputError(input.name, `is read by ${readers.join(' and ')}, not by ${chosen.name}, which selects with ${reads}.`);
    }
  }
}

function readShard(value: string): Shard | undefined {
  if (value === '') return undefined;
  const shard = parseShard(value);
  if (!shard) throw new InputError(CommonInputs.shard, `'${value}' is not of the form i/n with 1 ≤ i ≤ n (e.g. 2/4).`);
  return shard;
}

function readArtifactSettings(read: InputReader, shard: Shard | undefined): ArtifactSettings | undefined {
  const base = read(CommonInputs.artifactName);
  const retentionDays = readInteger(read(CommonInputs.artifactRetentionDays), CommonInputs.artifactRetentionDays, 0, 400) ?? 0;
  const compressionLevel = readInteger(read(CommonInputs.artifactCompressionLevel), CommonInputs.artifactCompressionLevel, 0, 9) ?? 6;
  if (base === '') return undefined;
  const bad = ARTIFACT_NAME_FORBIDDEN.exec(base);
  if (bad) {
    throw new InputError(
      CommonInputs.artifactName,
      `'${base}' contains ${JSON.stringify(bad[0])}, which the artifact service rejects (not allowed: " : < > | * ? \\ / and line breaks).`,
    );
  }
  // Each shard uploads its own artifact: the service rejects a second upload of the same name in one run.
  const name = shard && shard.count > 1 ? `${base}-${shard.index}-of-${shard.count}` : base;
  return { name, retentionDays, compressionLevel };
}
