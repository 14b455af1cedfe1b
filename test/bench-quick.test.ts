// `npm run bench -- --quick` must keep working: it runs every scenario with small sizes against the emulators and
// writes a results file with the expected fields. No time is asserted: CI machines vary, this only keeps the
// harness from rotting.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { BenchResults } from '../bench/lib/results.ts';

const REPO_ROOT = path.resolve(import.meta.dirname, '..');
/** Only against a hung harness: --quick takes about a minute, ten on a very busy machine. Not a time bound. */
const TIMEOUT_MS = 1_800_000;

describe('npm run bench -- --quick', () => {
  let out = '';
  after(async () => {
    if (out !== '') await rm(out, { recursive: true, force: true });
  });

  it('runs S1–S6 with small sizes and writes JSON and markdown results', { timeout: TIMEOUT_MS }, async () => {
    out = await mkdtemp(path.join(tmpdir(), 'bench-quick-'));
    const { code, log } = await new Promise<{ code: number | null; log: string }>((resolve) => {
      // Everything the bench creates (its emulator processes' folders too) goes under `out`, which this test
      // removes; its own process group, so a hung run is killed with its emulators and Azurite.
      const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bench/run.ts'), '--quick', '--out', out, '--work-dir', out], {
        cwd: REPO_ROOT,
        env: { ...process.env, TMPDIR: out },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      let text = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (text += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (text += d));
      let hung = false;
      const timer = setTimeout(() => {
        hung = true;
        process.kill(-(child.pid as number), 'SIGKILL');
      }, TIMEOUT_MS - 10_000);
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve({
          code: c,
          log: hung ? `${text}\nbench --quick had not finished after ${TIMEOUT_MS - 10_000} ms and was killed: it hung` : text,
        });
      });
    });
    assert.equal(code, 0, log.slice(-3000));

    const files = await readdir(out);
    const json = files.find((f) => f.endsWith('-quick.json'));
    assert.ok(json, `no results JSON in ${files.join(', ')}`);
    assert.ok(files.includes('latest.md'));
    assert.ok(files.includes(json.replace(/\.json$/, '.md')));

    const results = JSON.parse(await readFile(path.join(out, json), 'utf8')) as BenchResults;
    assert.equal(results.mode, 'quick');
    assert.ok(results.machine.cores >= 1);
    assert.ok(results.machine.memoryBytes > 0);
    assert.ok((results.machine.contentMBps ?? 0) > 0, 'the emulator content rate was measured');
    const ids = results.scenarios.map((s) => s.id);
    for (const id of ['S1', 'S1-azure', 'S1-latency', 'S2', 'S2-latency', 'S3', 'S4', 'S5', 'S5-latency', 'S6', 'S6-latency'])
      assert.ok(ids.includes(id), `${id} missing from ${ids.join(', ')}`);
    for (const s of results.scenarios) {
      assert.equal(s.action.ok, true, `${s.id}: ${s.action.error ?? ''}`);
      for (const field of ['wallMs', 'filesPerSec', 'mbPerSec'] as const)
        assert.equal(typeof s.action[field], 'number', `${s.id} ${field}`);
      assert.ok(s.requests.apiMinimum > 0, `${s.id}: no protocol minimum`);
      assert.ok(s.requests.apiActual > 0, `${s.id}: no API requests counted`);
      assert.ok(Array.isArray(s.targets));
      if (!s.dryRun) assert.ok(s.limit !== undefined || s.id.startsWith('S3'), `${s.id}: no limit measured`);
      if (s.latencyMs > 0) assert.equal(typeof s.latencyBoundMs, 'number');
    }
    const md = await readFile(path.join(out, 'latest.md'), 'utf8');
    assert.match(md, /\| scenario \| conc\. \|/);
    assert.match(md, /cores/);
  });
});
