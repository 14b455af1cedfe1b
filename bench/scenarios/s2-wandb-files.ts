// S2: W&B, one run with many 32 KiB files (each file URL answers 302 to signed storage), and the same with added
// latency. The baseline follows the same redirect, so both pay the two requests per file the protocol needs.
import { BENCH_WANDB_ENTITY, BENCH_WANDB_PROJECT, BENCH_WANDB_RUN, wandbFileNames } from '../fixtures/bench-fixture.ts';
import { wandbFilesMinimum } from '../lib/protocol-minimum.ts';
import { wandbFileRequests } from '../lib/signing.ts';
import type { Mode, Scenario } from './types.ts';

const FILE_SIZE = 32 * 1024;
/** The action's default per-page (the official client's, wandb.md §6). */
const PER_PAGE = 50;

function s2(id: string, title: string, files: number, latencyMs: number): Scenario {
  return {
    id,
    title,
    fixture: { kind: 'wandb-files', files, fileSize: FILE_SIZE },
    latencyMs,
    files,
    bytes: files * FILE_SIZE,
    dryRun: false,
    usesConcurrency: true,
    roundTripsPerFile: 2,
    inputs: (info, concurrency) => ({
      backend: 'wandb',
      'api-token': info.wandb?.apiKey ?? '',
      'api-url': info.wandb?.url ?? '',
      project: `${BENCH_WANDB_ENTITY}/${BENCH_WANDB_PROJECT}`,
      runs: BENCH_WANDB_RUN,
      concurrency: String(concurrency),
      destination: 'out',
    }),
    minimum: wandbFilesMinimum(files, PER_PAGE),
    limit: 'bare-get',
    baselineRequests: async (info) => wandbFileRequests(info, wandbFileNames(files)),
    baselineFollowsRedirect: true,
  };
}

export function s2Scenarios(mode: Mode, latencyMs: number): Scenario[] {
  const files = mode === 'quick' ? 200 : 2000;
  return [
    s2('S2', `W&B: one run with ${files.toLocaleString('en-US')} files of 32 KiB`, files, 0),
    s2('S2-latency', `S2 with ${latencyMs} ms added to every API and storage request`, files, latencyMs),
  ];
}
