// The S3 limit: `curl --parallel` over the same signed URLs, at the same concurrency, writing to the same disk.
// curl runs under bash so that `times` reports its CPU (children's user and system time) when it ends.
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BareGetRequest } from './bare-get.ts';

export interface CurlResult {
  wallMs: number;
  files: number;
  bytes: number;
  cpuMs: number | undefined;
  version: string;
}

/** The curl binary's first version line, or undefined when there is no curl (the baseline is then skipped). */
export function curlVersion(): string | undefined {
  const r = spawnSync('curl', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0] : undefined;
}

/** `0m1.234s` → ms */
function parseTimes(text: string): number | undefined {
  // `times` prints two lines: the shell's user/sys, then its children's.
  const lines = text.trim().split('\n');
  const m = /^(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s$/.exec((lines[lines.length - 1] ?? '').trim());
  if (!m) return undefined;
  return (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000;
}

/** Quotes a value for a curl config file. */
function quoted(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export async function curlParallel(
  items: readonly BareGetRequest[],
  options: { concurrency: number; destination: string },
): Promise<CurlResult> {
  const version = curlVersion();
  if (version === undefined) throw new Error('curl is not installed (Debian package curl)');
  await rm(options.destination, { recursive: true, force: true });
  await mkdir(options.destination, { recursive: true });
  const config = path.join(options.destination, '..', `${path.basename(options.destination)}.curlrc`);
  const lines: string[] = [];
  items.forEach((item, i) => {
    lines.push(`url = ${quoted(item.url)}`, `output = ${quoted(path.join(options.destination, `${i}.bin`))}`);
    for (const [name, value] of Object.entries(item.headers ?? {})) lines.push(`header = ${quoted(`${name}: ${value}`)}`);
  });
  await writeFile(config, `${lines.join('\n')}\n`);
  const args = [
    '--parallel',
    '--parallel-max',
    String(Math.max(1, options.concurrency)),
    '--silent',
    '--show-error',
    '--fail',
    '--config',
    config,
  ];
  const started = performance.now();
  const { code, stderr, stdout } = await new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
    const child = spawn('bash', ['-c', 'curl "$@"; status=$?; times; exit $status', 'bash', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('close', (c) => resolve({ code: c, stderr: err, stdout: out }));
  });
  const wallMs = performance.now() - started;
  await rm(config, { force: true });
  if (code !== 0) throw new Error(`curl failed (${code}): ${stderr.slice(0, 500)}`);
  let bytes = 0;
  for (let i = 0; i < items.length; i += 1) bytes += (await stat(path.join(options.destination, `${i}.bin`))).size;
  return { wallMs, files: items.length, bytes, cpuMs: parseTimes(stdout), version };
}
