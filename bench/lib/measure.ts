// Runs one scenario: its own emulator process, then per concurrency the limit (baseline) and the action on the
// same URLs, each with the emulator's request log cleared before and its CPU read around it.
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { bareGetLoop, type BareGetRequest } from '../baselines/bare-get.ts';
import { curlParallel } from '../baselines/curl.ts';
import { summariseProfileFile, type ProfileSummary } from '../profile-summary.ts';
import type { Scenario } from '../scenarios/types.ts';
import { runMeasuredAction, type ActionEntry, type ActionMeasurement } from './action-run.ts';
import { startEmulatorProcess, type EmulatorProcess } from './emulator-process.ts';
import { machineBusyMs } from './proc.ts';
import { apiTotal, storageTotal } from './protocol-minimum.ts';
import type { ActionRecord, LimitRecord, ScenarioRecord, TargetCheck } from './results.ts';

export interface MeasureOptions {
  concurrencies: number[];
  repeat: number;
  entry: ActionEntry;
  /** Where workspaces and baseline files go (the disk being measured). */
  workRoot: string;
  /** Take an extra, profiled action run (at concurrency 16 if measured, else the first) and keep the .cpuprofile here. */
  profileDir?: string;
  timeoutMs: number;
  /** Extra Node flags for every action run. */
  actionNodeOptions?: string[];
  /** Extra environment for every action run (DOWNLOAD_EXPERIMENT_FILES_* tuning). */
  actionEnv?: Record<string, string>;
  log: (line: string) => void;
}

const MB = 1e6;
export const RSS_LIMIT_BYTES = 120 * 1024 * 1024;
const WARM_UP_FILES = 200;

/** Best of the repeats: on a shared 2-core machine noise only ever adds time, so the fastest run is the cleanest. */
function fastest<T>(items: T[], key: (t: T) => number): T {
  return items.reduce((best, t) => (key(t) < key(best) ? t : best));
}

function actionRecord(s: Scenario, m: ActionMeasurement): ActionRecord {
  const filesReported = m.outputs['files-count'] === undefined ? undefined : Number(m.outputs['files-count']);
  const failed = Number(m.outputs['failed-count'] ?? '0');
  const ok = m.exitCode === 0 && filesReported === s.files && failed === 0;
  const u = m.usage;
  const cpu = u ? u.userCpuMs + u.systemCpuMs : undefined;
  const record: ActionRecord = {
    ok,
    exitCode: m.exitCode,
    wallMs: m.wallMs,
    filesPerSec: (s.files * 1000) / m.wallMs,
    mbPerSec: s.dryRun ? 0 : s.bytes / MB / (m.wallMs / 1000),
    cpuUserMs: u?.userCpuMs,
    cpuSystemMs: u?.systemCpuMs,
    cpuPerWallSecond: cpu === undefined ? undefined : (cpu * 1000) / m.wallMs,
    eventLoopUtilization: u?.eventLoopUtilization,
    peakRssBytes: u?.maxRssBytes ?? m.sampledPeakRssBytes,
    peakHeapUsedBytes: u?.peakHeapUsedBytes,
    peakExternalBytes: u?.peakExternalBytes,
    filesReported,
    bytesReported: m.outputs.bytes === undefined ? undefined : Number(m.outputs.bytes),
  };
  if (!ok) record.error = `exit ${m.exitCode}, files ${filesReported}/${s.files}, failed ${failed}: ${m.logTail.slice(-800)}`;
  return record;
}

async function runLimit(
  s: Scenario,
  emu: EmulatorProcess,
  requests: BareGetRequest[],
  concurrency: number,
  workRoot: string,
): Promise<LimitRecord | undefined> {
  if (s.limit === 'none') return undefined;
  const destination = path.join(workRoot, `limit-${s.id}`);
  const cpu0 = emu.cpuMs();
  const busy0 = machineBusyMs();
  const other = (clientCpuMs: number | undefined, emulatorCpuMs: number | undefined): number | undefined => {
    const busy1 = machineBusyMs();
    if (busy0 === undefined || busy1 === undefined || clientCpuMs === undefined || emulatorCpuMs === undefined) return undefined;
    return Math.max(0, busy1 - busy0 - clientCpuMs - emulatorCpuMs);
  };
  try {
    // Both limits report the same measures; curl counts one request per file and names its version.
    const r =
      s.limit === 'curl'
        ? { ...(await curlParallel(requests, { concurrency, destination })), kind: 'curl' as const }
        : {
            ...(await bareGetLoop(requests, { concurrency, destination, followRedirect: s.baselineFollowsRedirect })),
            kind: 'bare-get' as const,
          };
    const cpu1 = emu.cpuMs();
    const emulatorCpuMs = cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0;
    return {
      kind: r.kind,
      wallMs: r.wallMs,
      filesPerSec: (r.files * 1000) / r.wallMs,
      mbPerSec: r.bytes / MB / (r.wallMs / 1000),
      requests: r.kind === 'curl' ? r.files : r.requests,
      clientCpuMs: r.cpuMs,
      emulatorCpuMs,
      otherCpuMs: other(r.cpuMs, emulatorCpuMs),
      ...(r.kind === 'curl' ? { detail: r.version } : {}),
    };
  } finally {
    await rm(destination, { recursive: true, force: true });
  }
}

function targetsOf(s: Scenario, r: Omit<ScenarioRecord, 'targets'>): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const check = (name: string, value: number | undefined, direction: '>=' | '<=', threshold: number): void => {
    checks.push({
      name,
      value,
      threshold,
      direction,
      ok: value === undefined ? undefined : direction === '>=' ? value >= threshold : value <= threshold,
    });
  };
  if (!s.dryRun)
    check(
      'peak RSS MiB',
      r.action.peakRssBytes === undefined ? undefined : r.action.peakRssBytes / 2 ** 20,
      '<=',
      RSS_LIMIT_BYTES / 2 ** 20,
    );
  if (s.id === 'S1' || s.id === 'S1-azure' || s.id === 'S5') check('ratio to bare GET', r.ratios.toLimit, '>=', 0.5);
  if (s.id === 'S1-latency') check('ratio to latency bound', r.ratios.toLatencyBound, '>=', 0.8);
  if (s.id === 'S3') check('ratio to curl', r.ratios.toLimit, '>=', 0.9);
  if (s.dryRun) check('API requests / protocol minimum', r.requests.apiRatio, '<=', 1.05);
  return checks;
}

async function measureOnce(
  s: Scenario,
  emu: EmulatorProcess,
  requests: BareGetRequest[],
  concurrency: number,
  options: MeasureOptions,
  cpuProfileDir?: string,
): Promise<{
  action: ActionMeasurement;
  actionEmuCpu: number | undefined;
  otherCpuMs: number | undefined;
  counts: Record<string, number>;
  limit: LimitRecord | undefined;
}> {
  let limit: LimitRecord | undefined;
  if (cpuProfileDir === undefined && requests.length > 0) {
    await emu.clearLog();
    limit = await runLimit(s, emu, requests, concurrency, options.workRoot);
  }
  await emu.clearLog();
  const cpu0 = emu.cpuMs();
  const busy0 = machineBusyMs();
  const self0 = process.cpuUsage();
  const action = await runMeasuredAction({
    inputs: s.inputs(emu.info, concurrency),
    entry: options.entry,
    workRoot: options.workRoot,
    timeoutMs: options.timeoutMs,
    cpuProfileDir,
    nodeOptions: options.actionNodeOptions,
    env: options.actionEnv,
  });
  const cpu1 = emu.cpuMs();
  const busy1 = machineBusyMs();
  const self = process.cpuUsage(self0);
  const actionEmuCpu = cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0;
  const u = action.usage;
  // CPU of processes that are neither the action, the emulator nor this harness (other work on the machine).
  const otherCpuMs =
    busy0 === undefined || busy1 === undefined || actionEmuCpu === undefined || u === undefined
      ? undefined
      : Math.max(0, busy1 - busy0 - actionEmuCpu - u.userCpuMs - u.systemCpuMs - (self.user + self.system) / 1000);
  const counts = await emu.counts();
  return { action, actionEmuCpu, otherCpuMs, counts, limit };
}

async function latestProfile(dir: string): Promise<ProfileSummary | undefined> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.cpuprofile')).sort();
  const last = files[files.length - 1];
  return last === undefined ? undefined : summariseProfileFile(path.join(dir, last), 30);
}

export async function measureScenario(s: Scenario, options: MeasureOptions): Promise<ScenarioRecord[]> {
  options.log(`${s.id}: starting the emulator (${s.title})`);
  const emu = await startEmulatorProcess({ fixture: s.fixture, latencyMs: s.latencyMs, startTimeoutMs: 900_000 });
  options.log(`${s.id}: emulator up in ${(emu.startupMs / 1000).toFixed(1)} s`);
  const records: ScenarioRecord[] = [];
  try {
    const requests = s.baselineRequests && s.limit !== 'none' ? await s.baselineRequests(emu.info) : [];
    const concurrencies = s.usesConcurrency ? options.concurrencies : [options.concurrencies[0] ?? 16];
    // The profiled run: at the action's default concurrency when it is measured, else at the first.
    const profileAt = concurrencies.includes(16) ? 16 : concurrencies[0];
    for (const concurrency of concurrencies) {
      if (s.limit === 'bare-get' && requests.length > 0) {
        // Warm the emulator's JIT and the connection path, so neither the limit nor the action pays for it.
        await bareGetLoop(requests.slice(0, WARM_UP_FILES), {
          concurrency,
          destination: path.join(options.workRoot, `warm-${s.id}`),
          followRedirect: s.baselineFollowsRedirect,
        });
        await rm(path.join(options.workRoot, `warm-${s.id}`), { recursive: true, force: true });
      }
      const runs = [];
      for (let i = 0; i < options.repeat; i += 1) runs.push(await measureOnce(s, emu, requests, concurrency, options));
      const chosen = fastest(runs, (r) => r.action.wallMs);
      const limits = runs.map((r) => r.limit).filter((l): l is LimitRecord => l !== undefined);
      const limit = limits.length > 0 ? fastest(limits, (l) => l.wallMs) : undefined;
      const action = actionRecord(s, chosen.action);
      const apiMinimum = apiTotal(s.minimum);
      const apiActual = apiTotal(chosen.counts);
      const latencyBoundMs = s.latencyMs > 0 ? (s.files * s.latencyMs * s.roundTripsPerFile) / concurrency : undefined;
      const partial: Omit<ScenarioRecord, 'targets'> = {
        id: s.id,
        title: s.title,
        concurrency: s.usesConcurrency ? concurrency : undefined,
        latencyMs: s.latencyMs,
        dryRun: s.dryRun,
        files: s.files,
        bytes: s.bytes,
        repeats: options.repeat,
        action,
        requests: {
          actual: chosen.counts,
          minimum: s.minimum,
          apiActual,
          apiMinimum,
          apiRatio: apiMinimum > 0 ? apiActual / apiMinimum : 0,
          storageActual: storageTotal(chosen.counts),
          storageMinimum: storageTotal(s.minimum),
        },
        otherCpuMs: chosen.otherCpuMs,
        emulator: {
          cpuMs: chosen.actionEmuCpu,
          cpuShareOfWall: chosen.actionEmuCpu === undefined ? undefined : chosen.actionEmuCpu / action.wallMs,
          startupMs: emu.startupMs,
        },
        limit,
        latencyBoundMs,
        ratios: {
          toLimit: limit && action.ok ? limit.wallMs / action.wallMs : undefined,
          toLatencyBound: latencyBoundMs !== undefined && action.ok ? latencyBoundMs / action.wallMs : undefined,
        },
      };
      const record: ScenarioRecord = { ...partial, targets: targetsOf(s, partial) };
      if (options.profileDir !== undefined && concurrency === profileAt) {
        const dir = path.join(options.profileDir, `${s.id}-c${concurrency}`);
        await rm(dir, { recursive: true, force: true });
        await measureOnce(s, emu, requests, concurrency, options, dir);
        record.profile = await latestProfile(dir);
      }
      records.push(record);
      options.log(summaryLine(record));
    }
  } finally {
    await emu.stop();
  }
  return records;
}

export function summaryLine(r: ScenarioRecord): string {
  const a = r.action;
  const parts = [
    `${r.id}${r.concurrency === undefined ? '' : ` c=${r.concurrency}`}:`,
    a.ok ? `${(a.wallMs / 1000).toFixed(2)} s` : `FAILED ${a.error ?? ''}`,
    `${a.filesPerSec.toFixed(0)} files/s`,
    `${a.mbPerSec.toFixed(1)} MB/s`,
    `RSS ${a.peakRssBytes === undefined ? '?' : (a.peakRssBytes / 2 ** 20).toFixed(0)} MiB`,
    `API ${r.requests.apiActual}/${r.requests.apiMinimum} min`,
    `emulator CPU ${r.emulator.cpuMs === undefined ? '?' : (r.emulator.cpuMs / 1000).toFixed(1)} s`,
    `others' CPU ${r.otherCpuMs === undefined ? '?' : (r.otherCpuMs / 1000).toFixed(1)} s`,
  ];
  if (r.limit) parts.push(`limit (${r.limit.kind}) ${(r.limit.wallMs / 1000).toFixed(2)} s → ratio ${r.ratios.toLimit?.toFixed(2) ?? '–'}`);
  if (r.latencyBoundMs !== undefined)
    parts.push(`RTT bound ${(r.latencyBoundMs / 1000).toFixed(2)} s → ratio ${r.ratios.toLatencyBound?.toFixed(2) ?? '–'}`);
  const failed = r.targets.filter((t) => t.ok === false).map((t) => t.name);
  if (failed.length > 0) parts.push(`misses: ${failed.join(', ')}`);
  return parts.join('  ');
}
