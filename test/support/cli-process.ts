// Runs the CLI as a user would: a Node 24 child process (this test runner's own binary, no npx) with flags, a
// working directory and only the environment the test gives it — so a token in the developer's shell never
// leaks into a test. Optionally inside a pseudo-terminal (util-linux `script`) to see the progress bar. The
// working directory is the caller's: it creates it and removes it when the test ends.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './action-process.ts';

export const CLI_SOURCE = path.join(REPO_ROOT, 'src/cli/main.ts');
export const CLI_DIST = path.join(REPO_ROOT, 'dist/cli.js');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The working directory the CLI ran in (relative destinations resolve here). */
  cwd: string;
}

export interface CliRunOptions {
  env?: NodeJS.ProcessEnv;
  /** The working directory (relative destinations resolve here); the caller creates and removes it. */
  cwd: string;
  entry?: string;
  /** Safety net against a hung CLI: SIGKILL after this long (default 3 min: a run takes seconds, a minute on a very busy machine). Not a performance bound. */
  timeoutMs?: number;
  /** Called with the child once it started (e.g. to send SIGINT). */
  onSpawn?: (child: ChildProcess) => void;
}

/** Environment every run gets; nothing else from the parent process is passed on. */
function baseEnv(extra: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', ...extra };
}

async function spawnAndCollect(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  options: CliRunOptions,
): Promise<CliRun> {
  const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
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
  if (hung)
    stderr += `\n[test harness] the CLI (${args.join(' ')}) had not exited after ${timeoutMs} ms and was killed (SIGKILL): it hung\n`;
  return { code, signal, stdout, stderr, cwd };
}

export async function runCli(args: string[], options: CliRunOptions): Promise<CliRun> {
  return spawnAndCollect(process.execPath, [options.entry ?? CLI_SOURCE, ...args], baseEnv(options.env), options.cwd, options);
}

/** Why a pseudo-terminal run is impossible here, or undefined when util-linux `script` is available. */
export function terminalUnavailable(): string | undefined {
  const probe = spawnSync('script', ['--version'], { encoding: 'utf8' });
  if (probe.error) return `util-linux 'script' is not installed (${probe.error.message})`;
  if (!/util-linux/.test(`${probe.stdout}${probe.stderr}`)) return "'script' is not the util-linux one (no -e/-c flags)";
  return undefined;
}

/** POSIX single-quoting, for the command line `script -c` hands to a shell. */
function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs the CLI with stdout and stderr on a pseudo-terminal (`script -qec <cmd> /dev/null`: quiet, child's exit
 * code, no typescript file). Both streams arrive merged, with the terminal's CRLF line ends, in `stdout`.
 */
export async function runCliInTerminal(args: string[], options: CliRunOptions): Promise<CliRun> {
  const { cwd } = options;
  const command = [process.execPath, options.entry ?? CLI_SOURCE, ...args].map(shellQuote).join(' ');
  // A fixed width, so the bar fits on one line whatever terminal the tests run from.
  const env = baseEnv({ TERM: 'xterm', COLUMNS: '120', ...options.env });
  return spawnAndCollect('script', ['-qec', command, '/dev/null'], env, cwd, options);
}
