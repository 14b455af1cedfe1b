// The markdown form of a benchmark run: machine, one row per measured run, targets, request details, derived
// findings and profile summaries. Numbers use MB = 10^6 bytes for throughput and MiB for memory.
import type { BenchResults, ScenarioRecord, TargetCheck } from './results.ts';

const MiB = 1024 * 1024;

const fixed = (v: number | undefined, digits = 1): string => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));
const seconds = (ms: number | undefined): string => fixed(ms === undefined ? undefined : ms / 1000, 2);
const mib = (bytes: number | undefined): string => fixed(bytes === undefined ? undefined : bytes / MiB, 0);
const pct = (ratio: number | undefined): string => (ratio === undefined ? '–' : `${(ratio * 100).toFixed(0)}%`);

function checkText(t: TargetCheck): string {
  const mark = t.ok === undefined ? '·' : t.ok ? 'pass' : 'FAIL';
  const value = t.value === undefined ? '–' : t.value < 10 ? t.value.toFixed(2) : t.value.toFixed(0);
  return `${mark}: ${t.name} = ${value} (${t.direction} ${t.threshold})`;
}

function cpuSeconds(r: ScenarioRecord): string {
  const { cpuUserMs, cpuSystemMs } = r.action;
  if (cpuUserMs === undefined || cpuSystemMs === undefined) return '–';
  return `${seconds(cpuUserMs + cpuSystemMs)} (${seconds(cpuUserMs)}+${seconds(cpuSystemMs)})`;
}

function row(r: ScenarioRecord): string {
  const a = r.action;
  const limit = r.limit;
  const ratio =
    r.ratios.toLatencyBound !== undefined
      ? `${pct(r.ratios.toLimit)} / ${pct(r.ratios.toLatencyBound)} of RTT bound`
      : pct(r.ratios.toLimit);
  const cells = [
    r.id,
    r.concurrency === undefined ? '–' : String(r.concurrency),
    r.files.toLocaleString('en-US'),
    a.ok ? seconds(a.wallMs) : `failed (${a.exitCode})`,
    fixed(a.filesPerSec, 0),
    fixed(a.mbPerSec, 1),
    `${r.requests.apiActual} (${r.requests.apiMinimum})`,
    `${r.requests.storageActual} (${r.requests.storageMinimum})`,
    mib(a.peakRssBytes),
    cpuSeconds(r),
    fixed(a.eventLoopUtilization, 2),
    `${seconds(r.emulator.cpuMs)} (${pct(r.emulator.cpuShareOfWall)})`,
    seconds(r.otherCpuMs),
    limit ? `${limit.kind} ${seconds(limit.wallMs)} s, ${fixed(limit.filesPerSec, 0)} files/s, ${fixed(limit.mbPerSec, 0)} MB/s` : '–',
    ratio,
  ];
  return `| ${cells.join(' | ')} |`;
}

function requestDetails(r: ScenarioRecord): string {
  const keys = [...new Set([...Object.keys(r.requests.minimum), ...Object.keys(r.requests.actual)])].sort();
  return keys.map((k) => `${k} ${r.requests.actual[k] ?? 0}/${r.requests.minimum[k] ?? 0}`).join(', ');
}

export function renderMarkdown(results: BenchResults): string {
  const m = results.machine;
  const lines: string[] = [
    `# Benchmark ${results.mode === 'quick' ? '(quick) ' : ''}${results.startedAt}`,
    '',
    `Machine: ${m.cores} cores (${m.cpuModel}), ${(m.memoryBytes / 1024 ** 3).toFixed(1)} GiB memory, Node ${m.node}, ${m.platform}; ` +
      `MD5 on one core ${m.md5MBps.toFixed(0)} MB/s; ` +
      (m.contentMBps === undefined ? '' : `emulator content generation on one core ${m.contentMBps.toFixed(0)} MB/s; `) +
      `${m.curl ?? 'no curl'}.`,
    `Action entry: ${results.entry} at commit ${results.commit ?? 'unknown'}; concurrency ${results.concurrencies.join(', ')}; latency scenarios add ${results.latencyMs} ms per request; ` +
      `files written under ${results.workDir ?? '(not recorded)'}. ` +
      `Run from ${results.startedAt} to ${results.finishedAt}.`,
    '',
    "| scenario | conc. | files | wall s | files/s | MB/s | API req (min) | storage req (min) | peak RSS MiB | CPU s (user+sys) | ELU | emulator CPU s (share of wall) | others' CPU s | limit | ratio to limit |",
    '| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --- | --: |',
    ...results.scenarios.map(row),
    '',
    'ELU: event-loop utilisation of the action (1 = its main thread never idle). Emulator CPU includes Azurite. ' +
      "Others' CPU: busy CPU of the machine during the action run that was neither the action's, the emulator's nor the harness's (other work on a shared machine skews a run).",
    'Ratio to limit = limit wall time / action wall time (same files, same concurrency, same emulator).',
    '',
    '## Targets',
    '',
  ];
  for (const r of results.scenarios) {
    if (r.targets.length === 0) continue;
    lines.push(`- ${r.id}${r.concurrency === undefined ? '' : ` (c=${r.concurrency})`}: ${r.targets.map(checkText).join('; ')}`);
  }
  lines.push('', '## Requests per endpoint (actual/minimum)', '');
  for (const r of results.scenarios)
    lines.push(`- ${r.id}${r.concurrency === undefined ? '' : ` (c=${r.concurrency})`}: ${requestDetails(r)}`);
  const derived = Object.entries(results.derived);
  if (derived.length > 0) {
    lines.push('', '## Derived', '');
    for (const [k, v] of derived) lines.push(`- ${k}: ${typeof v === 'number' ? v.toFixed(2) : (v ?? '–')}`);
  }
  const profiled = results.scenarios.filter((r) => r.profile !== undefined);
  for (const r of profiled) {
    const p = r.profile;
    if (!p) continue;
    lines.push('', `## Profile of the action: ${r.id} (c=${r.concurrency ?? '–'})`, '');
    lines.push(
      `${p.totalMs.toFixed(0)} ms sampled, ${p.busyMs.toFixed(0)} ms busy. By area: ${Object.entries(p.areas)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${v.toFixed(0)} ms`)
        .join(', ')}.`,
      '',
    );
    lines.push('| self ms | share of busy | function | where |', '| --: | --: | --- | --- |');
    for (const t of p.top.slice(0, 15)) lines.push(`| ${t.selfMs.toFixed(0)} | ${pct(t.share)} | ${t.name} | ${t.where} |`);
  }
  if (results.notes.length > 0) lines.push('', '## Notes', '', ...results.notes.map((n) => `- ${n}`));
  return `${lines.join('\n')}\n`;
}
