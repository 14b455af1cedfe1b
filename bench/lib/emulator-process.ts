// The emulators in their own process (test/emulators/cli.ts), so their CPU does not count as the action's and
// can be reported on its own: CPU of the whole process tree (Azurite included), request counts per endpoint,
// and a log that is cleared between measured runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FixtureSpec } from '../fixtures/bench-fixture.ts';
import { treeCpuMs } from './proc.ts';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(REPO_ROOT, 'test/emulators/cli.ts');
const FIXTURE_MODULE = path.join(REPO_ROOT, 'bench/fixtures/bench-fixture.ts');

/** What cli.ts writes to --port-file. */
export interface EmulatorInfo {
  neptune?: { url: string; apiToken: string; projects: string[] };
  wandb?: { url: string; apiKey: string; projects: string[] };
  mlflow?: { url: string; experiments: string[]; models: string[] };
  storageOrigin: string;
  azure?: { origin: string };
  pid: number;
}

export interface EmulatorProcess {
  info: EmulatorInfo;
  pid: number;
  /** Milliseconds from spawn until the emulators listened (fixture load, Azurite uploads included). */
  startupMs: number;
  /** CPU ms of the emulator process tree so far (undefined without /proc). */
  cpuMs(): number | undefined;
  /** Requests per `<target> <endpoint>` since the last clear. */
  counts(): Promise<Record<string, number>>;
  clearLog(): Promise<void>;
  stop(): Promise<void>;
}

export interface EmulatorStartOptions {
  fixture: FixtureSpec;
  latencyMs?: number;
  /** Give up starting after this long (Azurite uploads of 10,000 blobs take a while). */
  startTimeoutMs?: number;
  /** Profile the emulator process (node --cpu-prof; the .cpuprofile is written when it stops). */
  cpuProfileDir?: string;
}

function controlBase(info: EmulatorInfo): string {
  const base = info.neptune?.url ?? info.wandb?.url ?? info.mlflow?.url;
  if (base === undefined) throw new Error('the emulator runs no API server');
  return `${base}/_emulator`;
}

async function waitForPortFile(file: string, child: ChildProcess, timeoutMs: number, output: () => string): Promise<EmulatorInfo> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the emulator exited while starting:\n${output()}`);
    try {
      const text = await readFile(file, 'utf8');
      if (text.endsWith('\n')) return JSON.parse(text) as EmulatorInfo;
    } catch {
      // Not written yet.
    }
    if (Date.now() > deadline) throw new Error(`the emulator did not start within ${timeoutMs} ms:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function startEmulatorProcess(options: EmulatorStartOptions): Promise<EmulatorProcess> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-emu-'));
  const portFile = path.join(dir, 'info.json');
  const args = [CLI, '--fixture', FIXTURE_MODULE, '--port-file', portFile];
  if (options.latencyMs) args.push('--latency-ms', String(options.latencyMs));
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      BENCH_FIXTURE: JSON.stringify(options.fixture),
      NODE_OPTIONS: options.cpuProfileDir === undefined ? '' : `--cpu-prof --cpu-prof-dir=${options.cpuProfileDir}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d: Buffer): void => {
    // Only the start-up banner and errors matter; cap what is kept.
    if (output.length < 20_000) output += d.toString('utf8');
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  let info: EmulatorInfo;
  try {
    info = await waitForPortFile(portFile, child, options.startTimeoutMs ?? 300_000, () => output);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const startupMs = performance.now() - started;
  const pid = child.pid as number;
  const control = controlBase(info);

  return {
    info,
    pid,
    startupMs,
    cpuMs: () => treeCpuMs(pid),
    async counts() {
      const res = await fetch(`${control}/request-counts`);
      if (!res.ok) throw new Error(`request-counts answered ${res.status}`);
      return (await res.json()) as Record<string, number>;
    },
    async clearLog() {
      const res = await fetch(`${control}/requests`, { method: 'DELETE' });
      if (!res.ok) throw new Error(`clearing the request log answered ${res.status}`);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
