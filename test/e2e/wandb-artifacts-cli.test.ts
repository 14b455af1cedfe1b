// The CLI in W&B artifact mode, where it differs from the action: the dry-run table names each version as W&B
// shows it and the path it would take, references are warnings on stderr and records in --json, and the exit
// codes tell a bad flag (2) from an artifact that does not exist or is not committed (4). No credential is ever
// printed.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Manifest } from '../../src/core/report/manifest.ts';
import { startEmulators, type RunningEmulators } from '../emulators/start.ts';
import {
  DEMO_WANDB_API_KEY,
  DEMO_WANDB_ARTIFACTS,
  DEMO_WANDB_DATASET_REFERENCES,
  DEMO_WANDB_MODEL_ENTRIES,
  DEMO_WANDB_PROJECT,
  demoWandbFixture,
} from '../fixtures/demo.ts';
import { runCli, type CliRun } from '../support/cli-process.ts';

const MODEL = DEMO_WANDB_ARTIFACTS.model;

describe('CLI × W&B artifacts', () => {
  let em: RunningEmulators;
  let env: NodeJS.ProcessEnv = {};
  const dirs: string[] = [];

  before(async () => {
    em = await startEmulators({ fixture: { wandb: demoWandbFixture } });
    env = { WANDB_API_KEY: em.wandb?.apiKey ?? '', WANDB_BASE_URL: em.wandb?.url ?? '' };
  });
  after(async () => {
    await em.close();
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  const cli = async (args: string[]): Promise<CliRun> => {
    const cwd = await mkdtemp(path.join(tmpdir(), 'def-clirun-'));
    dirs.push(cwd);
    const run = await runCli(['--backend', 'wandb', '--project', DEMO_WANDB_PROJECT, '--no-progress', ...args], { env, cwd });
    assert.ok(!run.stdout.includes(DEMO_WANDB_API_KEY) && !run.stderr.includes(DEMO_WANDB_API_KEY), 'the key was printed');
    return run;
  };

  it('plans a version by alias in a dry run: the table names it as W&B shows it, and where each entry would go', async () => {
    em.log.clear();
    const run = await cli(['--artifacts', `${MODEL}:best`, '--dry-run']);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trim().split('\n');
    assert.match(lines[0] ?? '', /^ARTIFACT\s+FILE\s+STEP\s+SIZE\s+STATUS\s+PATH$/);
    assert.equal(lines.length, 1 + DEMO_WANDB_MODEL_ENTRIES.length);
    for (const [i, entry] of DEMO_WANDB_MODEL_ENTRIES.entries()) {
      assert.match(
        lines[i + 1] ?? '',
        new RegExp(`^${MODEL}:v1\\s+${entry.replace('.', '\\.')}\\s.*planned\\s+${MODEL}-v1/${entry.replace('.', '\\.')}$`),
      );
    }
    assert.equal(
      em.log.entries().filter((e) => e.target === 'storage' && decodeURIComponent(e.path).includes('/wandb/artifacts/')).length,
      0,
      'no entry fetched',
    );
  });

  it('warns about references on stderr and lists them in --json with their URI; exit 0', async () => {
    const run = await cli(['--artifacts', DEMO_WANDB_ARTIFACTS.dataset, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const manifest = JSON.parse(run.stdout) as Manifest;
    const refs = manifest.files.filter((f) => f.status === 'reference');
    assert.deepEqual(refs.map((f) => f.attribute).sort(), [DEMO_WANDB_DATASET_REFERENCES.s3, DEMO_WANDB_DATASET_REFERENCES.gs].sort());
    assert.equal(manifest.totals.reference, 2);
    assert.match(run.stderr, /2 references not downloaded/);
    assert.match(
      run.stderr,
      /warning: Not downloaded: seabird-images:v0: raw\/archive\.tar is a reference to s3:\/\/seabird-raw\/archive\.tar/,
    );
  });

  it('exits 4 for a version that does not exist or is a draft, 2 for a bad flag (before any request)', async () => {
    assert.equal((await cli(['--artifacts', `${MODEL}:nope`])).code, 4);
    const draft = await cli(['--artifacts', `${MODEL}:v3`]);
    assert.equal(draft.code, 4);
    assert.match(draft.stderr, /is not committed \(state PENDING\)/);
    em.log.clear();
    const bad = await cli(['--artifacts', MODEL, '--run-artifacts', 'logged']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /error: --run-artifacts: give either 'artifacts'/);
    assert.equal(em.log.entries().length, 0);
  });
});
