// One measured run of the action as a runner starts it (test/support/action-process.ts): a Node 24 child with
// INPUT_* variables. The child accounts for itself at exit (usage-hook.ts: peak RSS, CPU, event-loop use);
// the parent samples VmRSS from /proc meanwhile for a coarse timeline, and may ask for a CPU profile.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runActionProcess, SOURCE_ENTRY, DIST_ENTRY } from '../../test/support/action-process.ts';
import { readMemory } from './proc.ts';

const HOOK = pathToFileURL(path.join(import.meta.dirname, 'usage-hook.ts')).href;
const SAMPLE_EVERY_MS = 100;

export type ActionEntry = 'src' | 'dist';

export interface ActionUsage {
  code: number;
  maxRssBytes: number;
  userCpuMs: number;
  systemCpuMs: number;
  voluntaryContextSwitches: number;
  involuntaryContextSwitches: number;
  fsWrite: number;
  eventLoopUtilization: number;
  uptimeMs: number;
  peakHeapUsedBytes: number;
  peakHeapTotalBytes: number;
  peakExternalBytes: number;
  peakArrayBuffersBytes: number;
}

export interface ActionMeasurement {
  wallMs: number;
  exitCode: number | null;
  outputs: Record<string, string>;
  usage: ActionUsage | undefined;
  /** Largest VmRSS seen by the parent's sampling (a lower bound of usage.maxRssBytes). */
  sampledPeakRssBytes: number | undefined;
  /** VmRSS samples, bytes, every SAMPLE_EVERY_MS. */
  rssSamples: number[];
  /** The .cpuprofile written, when asked for. */
  cpuProfile: string | undefined;
  /** The tail of stdout+stderr, for failed runs. */
  logTail: string;
}

export interface ActionRunOptions {
  inputs: Record<string, string>;
  entry: ActionEntry;
  /** Folder for the workspace (on the disk the benchmark measures). */
  workRoot: string;
  /** Write a .cpuprofile into this folder (node --cpu-prof). */
  cpuProfileDir?: string;
  timeoutMs: number;
  /** Extra environment (DOWNLOAD_EXPERIMENT_FILES_* tuning). */
  env?: Record<string, string>;
  /** Extra Node flags for the action (experiments, e.g. `--max-old-space-size=64`). */
  nodeOptions?: string[];
}

export async function runMeasuredAction(options: ActionRunOptions): Promise<ActionMeasurement> {
  const workspace = await mkdtemp(path.join(options.workRoot, 'ws-'));
  const usageFile = path.join(options.workRoot, `${path.basename(workspace)}.usage.json`);
  const nodeOptions = [`--import=${HOOK}`, ...(options.nodeOptions ?? [])];
  if (options.cpuProfileDir !== undefined) {
    await mkdir(options.cpuProfileDir, { recursive: true });
    nodeOptions.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`);
  }
  const rssSamples: number[] = [];
  let timer: NodeJS.Timeout | undefined;
  const started = performance.now();
  try {
    const run = await runActionProcess({
      inputs: options.inputs,
      entry: options.entry === 'dist' ? DIST_ENTRY : SOURCE_ENTRY,
      workspace,
      timeoutMs: options.timeoutMs,
      env: { ...options.env, NODE_OPTIONS: nodeOptions.join(' '), BENCH_USAGE_FILE: usageFile },
      onSpawn: (child) => {
        const pid = child.pid;
        if (pid === undefined) return;
        timer = setInterval(() => {
          const m = readMemory(pid);
          if (m) rssSamples.push(m.rssBytes);
        }, SAMPLE_EVERY_MS);
        timer.unref();
      },
    });
    const wallMs = performance.now() - started;
    if (timer) clearInterval(timer);
    const usage = await readFile(usageFile, 'utf8')
      .then((t) => JSON.parse(t) as ActionUsage)
      .catch(() => undefined);
    const log = run.stdout + run.stderr;
    return {
      wallMs,
      exitCode: run.code,
      outputs: run.outputs,
      usage,
      sampledPeakRssBytes: rssSamples.length > 0 ? rssSamples.reduce((a, b) => Math.max(a, b), 0) : undefined,
      rssSamples,
      cpuProfile: options.cpuProfileDir,
      logTail: log.slice(-4000),
    };
  } finally {
    if (timer) clearInterval(timer);
    await rm(usageFile, { force: true });
    await rm(workspace, { recursive: true, force: true, maxRetries: 3 });
  }
}
