// S5: MLflow, one run with many 32 KiB artifacts in one folder, downloaded through the tracking server's
// proxied artifact service (mlflow.md §3.2: one listing per folder, one GET per file on the API host), and the
// same with added latency. The limit is the bare keep-alive GET loop over the same download URLs.
import { BENCH_MLFLOW_EXPERIMENT, BENCH_MLFLOW_RUN, mlflowArtifactPaths } from '../fixtures/bench-fixture.ts';
import { mlflowArtifactsMinimum } from '../lib/protocol-minimum.ts';
import type { Mode, Scenario } from './types.ts';

const FILE_SIZE = 32 * 1024;

function s5(id: string, title: string, files: number, latencyMs: number): Scenario {
  return {
    id,
    title,
    fixture: { kind: 'mlflow-artifacts', files, fileSize: FILE_SIZE },
    latencyMs,
    files,
    bytes: files * FILE_SIZE,
    dryRun: false,
    usesConcurrency: true,
    roundTripsPerFile: 1,
    inputs: (info, concurrency) => ({
      backend: 'mlflow',
      'api-url': info.mlflow?.url ?? '',
      runs: BENCH_MLFLOW_RUN,
      concurrency: String(concurrency),
      destination: 'out',
    }),
    minimum: mlflowArtifactsMinimum(files),
    limit: 'bare-get',
    baselineRequests: async (info) => {
      const base = `${info.mlflow?.url ?? ''}/api/2.0/mlflow-artifacts/artifacts/${BENCH_MLFLOW_EXPERIMENT}/${BENCH_MLFLOW_RUN}/artifacts`;
      return mlflowArtifactPaths(files).map((p) => ({ url: `${base}/${p}` }));
    },
  };
}

export function s5Scenarios(mode: Mode, latencyMs: number): Scenario[] {
  const files = mode === 'quick' ? 200 : 2000;
  return [
    s5('S5', `MLflow: one run with ${files.toLocaleString('en-US')} artifacts of 32 KiB (proxied artifact service)`, files, 0),
    s5('S5-latency', `S5 with ${latencyMs} ms added to every request`, files, latencyMs),
  ];
}
