// Runs the action as a runner would: a Node 24 child process with INPUT_* variables, GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY files, GITHUB_WORKSPACE; returns exit code, logs, parsed outputs and the summary.
// The workspace is the caller's (it outlives the run, for the test to inspect, and the caller removes it);
// the runner's own files (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP) live in a private folder that is
// read and removed before this returns, as a runner keeps them outside the workspace.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
export const SOURCE_ENTRY = path.join(REPO_ROOT, 'src/action/main.ts');
export const DIST_ENTRY = path.join(REPO_ROOT, 'dist/index.js');

export interface ActionRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  workspace: string;
  durationMs: number;
  /** The safety timeout killed it (it hung); stderr ends with a line saying so. */
  timedOut: boolean;
}

export interface ActionRunOptions {
  inputs: Record<string, string>;
  env?: NodeJS.ProcessEnv;
  entry?: string;
  /** GITHUB_WORKSPACE and the working directory; the caller creates and removes it. */
  workspace: string;
  /** Safety net against a hung action: SIGKILL after this long (default 3 min: a run takes seconds, a minute on a very busy machine). Not a performance bound. */
  timeoutMs?: number;
  /** Called with the child once it started (e.g. to send SIGTERM). */
  onSpawn?: (child: ChildProcess) => void;
  /** A bash prefix run before `exec node …` (e.g. `ulimit -f 1024`), so it applies to the action's own process. */
  shellPrefix?: string;
}

/** Parses the heredoc format @actions/core writes to GITHUB_OUTPUT (github-actions.md §2.2). */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? '');
    if (!m) continue;
    const [, name, delimiter] = m as unknown as [string, string, string];
    const value: string[] = [];
    for (i += 1; i < lines.length && lines[i] !== delimiter; i += 1) value.push(lines[i] as string);
    out[name] = value.join('\n');
  }
  return out;
}

export async function runActionProcess(options: ActionRunOptions): Promise<ActionRun> {
  const { workspace } = options;
  const runnerDir = await mkdtemp(path.join(tmpdir(), 'def-runner-'));
  try {
    return await runIn(options, workspace, runnerDir);
  } finally {
    await rm(runnerDir, { recursive: true, force: true, maxRetries: 3 });
  }
}

async function runIn(options: ActionRunOptions, workspace: string, runnerDir: string): Promise<ActionRun> {
  const outputFile = path.join(runnerDir, 'output');
  const summaryFile = path.join(runnerDir, 'summary');
  const runnerTemp = path.join(runnerDir, 'temp');
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  await mkdir(runnerTemp);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: runnerTemp,
    ...options.env,
  };
  for (const [name, value] of Object.entries(options.inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  const started = Date.now();
  const entry = options.entry ?? SOURCE_ENTRY;
  const [command, args] =
    options.shellPrefix === undefined
      ? [process.execPath, [entry]]
      : ['bash', ['-c', `${options.shellPrefix}; exec "$0" "$@"`, process.execPath, entry]];
  const child = spawn(command, args, { env, cwd: workspace, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  options.onSpawn?.(child);
  const timeoutMs = options.timeoutMs ?? 180_000;
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (c, s) => resolve([c, s])),
  );
  clearTimeout(timer);
  if (hung) {
    // Say what hung: tests then fail on the signal or exit code with this on stderr.
    stderr += `\n[test harness] the action (${path.relative(REPO_ROOT, entry)}) had not exited after ${timeoutMs} ms and was killed (SIGKILL): it hung\n`;
  }
  return {
    code,
    signal,
    stdout,
    stderr,
    outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
    summary: await readFile(summaryFile, 'utf8'),
    workspace,
    durationMs: Date.now() - started,
    timedOut: hung,
  };
}
