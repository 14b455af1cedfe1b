// Case 10: hostile names from the server. Parent segments, absolute paths, backslashes, drive letters, NUL,
// names longer than a file system allows, names that differ only by case, and names that become the same path
// only after normalisation (W&B `./a` and `a`) or Neptune's sanitisation (`a b` and `a_b`). Nothing may be
// written outside the destination; a name that cannot be placed is `failed` with the reason; a collision is
// `failed` with a reason naming the file that kept the path, whose bytes stay its own (never overwritten).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Content, NeptuneRun, WandbFile } from '../emulators/common/contracts.ts';
import type { ManifestRecord } from '../../src/core/report/manifest.ts';
import { neptuneExpectation, wandbExpectation } from './support/checks.ts';
import { neptuneFixture, wandbFixture, REL_WANDB_ENTITY } from './support/fixtures.ts';
import { DESTINATION, Scenario, type CaseRun } from './support/harness.ts';
import { walk } from './support/verify.ts';

const SUITE = '10 hostile names';
const text = (s: string): Content => ({ text: s });
const LONG = 'y'.repeat(300);
const WIDE = 'é'.repeat(200);

/** Every file the run left in its workspace is under the destination, and nothing landed at obvious escapes. */
async function assertContained(run: CaseRun, escapes: readonly string[]): Promise<void> {
  const tree = await walk(run.workspace);
  const outside = [...tree.files, ...tree.links].filter((f) => !f.startsWith(`${DESTINATION}/`));
  assert.deepEqual(outside, [], 'files written outside the destination');
  for (const name of escapes) {
    for (const dir of ['/', tmpdir(), path.dirname(run.workspace), run.workspace]) {
      assert.equal(existsSync(path.join(dir, name)), false, `${path.join(dir, name)} exists`);
    }
  }
}

/** The reasons of failed records, by attribute. */
const reasons = (records: readonly ManifestRecord[]): Map<string, string> =>
  new Map(records.filter((r) => r.status === 'failed').map((r) => [`${r.container}: ${r.attribute}`, r.error ?? '']));

describe('hostile names', () => {
  it('W&B: traversal, absolute, backslash, drive, NUL, too long, case-only and normalisation collisions', async (t) => {
    const names: [string, string][] = [
      ['../escape.txt', "contains a '..' segment"],
      ['dir/../../up.txt', "contains a '..' segment"],
      ['/abs.txt', 'is an absolute path'],
      ['a\\..\\..\\bs.txt', 'contains a backslash'],
      ['C:/win.txt', 'Windows drive letter'],
      ['nul\u0000name.txt', 'NUL'],
      [`${LONG}.txt`, 'bytes long; file systems allow 255'],
      ['Readme.md', ''],
      ['README.md', ''],
      ['dot.txt', ''],
      ['./dot.txt', "its local path 'relrun01/dot.txt' is already taken by relrun01: dot.txt"],
      ['a/b.txt', ''],
      ['a//b.txt', "its local path 'relrun01/a/b.txt' is already taken by relrun01: a/b.txt"],
      ['x', ''],
      ['x/y.txt', "a folder of its local path 'relrun01/x/y.txt' is already the file of relrun01: x"],
    ];
    const files: WandbFile[] = names.map(([name], i) => ({ name, content: text(`hostile ${i}\n`), mimetype: 'text/plain' }));
    const fixture = wandbFixture({ runs: 1, extraFiles: files });
    const s = await Scenario.start(t, SUITE, { fixture: { wandb: fixture } });
    const run = await s.run(s.wandb(`${REL_WANDB_ENTITY}/rel`));
    const refused = new Map(names.filter(([, why]) => why !== ''));
    const { manifest } = await s.verify(
      run,
      wandbExpectation(fixture, { status: (r) => (refused.has(r.attribute) ? 'failed' : 'downloaded') }),
    );
    const why = reasons(manifest.files);
    for (const [name, reason] of refused)
      assert.ok(why.get(`relrun01: ${name}`)?.includes(reason), `${JSON.stringify(name)}: ${why.get(`relrun01: ${name}`)}`);
    assert.equal(run.code, 1, 'unplaceable files fail the step');
    assert.equal(run.errors.length, 1);
    assert.match(run.errors[0] ?? '', new RegExp(`^${refused.size} of ${manifest.files.length} files could not be downloaded`));
    await assertContained(run, ['escape.txt', 'up.txt', 'abs.txt', 'bs.txt', 'win.txt']);
    // Case-only twins are two files on a case-sensitive file system (Windows/macOS would reject the second).
    assert.deepEqual(
      manifest.files.filter((r) => /^readme\.md$/i.test(r.attribute)).map((r) => [r.path, r.status]),
      [
        ['relrun01/Readme.md', 'downloaded'],
        ['relrun01/README.md', 'downloaded'],
      ],
    );
  });

  it('Neptune: sanitisation twins (`a b`/`a_b`, experiments and attributes), `..`, `/abs`, NUL, long names', async (t) => {
    const file = (s: string, mimeType = 'text/plain') => ({ type: 'fileRef' as const, mimeType, content: text(`${s}\n`) });
    const run = (n: number, experimentName: string, attributes: NeptuneRun['attributes']): NeptuneRun => ({
      sysId: `HOST-${n}`,
      customRunId: `host-${n}`,
      experimentName,
      creationTime: '2024-06-02T00:00:00.000Z',
      attributes,
    });
    const extraRuns = [
      run(1, 'a b', { 'files/x': file('a b') }),
      run(2, 'a_b', { 'files/x': file('a_b') }),
      run(3, 'evil', {
        'files/a b': file('space'),
        'files/a_b': file('underscore'),
        'files/a.b': file('dot'),
        'files/../../../escape': file('escape'),
        'files/nul\u0000name': file('nul'),
        'files/Readme': file('Readme'),
        'files/README': file('README'),
        [`files/${LONG}`]: file('long, no extension', 'unknown/x'),
        [`files/${LONG}2`]: file('long + .txt'),
        [`files/${WIDE}`]: file('wide'),
      }),
      run(4, '..', { 'files/dotdot': file('dotdot') }),
      run(5, '/etc', { 'files/passwd': file('etc') }),
      run(6, 'abs', { '/abs/path': file('abs') }),
    ];
    const fixture = neptuneFixture({ provider: 'gcp', experiments: 0, extraRuns });
    const s = await Scenario.start(t, SUITE, { fixture: { neptune: fixture } });
    const result = await s.run(s.neptune('rel/gcp'));
    // Experiments `a b` and `a_b` both map to `a_b/`: whichever the search lists first keeps the path.
    const twins = ['a b: files/x', 'a_b: files/x'];
    const failedOnes = new Map<string, RegExp>([
      ['evil: files/a_b', /already taken by evil: files\/a b/],
      ['evil: files/a.b', /already taken by evil: files\/a b/],
      [`evil: files/${LONG}2`, /is 259 bytes long; file systems allow 255/],
      [`evil: files/${WIDE}`, /is 404 bytes long; file systems allow 255/],
    ]);
    const { manifest } = await s.verify(
      result,
      neptuneExpectation(fixture, {
        status: (r) => {
          const key = `${r.container}: ${r.attribute}`;
          if (twins.includes(key)) return r.status === 'failed' ? 'failed' : 'downloaded';
          return failedOnes.has(key) ? 'failed' : 'downloaded';
        },
      }),
    );
    const why = reasons(manifest.files);
    for (const [key, reason] of failedOnes) assert.match(why.get(key) ?? '', reason, key);
    const lost = twins.filter((k) => why.has(k));
    assert.equal(lost.length, 1, 'exactly one of the sanitisation twins keeps the path');
    const kept = twins.find((k) => !why.has(k)) ?? '';
    assert.equal(why.get(lost[0] ?? ''), `its local path 'a_b/files/x.txt' is already taken by ${kept}`);
    assert.equal(result.code, 1);
    assert.match(result.errors[0] ?? '', /^5 of 15 files could not be downloaded/);
    await assertContained(result, ['escape', 'escape.txt', 'passwd.txt', 'path.txt']);
    const paths = manifest.files.filter((r) => r.status === 'downloaded').map((r) => r.path);
    for (const p of [
      '__/files/dotdot.txt',
      '_/etc/files/passwd.txt',
      '_/abs/path.txt',
      'evil/files/__/__/__/escape.txt',
      'evil/files/nul_name.txt',
    ]) {
      assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
    }
  });
});
