// S3: a few very large files (content streamed by the emulator, never stored), measured against
// `curl --parallel` over the same signed URLs. The -size variants download one file of 1 GiB and one of 4 GiB
// to show whether the action's peak RSS stays flat as the file size grows.
import { BENCH_FILE_ATTRIBUTE, BENCH_NEPTUNE_PROJECT, neptuneStoragePaths, type FixtureSpec } from '../fixtures/bench-fixture.ts';
import { neptuneFileMinimum } from '../lib/protocol-minimum.ts';
import { neptuneSignedRequests } from '../lib/signing.ts';
import type { Mode, Scenario } from './types.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

function sizeLabel(bytes: number): string {
  return bytes >= GiB ? `${bytes / GiB} GiB` : `${bytes / MiB} MiB`;
}

function s3(id: string, files: number, fileSize: number): Scenario {
  const fixture: Extract<FixtureSpec, { kind: 'neptune-runs' }> = { kind: 'neptune-runs', runs: files, fileSize };
  return {
    id,
    title: `Neptune: ${files} file${files === 1 ? '' : 's'} of ${sizeLabel(fileSize)} (streamed by the emulator)`,
    fixture,
    latencyMs: 0,
    files,
    bytes: files * fileSize,
    dryRun: false,
    usesConcurrency: true,
    roundTripsPerFile: 1,
    inputs: (info, concurrency) => ({
      backend: 'neptune',
      'api-token': info.neptune?.apiToken ?? '',
      project: BENCH_NEPTUNE_PROJECT,
      attributes: BENCH_FILE_ATTRIBUTE,
      concurrency: String(concurrency),
      destination: 'out',
    }),
    minimum: neptuneFileMinimum(files, BENCH_FILE_ATTRIBUTE, fileSize, false),
    limit: 'curl',
    baselineRequests: (info) => neptuneSignedRequests(info, neptuneStoragePaths(fixture)),
  };
}

export function s3Scenarios(mode: Mode): Scenario[] {
  const size = mode === 'quick' ? 16 * MiB : GiB;
  const big = mode === 'quick' ? 64 * MiB : 4 * GiB;
  return [s3('S3', 4, size), s3('S3-size-small', 1, size), s3('S3-size-large', 1, big)];
}
