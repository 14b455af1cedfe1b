// The action end to end against the W&B emulator, run again over its own results: files already present and
// verified are skipped without a storage request, a file changed on disk is downloaded again, and a dry run
// plans without downloading. Each run also passes the shared checks of test/support/wandb-e2e.ts.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulators, type RunningEmulators } from '../emulators/start.ts';
import { DEMO_WANDB_RUNS, demoWandbFixture } from '../fixtures/demo.ts';
import { countRequests, listTree, WandbActionHarness, type WandbActionRun } from '../support/wandb-e2e.ts';

const RUN = DEMO_WANDB_RUNS.baseline;
const FILE_COUNT = 13;

function statusOf(run: WandbActionRun): Record<string, string> {
  return Object.fromEntries((run.manifest?.files ?? []).map((f) => [f.attribute, f.status]));
}

describe('W&B action: re-runs and dry runs', () => {
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

  it('skips verified files on a second run without any storage request, and re-downloads files changed on disk', async () => {
    const ws = await h.workspace();
    const first = await h.run({ runs: RUN }, { workspace: ws });
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.equal(first.manifest?.totals.downloaded, FILE_COUNT);
    assert.equal(countRequests(first, 'storage', 'blob'), FILE_COUNT);

    const second = await h.run({ runs: RUN }, { workspace: ws });
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.equal(second.outputs['skipped-count'], String(FILE_COUNT));
    assert.equal(second.outputs['files-count'], String(FILE_COUNT));
    assert.deepEqual(new Set(Object.values(statusOf(second))), new Set(['skipped']));
    assert.equal(em.log.count('storage', 'blob'), 0, 'no storage request the second time');
    assert.equal(countRequests(second, 'wandb-api', 'file'), 0, 'no file URL request the second time');
    assert.deepEqual(second.graphql, { Run: 1, RunFiles: 1 });
    assert.match(second.summary, /13 already present/);

    // Same size, one byte different (only the MD5 can tell), and a truncated file (the size tells).
    const config = path.join(ws.destination, RUN, 'config.yaml');
    const changed = Buffer.from(await readFile(config));
    changed[0] = (changed[0] ?? 0) ^ 0xff;
    await writeFile(config, changed);
    const log = path.join(ws.destination, RUN, 'output.log');
    await writeFile(log, (await readFile(log)).subarray(0, 10));

    const third = await h.run({ runs: RUN }, { workspace: ws });
    assert.equal(third.code, 0, third.stdout + third.stderr);
    const statuses = statusOf(third);
    assert.equal(statuses['config.yaml'], 'downloaded');
    assert.equal(statuses['output.log'], 'downloaded');
    assert.equal(third.outputs['skipped-count'], String(FILE_COUNT - 2));
    assert.equal(countRequests(third, 'storage', 'blob'), 2);
    // The shared checks compared every file with the fixture; these two explicitly:
    assert.ok((await readFile(config)).equals(h.bytesOf(`${RUN}/config.yaml`)));
    assert.ok((await readFile(log)).equals(h.bytesOf(`${RUN}/output.log`)));
  });

  it('dry-run writes a manifest of planned files and downloads nothing', async () => {
    const run = await h.run({ runs: RUN, 'dry-run': 'true' });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(run.manifest?.dryRun, true);
    assert.deepEqual(new Set(Object.values(statusOf(run))), new Set(['planned']));
    assert.equal(run.manifest?.totals.planned, FILE_COUNT);
    assert.equal(run.outputs['files-count'], String(FILE_COUNT));
    assert.equal(JSON.parse(run.outputs.paths ?? '[]').length, FILE_COUNT);
    assert.equal(em.log.count('storage'), 0, 'zero storage requests');
    assert.equal(countRequests(run, 'wandb-api', 'file'), 0);
    assert.deepEqual(run.graphql, { Run: 1, RunFiles: 1 });
    assert.deepEqual(await listTree(run.destination), ['manifest.json']);
    assert.match(run.summary, /13 files planned \(dry run\)/);
  });
});
