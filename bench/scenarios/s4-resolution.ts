// S4: resolution only (dry run) over a project of many runs with one File attribute each. Judged on requests
// against the protocol minimum and on memory; S4-quarter resolves a quarter of the runs, so the growth of peak
// RSS per resolved run can be computed.
import { BENCH_FILE_ATTRIBUTE, BENCH_NEPTUNE_PROJECT } from '../fixtures/bench-fixture.ts';
import { neptuneFileMinimum } from '../lib/protocol-minimum.ts';
import type { Mode, Scenario } from './types.ts';

const FILE_SIZE = 1024;

function s4(id: string, runs: number): Scenario {
  return {
    id,
    title: `Neptune: resolution only (dry run) over ${runs.toLocaleString('en-US')} runs with one File attribute each`,
    fixture: { kind: 'neptune-runs', runs, fileSize: FILE_SIZE },
    latencyMs: 0,
    files: runs,
    bytes: runs * FILE_SIZE,
    dryRun: true,
    usesConcurrency: false,
    roundTripsPerFile: 0,
    inputs: (info) => ({
      backend: 'neptune',
      'api-token': info.neptune?.apiToken ?? '',
      project: BENCH_NEPTUNE_PROJECT,
      'dry-run': 'true',
      destination: 'out',
    }),
    minimum: neptuneFileMinimum(runs, BENCH_FILE_ATTRIBUTE, FILE_SIZE, true),
    limit: 'none',
  };
}

export function s4Scenarios(mode: Mode): Scenario[] {
  const runs = mode === 'quick' ? 2000 : 100_000;
  return [s4('S4', runs), s4('S4-quarter', runs / 4)];
}
