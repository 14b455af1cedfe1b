// S6: one W&B artifact version with many 32 KiB entries (wandb-artifacts.md §1): the lookup, the manifest, file
// URLs in one batch, then one signed storage GET per entry, each verified against its manifest MD5. The limit is
// the bare GET loop over the same signed URLs (no redirect), and the same with 20 ms added per request.
import { BENCH_WANDB_ARTIFACT, BENCH_WANDB_ENTITY, BENCH_WANDB_PROJECT } from '../fixtures/bench-fixture.ts';
import { wandbArtifactMinimum } from '../lib/protocol-minimum.ts';
import { wandbArtifactRequests } from '../lib/signing.ts';
import type { Mode, Scenario } from './types.ts';

const ENTRY_SIZE = 32 * 1024;

function s6(id: string, title: string, entries: number, latencyMs: number): Scenario {
  return {
    id,
    title,
    fixture: { kind: 'wandb-artifact', entries, entrySize: ENTRY_SIZE },
    latencyMs,
    files: entries,
    bytes: entries * ENTRY_SIZE,
    dryRun: false,
    usesConcurrency: true,
    roundTripsPerFile: 1,
    inputs: (info, concurrency) => ({
      backend: 'wandb',
      'api-token': info.wandb?.apiKey ?? '',
      'api-url': info.wandb?.url ?? '',
      project: `${BENCH_WANDB_ENTITY}/${BENCH_WANDB_PROJECT}`,
      artifacts: `${BENCH_WANDB_ARTIFACT}:latest`,
      concurrency: String(concurrency),
      destination: 'out',
    }),
    minimum: wandbArtifactMinimum(entries),
    limit: 'bare-get',
    baselineRequests: wandbArtifactRequests,
  };
}

export function s6Scenarios(mode: Mode, latencyMs: number): Scenario[] {
  const entries = mode === 'quick' ? 200 : 2000;
  return [
    s6('S6', `W&B: one artifact version with ${entries.toLocaleString('en-US')} entries of 32 KiB`, entries, 0),
    s6('S6-latency', `S6 with ${latencyMs} ms added to every API and storage request`, entries, latencyMs),
  ];
}
