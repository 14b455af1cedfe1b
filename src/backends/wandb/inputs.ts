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
} as const;

export const WANDB_INPUTS: readonly InputSpec[] = [
  { name: WandbInputs.apiToken, help: 'API key (default: $WANDB_API_KEY)' },
  { name: WandbInputs.apiUrl, help: 'server URL (default: $WANDB_BASE_URL or https://api.wandb.ai)' },
  { name: WandbInputs.project, help: 'entity/project (default: $WANDB_ENTITY/$WANDB_PROJECT)' },
  { name: WandbInputs.runs, help: 'run id; repeat for more, or regex:<pattern> over ids and display names', list: true },
  { name: WandbInputs.filter, help: 'MongoDB-style JSON filter, e.g. \'{"state": "finished"}\'' },
  { name: WandbInputs.files, help: 'file name; repeat for more, or regex:<pattern>', list: true },
  { name: WandbInputs.pattern, help: 'SQL LIKE pattern over file names, e.g. media/images/%' },
  { name: WandbInputs.perPage, help: 'page size for listing runs and files' },
];
