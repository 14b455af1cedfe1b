// MLflow: run artifacts and registered model versions from a tracking server, as `mlflow artifacts download`
// and `mlflow.artifacts.download_artifacts("models:/…")` find and fetch them (docs/protocols/mlflow.md).
import type { SourceDefinition } from '../../core/source.ts';
import { MLFLOW_INPUTS } from './inputs.ts';
import { createMlflowSource } from './mlflow-source.ts';
import { readMlflowSelection, type MlflowSelection } from './selection.ts';

export const mlflow: SourceDefinition<MlflowSelection> = {
  name: 'mlflow',
  secretVariables: ['MLFLOW_TRACKING_TOKEN', 'MLFLOW_TRACKING_PASSWORD'],
  inputs: MLFLOW_INPUTS,
  labels: { item: 'artifact' },
  examples: [
    { what: 'the champion version of a registered model', flags: `--api-url https://mlflow.example.com --models 'models:/churn@champion'` },
    {
      what: 'the model folder of the good runs of an experiment',
      flags: `--experiments churn --filter "metrics.auc > 0.9 and params.model = 'xgb'" --files model`,
    },
  ],
  readSelection: readMlflowSelection,
  describe: (s) => s.description,
  project: (s) => s.server.uri,
  tls: (s) => s.tls,
  create: createMlflowSource,
};
