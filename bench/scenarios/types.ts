// What a scenario declares: the fixture the emulator serves, the action's inputs, what it should download, the
// protocol minimum of requests, and which limit it is measured against. The runner (bench/run.ts) does the rest.
import type { BareGetRequest } from '../baselines/bare-get.ts';
import type { FixtureSpec } from '../fixtures/bench-fixture.ts';
import type { EmulatorInfo } from '../lib/emulator-process.ts';

/**
 * - `bare-get`: the bare keep-alive GET loop over the same URLs (bench/baselines/bare-get.ts);
 * - `curl`: `curl --parallel` over the same URLs (bench/baselines/curl.ts);
 * - `none`: only the request count and memory are judged (dry run).
 */
export type LimitKind = 'bare-get' | 'curl' | 'none';

export interface Scenario {
  /** `S1`, `S1-azure`, `S1-latency`, … : `--scenario S1` selects S1 and its variants. */
  id: string;
  title: string;
  fixture: FixtureSpec;
  /** Added by the emulator to every API and storage request. */
  latencyMs: number;
  /** Files the action must report, and their bytes. */
  files: number;
  bytes: number;
  dryRun: boolean;
  /** False when concurrency cannot matter (dry run): the scenario runs once, whatever `--concurrency` lists. */
  usesConcurrency: boolean;
  /** Round trips each file costs at minimum (W&B: the 302 and the storage GET); for the latency bound. */
  roundTripsPerFile: number;
  inputs(info: EmulatorInfo, concurrency: number): Record<string, string>;
  /** Requests per `<target> <endpoint>` the protocol needs at least (the official client's batch sizes). */
  minimum: Record<string, number>;
  limit: LimitKind;
  /** The GETs a baseline sends, obtained outside the timed loop. */
  baselineRequests?(info: EmulatorInfo): Promise<BareGetRequest[]>;
  /** Follow redirects in the baseline (W&B file URLs). */
  baselineFollowsRedirect?: boolean;
}

export type Mode = 'quick' | 'full';
