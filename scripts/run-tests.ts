// `npm test` and `npm run test:unit`: runs `node --test <args>` with TMPDIR set to a fresh, private folder, which
// must be empty when the runner ends — every test removes what it created (workspaces, servers' files, Azurite,
// bench folders), passed or failed. Whatever is left is listed and fails the run. The list comes before the
// runner's summary, which stays the last thing printed (CI reads the summary at the end of the output); the
// folder itself is removed either way.
//   node scripts/run-tests.ts --test-concurrency=2 "test/**/*.test.ts"
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

const args = process.argv.slice(2);
const scratch = mkdtempSync(path.join(tmpdir(), 'def-test-tmp-'));
// npm on Node 22+ keeps a compile cache in the temp folder (`node-compile-cache/`): not a test's leftover, so off.
const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: scratch, NODE_DISABLE_COMPILE_CACHE: '1' };
// Keep the runner's colours on a terminal, although its output now goes through this process.
if (process.stdout.isTTY && env.NO_COLOR === undefined) env.FORCE_COLOR ??= '1';

const child = spawn(process.execPath, ['--test', ...args], { env, stdio: ['inherit', 'pipe', 'inherit'] });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));

// The runner's summary starts with `ℹ tests N` at the start of a line; from there on its output is held back
// until the leftovers have been reported.
const ANSI = /\x1b\[[0-9;]*m/g;
const held: string[] = [];
let holding = false;
const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
const linesDone = new Promise<void>((resolve) => lines.once('close', () => resolve()));
lines.on('line', (line) => {
  if (!holding && /^ℹ tests \d+$/.test(line.replace(ANSI, ''))) holding = true;
  if (holding) held.push(line);
  else process.stdout.write(`${line}\n`);
});

const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
await linesDone;

const left = readdirSync(scratch, { withFileTypes: true })
  .map((entry) => `${entry.name}${entry.isDirectory() ? '/' : ''}`)
  .sort();
rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
if (left.length > 0) {
  const shown = left.slice(0, 30);
  process.stdout.write(
    [
      `✖ the tests left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in their temp folder (TMPDIR); every test must remove what it creates, also when it fails:`,
      ...shown.map((name) => `  ${name}`),
      ...(left.length > shown.length ? [`  … and ${left.length - shown.length} more`] : []),
      '',
    ].join('\n'),
  );
}
for (const line of held) process.stdout.write(`${line}\n`);

if (signal !== null) process.kill(process.pid, signal);
process.exitCode = code !== 0 ? (code ?? 1) : left.length > 0 ? 1 : 0;
