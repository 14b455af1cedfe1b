// Runs test/support/artifact-upload-driver.ts in a child process with only what a runner gives a JavaScript
// action (no inherited GITHUB_SERVER_URL or runtime token from our own CI), and parses its last result line.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ERROR_PREFIX, RESULT_PREFIX, type DriverSpec } from './artifact-upload-driver.ts';

const DRIVER = path.resolve(import.meta.dirname, 'artifact-upload-driver.ts');
/** Only against a hung upload: SIGKILL after 3 min (an upload takes seconds). Not a time bound. */
const DRIVER_TIMEOUT_MS = 180_000;

export interface DriverRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The parsed ARTIFACT_RESULT line (null: no upload), or undefined when the driver failed. */
  result: { id?: number; url?: string; digest?: string } | null | undefined;
  error: { message: string; cause?: string } | undefined;
  durationMs: number;
}

/** Writes `spec` into `scratch` and runs the driver on it with `env` on top of the runner basics. */
export async function runUploadDriver(spec: DriverSpec, env: Record<string, string>, scratch: string): Promise<DriverRun> {
  const specFile = path.join(scratch, `spec-${randomBytes(4).toString('hex')}.json`);
  await writeFile(specFile, JSON.stringify(spec));
  const started = performance.now();
  const child = spawn(process.execPath, [DRIVER, specFile], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GITHUB_REPOSITORY: 'octo/ml',
      GITHUB_RUN_ID: '42',
      ACTIONS_ARTIFACT_UPLOAD_TIMEOUT_MS: '30000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, DRIVER_TIMEOUT_MS);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  if (hung) stderr += `\n[test harness] the upload driver had not exited after ${DRIVER_TIMEOUT_MS} ms and was killed (SIGKILL): it hung\n`;
  const last = (prefix: string): string | undefined =>
    stdout
      .split('\n')
      .findLast((l) => l.startsWith(prefix))
      ?.slice(prefix.length);
  const result = last(RESULT_PREFIX);
  const error = last(ERROR_PREFIX);
  return {
    code,
    stdout,
    stderr,
    result: result === undefined ? undefined : (JSON.parse(result) as DriverRun['result']),
    error: error === undefined ? undefined : (JSON.parse(error) as DriverRun['error']),
    durationMs: performance.now() - started,
  };
}
