// Runs the action against the W&B emulator the way the end-to-end tests need it: a fresh workspace inside a
// private folder (so "nothing was written outside" can be checked on the folder's parent), the request log of
// that one run, the parsed manifest, and the checks every test must pass whatever it is about:
// - the API key (and the Basic credential made from it) appears in no log, output, summary or manifest;
// - every request to the API host carried the Basic credential, and no storage or reference-host request any;
// - files the manifest calls downloaded or skipped hold exactly the fixture's bytes, failed or missing ones
//   are absent, and no temporary `.def-*.part` file is left;
// - the outputs agree with the manifest.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Manifest, ManifestRecord } from '../../src/core/report/manifest.ts';
import { contentBytes } from '../emulators/common/content.ts';
import type { FaultTarget, RequestLogEntry, WandbFixture } from '../emulators/common/contracts.ts';
import type { RunningEmulators } from '../emulators/start.ts';
import { servedEntryContent, versionEntries } from '../emulators/wandb/artifact-store.ts';
import { DEMO_WANDB_PROJECT, demoWandbFixture } from '../fixtures/demo.ts';
import { type ActionRun, runActionProcess, SOURCE_ENTRY } from './action-process.ts';
import { assertNoSecret, maskedValues } from './assert-no-secret.ts';

export const DEFAULT_DESTINATION = 'experiment-files';

export interface Workspace {
  /** Private folder holding only the workspace and the runner's output/summary files. */
  root: string;
  /** GITHUB_WORKSPACE. */
  workspace: string;
  /** `<workspace>/experiment-files`, the default destination. */
  destination: string;
}

export interface WandbActionRun extends ActionRun {
  destination: string;
  manifest: Manifest | undefined;
  /** Requests the emulators received during this run, in arrival order. */
  requests: RequestLogEntry[];
  /** GraphQL requests per operation name. */
  graphql: Record<string, number>;
}

export interface RunOptions {
  workspace?: Workspace;
  entry?: string;
  env?: NodeJS.ProcessEnv;
}

/** `Basic base64("api:" + key)`, what the client sends (wandb.md §1). */
export function basicCredential(key: string): string {
  return `Basic ${Buffer.from(`api:${key}`, 'utf8').toString('base64')}`;
}

export function md5Base64(bytes: Buffer): string {
  return createHash('md5').update(bytes).digest('base64');
}

/**
 * Bytes of every fixture file, by `<run id>/<file name>` (the storage key is `<entity>/<project>/<run>/<name>`),
 * and of every artifact entry the emulator can serve, by `<collection>:v<N>/<entry path>` (a manifest record's
 * container and attribute).
 */
export function fixtureFiles(fixture: WandbFixture = demoWandbFixture): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const project of fixture.projects) {
    for (const run of project.runs) {
      for (const file of run.files) {
        if ('missing' in file.content) continue;
        out.set(`${run.id}/${file.name}`, contentBytes(file.content, `${project.entity}/${project.name}/${run.id}/${file.name}`));
      }
    }
    for (const collection of project.artifacts ?? []) {
      for (const [index, version] of collection.versions.entries()) {
        for (const entry of versionEntries(version)) {
          const content = servedEntryContent(project.entity, project.name, collection.name, entry);
          if (content === undefined || 'missing' in content) continue;
          out.set(`${collection.name}:v${index}/${entry.path}`, contentBytes(content, entry.path));
        }
      }
    }
  }
  return out;
}

/** Relative POSIX paths of all files (not folders) under `dir`, sorted; [] when it does not exist. */
export async function listTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    throw e;
  });
  return entries
    .filter((e) => !e.isDirectory())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

/** Messages of `::error::` / `::warning::` commands, unescaped as the runner does (github-actions.md §2). */
export function annotations(stdout: string, kind: 'error' | 'warning'): string[] {
  const out: string[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = new RegExp(`^::${kind}(?: [^:]*)?::(.*)$`).exec(line);
    if (m) out.push((m[1] ?? '').replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%'));
  }
  return out;
}

export function countRequests(run: WandbActionRun, target: FaultTarget, endpoint?: string): number {
  return run.requests.filter((e) => e.target === target && (endpoint === undefined || e.endpoint === endpoint)).length;
}

function isGraphql(e: RequestLogEntry): boolean {
  return e.target === 'wandb-api' && e.endpoint !== 'file' && e.endpoint !== 'artifact-handler';
}

/** One emulator instance per test file; workspaces are private folders removed by `cleanup()`. */
export class WandbActionHarness {
  readonly em: RunningEmulators;
  readonly apiKey: string;
  readonly apiUrl: string;
  private readonly roots: string[] = [];
  private readonly expected: Map<string, Buffer>;

  /** `fixture`: what the emulators serve (default the demo fixture), for the byte checks. */
  constructor(em: RunningEmulators, fixture: WandbFixture = demoWandbFixture) {
    this.expected = fixtureFiles(fixture);
    if (!em.wandb) throw new Error('the emulators run no W&B API');
    this.em = em;
    this.apiKey = em.wandb.apiKey;
    this.apiUrl = em.wandb.url;
  }

  async workspace(): Promise<Workspace> {
    const root = await mkdtemp(path.join(tmpdir(), 'def-wandb-e2e-'));
    this.roots.push(root);
    const workspace = path.join(root, 'ws');
    await mkdir(workspace);
    return { root, workspace, destination: path.join(workspace, DEFAULT_DESTINATION) };
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.roots.splice(0).map((r) => rm(r, { recursive: true, force: true })));
  }

  /** Bytes the fixture holds for `<run id>/<file name>`. */
  bytesOf(relativePath: string): Buffer {
    const bytes = this.expected.get(relativePath);
    assert.ok(bytes, `the fixture has no file ${relativePath}`);
    return bytes;
  }

  /**
   * Runs the action with backend, api-url, api-token and project filled in (each overridable by `inputs`),
   * records this run's requests, and applies the checks every test shares (see the file comment).
   */
  async run(inputs: Record<string, string>, options: RunOptions = {}): Promise<WandbActionRun> {
    const ws = options.workspace ?? (await this.workspace());
    const all = { backend: 'wandb', 'api-url': this.apiUrl, 'api-token': this.apiKey, project: DEMO_WANDB_PROJECT, ...inputs };
    this.em.log.clear();
    const action = await runActionProcess({
      inputs: all,
      entry: options.entry ?? SOURCE_ENTRY,
      workspace: ws.workspace,
      env: options.env,
    });
    const requests = [...this.em.log.entries()];
    const graphql: Record<string, number> = {};
    for (const e of requests) if (isGraphql(e)) graphql[e.endpoint] = (graphql[e.endpoint] ?? 0) + 1;
    const destination = path.resolve(ws.workspace, inputs.destination ?? DEFAULT_DESTINATION);
    const manifestText = await readFile(path.join(destination, 'manifest.json'), 'utf8').catch(() => undefined);
    const run: WandbActionRun = {
      ...action,
      destination,
      manifest: manifestText === undefined ? undefined : (JSON.parse(manifestText) as Manifest),
      requests,
      graphql,
    };
    await this.checkInvariants(run, all['api-token'], ws);
    return run;
  }

  private async checkInvariants(run: WandbActionRun, usedKey: string, ws: Workspace): Promise<void> {
    assert.equal(run.signal, null, `the action was killed by ${String(run.signal)}\n${run.stdout}${run.stderr}`);
    const secrets = [...new Set([this.apiKey, usedKey])].flatMap((k) => [k, basicCredential(k).slice('Basic '.length)]);
    await assertNoSecret(run, secrets);
    // The key is masked before anything else is printed (github-actions.md: setSecret → ::add-mask::).
    assert.ok(maskedValues(run.stdout).includes(usedKey), 'the API key was not masked');

    for (const e of run.requests) {
      if (e.target === 'storage' || e.target === 'reference') {
        assert.equal(e.headers.authorization, undefined, `${e.target} request ${e.path} carried Authorization`);
        assert.equal(e.headers['use-admin-privileges'], undefined, `${e.target} request ${e.path} carried Use-Admin-Privileges`);
      }
      if (e.target === 'wandb-api') {
        assert.equal(e.headers.authorization, basicCredential(usedKey), `${e.endpoint} request without the Basic credential`);
      }
    }

    const temps = (await listTree(ws.root)).filter((p) => /(^|\/)\.def-[^/]*\.part$/.test(p));
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
    assert.equal(run.outputs['skipped-count'], String(t.skipped));
    assert.equal(run.outputs['failed-count'], String(t.failed));
    assert.equal(run.outputs['reference-count'], String(t.reference));
    assert.equal(run.outputs['missing-count'], String(t.missing));
    assert.equal(run.outputs.bytes, String(t.bytes));
    assert.equal(run.outputs.destination, run.destination);
  }

  private async checkRecord(destination: string, record: ManifestRecord): Promise<void> {
    const what = `${record.container}: ${record.attribute} (${record.status})`;
    if (record.path === null) {
      assert.equal(record.status, 'failed', `${what} has no path`);
      return;
    }
    const onDisk = await readFile(path.join(destination, record.path)).catch(() => undefined);
    if (record.status === 'downloaded' || record.status === 'skipped') {
      const expected = this.bytesOf(`${record.container}/${record.attribute}`);
      assert.ok(onDisk, `${what} is not on disk`);
      assert.ok(onDisk.equals(expected), `${what}: bytes on disk differ from the fixture`);
      assert.equal(record.size, expected.length, `${what}: size`);
      // An http reference is checked by its ETag, not hashed: its record may carry no MD5.
      if (record.md5 !== null || record.details?.reference === undefined) assert.equal(record.md5, md5Base64(expected), `${what}: md5`);
    } else {
      assert.equal(onDisk, undefined, `${what} left a file at its final path`);
    }
  }
}
