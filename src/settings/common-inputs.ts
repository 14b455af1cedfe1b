// The inputs every job reads whatever its source (the source's own inputs are declared in its folder), and the
// step's outputs. The CLI's flags are the same names with `--`.
import type { InputSpec } from '../core/inputs/input-spec.ts';

export const CommonInputs = {
  backend: 'backend',
  destination: 'destination',
  overwrite: 'overwrite',
  concurrency: 'concurrency',
  dryRun: 'dry-run',
  ifNoFilesFound: 'if-no-files-found',
  shard: 'shard',
  artifactName: 'artifact-name',
  artifactRetentionDays: 'artifact-retention-days',
  artifactCompressionLevel: 'artifact-compression-level',
} as const;

/** In the order the CLI lists them: `backend` first, then the source inputs, then these. */
export const BACKEND_INPUT: InputSpec = { name: CommonInputs.backend, help: 'tracker to download from' };

export const JOB_INPUTS: readonly InputSpec[] = [
  { name: CommonInputs.destination, help: 'folder to download into' },
  { name: CommonInputs.overwrite, help: 'skip-existing | overwrite | error' },
  { name: CommonInputs.concurrency, help: 'files downloaded at the same time' },
  { name: CommonInputs.dryRun, help: 'resolve and write the manifest only', flag: true },
  { name: CommonInputs.ifNoFilesFound, help: 'warn | error | ignore' },
  { name: CommonInputs.shard, help: 'i/n: take a stable 1/n of the files' },
  { name: CommonInputs.artifactName, help: '(action only) workflow artifact name', actionOnly: true },
  { name: CommonInputs.artifactRetentionDays, help: '(action only)', actionOnly: true },
  { name: CommonInputs.artifactCompressionLevel, help: '(action only)', actionOnly: true },
];

export const Outputs = {
  destination: 'destination',
  manifest: 'manifest',
  paths: 'paths',
  pathsTruncated: 'paths-truncated',
  filesCount: 'files-count',
  bytes: 'bytes',
  missingCount: 'missing-count',
  skippedCount: 'skipped-count',
  failedCount: 'failed-count',
  referenceCount: 'reference-count',
  artifactId: 'artifact-id',
  artifactUrl: 'artifact-url',
  artifactDigest: 'artifact-digest',
} as const;
