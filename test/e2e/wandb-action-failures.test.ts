// The action end to end against the W&B emulator when things go wrong: a file whose MD5 does not match, a
// file the storage lacks, hostile file names, unknown runs and projects, a wrong key, and a selection that
// matches nothing. Each run also passes the shared checks of test/support/wandb-e2e.ts (no secret anywhere,
// no temporary files, bytes equal to the fixture, no file left at the path of a failed one).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startEmulators, type RunningEmulators } from '../emulators/start.ts';
import {
  DEMO_WANDB_ENTITY,
  DEMO_WANDB_HOSTILE_NAMES,
  DEMO_WANDB_HOSTILE_RUN,
  DEMO_WANDB_MISSING_FILE,
  DEMO_WANDB_PROJECT,
  DEMO_WANDB_RUNS,
  DEMO_WANDB_WRONG_MD5_FILE,
  demoWandbFixture,
} from '../fixtures/demo.ts';
import { annotations, countRequests, listTree, WandbActionHarness, type WandbActionRun } from '../support/wandb-e2e.ts';

function record(run: WandbActionRun, name: string): NonNullable<WandbActionRun['manifest']>['files'][number] {
  const found = run.manifest?.files.find((f) => f.attribute === name);
  assert.ok(found, `the manifest has no record for ${JSON.stringify(name)}`);
  return found;
}

/** Nothing reached storage or a file URL: the run failed before any download. */
function assertNoDownload(run: WandbActionRun): void {
  assert.equal(countRequests(run, 'storage'), 0, 'storage requests');
  assert.equal(countRequests(run, 'wandb-api', 'file'), 0, 'file URL requests');
}

describe('W&B action: failures', () => {
  let em: RunningEmulators;
  let h: WandbActionHarness;

  before(async () => {
    em = await startEmulators({ fixture: { wandb: demoWandbFixture } });
    h = new WandbActionHarness(em);
  });
  after(async () => {
    await h.cleanup();
    await em.close();
  });

  it('fails a file whose bytes do not match the reported MD5 and reports a missing one, keeping the rest', async () => {
    // An MD5 mismatch is tried again (bytes damaged in transit differ each time); the same wrong bytes a second
    // time will not change on a third, so the file ends there, whatever the attempt budget.
    const env = { DOWNLOAD_EXPERIMENT_FILES_MAX_ATTEMPTS: '8', DOWNLOAD_EXPERIMENT_FILES_RETRY_BASE_MS: '1' };
    const run = await h.run({ runs: DEMO_WANDB_RUNS.crashed }, { env });
    assert.equal(run.code, 1, run.stdout + run.stderr);

    const wrong = record(run, DEMO_WANDB_WRONG_MD5_FILE);
    assert.equal(wrong.status, 'failed');
    assert.match(wrong.error ?? '', /MD5 mismatch: the tracker says AAAAAAAAAAAAAAAAAAAAAA==, received \S+/);
    assert.match(wrong.error ?? '', /after 2 attempts: .*; the storage sent the same bytes twice/);
    assert.equal(wrong.path, `${DEMO_WANDB_RUNS.crashed}/${DEMO_WANDB_WRONG_MD5_FILE}`);
    assert.equal(existsSync(`${run.destination}/${wrong.path}`), false, 'no file at the final path');
    const wrongGets = run.requests.filter((e) => e.target === 'storage' && decodeURIComponent(e.path).includes(DEMO_WANDB_WRONG_MD5_FILE));
    assert.equal(wrongGets.length, 2, 'one storage GET per attempt, two attempts');

    const missing = record(run, DEMO_WANDB_MISSING_FILE);
    assert.equal(missing.status, 'missing');
    assert.match(missing.error ?? '', /404/);
    assert.equal(record(run, 'config.yaml').status, 'downloaded');
    assert.equal(record(run, 'output.log').status, 'downloaded');
    assert.deepEqual(
      { failed: run.outputs['failed-count'], missing: run.outputs['missing-count'], files: run.outputs['files-count'] },
      { failed: '1', missing: '1', files: '2' },
    );

    const [error] = annotations(run.stdout, 'error');
    assert.match(
      error ?? '',
      new RegExp(`1 of 4 files could not be downloaded:\\n${DEMO_WANDB_RUNS.crashed}: ${DEMO_WANDB_WRONG_MD5_FILE}: .*MD5 mismatch`),
    );
    assert.ok(
      annotations(run.stdout, 'warning').some((w) => w.includes(DEMO_WANDB_MISSING_FILE)),
      'a warning names the missing file',
    );
    assert.match(run.summary, /MD5 mismatch/);
    assert.deepEqual(run.graphql, { Run: 1, RunFiles: 1 });
  });

  describe('hostile file names', () => {
    let run: WandbActionRun;
    let rootBefore: string[];
    const absolute = '/abs.txt';
    const absoluteExisted = existsSync(absolute);

    before(async () => {
      const ws = await h.workspace();
      rootBefore = await listTree(ws.root);
      run = await h.run({ runs: DEMO_WANDB_HOSTILE_RUN }, { workspace: ws });
    });

    it('refuses each hostile name with a reason, writes nothing outside the destination, exits 1', async () => {
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.deepEqual(rootBefore, []);

      const reasons: [string, RegExp][] = [
        ['../escape.txt', /contains a '\.\.' segment/],
        ['/abs.txt', /is an absolute path/],
        ['a\\..\\b.txt', /contains a backslash/],
        ['nul\u0000name.txt', /contains a NUL character/],
        [`${'l'.repeat(296)}.txt`, /300 bytes long; file systems allow 255/],
      ];
      assert.deepEqual(
        reasons.map(([n]) => n),
        DEMO_WANDB_HOSTILE_NAMES.slice(0, reasons.length),
      );
      for (const [name, reason] of reasons) {
        const r = record(run, name);
        assert.equal(r.status, 'failed', name);
        assert.match(r.error ?? '', reason, name);
      }
      assert.equal(record(run, 'ok.txt').status, 'downloaded');

      // Names that differ only by case: both kept where the file system tells them apart, else the second fails.
      const caseInsensitive = process.platform === 'win32' || process.platform === 'darwin';
      assert.equal(record(run, 'Readme.md').status, 'downloaded');
      const upper = record(run, 'README.md');
      if (caseInsensitive) {
        assert.equal(upper.status, 'failed');
        assert.match(upper.error ?? '', /already taken/);
      } else {
        assert.equal(upper.status, 'downloaded');
      }

      const hostile = `${DEMO_WANDB_HOSTILE_RUN}/`;
      const expectedTree = [
        'manifest.json',
        `${hostile}ok.txt`,
        `${hostile}Readme.md`,
        ...(caseInsensitive ? [] : [`${hostile}README.md`]),
      ];
      assert.deepEqual(await listTree(run.destination), expectedTree.sort());
      // The workspace's parent holds only the workspace, and the workspace only the destination.
      const rootAfter = await listTree(`${run.workspace}/..`);
      assert.deepEqual(
        rootAfter.filter((p) => !p.startsWith('ws/experiment-files/')),
        [],
      );
      if (!absoluteExisted) assert.equal(existsSync(absolute), false, `${absolute} was written`);

      // Refused names never cost a request.
      const downloaded = run.manifest?.totals.downloaded ?? 0;
      assert.equal(countRequests(run, 'wandb-api', 'file'), downloaded);
      assert.equal(countRequests(run, 'storage', 'blob'), downloaded);
      assert.equal(run.outputs['failed-count'], String(caseInsensitive ? 6 : 5));
      assert.match(annotations(run.stdout, 'error')[0] ?? '', /files could not be downloaded/);
    });

    it('shows hostile names without raw control characters in the log and the summary', () => {
      assert.equal(run.stdout.includes('\u0000'), false, 'raw NUL in stdout');
      assert.equal(run.summary.includes('\u0000'), false, 'raw NUL in the summary');
    });
  });

  it('fails an unknown run id before any download, naming the run and the project', async () => {
    const run = await h.run({ runs: `${DEMO_WANDB_RUNS.baseline}\nnope1234` });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const [error] = annotations(run.stdout, 'error');
    assert.match(error ?? '', /W&B run 'nope1234' was not found in project 'demo-team\/seabird'/);
    assertNoDownload(run);
    assert.deepEqual(await listTree(run.destination), []);
    assert.ok(
      Object.keys(run.graphql).every((op) => op === 'Run' || op === 'RunFiles'),
      JSON.stringify(run.graphql),
    );
    assert.equal(run.graphql.Run, 2);
  });

  it('fails an unknown project before any download, naming it (by id and by filter)', async () => {
    const project = `${DEMO_WANDB_ENTITY}/no-such-project`;
    const selections: [Record<string, string>, Record<string, number>][] = [
      [{ runs: DEMO_WANDB_RUNS.baseline }, { Run: 1 }],
      [{ filter: '{"state": "finished"}' }, { Runs: 1 }],
    ];
    for (const [selection, graphql] of selections) {
      const run = await h.run({ project, ...selection });
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.match(annotations(run.stdout, 'error')[0] ?? '', new RegExp(`W&B project '${project}' was not found`));
      assertNoDownload(run);
      assert.deepEqual(await listTree(run.destination), []);
      assert.deepEqual(run.graphql, graphql);
    }
  });

  it('fails a wrong key with a clear error after one request, without a retry storm', async () => {
    const wrongKey = `local-${'0'.repeat(36)}beef`;
    assert.notEqual(wrongKey, h.apiKey);
    const run = await h.run({ runs: DEMO_WANDB_RUNS.baseline, 'api-token': wrongKey });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const [error] = annotations(run.stdout, 'error');
    assert.match(error ?? '', /rejected the API key \(HTTP 401/);
    assert.match(error ?? '', /Check the api-token input/);
    const api = run.requests.filter((e) => e.target === 'wandb-api');
    assert.ok(api.length >= 1 && api.length <= 2, `${api.length} API requests`);
    assert.ok(api.every((e) => e.status === 401));
    assertNoDownload(run);
    assert.deepEqual(run.outputs, {});
  });

  describe('a selection that matches no file', () => {
    const runs: Partial<Record<'error' | 'warn', WandbActionRun>> = {};

    it('fails with if-no-files-found: error', async () => {
      const run = await h.run({ runs: DEMO_WANDB_RUNS.baseline, pattern: 'nothing/%', 'if-no-files-found': 'error' });
      runs.error = run;
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.match(
        annotations(run.stdout, 'error')[0] ?? '',
        /No files were found for wandb project 'demo-team\/seabird', runs 'seab0001', pattern 'nothing\/%'/,
      );
      assert.equal(run.manifest?.totals.files, 0);
      assert.equal(run.outputs['files-count'], '0');
      assertNoDownload(run);
    });

    it('only warns with if-no-files-found: warn', async () => {
      const run = await h.run({ runs: DEMO_WANDB_RUNS.baseline, pattern: 'nothing/%', 'if-no-files-found': 'warn' });
      runs.warn = run;
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.deepEqual(annotations(run.stdout, 'error'), []);
      assert.match(annotations(run.stdout, 'warning')[0] ?? '', /No files were found/);
      assert.equal(run.manifest?.totals.files, 0);
      assertNoDownload(run);
    });

    it('still names the project in the manifest and the summary', () => {
      for (const run of Object.values(runs)) {
        assert.equal(run.manifest?.project, DEMO_WANDB_PROJECT);
        assert.match(run.summary, /Experiment files from wandb · demo-team\/seabird/);
      }
    });
  });
});
