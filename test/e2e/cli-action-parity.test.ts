// The CLI and the action are two shells around one job (src/job/run-job.ts): for the same inputs (the CLI's
// flags carry the action's input names, a multi-line input becoming a repeated flag) they must leave the same
// tree, byte for byte, the same manifest (but for when and where it was written) and the same exit code —
// for Neptune, W&B and MLflow, and for runs where files are missing or fail.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Manifest } from '../../src/core/report/manifest.ts';
import { startEmulators, type RunningEmulators } from '../emulators/start.ts';
import {
  demoMlflowFixture,
  demoNeptuneFixture,
  demoWandbFixture,
  DEMO_MLFLOW_MODEL,
  DEMO_MLFLOW_RUNS,
  DEMO_NEPTUNE_PROJECT,
  DEMO_WANDB_PROJECT,
  DEMO_WANDB_RUNS,
} from '../fixtures/demo.ts';
import { runActionProcess } from '../support/action-process.ts';
import { runCli } from '../support/cli-process.ts';
import { TempFolders } from '../support/temp-folders.ts';
import { filesUnder } from './neptune-helpers.ts';

const neptuneFixture = { ...demoNeptuneFixture, projects: demoNeptuneFixture.projects.filter((p) => p.id === DEMO_NEPTUNE_PROJECT) };
const FAST_RETRIES = { DOWNLOAD_EXPERIMENT_FILES_RETRY_BASE_MS: '1', DOWNLOAD_EXPERIMENT_FILES_RETRY_MAX_DELAY_MS: '5' };

/** The CLI's arguments for the action's inputs: `--<input> <value>`, one flag per line of a list, `--dry-run` alone. */
function flagsFor(inputs: Record<string, string>): string[] {
  const args: string[] = [];
  for (const [name, value] of Object.entries(inputs)) {
    if (name === 'dry-run') {
      if (value === 'true') args.push('--dry-run');
      continue;
    }
    for (const line of value.split('\n')) if (line.trim() !== '') args.push(`--${name}`, line);
  }
  return args;
}

/** The manifest without what legitimately differs between two runs: the time and the absolute destination. */
function comparable(manifest: Manifest): Omit<Manifest, 'createdAt' | 'destination'> {
  const { createdAt: _createdAt, destination: _destination, ...rest } = manifest;
  return rest;
}

describe('CLI and action produce identical results', () => {
  let emulators: RunningEmulators;
  before(async () => {
    emulators = await startEmulators({ fixture: { neptune: neptuneFixture, wandb: demoWandbFixture, mlflow: demoMlflowFixture } });
  });
  const workDirs = new TempFolders();
  after(async () => {
    await emulators.close();
    await workDirs.removeAll();
  });

  const compare = async (inputs: Record<string, string>, env: NodeJS.ProcessEnv, expectedCode: number): Promise<Manifest> => {
    const destination = 'downloads';
    const all = { ...inputs, destination };
    const [workspace, cwd] = await Promise.all([workDirs.make('def-ws-'), workDirs.make('def-clirun-')]);
    const [action, cli] = await Promise.all([runActionProcess({ inputs: all, env, workspace }), runCli(flagsFor(all), { env, cwd })]);
    assert.equal(action.code, expectedCode, `action\n${action.stdout}${action.stderr}`);
    assert.equal(cli.code, expectedCode, `cli\n${cli.stdout}${cli.stderr}`);

    const actionDest = path.join(action.workspace, destination);
    const cliDest = path.join(cli.cwd, destination);
    const tree = await filesUnder(actionDest);
    assert.deepEqual(await filesUnder(cliDest), tree, 'same relative paths');
    for (const rel of tree.filter((f) => f !== 'manifest.json')) {
      assert.ok((await readFile(path.join(actionDest, rel))).equals(await readFile(path.join(cliDest, rel))), `same bytes: ${rel}`);
    }
    const [actionManifest, cliManifest] = await Promise.all(
      [actionDest, cliDest].map(async (d) => JSON.parse(await readFile(path.join(d, 'manifest.json'), 'utf8')) as Manifest),
    );
    assert.equal(actionManifest?.destination, actionDest);
    assert.equal(cliManifest?.destination, cliDest);
    assert.deepEqual(comparable(cliManifest as Manifest), comparable(actionManifest as Manifest));
    return actionManifest as Manifest;
  };

  it('Neptune: experiments by regex, files and series tail, a missing blob', async () => {
    const manifest = await compare(
      {
        backend: 'neptune',
        'api-token': emulators.neptune?.apiToken ?? '',
        project: DEMO_NEPTUNE_PROJECT,
        experiments: 'regex:^seabird',
        attributes: 'regex:^model/ | ^predictions | ^artifacts/ | ^config/params',
        tail: '3',
      },
      {},
      0,
    );
    // Not a trivial comparison: 3 experiments × (3 files + 3 series points), and one file the storage lacks.
    assert.equal(manifest.totals.downloaded, 18, JSON.stringify(manifest.totals));
    assert.equal(manifest.totals.missing, 1);
  });

  it('Neptune dry run: the same plan', async () => {
    const manifest = await compare(
      {
        backend: 'neptune',
        'api-token': emulators.neptune?.apiToken ?? '',
        project: DEMO_NEPTUNE_PROJECT,
        filter: 'sys/tags contains "best"',
        attributes: 'model/checkpoint',
        'dry-run': 'true',
      },
      {},
      0,
    );
    assert.ok(manifest.totals.planned > 1);
  });

  it('W&B: finished runs by filter, every file by pattern, settings from WANDB_* variables', async () => {
    const manifest = await compare(
      { backend: 'wandb', filter: '{"state": "finished"}', pattern: '%' },
      {
        WANDB_API_KEY: emulators.wandb?.apiKey ?? '',
        WANDB_BASE_URL: emulators.wandb?.url ?? '',
        WANDB_ENTITY: DEMO_WANDB_PROJECT.split('/')[0],
        WANDB_PROJECT: DEMO_WANDB_PROJECT.split('/')[1],
      },
      0,
    );
    assert.ok(manifest.totals.downloaded > 50, JSON.stringify(manifest.totals));
  });

  it('W&B: a run with a missing file and a wrong MD5 (both exit 1)', async () => {
    const manifest = await compare(
      {
        backend: 'wandb',
        'api-token': emulators.wandb?.apiKey ?? '',
        'api-url': emulators.wandb?.url ?? '',
        project: DEMO_WANDB_PROJECT,
        runs: DEMO_WANDB_RUNS.crashed,
      },
      FAST_RETRIES,
      1,
    );
    assert.deepEqual([manifest.totals.missing, manifest.totals.failed], [1, 1]);
  });

  it('MLflow: the champion model and a run path by URI, a run with a lost file and a non-ASCII name (exit 0)', async () => {
    const models = await compare(
      { backend: 'mlflow', models: `models:/${DEMO_MLFLOW_MODEL}@champion\nruns:/${DEMO_MLFLOW_RUNS.forest}/plots` },
      { MLFLOW_TRACKING_URI: emulators.mlflow?.url ?? '' },
      0,
    );
    assert.equal(models.totals.downloaded, 8, JSON.stringify(models.totals));
    const odd = await compare({ backend: 'mlflow', 'api-url': emulators.mlflow?.url ?? '', runs: DEMO_MLFLOW_RUNS.odd }, FAST_RETRIES, 0);
    assert.deepEqual([odd.totals.downloaded, odd.totals.missing], [4, 1]);
  });
});
