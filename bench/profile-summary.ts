// Summarises a V8 .cpuprofile (node --cpu-prof): the functions with the most self time, and the share of time
// per script (src/, node_modules/undici, node: internals, idle/GC/program).
//   node bench/profile-summary.ts <file.cpuprofile> [--top 25] [--callers <function name>]
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileRow {
  name: string;
  where: string;
  selfMs: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Everything but (idle): time the main thread was busy. */
  busyMs: number;
  top: ProfileRow[];
  /** Self time per area: src, undici, node internals, other packages, gc, idle, program. */
  areas: Record<string, number>;
}

const REPO_ROOT = path.resolve(import.meta.dirname, '..');

function shortUrl(url: string): string {
  if (url === '') return '';
  const file = url.startsWith('file://') ? new URL(url).pathname : url;
  return file.startsWith(REPO_ROOT) ? path.relative(REPO_ROOT, file) : file;
}

function areaOf(frame: CallFrame): string {
  const name = frame.functionName;
  if (name === '(idle)') return 'idle';
  if (name === '(garbage collector)') return 'gc';
  if (name === '(program)') return 'program (native, not attributed)';
  const url = shortUrl(frame.url);
  if (url.startsWith('src/')) return 'src/';
  if (url.includes('node_modules/undici/')) return 'undici';
  if (url.includes('node_modules/')) return 'other packages';
  if (url.startsWith('node:')) return 'node internals';
  if (url === '') return 'native / builtins';
  return 'other scripts';
}

export function summariseProfile(profile: CpuProfile, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const rows = new Map<string, ProfileRow>();
  const areas: Record<string, number> = {};
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    totalUs += us;
    const frame = node.callFrame;
    if (frame.functionName === '(idle)') idleUs += us;
    const area = areaOf(frame);
    areas[area] = (areas[area] ?? 0) + us / 1000;
    const where = frame.url === '' ? '' : `${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
    const key = `${frame.functionName}\0${where}`;
    const row = rows.get(key) ?? { name: frame.functionName || '(anonymous)', where, selfMs: 0, share: 0 };
    row.selfMs += us / 1000;
    rows.set(key, row);
  }
  const busyUs = totalUs - idleUs;
  const sorted = [...rows.values()]
    .filter((r) => r.name !== '(idle)')
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, top)
    .map((r) => ({ ...r, share: busyUs > 0 ? r.selfMs / (busyUs / 1000) : 0 }));
  return { totalMs: totalUs / 1000, busyMs: busyUs / 1000, top: sorted, areas };
}

/** Self time of functions named `name`, split by their call path (innermost `depth` callers). */
export function callersOf(profile: CpuProfile, name: string, depth = 6): { path: string; selfMs: number }[] {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const paths = new Map<string, number>();
  for (const [id, us] of selfUs) {
    if (byId.get(id)?.callFrame.functionName !== name) continue;
    const frames: string[] = [];
    for (let p = parent.get(id); p !== undefined && frames.length < depth; p = parent.get(p)) {
      const f = byId.get(p)?.callFrame;
      if (f) frames.push(`${f.functionName || '(anonymous)'}${f.url ? ` ${shortUrl(f.url)}:${f.lineNumber + 1}` : ''}`);
    }
    const key = frames.join(' < ');
    paths.set(key, (paths.get(key) ?? 0) + us / 1000);
  }
  return [...paths].map(([path, selfMs]) => ({ path, selfMs })).sort((a, b) => b.selfMs - a.selfMs);
}

export async function summariseProfileFile(file: string, top = 25): Promise<ProfileSummary> {
  return summariseProfile(JSON.parse(await readFile(file, 'utf8')) as CpuProfile, top);
}

export function formatProfileSummary(s: ProfileSummary): string {
  const lines = [
    `profile: ${s.totalMs.toFixed(0)} ms sampled, ${s.busyMs.toFixed(0)} ms busy (${((100 * s.busyMs) / Math.max(s.totalMs, 1)).toFixed(0)}%)`,
    '',
    'self time by area:',
  ];
  for (const [area, ms] of Object.entries(s.areas).sort((a, b) => b[1] - a[1])) lines.push(`  ${ms.toFixed(0).padStart(7)} ms  ${area}`);
  lines.push('', 'top self time (share of busy time):');
  for (const r of s.top)
    lines.push(`  ${r.selfMs.toFixed(0).padStart(7)} ms  ${(100 * r.share).toFixed(1).padStart(5)}%  ${r.name}  ${r.where}`);
  return lines.join('\n');
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' }, callers: { type: 'string' } },
  });
  if (positionals.length === 0) {
    console.error('usage: node bench/profile-summary.ts <file.cpuprofile>… [--top N]');
    process.exit(2);
  }
  for (const file of positionals) {
    console.log(`== ${file}`);
    if (values.callers !== undefined) {
      const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
      for (const c of callersOf(profile, values.callers).slice(0, Number(values.top)))
        console.log(`  ${c.selfMs.toFixed(0).padStart(7)} ms  ${c.path}`);
      continue;
    }
    console.log(formatProfileSummary(await summariseProfileFile(file, Number(values.top))));
    console.log('');
  }
}
