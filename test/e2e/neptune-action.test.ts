// The action end to end against the Neptune emulator: selection by names, regex, extended regex and filter,
// experiments vs runs, File and File-series attributes with step range and tail, paging past page boundaries,
// the official client's layout, outputs, summary, dry-run, skip-existing and if-no-files-found.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulators, type RunningEmulators } from '../emulators/start.ts';
import { demoFixture, DEMO_NEPTUNE_API_KEY, DEMO_NEPTUNE_PROJECT, DEMO_NEPTUNE_SAMPLE_MIME_TYPES } from '../fixtures/demo.ts';
import { DIST_ENTRY, runActionProcess, type ActionRun } from '../support/action-process.ts';
import { TempFolders } from '../support/temp-folders.ts';
import { assertCleanRun, filesUnder, fixtureBytes, readManifest } from './neptune-helpers.ts';

const fixture = demoFixture.neptune!;
/** Page sizes lowered as the official client allows through its environment (neptune.md §8.3). */
const SMALL_PAGES = { NEPTUNE_QUERY_EXPERIMENT_SYS_ATTRS_BATCH_SIZE: '7', NEPTUNE_QUERY_FILES_BATCH_SIZE: '3' };

describe('action × Neptune emulator', () => {
  let emulators: RunningEmulators;
  let token = '';

  before(async () => {
    emulators = await startEmulators({ fixture: { neptune: fixture }, neptune: { seriesPageSize: 4 } });
    token = emulators.neptune?.apiToken ?? '';
  });
  const workspaces = new TempFolders();
  after(async () => {
    await emulators.close();
    await workspaces.removeAll();
  });

  const run = async (
    inputs: Record<string, string>,
    options: { env?: NodeJS.ProcessEnv; entry?: string; workspace?: string } = {},
  ): Promise<ActionRun> => {
    const result = await runActionProcess({
      inputs: { backend: 'neptune', 'api-token': token, project: DEMO_NEPTUNE_PROJECT, ...inputs },
      ...options,
      workspace: options.workspace ?? (await workspaces.make('def-ws-')),
    });
    await assertCleanRun(result, emulators, [token, DEMO_NEPTUNE_API_KEY]);
    return result;
  };
  const count = (endpoint: string, target: 'neptune-api' | 'storage' = 'neptune-api') => emulators.log.count(target, endpoint);

  it('downloads named attributes of named experiments, laid out as the official client (bundled dist)', async () => {
    const result = await run(
      { experiments: 'seabird-baseline\nseabird-augment', attributes: 'model/checkpoint\nconfig/params.json\neval/report.txt' },
      { entry: DIST_ENTRY },
    );
    assert.equal(result.code, 0, result.stdout);
    const dest = result.outputs.destination as string;
    const expected = [
      'seabird-augment/config/params_json.json',
      'seabird-augment/eval/report_txt.txt',
      'seabird-augment/model/checkpoint.bin',
      'seabird-baseline/config/params_json.json',
      'seabird-baseline/eval/report_txt.txt',
      'seabird-baseline/model/checkpoint.bin',
    ];
    assert.deepEqual(await filesUnder(dest), [...expected, 'manifest.json'].sort());
    let total = 0;
    for (const rel of expected) {
      const [experiment] = rel.split('/');
      const attribute = rel.includes('params') ? 'config/params.json' : rel.includes('report') ? 'eval/report.txt' : 'model/checkpoint';
      const want = fixtureBytes(fixture, DEMO_NEPTUNE_PROJECT, { experiment }, attribute);
      assert.deepEqual(await readFile(path.join(dest, rel)), want, rel);
      total += want.length;
    }
    assert.equal(result.outputs.destination, path.join(result.workspace, 'experiment-files'));
    assert.equal(result.outputs['files-count'], '6');
    assert.equal(result.outputs.bytes, String(total));
    assert.equal(result.outputs['missing-count'], '0');
    assert.equal(result.outputs['skipped-count'], '0');
    assert.deepEqual(JSON.parse(result.outputs.paths as string).sort(), expected);
    const manifest = await readManifest(result);
    assert.equal(manifest.files.length, 6);
    for (const f of manifest.files) {
      assert.equal(f.status, 'downloaded');
      assert.equal(f.containerKind, 'experiment');
      assert.equal(f.backend, 'neptune');
      assert.equal(f.project, DEMO_NEPTUNE_PROJECT);
    }
    assert.match(result.summary, /<td>seabird-baseline<\/td><td>3<\/td><td>3<\/td>/);
  });

  it('skips verified files on a second run: no signing, no storage request', async () => {
    const inputs = { experiments: 'seabird-distill', attributes: 'regex:^model/' };
    const first = await run(inputs);
    assert.equal(first.code, 0, first.stdout);
    const [blobs, signs] = [count('blob', 'storage'), count('signed-url')];
    const second = await run(inputs, { workspace: first.workspace });
    assert.equal(second.code, 0, second.stdout);
    assert.equal(second.outputs['skipped-count'], '2');
    assert.equal(second.outputs['files-count'], '2');
    assert.equal(count('blob', 'storage'), blobs, 'no storage request on the second run');
    assert.equal(count('signed-url'), signs, 'nothing signed on the second run');
    // A file changed on disk (same size) is fetched again: size alone would not catch it, but Neptune gives no
    // checksum, so the policy is size-only; a different size is caught.
    const target = path.join(first.outputs.destination as string, 'seabird-distill/model/checkpoint.bin');
    await writeFile(target, 'truncated');
    const third = await run(inputs, { workspace: first.workspace });
    assert.equal(third.outputs['skipped-count'], '1');
    assert.deepEqual(
      await readFile(target),
      fixtureBytes(fixture, DEMO_NEPTUNE_PROJECT, { experiment: 'seabird-distill' }, 'model/checkpoint'),
    );
  });

  it('selects experiments by extended regex and attributes by regex', async () => {
    const result = await run({ experiments: 'regex:^seabird & !distill', attributes: 'regex:^eval/ | params' });
    assert.equal(result.code, 0, result.stdout);
    assert.deepEqual(
      (await filesUnder(result.outputs.destination as string)).filter((f) => f !== 'manifest.json'),
      [
        'seabird-augment/config/params_json.json',
        'seabird-augment/eval/report_txt.txt',
        'seabird-baseline/config/params_json.json',
        'seabird-baseline/eval/report_txt.txt',
      ],
    );
  });

  it('selects by filter (experiment heads only) in the readable condition language', async () => {
    // augment-b (head, lr 0.001, tag "augment") matches; baseline-a has lr 0.001 but is not a head.
    const result = await run({
      filter: 'config/lr >= 0.001 and config/batch_size == 64 and not sys/tags contains "best"',
      attributes: 'eval/report.txt',
    });
    assert.equal(result.code, 0, result.stdout);
    assert.deepEqual(JSON.parse(result.outputs.paths as string), ['seabird-augment/eval/report_txt.txt']);
  });

  it('selects runs by custom run id (non-heads included), laid out by run id', async () => {
    const result = await run({ runs: 'baseline-a\nbaseline-b', attributes: 'model/weights.v2.pt' });
    assert.equal(result.code, 0, result.stdout);
    const manifest = await readManifest(result);
    assert.deepEqual(manifest.files.map((f) => [f.containerKind, f.path]).sort(), [
      ['run', 'baseline-a/model/weights_v2_pt.bin'],
      ['run', 'baseline-b/model/weights_v2_pt.bin'],
    ]);
    const dest = result.outputs.destination as string;
    assert.deepEqual(
      await readFile(path.join(dest, 'baseline-a/model/weights_v2_pt.bin')),
      fixtureBytes(fixture, DEMO_NEPTUNE_PROJECT, { runId: 'baseline-a' }, 'model/weights.v2.pt'),
    );
  });

  it('takes a step range and the tail of a File series, across series pages', async () => {
    const before = count('series');
    const result = await run({ experiments: 'seabird-baseline', attributes: 'predictions', 'step-range': '2:10', tail: '3' });
    assert.equal(result.code, 0, result.stdout);
    const names = ['step_9_000000.png', 'step_9_500000.png', 'step_10_000000.png'];
    assert.deepEqual(JSON.parse(result.outputs.paths as string).sort(), names.map((n) => `seabird-baseline/predictions/${n}`).sort());
    for (const [i, step] of [9, 9.5, 10].entries()) {
      const got = await readFile(path.join(result.outputs.destination as string, 'seabird-baseline/predictions', names[i] as string));
      assert.deepEqual(got, fixtureBytes(fixture, DEMO_NEPTUNE_PROJECT, { experiment: 'seabird-baseline' }, 'predictions', step));
    }
    const manifest = await readManifest(result);
    assert.deepEqual(
      manifest.files.map((f) => f.step).sort((a, b) => (a ?? 0) - (b ?? 0)),
      [9, 9.5, 10],
    );
    assert.equal(count('series') - before, 1, 'a tail of 3 fits one page of 4');

    const all = await run({ experiments: 'seabird-baseline', attributes: 'predictions', 'step-range': '2:' });
    assert.equal(all.outputs['files-count'], String(30 - 4), 'steps 2 … 14.5 of 30 points at 0.5 spacing');
    assert.ok(count('series') - before >= 1 + Math.ceil(26 / 4), 'the series was read page by page (searchAfter)');
  });

  it('names series files by step with the MIME extension table', async () => {
    const result = await run({ experiments: 'seabird-baseline', attributes: 'samples' });
    assert.equal(result.code, 0, result.stdout);
    const extensions = ['.png', '.jpg', '.json', '.txt', '.zip', ''];
    assert.equal(extensions.length, DEMO_NEPTUNE_SAMPLE_MIME_TYPES.length);
    assert.deepEqual(
      JSON.parse(result.outputs.paths as string).sort(),
      extensions.map((ext, step) => `seabird-baseline/samples/step_${step}_000000${ext}`).sort(),
    );
  });

  it('pages through search and signs in batches as the client does', async () => {
    const [searches, signs] = [count('search'), count('signed-url')];
    const result = await run({ experiments: 'regex:^sweep-', attributes: 'model/checkpoint' }, { env: SMALL_PAGES });
    assert.equal(result.code, 0, result.stdout);
    assert.equal(result.outputs['files-count'], '20');
    assert.equal(count('search') - searches, 3, '20 experiments in pages of 7: 7, 7, 6');
    // Downloads start with the first page, so each page's files are signed in blocks of 3 of their own:
    // ceil(7/3) + ceil(7/3) + ceil(6/3) = 8 (the client, which signs after resolving all 20, sends 7).
    assert.equal(count('signed-url') - signs, 8, '20 files signed 3 at a time, page by page');
  });

  it('keeps hostile names inside the destination and reports what cannot be placed', async () => {
    const result = await run({ experiments: 'regex:^exp | ^\\.\\.$ | ^long-', attributes: 'regex:^model/ | ^files/' });
    const dest = result.outputs.destination as string;
    const manifest = await readManifest(result);
    const byPath = new Map(manifest.files.map((f) => [f.path, f]));
    for (const p of [
      'exp_with_spaces/model/checkpoint.bin',
      'exp/with/slash/model/checkpoint.bin',
      '__/model/checkpoint.bin',
      'exp_ü_名/files/name_with_spaces_txt.txt',
      'exp_ü_名/files/ü_名_txt.txt',
      'exp_ü_名/files/__/__/escape_txt.txt',
      'exp_ü_名/files/_hidden.txt',
    ]) {
      assert.equal(byPath.get(p)?.status, 'downloaded', p);
    }
    // The 300-character experiment name is capped to 238 characters + '_' + a BLAKE2b digest, as the client does
    // (digest from Python 3.11: hashlib.blake2b(('long-' + 'n' * 295).encode(), digest_size=8).hexdigest()).
    assert.ok(
      manifest.files.some((f) => f.status === 'downloaded' && f.path === `long-${'n'.repeat(233)}_22856745d564246e/model/checkpoint.bin`),
    );
    // The 300-character attribute becomes 255 characters + '.txt': more than a file system allows. It fails alone.
    const tooLong = manifest.files.filter((f) => f.status === 'failed');
    assert.equal(tooLong.length, 1);
    assert.match(tooLong[0]?.error ?? '', /bytes long; file systems allow 255/);
    assert.equal(result.code, 1, 'one failed file fails the step');
    assert.match(result.stdout, /::error::1 of \d+ files could not be downloaded/);
    for (const f of await filesUnder(path.dirname(dest))) assert.ok(f.startsWith('experiment-files/'), `${f} is inside the destination`);
  });

  it('dry-run resolves and writes the manifest without downloading', async () => {
    const [blobs, signs] = [count('blob', 'storage'), count('signed-url')];
    const result = await run({ experiments: 'seabird-augment', 'dry-run': 'true' });
    assert.equal(result.code, 0, result.stdout);
    const manifest = await readManifest(result);
    assert.ok(manifest.dryRun);
    assert.ok(manifest.files.length >= 5);
    assert.ok(manifest.files.every((f) => f.status === 'planned' && f.path !== null));
    assert.equal(result.outputs['files-count'], String(manifest.files.length));
    assert.deepEqual(await filesUnder(result.outputs.destination as string), ['manifest.json']);
    assert.equal(count('blob', 'storage'), blobs);
    assert.equal(count('signed-url'), signs);
  });

  it('applies if-no-files-found', async () => {
    const warn = await run({ experiments: 'no-such-experiment' });
    assert.equal(warn.code, 0);
    assert.match(warn.stdout, /::warning::No files were found for neptune project 'demo-team\/seabird', experiments 'no-such-experiment'/);
    assert.equal(warn.outputs['files-count'], '0');
    const error = await run({ experiments: 'no-such-experiment', 'if-no-files-found': 'error' });
    assert.equal(error.code, 1);
    assert.match(error.stdout, /::error::No files were found/);
    const ignore = await run({ experiments: 'no-such-experiment', 'if-no-files-found': 'ignore' });
    assert.equal(ignore.code, 0);
    assert.doesNotMatch(ignore.stdout, /::(warning|error)::/);
  });
});
