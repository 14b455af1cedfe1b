// `npm run bench` (= node bench/run.ts): runs the benchmark scenarios against the emulators (in their own
// process), measures the action and the limits, and writes bench/results/<date>.json, .md and latest.md.
//   node bench/run.ts [--quick] [--scenario S1,S3 | 'S1*'] [--concurrency 16 | 4,8,16,32,64] [--repeat N]
//                     [--latency-ms 20] [--profile S1,S1-latency] [--entry src|dist] [--out folder] [--work-dir folder]
// --quick uses small sizes (CI runs it so the harness cannot rot; no times are asserted anywhere).
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { contentStream } from '../test/emulators/common/content.ts';
import { curlVersion } from './baselines/curl.ts';
import { runMeasuredAction, type ActionEntry } from './lib/action-run.ts';
import { measureScenario } from './lib/measure.ts';
import { commitInfo, machineInfo, writeResults, type BenchResults, type ScenarioRecord } from './lib/results.ts';
import { allScenarios, selectScenarios } from './scenarios/index.ts';

const USAGE =
  'usage: node bench/run.ts [--quick] [--scenario S1,S3] [--concurrency N[,N…]] [--repeat N] [--latency-ms 20] [--profile S1,S1-latency] [--entry src|dist] [--out dir] [--work-dir dir] [--action-node-options="--flag …"] [--action-env NAME=VALUE,…]';

function positiveInts(text: string, flag: string): number[] {
  const list = text.split(',').map((t) => Number(t.trim()));
  if (list.length === 0 || list.some((n) => !Number.isSafeInteger(n) || n < 1)) throw new Error(`--${flag} needs whole numbers ≥ 1`);
  return list;
}

/** Single-core MD5 throughput (MB/s): the action hashes every byte it downloads, curl does not. */
function md5Throughput(bytes: number): number {
  const chunk = Buffer.alloc(1 << 20, 7);
  const hash = createHash('md5');
  const started = performance.now();
  for (let done = 0; done < bytes; done += chunk.length) hash.update(chunk);
  hash.digest();
  return bytes / 1e6 / ((performance.now() - started) / 1000);
}

/** The emulators' generated-content stream on one core (MB/s): S3 cannot go faster than its source. */
async function contentThroughput(bytes: number): Promise<number> {
  const started = performance.now();
  let n = 0;
  for await (const chunk of contentStream({ generate: { size: bytes, seed: 'bench' } }, 'bench')) n += (chunk as Buffer).length;
  return n / 1e6 / ((performance.now() - started) / 1000);
}

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    scenario: { type: 'string' },
    concurrency: { type: 'string', default: '16' },
    repeat: { type: 'string', default: '1' },
    'latency-ms': { type: 'string', default: '20' },
    profile: { type: 'string' },
    entry: { type: 'string', default: 'src' },
    out: { type: 'string' },
    'work-dir': { type: 'string' },
    'action-node-options': { type: 'string' },
    'action-env': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (values.entry !== 'src' && values.entry !== 'dist') throw new Error('--entry is src or dist');
const entry: ActionEntry = values.entry;
const mode = values.quick ? 'quick' : 'full';
const concurrencies = positiveInts(values.concurrency, 'concurrency');
const [repeat = 1] = positiveInts(values.repeat, 'repeat');
const [latencyMs = 20] = positiveInts(values['latency-ms'], 'latency-ms');
const scenarios = selectScenarios(allScenarios(mode, latencyMs), values.scenario?.split(','));
const outDir = path.resolve(values.out ?? path.join(import.meta.dirname, 'results'));
const workParent = path.resolve(values['work-dir'] ?? tmpdir());
await mkdir(workParent, { recursive: true });
const workRoot = await mkdtemp(path.join(workParent, 'bench-work-'));
/** Exact scenario ids whose action gets one extra run under --cpu-prof (at the first concurrency). */
const profiled = new Set(
  (values.profile ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== ''),
);
// .cpuprofile files are large: they stay beside the work folder, only their summaries go into the results.
const profileDir = path.join(workParent, 'bench-profiles');
const actionNodeOptions = (values['action-node-options'] ?? '').split(' ').filter((t) => t !== '');
const actionEnv: Record<string, string> = {};
for (const pair of (values['action-env'] ?? '').split(',').filter((t) => t !== '')) {
  const at = pair.indexOf('=');
  if (at < 1) throw new Error(`--action-env takes NAME=VALUE pairs separated by commas, not '${pair}'`);
  actionEnv[pair.slice(0, at)] = pair.slice(at + 1);
}

const startedAt = new Date().toISOString();
const commit = commitInfo(path.resolve(import.meta.dirname, '..'));
const log = (line: string): void => console.log(`[${((performance.now() / 1000) | 0).toString().padStart(4)} s] ${line}`);
const curl = curlVersion();
const machine = machineInfo(
  md5Throughput(mode === 'quick' ? 64e6 : 512e6),
  await contentThroughput(mode === 'quick' ? 64 * 2 ** 20 : 1024 * 2 ** 20),
  curl,
);
log(
  `${machine.cores} cores, ${(machine.memoryBytes / 1024 ** 3).toFixed(1)} GiB; MD5 ${machine.md5MBps.toFixed(0)} MB/s; ` +
    `emulator content ${machine.contentMBps?.toFixed(0)} MB/s; ${mode} mode; ${scenarios.map((s) => s.id).join(', ')}`,
);

const records: ScenarioRecord[] = [];
const notes: string[] = [];
const derived: BenchResults['derived'] = {};
try {
  // What every run pays before its first request: starting Node and loading the action's modules (it stops at
  // the missing credential, after all static imports ran).
  const probe = await runMeasuredAction({ inputs: { backend: 'neptune' }, entry, workRoot, timeoutMs: 60_000 });
  derived['action start-up: wall (s), no network'] = probe.wallMs / 1000;
  derived['action start-up: peak RSS (MiB)'] = probe.usage === undefined ? undefined : probe.usage.maxRssBytes / 2 ** 20;
  derived['action start-up: CPU (s)'] = probe.usage === undefined ? undefined : (probe.usage.userCpuMs + probe.usage.systemCpuMs) / 1000;
  log(`action start-up: ${(probe.wallMs / 1000).toFixed(2)} s, peak RSS ${((probe.usage?.maxRssBytes ?? 0) / 2 ** 20).toFixed(0)} MiB`);
  for (const s of scenarios) {
    if (s.limit === 'curl' && curl === undefined) {
      notes.push(`${s.id}: curl is not installed, so the run has no limit (apt-get install curl).`);
      s.limit = 'none';
    }
    const profile = profiled.has(s.id) ? profileDir : undefined;
    records.push(
      ...(await measureScenario(s, {
        concurrencies,
        repeat,
        entry,
        workRoot,
        profileDir: profile,
        timeoutMs: 3_600_000,
        actionNodeOptions,
        actionEnv,
        log,
      })),
    );
  }
} finally {
  await rm(workRoot, { recursive: true, force: true });
}

const find = (id: string): ScenarioRecord | undefined => records.find((r) => r.id === id);
const s3Small = find('S3-size-small');
const s3Large = find('S3-size-large');
if (s3Small?.action.peakRssBytes !== undefined && s3Large?.action.peakRssBytes !== undefined) {
  derived['S3 peak RSS, small file (MiB)'] = s3Small.action.peakRssBytes / 2 ** 20;
  derived['S3 peak RSS, 4x larger file (MiB)'] = s3Large.action.peakRssBytes / 2 ** 20;
  derived['S3 peak RSS growth, large/small'] = s3Large.action.peakRssBytes / s3Small.action.peakRssBytes;
}
const s4 = find('S4');
const s4q = find('S4-quarter');
if (s4?.action.peakRssBytes !== undefined && s4q?.action.peakRssBytes !== undefined && s4.files > s4q.files) {
  derived['S4 peak RSS (MiB)'] = s4.action.peakRssBytes / 2 ** 20;
  derived['S4-quarter peak RSS (MiB)'] = s4q.action.peakRssBytes / 2 ** 20;
  derived['S4 RSS growth per resolved run (bytes)'] = (s4.action.peakRssBytes - s4q.action.peakRssBytes) / (s4.files - s4q.files);
  if (s4.action.peakHeapUsedBytes !== undefined && s4q.action.peakHeapUsedBytes !== undefined) {
    derived['S4 heap growth per resolved run (bytes)'] =
      (s4.action.peakHeapUsedBytes - s4q.action.peakHeapUsedBytes) / (s4.files - s4q.files);
  }
}
notes.push(
  'Limits run in the benchmark process against the same emulator process, right before the action, on the same URLs and disk.',
  'Latency scenarios: the emulator waits the given time before answering each request (API, storage, Azure proxy); the RTT bound is files x latency x round trips per file / concurrency.',
  'Peak RSS is the action process its own getrusage maxRSS at exit (usage-hook.ts).',
);

if (actionNodeOptions.length > 0) notes.push(`The action ran with extra Node flags: ${actionNodeOptions.join(' ')}.`);
if (Object.keys(actionEnv).length > 0) notes.push(`The action ran with extra environment: ${values['action-env']}.`);
const results: BenchResults = {
  startedAt,
  finishedAt: new Date().toISOString(),
  mode,
  entry,
  concurrencies,
  latencyMs,
  workDir: workParent,
  commit,
  machine,
  scenarios: records,
  derived,
  notes,
};
const written = await writeResults(results, outDir);
console.log('');
console.log('Ratios to the limits:');
for (const r of records) {
  const parts = [`  ${r.id.padEnd(14)} c=${String(r.concurrency ?? '–').padEnd(3)}`];
  if (r.ratios.toLimit !== undefined) parts.push(`${(r.ratios.toLimit * 100).toFixed(0)}% of ${r.limit?.kind}`);
  if (r.ratios.toLatencyBound !== undefined) parts.push(`${(r.ratios.toLatencyBound * 100).toFixed(0)}% of the RTT bound`);
  if (r.dryRun)
    parts.push(`API requests ${r.requests.apiActual} = ${r.requests.apiRatio.toFixed(2)}x the protocol minimum ${r.requests.apiMinimum}`);
  const misses = r.targets.filter((t) => t.ok === false).map((t) => t.name);
  parts.push(misses.length > 0 ? `misses: ${misses.join(', ')}` : r.action.ok ? 'targets met' : 'FAILED');
  console.log(parts.join('  '));
}
console.log(`\nWrote ${written.json}\n      ${written.markdown}\n      ${written.latest}`);
if (records.some((r) => !r.action.ok)) process.exitCode = 1;
