// The result records, and where they go: bench/results/<date>.json, <date>.md and latest.md (or another
// folder with --out). One record per (scenario, concurrency); the markdown is one table plus the targets.
import { spawnSync } from 'node:child_process';
import { cpus, freemem, totalmem } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LimitKind } from '../scenarios/types.ts';
import type { ProfileSummary } from '../profile-summary.ts';
import { renderMarkdown } from './report-markdown.ts';

export interface Machine {
  cores: number;
  cpuModel: string;
  memoryBytes: number;
  freeMemoryBytes: number;
  node: string;
  platform: string;
  /** Single-core MD5 throughput of this Node (the action hashes every byte), MB/s. */
  md5MBps: number;
  /**
   * The emulators' generated content (test/emulators/common/content.ts), streamed on one core, MB/s: where S3's
   * bytes come from, so S3 and its curl limit cannot be faster. Absent in results from before it was measured.
   */
  contentMBps?: number;
  curl: string | undefined;
}

export interface TargetCheck {
  name: string;
  value: number | undefined;
  threshold: number;
  /** `>=` or `<=` the threshold. */
  direction: '>=' | '<=';
  ok: boolean | undefined;
}

export interface ActionRecord {
  ok: boolean;
  exitCode: number | null;
  wallMs: number;
  filesPerSec: number;
  mbPerSec: number;
  cpuUserMs: number | undefined;
  cpuSystemMs: number | undefined;
  /** CPU ms per second of wall time (1000 = one core busy all along). */
  cpuPerWallSecond: number | undefined;
  eventLoopUtilization: number | undefined;
  peakRssBytes: number | undefined;
  peakHeapUsedBytes: number | undefined;
  peakExternalBytes: number | undefined;
  filesReported: number | undefined;
  bytesReported: number | undefined;
  error?: string;
}

export interface LimitRecord {
  kind: Exclude<LimitKind, 'none'>;
  wallMs: number;
  filesPerSec: number;
  mbPerSec: number;
  requests: number;
  clientCpuMs: number | undefined;
  emulatorCpuMs: number | undefined;
  /** Busy CPU of the machine not spent by the client, the emulator or the harness (others' work). */
  otherCpuMs: number | undefined;
  detail?: string;
}

export interface ScenarioRecord {
  id: string;
  title: string;
  concurrency: number | undefined;
  latencyMs: number;
  dryRun: boolean;
  files: number;
  bytes: number;
  repeats: number;
  action: ActionRecord;
  requests: {
    actual: Record<string, number>;
    minimum: Record<string, number>;
    apiActual: number;
    apiMinimum: number;
    /** API requests / protocol minimum. */
    apiRatio: number;
    storageActual: number;
    storageMinimum: number;
  };
  emulator: { cpuMs: number | undefined; cpuShareOfWall: number | undefined; startupMs: number };
  /** Busy CPU of other processes on the machine during the action run: a busy machine skews the numbers. */
  otherCpuMs: number | undefined;
  limit: LimitRecord | undefined;
  /** files × RTT × round trips per file / concurrency (latency scenarios). */
  latencyBoundMs: number | undefined;
  ratios: { toLimit: number | undefined; toLatencyBound: number | undefined };
  targets: TargetCheck[];
  profile?: ProfileSummary;
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  mode: 'quick' | 'full';
  entry: 'src' | 'dist';
  concurrencies: number[];
  latencyMs: number;
  /** Where workspaces and baseline files were written (the disk measured). */
  workDir: string;
  /** The commit measured, with `+dirty` when src/ had uncommitted changes at the start. */
  commit: string | undefined;
  machine: Machine;
  scenarios: ScenarioRecord[];
  /** Derived findings: RSS growth per resolved run (S4), RSS 1 vs 4 GiB (S3). */
  derived: Record<string, number | string | undefined>;
  notes: string[];
}

export function machineInfo(md5MBps: number, contentMBps: number, curl: string | undefined): Machine {
  const list = cpus();
  return {
    cores: list.length,
    cpuModel: list[0]?.model ?? 'unknown',
    memoryBytes: totalmem(),
    freeMemoryBytes: freemem(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    md5MBps,
    contentMBps,
    // The version and libcurl, not the feature list.
    curl: curl?.split(' ').slice(0, 3).join(' '),
  };
}

/** HEAD, and whether src/ differs from it: src/ changes while others work in the same checkout. */
export function commitInfo(repoRoot: string): string | undefined {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' });
  if (head.status !== 0) return undefined;
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src'], { cwd: repoRoot, encoding: 'utf8' });
  return `${head.stdout.trim()}${dirty.stdout.trim() === '' ? '' : '+dirty'}`;
}

/** `2026-11-23T12-54-01` from an ISO time, safe in file names. */
function stamp(iso: string): string {
  return iso.replace(/\.\d+Z$/, '').replace(/:/g, '-');
}

export async function writeResults(results: BenchResults, folder: string): Promise<{ json: string; markdown: string; latest: string }> {
  await mkdir(folder, { recursive: true });
  const base = path.join(folder, `${stamp(results.startedAt)}${results.mode === 'quick' ? '-quick' : ''}`);
  const json = `${base}.json`;
  const markdown = `${base}.md`;
  const latest = path.join(folder, 'latest.md');
  const md = renderMarkdown(results);
  await writeFile(json, `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(markdown, md);
  await writeFile(latest, md);
  return { json, markdown, latest };
}
