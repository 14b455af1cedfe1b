// Runs the action against the MLflow emulator the way the end-to-end tests need it: a private workspace folder,
// the request log of that one run, the parsed manifest, and the checks every test must pass whatever it is about:
// - no credential (password, token, the Basic value made from them) in any log, output, summary or manifest,
//   and each masked before anything else is printed;
// - every request to the tracking server carried exactly the credential given (or none), and no request to the
//   storage host carried any;
// - files the manifest calls downloaded or skipped hold exactly the fixture's bytes (a model version's files are
//   its run's, `registered_model_meta` the client's YAML), failed or missing ones are absent, no temporary file
//   is left, and the outputs agree with the manifest.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Manifest, ManifestRecord } from '../../src/core/report/manifest.ts';
import { contentBytes, isMissing } from '../emulators/common/content.ts';
import type { MlflowFixture, RequestLogEntry } from '../emulators/common/contracts.ts';
import type { RunningEmulators } from '../emulators/start.ts';
import { type ActionRun, runActionProcess, SOURCE_ENTRY } from './action-process.ts';
import { assertNoSecret, maskedValues } from './assert-no-secret.ts';
import { listTree } from './wandb-e2e.ts';

export const DESTINATION = 'experiment-files';

export interface MlflowActionRun extends ActionRun {
  destination: string;
  manifest: Manifest | undefined;
  requests: RequestLogEntry[];
  /** Requests per `mlflow-api` route label. */
  calls: Record<string, number>;
}

export interface MlflowRunOptions {
  env?: NodeJS.ProcessEnv;
  entry?: string;
  /** Reuse a workspace (a re-run). */
  workspace?: string;
  /** The Authorization header every tracking-server request must carry (default: from env, else none). */
  expectAuthorization?: string | null;
}

export function basicHeader(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/** The bytes MLflow's client would write for a manifest record, from the fixture. */
export function expectedBytes(fixture: MlflowFixture, record: ManifestRecord): Buffer | undefined {
  const runFile = (runId: string, p: string): Buffer | undefined => {
    const a = fixture.runs.find((r) => r.runId === runId)?.artifacts.find((x) => x.path === p);
    return a === undefined || isMissing(a.content) ? undefined : contentBytes(a.content, `mlflow/${runId}/${p}`);
  };
  if (record.containerKind === 'run') return runFile(record.container, record.attribute);
  const m = /^models:\/(.+)\/(\d+)$/.exec(record.container);
  const version = fixture.models?.find((x) => x.name === m?.[1])?.versions.find((v) => String(v.version) === m?.[2]);
  if (!m || !version) return undefined;
  const uri = version.storageLocation ?? version.source ?? `runs:/${version.runId}/model`;
  const at = /^runs:\/([^/]+)\/?(.*)$/.exec(uri) ?? /^mlflow-artifacts:\/[^/]+\/([^/]+)\/artifacts\/?(.*)$/.exec(uri);
  if (!at) return undefined;
  const inRun = [at[2] ?? '', record.attribute].filter((p) => p !== '').join('/');
  const bytes = runFile(at[1] ?? '', inRun);
  if (bytes === undefined && record.attribute.split('/').pop() === 'registered_model_meta') {
    return Buffer.from(`model_name: ${m[1]}\nmodel_version: '${m[2]}'\n`);
  }
  return bytes;
}

export class MlflowActionHarness {
  readonly em: RunningEmulators;
  readonly fixture: MlflowFixture;
  private readonly roots: string[] = [];

  constructor(em: RunningEmulators, fixture: MlflowFixture) {
    if (!em.mlflow) throw new Error('the emulators run no MLflow server');
    this.em = em;
    this.fixture = fixture;
  }

  get url(): string {
    return this.em.mlflow?.url ?? '';
  }

  async workspace(): Promise<string> {
    const root = await mkdtemp(path.join(tmpdir(), 'def-mlflow-e2e-'));
    this.roots.push(root);
    const ws = path.join(root, 'ws');
    await mkdir(ws);
    return ws;
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.roots.splice(0).map((r) => rm(r, { recursive: true, force: true })));
  }

  async run(inputs: Record<string, string>, options: MlflowRunOptions = {}): Promise<MlflowActionRun> {
    const workspace = options.workspace ?? (await this.workspace());
    const all = { backend: 'mlflow', 'api-url': this.url, ...inputs };
    const logStart = this.em.log.entries().length;
    const action = await runActionProcess({
      inputs: all,
      entry: options.entry ?? SOURCE_ENTRY,
      workspace,
      env: { HOME: workspace, ...options.env },
      timeoutMs: 60_000,
    });
    const requests = this.em.log.entries().slice(logStart);
    const calls: Record<string, number> = {};
    for (const e of requests) if (e.target === 'mlflow-api') calls[e.endpoint] = (calls[e.endpoint] ?? 0) + 1;
    const destination = path.resolve(workspace, inputs.destination ?? DESTINATION);
    const manifestText = await readFile(path.join(destination, 'manifest.json'), 'utf8').catch(() => undefined);
    const run: MlflowActionRun = {
      ...action,
      destination,
      manifest: manifestText === undefined ? undefined : (JSON.parse(manifestText) as Manifest),
      requests,
      calls,
    };
    await this.checkInvariants(run, all, options, path.dirname(workspace));
    return run;
  }

  private async checkInvariants(
    run: MlflowActionRun,
    inputs: Record<string, string>,
    options: MlflowRunOptions,
    root: string,
  ): Promise<void> {
    assert.equal(run.signal, null, `the action was killed by ${String(run.signal)}\n${run.stdout}${run.stderr}`);
    const env = options.env ?? {};
    const user = env.MLFLOW_TRACKING_USERNAME;
    const password = env.MLFLOW_TRACKING_PASSWORD;
    const token = inputs['api-token'] || env.MLFLOW_TRACKING_TOKEN;
    const secrets = [password, token].filter((s): s is string => s !== undefined && s !== '');
    if (user && password) secrets.push(Buffer.from(`${user}:${password}`).toString('base64'));
    if (secrets.length > 0) await assertNoSecret(run, secrets);
    for (const s of [password, token]) if (s) assert.ok(maskedValues(run.stdout).includes(s), 'a credential was not masked');

    const expected =
      options.expectAuthorization !== undefined
        ? options.expectAuthorization
        : user && password
          ? basicHeader(user, password)
          : token
            ? `Bearer ${token}`
            : null;
    for (const e of run.requests) {
      if (e.target === 'storage') assert.equal(e.headers.authorization, undefined, `storage request ${e.path} carried Authorization`);
      if (e.target === 'mlflow-api') assert.equal(e.headers.authorization ?? null, expected, `${e.endpoint}: Authorization`);
    }

    const temps = (await listTree(root)).filter((p) => /(^|\/)\.def-[^/]*\.part$/.test(p));
    assert.deepEqual(temps, [], 'temporary files were left behind');

    const manifest = run.manifest;
    if (!manifest) return;
    for (const record of manifest.files) await this.checkRecord(run.destination, record);
    const present = manifest.files.filter((f) => f.path !== null && ['downloaded', 'skipped', 'planned'].includes(f.status));
    assert.deepEqual(
      JSON.parse(run.outputs.paths ?? 'null'),
      present.map((f) => f.path),
    );
    const t = manifest.totals;
    assert.equal(run.outputs['files-count'], String(t.downloaded + t.skipped + t.planned));
    assert.equal(run.outputs['failed-count'], String(t.failed));
    assert.equal(run.outputs['missing-count'], String(t.missing));
    assert.equal(run.outputs.bytes, String(t.bytes));
  }

  private async checkRecord(destination: string, record: ManifestRecord): Promise<void> {
    const what = `${record.container}: ${record.attribute} (${record.status})`;
    if (record.path === null) {
      assert.equal(record.status, 'failed', `${what} has no path`);
      return;
    }
    const onDisk = await readFile(path.join(destination, record.path)).catch(() => undefined);
    if (record.status === 'downloaded' || record.status === 'skipped') {
      const want = expectedBytes(this.fixture, record);
      assert.ok(want, `${what}: the fixture has no such file`);
      assert.ok(onDisk?.equals(want), `${what}: bytes on disk differ from the fixture`);
      assert.equal(record.size, want.length, `${what}: size`);
    } else if (record.status !== 'planned') {
      assert.equal(onDisk, undefined, `${what} left a file at its final path`);
    }
  }
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
