// Linux /proc readings the benchmark needs about processes it did not start in-process: CPU time of a process
// and all its descendants (the emulator and its Azurite child), and the resident set of the action child.
// Everything returns undefined where /proc is unavailable, so the harness still runs (without those columns).
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of utime/stime in /proc/<pid>/stat; 100 on every Linux the project runs on. */
const CLOCK_TICKS = 100;

interface StatLine {
  ppid: number;
  /** utime + stime, milliseconds. */
  cpuMs: number;
}

function readStat(pid: number): StatLine | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may contain spaces: fields are counted after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // After the name: state(3) ppid(4) … utime(14) stime(15), so index = field number - 3.
  const ppid = Number(fields[1]);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(ppid) || !Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return { ppid, cpuMs: ((utime + stime) * 1000) / CLOCK_TICKS };
}

/** CPU milliseconds (user + system) used so far by `pid` and every live descendant; undefined without /proc. */
export function treeCpuMs(pid: number): number | undefined {
  const root = readStat(pid);
  if (root === undefined) return undefined;
  const children = new Map<number, number[]>();
  const cpu = new Map<number, number>([[pid, root.cpuMs]]);
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return root.cpuMs;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const p = Number(name);
    if (p === pid) continue;
    const stat = readStat(p);
    if (stat === undefined) continue;
    cpu.set(p, stat.cpuMs);
    const list = children.get(stat.ppid);
    if (list) list.push(p);
    else children.set(stat.ppid, [p]);
  }
  let total = 0;
  const stack = [pid];
  for (let guard = 0; stack.length > 0 && guard < 10_000; guard += 1) {
    const p = stack.pop() as number;
    total += cpu.get(p) ?? 0;
    stack.push(...(children.get(p) ?? []));
  }
  return total;
}

export interface MemoryReading {
  /** VmRSS: resident now, bytes. */
  rssBytes: number;
  /** VmHWM: the peak resident set so far, bytes. */
  hwmBytes: number;
}

/** The resident set of a live process (kB lines of /proc/<pid>/status); undefined once it is gone. */
export function readMemory(pid: number): MemoryReading | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kb = (name: string): number | undefined => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : undefined;
  };
  const rssBytes = kb('VmRSS');
  const hwmBytes = kb('VmHWM');
  return rssBytes === undefined || hwmBytes === undefined ? undefined : { rssBytes, hwmBytes };
}

/** Busy CPU milliseconds of the whole machine so far (all cores; /proc/stat less idle and iowait). */
export function machineBusyMs(): number | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/stat', 'utf8');
  } catch {
    return undefined;
  }
  const fields = (text.split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  if (fields.length < 5 || fields.some((n) => !Number.isFinite(n))) return undefined;
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return ((total - idle) * 1000) / CLOCK_TICKS;
}
