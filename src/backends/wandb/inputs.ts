// The inputs the W&B source reads (action.yml lists them; the CLI's flags are the same names with `--`).
import type { InputSpec } from '../../core/inputs/input-spec.ts';

export const WandbInputs = {
  apiToken: 'api-token',
  apiUrl: 'api-url',
  project: 'project',
  runs: 'runs',
  filter: 'filter',
  files: 'files',
  pattern: 'pattern',
  perPage: 'per-page',
  artifacts: 'artifacts',
  artifactType: 'artifact-type',
  artifactVersions: 'artifact-versions',
  runArtifacts: 'run-artifacts',
} as const;

export const WANDB_INPUTS: readonly InputSpec[] = [
  { name: WandbInputs.apiToken, help: 'API key (default: $WANDB_API_KEY)' },
  { name: WandbInputs.apiUrl, help: 'server URL (default: $WANDB_BASE_URL or https://api.wandb.ai)' },
  { name: WandbInputs.project, help: 'entity/project (default: $WANDB_ENTITY/$WANDB_PROJECT)' },
  { name: WandbInputs.runs, help: 'run id; repeat for more, or regex:<pattern> over ids and display names', list: true },
  { name: WandbInputs.filter, help: 'MongoDB-style JSON filter, e.g. \'{"state": "finished"}\'' },
  { name: WandbInputs.files, help: 'file (or artifact entry) name; repeat for more, or regex:<pattern>', list: true },
  { name: WandbInputs.pattern, help: 'SQL LIKE pattern over file (or artifact entry) names, e.g. media/images/%' },
  { name: WandbInputs.perPage, help: 'page size for listing runs, files and artifact versions' },
  { name: WandbInputs.artifacts, help: 'artifact version [entity/project/]collection[:alias|:vN]; repeat for more', list: true },
  { name: WandbInputs.artifactType, help: 'only artifacts of this type; alone: every collection of this type' },
  { name: WandbInputs.artifactVersions, help: 'latest | all | N (newest N) versions of collections named without alias' },
  { name: WandbInputs.runArtifacts, help: 'logged | used: the artifacts of the runs selected with --runs/--filter' },
];
