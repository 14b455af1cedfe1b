// Every input of the action, by the name action.yml gives it; the CLI's flags are the same names with `--`.
export const Inputs = {
  backend: 'backend',
  apiToken: 'api-token',
  apiUrl: 'api-url',
  project: 'project',
  experiments: 'experiments',
  runs: 'runs',
  filter: 'filter',
  attributes: 'attributes',
  files: 'files',
  pattern: 'pattern',
  stepRange: 'step-range',
  tail: 'tail',
  perPage: 'per-page',
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

export type InputName = (typeof Inputs)[keyof typeof Inputs];

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
  artifactId: 'artifact-id',
  artifactUrl: 'artifact-url',
  artifactDigest: 'artifact-digest',
} as const;
