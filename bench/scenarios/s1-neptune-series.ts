// S1: Neptune, many small files in File series across 20 runs (gcp storage; also Azure through Azurite), and
// the same with added round-trip latency. Measured against the bare keep-alive GET loop over the same URLs.
import { BENCH_NEPTUNE_PROJECT, BENCH_SERIES_ATTRIBUTE, neptuneStoragePaths, type FixtureSpec } from '../fixtures/bench-fixture.ts';
import { neptuneSeriesMinimum } from '../lib/protocol-minimum.ts';
import { neptuneSignedRequests } from '../lib/signing.ts';
import type { Mode, Scenario } from './types.ts';

const RUNS = 20;
const FILE_SIZE = 8 * 1024;

function s1(id: string, title: string, points: number, provider: 'gcp' | 'azure', latencyMs: number): Scenario {
  const fixture: Extract<FixtureSpec, { kind: 'neptune-series' }> = {
    kind: 'neptune-series',
    runs: RUNS,
    pointsPerRun: points,
    fileSize: FILE_SIZE,
    provider,
  };
  const files = RUNS * points;
  return {
    id,
    title,
    fixture,
    latencyMs,
    files,
    bytes: files * FILE_SIZE,
    dryRun: false,
    usesConcurrency: true,
    roundTripsPerFile: 1,
    inputs: (info, concurrency) => ({
      backend: 'neptune',
      'api-token': info.neptune?.apiToken ?? '',
      project: BENCH_NEPTUNE_PROJECT,
      attributes: BENCH_SERIES_ATTRIBUTE,
      concurrency: String(concurrency),
      destination: 'out',
    }),
    minimum: neptuneSeriesMinimum(RUNS, points, FILE_SIZE, provider),
    limit: 'bare-get',
    baselineRequests: (info) => neptuneSignedRequests(info, neptuneStoragePaths(fixture)),
  };
}

export function s1Scenarios(mode: Mode, latencyMs: number): Scenario[] {
  const points = mode === 'quick' ? 20 : 500;
  const azurePoints = mode === 'quick' ? 10 : 500;
  const n = (p: number): string => (RUNS * p).toLocaleString('en-US');
  return [
    s1('S1', `Neptune: ${n(points)} files of 8 KiB in File series across ${RUNS} runs (gcp)`, points, 'gcp', 0),
    s1(
      'S1-azure',
      `Neptune: ${n(azurePoints)} files of 8 KiB in File series across ${RUNS} runs (azure, Azurite)`,
      azurePoints,
      'azure',
      0,
    ),
    s1('S1-latency', `S1 with ${latencyMs} ms added to every API and storage request`, points, 'gcp', latencyMs),
  ];
}
