// The CLI as a process against the emulators: help and version, Neptune and W&B downloads configured by flags
// and by the environment variables the official clients read, dry-run table, --json, progress (plain lines
// off a terminal, a bar on one), and the documented exit codes. Source entry by default, dist/cli.js once.
import assert from 'node:assert/strict';
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Manifest } from '../../src/core/report/manifest.ts';
import { contentBytes } from '../emulators/common/content.ts';
import { startEmulators, type RunningEmulators } from '../emulators/start.ts';
import {
  demoNeptuneFixture,
  demoWandbFixture,
  DEMO_NEPTUNE_API_KEY,
  DEMO_NEPTUNE_PROJECT,
  DEMO_WANDB_API_KEY,
  DEMO_WANDB_ENTITY,
  DEMO_WANDB_PROJECT,
  DEMO_WANDB_PROJECT_NAME,
  DEMO_WANDB_RUNS,
  DEMO_WANDB_MISSING_FILE,
  DEMO_WANDB_WRONG_MD5_FILE,
} from '../fixtures/demo.ts';
import { REPO_ROOT } from '../support/action-process.ts';
import { CLI_DIST, runCli, runCliInTerminal, terminalUnavailable, type CliRun, type CliRunOptions } from '../support/cli-process.ts';
import { TempFolders } from '../support/temp-folders.ts';
import { readActionMetadata } from '../support/workflow-yaml.ts';
import { filesUnder, fixtureBytes } from './neptune-helpers.ts';

/** The main Neptune project only: the Azure one would start Azurite, which these tests do not need. */
const neptuneFixture = { ...demoNeptuneFixture, projects: demoNeptuneFixture.projects.filter((p) => p.id === DEMO_NEPTUNE_PROJECT) };
const wandbRuns = demoWandbFixture.projects[0]?.runs ?? [];
/** Retries in milliseconds instead of seconds, for the files that fail on every attempt. */
const FAST_RETRIES = { DOWNLOAD_EXPERIMENT_FILES_RETRY_BASE_MS: '1', DOWNLOAD_EXPERIMENT_FILES_RETRY_MAX_DELAY_MS: '5' };
const ESCAPE = '\u001b[';
const PROGRESS_LINE = /^\d+\/\d+ files, .+ downloaded, .+\/s/;

function wandbBytes(runId: string, name: string): Buffer {
  const file = wandbRuns.find((r) => r.id === runId)?.files.find((f) => f.name === name);
  if (!file) throw new Error(`no ${runId}/${name} in the fixture`);
  return contentBytes(file.content, name);
}

function show(run: CliRun): string {
  return `exit ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
}

describe('CLI × emulators', () => {
  let emulators: RunningEmulators;
  let neptuneToken = '';
  let neptuneEnv: NodeJS.ProcessEnv = {};
  let wandbEnv: NodeJS.ProcessEnv = {};

  before(async () => {
    emulators = await startEmulators({ fixture: { neptune: neptuneFixture, wandb: demoWandbFixture } });
    neptuneToken = emulators.neptune?.apiToken ?? '';
    neptuneEnv = { NEPTUNE_API_TOKEN: neptuneToken, NEPTUNE_PROJECT: DEMO_NEPTUNE_PROJECT };
    wandbEnv = {
      WANDB_API_KEY: emulators.wandb?.apiKey ?? '',
      WANDB_BASE_URL: emulators.wandb?.url ?? '',
      WANDB_ENTITY: DEMO_WANDB_ENTITY,
      WANDB_PROJECT: DEMO_WANDB_PROJECT_NAME,
    };
  });
  const workDirs = new TempFolders();
  after(async () => {
    await emulators.close();
    await workDirs.removeAll();
  });

  /** Runs the CLI (in a new working directory unless given one) and checks that it printed no credential. */
  const cli = async (args: string[], options: Partial<CliRunOptions> = {}): Promise<CliRun> => {
    const run = await runCli(args, { ...options, cwd: options.cwd ?? (await workDirs.make('def-clirun-')) });
    for (const secret of [neptuneToken, DEMO_NEPTUNE_API_KEY, DEMO_WANDB_API_KEY]) {
      assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), `a credential was printed\n${show(run)}`);
    }
    return run;
  };
  const readManifest = async (run: CliRun, destination: string): Promise<Manifest> =>
    JSON.parse(await readFile(path.join(run.cwd, destination, 'manifest.json'), 'utf8')) as Manifest;

  describe('help and version', () => {
    it('--help lists every flag the action has as an input, examples and the exit codes', async () => {
      const run = await cli(['--help']);
      assert.equal(run.code, 0, show(run));
      assert.match(run.stdout, /^Usage: download-experiment-files \[options\]/);
      const { inputs } = await readActionMetadata();
      for (const name of inputs.keys()) {
        if (name.startsWith('artifact-')) continue; // uploading a workflow artifact needs a runner
        assert.match(run.stdout, new RegExp(`--${name}\\b`), `--${name} in --help`);
      }
      assert.match(run.stdout, /Examples:\n(.*\n)*\s+download-experiment-files --backend neptune/);
      assert.match(run.stdout, /--backend wandb/);
      const exitCodes = run.stdout.slice(run.stdout.indexOf('Exit codes:'));
      for (const code of ['0 done', '1 some files failed', '2 invalid', '3 authentication', '4 project or run not found', '5 server']) {
        assert.ok(exitCodes.includes(code), `exit code '${code}' documented`);
      }
    });

    it('--version prints the package version (source and dist/cli.js)', async () => {
      const { version } = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
      for (const entry of [undefined, CLI_DIST]) {
        const run = await cli(['--version'], entry ? { entry } : {});
        assert.equal(run.code, 0, show(run));
        assert.equal(run.stdout.trim(), version);
      }
    });
  });

  describe('downloads', () => {
    it('Neptune: repeated --experiments/--attributes, token and project from NEPTUNE_API_TOKEN / NEPTUNE_PROJECT', async () => {
      const run = await cli(
        [
          '--backend',
          'neptune',
          '--experiments',
          'seabird-baseline',
          '--experiments',
          'seabird-augment',
          '--attributes',
          'model/checkpoint',
          '--attributes',
          'predictions',
          '--tail',
          '2',
          '--destination',
          'out',
        ],
        { env: neptuneEnv },
      );
      assert.equal(run.code, 0, show(run));
      // baseline's head has 30 points at steps 0, 0.5, … 14.5; augment's head 5 points up to step 2.
      const expected: [string, string, string, number?][] = [
        ['seabird-augment/model/checkpoint.bin', 'seabird-augment', 'model/checkpoint'],
        ['seabird-augment/predictions/step_1_500000.png', 'seabird-augment', 'predictions', 1.5],
        ['seabird-augment/predictions/step_2_000000.png', 'seabird-augment', 'predictions', 2],
        ['seabird-baseline/model/checkpoint.bin', 'seabird-baseline', 'model/checkpoint'],
        ['seabird-baseline/predictions/step_14_000000.png', 'seabird-baseline', 'predictions', 14],
        ['seabird-baseline/predictions/step_14_500000.png', 'seabird-baseline', 'predictions', 14.5],
      ];
      const dest = path.join(run.cwd, 'out');
      assert.deepEqual(await filesUnder(dest), [...expected.map(([rel]) => rel), 'manifest.json'].sort());
      for (const [rel, experiment, attribute, step] of expected) {
        assert.deepEqual(
          await readFile(path.join(dest, rel)),
          fixtureBytes(neptuneFixture, DEMO_NEPTUNE_PROJECT, { experiment }, attribute, step),
          rel,
        );
      }
      assert.equal(run.stdout, '', 'nothing on stdout without --json or --dry-run');
      assert.match(run.stderr, /^Resolving neptune project 'demo-team\/seabird', experiments 'seabird-baseline', 'seabird-augment'/);
      assert.match(run.stderr, /6 downloaded, 0 already present, 0 missing, 0 failed\. Manifest: .*out\/manifest\.json/);
      const manifest = await readManifest(run, 'out');
      assert.equal(manifest.destination, dest, 'a relative --destination is under the working directory');
    });

    it('W&B: key, server, entity and project from WANDB_API_KEY / WANDB_BASE_URL / WANDB_ENTITY / WANDB_PROJECT (dist/cli.js)', async () => {
      const run = await cli(
        ['--backend', 'wandb', '--runs', DEMO_WANDB_RUNS.augment, '--files', 'model.ckpt', '--files', 'config.yaml', '--destination', 'w'],
        { env: wandbEnv, entry: CLI_DIST },
      );
      assert.equal(run.code, 0, show(run));
      const dest = path.join(run.cwd, 'w');
      const names = ['config.yaml', 'model.ckpt'];
      assert.deepEqual(await filesUnder(dest), [...names.map((n) => `${DEMO_WANDB_RUNS.augment}/${n}`), 'manifest.json'].sort());
      for (const name of names) {
        assert.deepEqual(await readFile(path.join(dest, DEMO_WANDB_RUNS.augment, name)), wandbBytes(DEMO_WANDB_RUNS.augment, name), name);
      }
      assert.equal((await readManifest(run, 'w')).project, DEMO_WANDB_PROJECT);
    });

    it('--dry-run prints the plan table on stdout and downloads nothing', async () => {
      const run = await cli(
        [
          '--backend',
          'neptune',
          '--experiments',
          'seabird-augment',
          '--attributes',
          'regex:^model/ | ^predictions',
          '--tail',
          '1',
          '--dry-run',
        ],
        { env: neptuneEnv },
      );
      assert.equal(run.code, 0, show(run));
      const lines = run.stdout.trimEnd().split('\n');
      assert.match(lines[0] ?? '', /^EXPERIMENT\s+ATTRIBUTE\s+STEP\s+SIZE\s+STATUS\s+PATH$/);
      const rows = lines.slice(1).map((l) => l.split(/\s{2,}/));
      assert.deepEqual(rows.map((r) => [r[0], r[1], r.at(-2), r.at(-1)].join(' | ')).sort(), [
        'seabird-augment | model/checkpoint | planned | seabird-augment/model/checkpoint.bin',
        'seabird-augment | model/weights.v2.pt | planned | seabird-augment/model/weights_v2_pt.bin',
        'seabird-augment | predictions | planned | seabird-augment/predictions/step_2_000000.png',
      ]);
      assert.match(run.stdout, /predictions\s+2\s+/, 'the series step has its own column');
      assert.match(run.stderr, /3 files planned, 0 missing, 0 failed/);
      assert.deepEqual(await filesUnder(path.join(run.cwd, 'experiment-files')), ['manifest.json'], 'default destination, manifest only');
    });

    it('--dry-run for W&B: runs and files', async () => {
      const run = await cli(['--backend', 'wandb', '--runs', DEMO_WANDB_RUNS.baseline, '--files', 'model.ckpt', '--dry-run'], {
        env: wandbEnv,
      });
      assert.equal(run.code, 0, show(run));
      assert.match(
        run.stdout,
        /^RUN\s+FILE\s+STEP\s+SIZE\s+STATUS\s+PATH\nseab0001\s+model\.ckpt\s+128\.0 KiB\s+planned\s+seab0001\/model\.ckpt\n$/,
      );
    });

    it('--json prints the manifest (and only it) on stdout; logs go to stderr', async () => {
      const run = await cli(['--backend', 'wandb', '--runs', DEMO_WANDB_RUNS.baseline, '--pattern', 'media/images/%', '--json'], {
        env: wandbEnv,
      });
      assert.equal(run.code, 0, show(run));
      const manifest = JSON.parse(run.stdout) as Manifest;
      assert.equal(manifest.tool, 'download-experiment-files');
      assert.equal(manifest.totals.downloaded, 5);
      assert.deepEqual(
        manifest.files.map((f) => f.path),
        [0, 1, 2, 3, 4].map((i) => `${DEMO_WANDB_RUNS.baseline}/media/images/pred_${i}.png`),
      );
      assert.deepEqual(manifest, await readManifest(run, 'experiment-files'), 'stdout is the manifest written to disk');
      assert.match(run.stderr, /^Resolving wandb project/);
      assert.match(run.stderr, /5 downloaded, 0 already present/);
    });
  });

  describe('progress', () => {
    it('off a terminal: plain progress lines on stderr, no escape codes', async () => {
      const run = await cli(['--backend', 'wandb', '--runs', DEMO_WANDB_RUNS.baseline, '--concurrency', '2'], { env: wandbEnv });
      assert.equal(run.code, 0, show(run));
      const progress = run.stderr.split('\n').filter((l) => PROGRESS_LINE.test(l));
      // 13 files: up to 20 files every file gets a line (src/core/progress.ts).
      assert.equal(progress.length, 13, run.stderr);
      assert.match(progress.at(-1) ?? '', /^13\/13 files, 136\.2 KiB downloaded/);
      assert.ok(!run.stderr.includes(ESCAPE) && !run.stdout.includes(ESCAPE), 'no terminal escape codes');
      assert.ok(!run.stderr.includes('\r'), 'no carriage returns');
    });

    it('--no-progress: no progress lines at all', async () => {
      const run = await cli(['--backend', 'wandb', '--runs', DEMO_WANDB_RUNS.baseline, '--no-progress'], { env: wandbEnv });
      assert.equal(run.code, 0, show(run));
      assert.equal(run.stderr.split('\n').filter((l) => PROGRESS_LINE.test(l)).length, 0, run.stderr);
      assert.match(run.stderr, /13 downloaded/);
    });

    const noTerminal = terminalUnavailable();
    it('on a terminal: a progress bar (run under util-linux script)', { skip: noTerminal }, async () => {
      const run = await runCliInTerminal(['--backend', 'wandb', '--runs', DEMO_WANDB_RUNS.baseline], {
        env: wandbEnv,
        cwd: await workDirs.make('def-clirun-tty-'),
      });
      assert.equal(run.code, 0, show(run));
      const screen = run.stdout;
      assert.ok(screen.includes(ESCAPE), 'the bar redraws with escape codes');
      assert.match(screen, /█+ 13\/13 files \| 136\.2 KiB \| .+\/s \| ETA/, 'the bar reaches 13/13 with bytes and rate');
      assert.ok(!screen.split(/\r?\n/).some((l) => PROGRESS_LINE.test(l)), 'no plain progress lines on a terminal');
      assert.match(screen, /13 downloaded, 0 already present/);
    });
  });

  describe('exit codes', () => {
    const requests = (): number => emulators.log.entries().length;

    it('2: unknown flag, missing flag value, stray argument, invalid value — before any request', async () => {
      const before = requests();
      const cases: [string[], RegExp][] = [
        [['--backend', 'neptune', '--bogus'], /unknown option '--bogus'/],
        [['--backend', 'neptune', '--tail'], /option '--tail <value>' argument missing/],
        [['--backend', 'neptune', 'stray'], /too many arguments/],
        [['--backend', 'comet'], /error: --backend: 'comet' is not allowed\. Available options: neptune, wandb, mlflow/],
        [['--backend', 'neptune', '--tail', '0'], /error: --tail: '0' is not a whole number/],
        [['--backend', 'wandb', '--files', 'a', '--pattern', '%'], /error: --pattern: /],
        [['--backend', 'neptune', '--experiments', 'a', '--runs', 'b'], /error: --runs: give either 'experiments' or 'runs'/],
      ];
      for (const [args, message] of cases) {
        const run = await cli(args, { env: { ...neptuneEnv, ...wandbEnv } });
        assert.equal(run.code, 2, `${args.join(' ')}\n${show(run)}`);
        assert.match(run.stderr, message);
        assert.equal(run.stdout, '');
      }
      assert.equal(requests(), before, 'no request for invalid input');
    });

    it('never prints the value of a misspelt credential flag', async () => {
      const key = 'misspelt-flag-secret-0123456789abcdef';
      for (const args of [
        ['--backend', 'wandb', `--api_token=${key}`],
        ['--backend', 'wandb', '--apitoken', key],
        ['--backend', 'neptune', `--API-TOKEN=${key}`],
      ]) {
        const run = await cli(args);
        assert.equal(run.code, 2, show(run));
        assert.match(run.stderr, /unknown option/);
        assert.ok(!run.stdout.includes(key) && !run.stderr.includes(key), `the value was printed\n${show(run)}`);
      }
    });

    it('3: a rejected token or key', async () => {
      const url = emulators.neptune?.url ?? '';
      const wrong = Buffer.from(JSON.stringify({ api_address: url, api_url: url, api_key: 'revoked-key' })).toString('base64');
      const neptune = await cli(['--backend', 'neptune'], { env: { ...neptuneEnv, NEPTUNE_API_TOKEN: wrong } });
      assert.equal(neptune.code, 3, show(neptune));
      assert.match(neptune.stderr, /error: Neptune .* rejected the API token/);
      assert.ok(!neptune.stderr.includes(wrong), 'the rejected token is not printed either');
      const wandb = await cli(['--backend', 'wandb'], { env: { ...wandbEnv, WANDB_API_KEY: `local-${'0'.repeat(40)}` } });
      assert.equal(wandb.code, 3, show(wandb));
      assert.match(wandb.stderr, /error: W&B .* rejected the API key/);
    });

    it('4: an unknown project', async () => {
      const neptune = await cli(['--backend', 'neptune', '--project', 'demo-team/no-such-project'], { env: neptuneEnv });
      assert.equal(neptune.code, 4, show(neptune));
      assert.match(neptune.stderr, /no project 'demo-team\/no-such-project'/);
      const wandb = await cli(['--backend', 'wandb', '--project', 'demo-team/no-such-project'], { env: wandbEnv });
      assert.equal(wandb.code, 4, show(wandb));
      assert.match(wandb.stderr, /project 'demo-team\/no-such-project' was not found/);
    });

    it('1: a file that fails (wrong MD5 on every attempt) and a missing one, named; the others still arrive', async () => {
      const run = await cli(
        [
          '--backend',
          'wandb',
          '--runs',
          DEMO_WANDB_RUNS.crashed,
          '--files',
          DEMO_WANDB_WRONG_MD5_FILE,
          '--files',
          'config.yaml',
          '--files',
          DEMO_WANDB_MISSING_FILE,
          '--destination',
          'd',
        ],
        { env: { ...wandbEnv, ...FAST_RETRIES } },
      );
      assert.equal(run.code, 1, show(run));
      assert.match(run.stderr, /1 downloaded, 0 already present, 1 missing, 1 failed/);
      // A missing file is named, not only counted.
      assert.match(
        run.stderr,
        new RegExp(`warning: missing in storage: ${DEMO_WANDB_RUNS.crashed}: ${DEMO_WANDB_MISSING_FILE} \\(the tracker lists it`),
      );
      assert.match(run.stderr, new RegExp(`error: ${DEMO_WANDB_RUNS.crashed}: ${DEMO_WANDB_WRONG_MD5_FILE}: .*MD5 mismatch`));
      const manifest = await readManifest(run, 'd');
      assert.deepEqual(manifest.files.map((f) => `${f.attribute}: ${f.status}`).sort(), [
        `${DEMO_WANDB_MISSING_FILE}: missing`,
        `${DEMO_WANDB_WRONG_MD5_FILE}: failed`,
        'config.yaml: downloaded',
      ]);
      await assert.rejects(access(path.join(run.cwd, 'd', DEMO_WANDB_RUNS.crashed, DEMO_WANDB_WRONG_MD5_FILE)), 'no corrupt file is left');
    });

    it('130: Ctrl-C (SIGINT) during a download stops it and leaves no temporary file', async (t) => {
      // One file stalls mid-body for longer than the run may last, so the run is still downloading when the signal
      // comes however busy the machine is, and only the CLI's own cancellation can end that transfer.
      emulators.faults.add({
        target: 'storage',
        pathIncludes: 'model.ckpt',
        times: Infinity,
        action: { kind: 'stall', ms: 10 * 60_000, afterBytes: 1024 },
      });
      t.after(() => emulators.faults.clear());
      let signalled = false;
      const run = await cli(['--backend', 'wandb', '--runs', DEMO_WANDB_RUNS.baseline, '--destination', 'c'], {
        env: wandbEnv,
        onSpawn: (child) => {
          let seen = 0;
          child.stderr?.on('data', (d: Buffer | string) => {
            // 12 of the 13 files are done; the last one hangs on the stalled body.
            seen += String(d)
              .split('\n')
              .filter((l) => PROGRESS_LINE.test(l)).length;
            if (seen >= 12 && !signalled) {
              signalled = true;
              child.kill('SIGINT');
            }
          });
        },
      });
      assert.ok(signalled, show(run));
      assert.equal(run.code, 130, show(run));
      assert.match(run.stderr, /error: .*cancel/i);
      const left = await filesUnder(path.join(run.cwd, 'c'));
      assert.deepEqual(
        left.filter((f) => f.endsWith('.part')),
        [],
        'no temporary file remains',
      );
      assert.ok(!left.includes(`${DEMO_WANDB_RUNS.baseline}/model.ckpt`), 'the interrupted file is not in place');
      const manifest = await readManifest(run, 'c');
      assert.equal(manifest.files.find((f) => f.attribute === 'model.ckpt')?.status, 'failed');
    });

    it('1 with --if-no-files-found error when nothing matches; 0 with the default (warn)', async () => {
      const args = ['--backend', 'neptune', '--experiments', 'seabird-baseline', '--attributes', 'no/such/attribute'];
      const failing = await cli([...args, '--if-no-files-found', 'error'], { env: neptuneEnv });
      assert.equal(failing.code, 1, show(failing));
      assert.match(failing.stderr, /error: No files were found for neptune project/);
      const warning = await cli(args, { env: neptuneEnv });
      assert.equal(warning.code, 0, show(warning));
      assert.match(warning.stderr, /warning: No files were found/);
    });
  });
});
