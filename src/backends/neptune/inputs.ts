// The inputs the Neptune source reads (action.yml lists them; the CLI's flags are the same names with `--`).
import type { InputSpec } from '../../core/inputs/input-spec.ts';

export const NeptuneInputs = {
  apiToken: 'api-token',
  apiUrl: 'api-url',
  project: 'project',
  experiments: 'experiments',
  runs: 'runs',
  filter: 'filter',
  attributes: 'attributes',
  stepRange: 'step-range',
  tail: 'tail',
} as const;

export const NEPTUNE_INPUTS: readonly InputSpec[] = [
  { name: NeptuneInputs.apiToken, help: 'API token (default: $NEPTUNE_API_TOKEN)' },
  { name: NeptuneInputs.apiUrl, help: 'self-hosted server URL (default: the one inside the token)' },
  { name: NeptuneInputs.project, help: 'workspace/project (default: $NEPTUNE_PROJECT)' },
  { name: NeptuneInputs.experiments, help: 'experiment name; repeat for more, or regex:<pattern>', list: true },
  { name: NeptuneInputs.runs, help: 'custom run id; repeat for more, or regex:<pattern>', list: true },
  { name: NeptuneInputs.filter, help: 'condition like \'config/lr >= 0.001 and sys/tags contains "best"\'' },
  { name: NeptuneInputs.attributes, help: 'File / File-series attribute path; repeat for more, or regex:<pattern>', list: true },
  { name: NeptuneInputs.stepRange, help: 'series steps from:to, either side optional' },
  { name: NeptuneInputs.tail, help: 'last N steps of each series' },
];
