// The inputs the MLflow source reads (action.yml lists them; the CLI's flags are the same names with `--`).
import type { InputSpec } from '../../core/inputs/input-spec.ts';

export const MlflowInputs = {
  apiUrl: 'api-url',
  apiToken: 'api-token',
  experiments: 'experiments',
  runs: 'runs',
  filter: 'filter',
  lifecycle: 'lifecycle',
  files: 'files',
  models: 'models',
} as const;

export const MLFLOW_INPUTS: readonly InputSpec[] = [
  { name: MlflowInputs.apiUrl, help: 'tracking server URL (default: $MLFLOW_TRACKING_URI)' },
  {
    name: MlflowInputs.apiToken,
    help: 'Bearer token (default: $MLFLOW_TRACKING_TOKEN; Basic auth from the username/password variables wins)',
  },
  { name: MlflowInputs.experiments, help: 'experiment name; repeat for more, or regex:<pattern> over names', list: true },
  { name: MlflowInputs.runs, help: 'run id; repeat for more, or regex:<pattern> over run names', list: true },
  { name: MlflowInputs.filter, help: 'runs/search filter, e.g. "metrics.acc > 0.9 and params.model = \'resnet\'"' },
  { name: MlflowInputs.lifecycle, help: 'runs to consider: active (default), deleted or all' },
  { name: MlflowInputs.files, help: 'artifact path (a file, or a folder taken whole); repeat for more, or regex:<pattern>', list: true },
  {
    name: MlflowInputs.models,
    help: 'models:/<name>/<version>, models:/<name>@<alias>, models:/<name>/latest or runs:/<run id>/<path>',
    list: true,
  },
];
