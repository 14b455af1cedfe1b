// One reliability case: emulators started for it, the action run end to end as a child process (as a runner
// runs it, optionally under a shell wrapper such as `ulimit -f`), and the checks every case shares — the
// destination (verify.ts), no credential anywhere a user can read it, and no tracker credential at a storage
// host. Figures for docs/reliability.md are collected per case and recorded when the case ends.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import type { RequestLogEntry } from '../../emulators/common/contracts.ts';
import { startEmulators, type EmulatorOptions, type RunningEmulators } from '../../emulators/start.ts';
import { runActionProcess, type ActionRun } from '../../support/action-process.ts';
import { assertNoSecret, maskedValues } from '../../support/assert-no-secret.ts';
import { recordFigures, type CaseFigures } from './report.ts';
import { annotations, verifyDestination, type Expectation, type Verified } from './verify.ts';

/**
 * Small retry and timeout knobs (src/settings/tuning.ts) so faults cost milliseconds, not minutes. The read
 * timeout stays at 2 s so a loaded CI machine does not time out healthy answers (cases that count requests
 * exactly would see the extra retry); stall faults last longer than that.
 */
export const TUNING: Readonly<Record<string, string>> = {
  DOWNLOAD_EXPERIMENT_FILES_MAX_ATTEMPTS: '5',
  DOWNLOAD_EXPERIMENT_FILES_RETRY_BASE_MS: '20',
  DOWNLOAD_EXPERIMENT_FILES_RETRY_MAX_DELAY_MS: '200',
  DOWNLOAD_EXPERIMENT_FILES_RETRY_MAX_TOTAL_WAIT_MS: '10000',
  DOWNLOAD_EXPERIMENT_FILES_READ_TIMEOUT_MS: '2000',
  DOWNLOAD_EXPERIMENT_FILES_CONNECT_TIMEOUT_MS: '1000',
};

/** Headers that carry a tracker credential; none may reach a storage host (127.0.0.2, 127.0.0.3) or a reference host (127.0.0.4). */
const CREDENTIAL_HEADERS = ['authorization', 'x-neptune-api-token', 'cookie', 'use-admin-privileges'] as const;

export const DESTINATION = 'out';

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Reuse a workspace (a re-run); default a new one. */
  workspace?: string;
  timeoutMs?: number;
  onSpawn?: (child: ChildProcess) => void;
  /** A bash prefix run before `exec node …`, e.g. `ulimit -f 1024`. */
  shellPrefix?: string;
  /** Environment without the TUNING defaults (a case that tests the defaults themselves). */
  noTuning?: boolean;
}

export interface CaseRun extends ActionRun {
  destination: string;
  errors: string[];
  warnings: string[];
  /** Request-log entries this run caused. */
  requests: RequestLogEntry[];
  /** API retries the action logged (`<endpoint>: attempt N failed …; retrying`). */
  apiRetries: number;
  /**
   * The back-off the action recorded before each API retry: its debug line `<endpoint>: attempt N failed (…);
   * retrying in W ms` (src/core/http/api-client.ts), in log order. What the program decided to wait, not a
   * measured time, so it is the same on a busy machine.
   */
  apiBackoffs: ApiBackoff[];
}

export interface ApiBackoff {
  endpoint: string;
  attempt: number;
  /** Why the attempt failed, as the action logged it (`HTTP 503: …`, `Headers Timeout Error`, …). */
  failure: string;
  waitMs: number;
}

/** Parses the action's debug lines about API retries (@actions/core writes `::debug::` lines to stdout). */
export function apiBackoffsOf(stdout: string): ApiBackoff[] {
  return [...stdout.matchAll(/^::debug::([\w/-]+): attempt (\d+) failed \((.*)\); retrying in (\d+) ms$/gm)].map((m) => ({
    endpoint: m[1] as string,
    attempt: Number(m[2]),
    failure: m[3] as string,
    waitMs: Number(m[4]),
  }));
}

/** Requests for a file's bytes: storage hosts, W&B file URLs and download handlers, MLflow's download routes. */
const isStorageEntry = (e: RequestLogEntry): boolean =>
  e.target === 'storage' ||
  e.target === 'azure' ||
  e.target === 'reference' ||
  e.endpoint === 'file' ||
  e.endpoint === 'artifact-handler' ||
  e.endpoint === 'mlflow-artifacts/download' ||
  e.endpoint === 'get-artifact';

export class Scenario {
  readonly em: RunningEmulators;
  readonly figures: CaseFigures;
  /** Values that must never be shown: the credentials given, and whatever the action itself masked. */
  readonly secrets = new Set<string>();
  private readonly started: number;
  private readonly workspaces: string[] = [];

  private constructor(em: RunningEmulators, suite: string, name: string, started: number) {
    this.em = em;
    this.started = started;
    this.figures = {
      suite,
      name,
      runs: 0,
      faults: {},
      apiRetries: 0,
      storageRetries: 0,
      apiRequests: 0,
      apiByEndpoint: {},
      storageRequests: 0,
      filesVerified: 0,
      exitCodes: [],
      actionMs: 0,
      caseMs: 0,
    };
    if (em.neptune) {
      this.secrets.add(em.neptune.apiToken);
      const inner = (JSON.parse(Buffer.from(em.neptune.apiToken, 'base64').toString('utf8')) as { api_key: string }).api_key;
      this.secrets.add(inner);
    }
    if (em.wandb) {
      this.secrets.add(em.wandb.apiKey);
      this.secrets.add(Buffer.from(`api:${em.wandb.apiKey}`).toString('base64'));
    }
    const mlflowAuth = em.mlflow?.auth;
    if (mlflowAuth !== undefined && 'basic' in mlflowAuth) {
      for (const u of mlflowAuth.basic) {
        this.secrets.add(u.password);
        this.secrets.add(Buffer.from(`${u.username}:${u.password}`).toString('base64'));
      }
    }
    if (mlflowAuth !== undefined && 'bearer' in mlflowAuth) this.secrets.add(mlflowAuth.bearer);
  }

  /** Starts the emulators for one test; they stop, the workspaces go and the figures are recorded after it. */
  static async start(t: TestContext, suite: string, options: EmulatorOptions): Promise<Scenario> {
    const started = performance.now();
    const em = await startEmulators(options);
    const scenario = new Scenario(em, suite, t.name, started);
    t.after(() => scenario.close());
    return scenario;
  }

  /** Inputs for the Neptune project `project` of the fixture. */
  neptune(project: string, extra: Record<string, string> = {}): Record<string, string> {
    assert.ok(this.em.neptune, 'the fixture has no Neptune part');
    return { backend: 'neptune', 'api-token': this.em.neptune.apiToken, project, destination: DESTINATION, ...extra };
  }

  wandb(project: string, extra: Record<string, string> = {}): Record<string, string> {
    assert.ok(this.em.wandb, 'the fixture has no W&B part');
    return {
      backend: 'wandb',
      'api-token': this.em.wandb.apiKey,
      'api-url': this.em.wandb.url,
      project,
      destination: DESTINATION,
      ...extra,
    };
  }

  /** Inputs for the MLflow server; its credentials go in the environment (`mlflowEnv`), as the client reads them. */
  mlflow(extra: Record<string, string> = {}): Record<string, string> {
    assert.ok(this.em.mlflow, 'the fixture has no MLflow part');
    return { backend: 'mlflow', 'api-url': this.em.mlflow.url, destination: DESTINATION, ...extra };
  }

  /** MLFLOW_TRACKING_USERNAME/PASSWORD of the fixture's first user (none when the server needs none). */
  mlflowEnv(): NodeJS.ProcessEnv {
    const auth = this.em.mlflow?.auth;
    if (auth === undefined || !('basic' in auth) || auth.basic[0] === undefined) return {};
    return { MLFLOW_TRACKING_USERNAME: auth.basic[0].username, MLFLOW_TRACKING_PASSWORD: auth.basic[0].password };
  }

  async newWorkspace(): Promise<string> {
    const workspace = await mkdtemp(path.join(tmpdir(), 'def-rel-'));
    this.workspaces.push(workspace);
    return workspace;
  }

  async run(inputs: Record<string, string>, options: RunOptions = {}): Promise<CaseRun> {
    const logStart = this.em.log.entries().length;
    const faultsBefore = new Map(this.em.faults.injected);
    const workspace = options.workspace ?? (await this.newWorkspace());
    const run = await runActionProcess({
      inputs,
      workspace,
      env: { ...(options.noTuning ? {} : TUNING), ...options.env },
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.onSpawn === undefined ? {} : { onSpawn: options.onSpawn }),
      ...(options.shellPrefix === undefined ? {} : { shellPrefix: options.shellPrefix }),
    });
    const requests = this.em.log.entries().slice(logStart);
    assert.ok(!run.timedOut, `the action hung: ${run.stderr.trim().split('\n').at(-1)}\nstdout tail: ${run.stdout.slice(-1500)}`);
    const apiRetries = (run.stdout.match(/^::debug::[\w/-]+: attempt \d+ failed/gm) ?? []).length;
    const apiBackoffs = apiBackoffsOf(run.stdout);
    assert.equal(apiBackoffs.length, apiRetries, 'every logged API retry names the back-off it waits');
    const { errors, warnings } = annotations(run.stdout);
    if (process.env.RELIABILITY_DEBUG)
      console.error(`[${this.figures.name}] exit ${run.code} in ${run.durationMs} ms\n${[...errors, ...warnings].join('\n')}`);

    const f = this.figures;
    f.runs += 1;
    f.exitCodes.push(run.code);
    f.actionMs += run.durationMs;
    f.apiRetries += apiRetries;
    for (const [kind, n] of this.em.faults.injected) f.faults[kind] = (f.faults[kind] ?? 0) + n - (faultsBefore.get(kind) ?? 0);
    const storage = requests.filter(isStorageEntry);
    f.storageRequests += storage.length;
    f.apiRequests += requests.length - storage.length;
    for (const e of requests) {
      if (isStorageEntry(e)) continue;
      const key = `${e.target} ${e.endpoint}`;
      f.apiByEndpoint[key] = (f.apiByEndpoint[key] ?? 0) + 1;
    }
    f.storageRetries += storage.length - new Set(storage.map((e) => `${e.target} ${(e.path.split('?')[0] ?? '').toLowerCase()}`)).size;
    for (const masked of maskedValues(run.stdout)) if (masked.length >= 8) this.secrets.add(masked);

    await this.assertSecure(run, requests);
    return { ...run, destination: path.join(workspace, DESTINATION), errors, warnings, requests, apiRetries, apiBackoffs };
  }

  /** No credential in anything a user can read, and none at a storage host. Runs after every action run. */
  async assertSecure(run: ActionRun, requests: readonly RequestLogEntry[]): Promise<void> {
    await assertNoSecret(run, [...this.secrets]);
    // JWTs (Neptune access tokens) and Bearer headers must not show either, masked or not.
    for (const [where, text] of [
      ['stderr', run.stderr],
      ['summary', run.summary],
      ['outputs', JSON.stringify(run.outputs)],
    ] as const) {
      assert.doesNotMatch(text, /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}/, `a JWT in ${where}`);
      assert.doesNotMatch(text, /Bearer\s+\S{8,}/, `a Bearer credential in ${where}`);
    }
    for (const e of requests) {
      if (e.target !== 'storage' && e.target !== 'azure' && e.target !== 'reference') continue;
      for (const h of CREDENTIAL_HEADERS) {
        assert.equal(e.headers[h], undefined, `a '${h}' header reached the ${e.target} host (${e.method} ${e.path.split('?')[0]})`);
      }
    }
  }

  /** verify.ts's checks, counted in the figures. */
  async verify(run: CaseRun, expect: Expectation): Promise<Verified> {
    const result = await verifyDestination(run.destination, expect);
    this.figures.filesVerified += result.verified;
    return result;
  }

  /** Log entries of one endpoint (and target) in a run. */
  static count(run: CaseRun, target: RequestLogEntry['target'], endpoint?: string): number {
    return run.requests.filter((e) => e.target === target && (endpoint === undefined || e.endpoint === endpoint)).length;
  }

  async close(): Promise<void> {
    this.figures.caseMs = Math.round(performance.now() - this.started);
    recordFigures(this.figures);
    await this.em.close();
    await Promise.all(this.workspaces.map((w) => rm(w, { recursive: true, force: true, maxRetries: 3 })));
  }
}
