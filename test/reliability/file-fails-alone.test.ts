// One bad file fails alone (docs/reliability.md, "Failure classes"): a folder that cannot be made, a file URL
// (or redirect) that is not http(s) or names a host that does not resolve, oversized headers, a name thousands of
// folders deep, a name that would write into git's folder — each ends its own file with the cause, and every
// other file downloads. And the same file listed twice (overlapping pages) is one file, not a collision.
import assert from 'node:assert/strict';
import { readdir, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { ManifestRecord } from '../../src/core/report/manifest.ts';
import type { WandbFile, WandbFixture } from '../emulators/common/contracts.ts';
import { assertSucceeded, wandbExpectation } from './support/checks.ts';
import { REL_WANDB_ENTITY, wandbFixture } from './support/fixtures.ts';
import { DESTINATION, Scenario, type CaseRun } from './support/harness.ts';

const SUITE = 'one file fails alone';
const PROJECT = `${REL_WANDB_ENTITY}/rel`;

const failedOnly =
  (...names: string[]) =>
  (r: ManifestRecord) =>
    names.includes(r.attribute) ? 'failed' : 'downloaded';

/** Exit 1 with one error that lists the failed files; each of `reasons` (by `run/file`) in its record. */
function assertFailedAlone(run: CaseRun, manifest: { files: ManifestRecord[] }, reasons: Record<string, RegExp>): void {
  assert.equal(run.code, 1, run.stdout.slice(-1500));
  assert.equal(run.errors.length, 1, run.errors.join(' | '));
  const failed = Object.keys(reasons).length;
  assert.match(run.errors[0] ?? '', new RegExp(`^${failed} of ${manifest.files.length} files could not be downloaded:`));
  for (const [name, reason] of Object.entries(reasons)) {
    const record = manifest.files.find((r) => `${r.container}/${r.attribute}` === name);
    const label = name.length > 80 ? `${name.slice(0, 40)}…${name.slice(-30)}` : name;
    assert.equal(record?.status, 'failed', label);
    assert.match(record?.error ?? '', reason, label);
  }
  assert.equal(manifest.files.filter((r) => r.status === 'downloaded').length, manifest.files.length - failed);
}

describe('one bad file fails alone', () => {
  it('a file where a run folder must be fails that run files only, naming the path', async (t) => {
    const fixture = wandbFixture();
    const s = await Scenario.start(t, SUITE, { fixture: { wandb: fixture } });
    const workspace = await s.newWorkspace();
    await mkdir(path.join(workspace, DESTINATION), { recursive: true });
    await writeFile(path.join(workspace, DESTINATION, 'relrun02'), 'in the way');
    const run = await s.run(s.wandb(PROJECT), { workspace });
    const { manifest } = await s.verify(
      run,
      wandbExpectation(fixture, { status: (r) => (r.container === 'relrun02' ? 'failed' : 'downloaded'), planted: ['relrun02'] }),
    );
    const reasons = Object.fromEntries(
      manifest.files
        .filter((r) => r.container === 'relrun02')
        .map((r) => [
          `${r.container}/${r.attribute}`,
          /^cannot write 'relrun02\/.*': 'relrun02' in the destination is a file, but a folder is needed there/,
        ]),
    );
    assertFailedAlone(run, manifest, reasons);
  });

  it('URLs that are not http(s), hosts that do not resolve and oversized headers fail their file, without retries', async (t) => {
    const fixture = wandbFixture();
    const s = await Scenario.start(t, SUITE, { fixture: { wandb: fixture } });
    const redirect = (file: string, location: string) =>
      s.em.faults.add({
        target: 'wandb-api',
        endpoint: 'file',
        pathIncludes: `relrun01/${file}`,
        times: Infinity,
        action: { kind: 'status', status: 302, headers: { location } },
      });
    redirect('config.yaml', 'file:///etc/passwd');
    redirect('media/images/a.png', 'http://storage.no-such-host.invalid/blob');
    s.em.faults.add({
      target: 'storage',
      pathIncludes: 'relrun02/model.ckpt',
      times: Infinity,
      action: { kind: 'status', status: 200, headers: { 'x-padding': 'p'.repeat(128 * 1024) } },
    });
    const run = await s.run(s.wandb(PROJECT));
    const { manifest } = await s.verify(
      run,
      wandbExpectation(fixture, {
        status: (r) =>
          (r.container === 'relrun01' && (r.attribute === 'config.yaml' || r.attribute === 'media/images/a.png')) ||
          (r.container === 'relrun02' && r.attribute === 'model.ckpt')
            ? 'failed'
            : 'downloaded',
      }),
    );
    const record = (container: string, name: string) => manifest.files.find((r) => r.container === container && r.attribute === name);
    assert.match(
      record('relrun01', 'config.yaml')?.error ?? '',
      /gave up after 1 attempt: the file's redirect is a file: address, not http\(s\)/,
    );
    assert.match(
      record('relrun01', 'media/images/a.png')?.error ?? '',
      /gave up after 1 attempt: .*ENOTFOUND storage\.no-such-host\.invalid/,
    );
    assert.match(record('relrun02', 'model.ckpt')?.error ?? '', /gave up after 1 attempt: .*(UND_ERR_HEADERS_OVERFLOW|Headers Overflow)/i);
    assert.equal(run.code, 1);
    assert.equal(run.errors.length, 1);
    assert.match(run.errors[0] ?? '', /^3 of 8 files could not be downloaded:/);
    // One request each: no attempt can change these answers.
    const fileGets = (name: string) =>
      run.requests.filter((e) => e.endpoint === 'file' && decodeURIComponent(e.path).includes(name)).length;
    assert.equal(fileGets('relrun01/config.yaml'), 1);
    assert.equal(fileGets('relrun01/media/images/a.png'), 1);
  });

  it('a name 10,000 folders deep fails alone as too long; a dry run over 40 of them plans them all', async (t) => {
    const deep = (i: number) => `${'d/'.repeat(10_000)}f${i}.txt`;
    const fixture = wandbFixture({
      extraFiles: Array.from({ length: 40 }, (_, i): WandbFile => ({ name: deep(i), content: { text: `deep ${i}` } })),
    });
    const s = await Scenario.start(t, SUITE, { fixture: { wandb: fixture } });
    const run = await s.run(s.wandb(PROJECT, { runs: 'relrun01' }));
    const names = Array.from({ length: 40 }, (_, i) => deep(i));
    const { manifest } = await s.verify(run, wandbExpectation(fixture, { status: failedOnly(...names), files: 44 }));
    assertFailedAlone(
      run,
      manifest,
      Object.fromEntries(
        names.map((n) => [
          `relrun01/${n}`,
          /^unsafe name: its local path would be \d+ bytes long \(10002 levels\); file systems allow 4095$/,
        ]),
      ),
    );
    const dry = await s.run(s.wandb(PROJECT, { runs: 'relrun01', 'dry-run': 'true', destination: 'dry' }));
    assert.equal(dry.outputs['failed-count'], '40');
    assert.equal(dry.outputs['files-count'], '4');
  });

  it("never writes into git's folder or adds first-level workflows, even with destination '.'", async (t) => {
    const base = wandbFixture({ extraFiles: [{ name: '.git/hooks/pre-commit', content: { text: '#!/bin/sh\necho owned\n' } }] });
    const runs = base.projects[0]?.runs ?? [];
    const fixture: WandbFixture = {
      ...base,
      projects: [
        {
          ...(base.projects[0] as WandbFixture['projects'][number]),
          runs: [
            { ...(runs[0] as (typeof runs)[number]), id: 'relrun01' },
            { ...(runs[1] as (typeof runs)[number]), id: '.git' },
            { ...(runs[1] as (typeof runs)[number]), id: '.github' },
          ],
        },
      ],
    };
    const s = await Scenario.start(t, SUITE, { fixture: { wandb: fixture } });
    const workspace = await s.newWorkspace();
    const run = await s.run(s.wandb(PROJECT, { destination: '.' }), { workspace });
    assert.equal(run.code, 1);
    const entries = await readdir(workspace);
    assert.ok(!entries.includes('.git') && !entries.includes('.github'), entries.join(', '));
    const { readManifest } = await import('./support/verify.ts');
    const manifest = await readManifest(workspace);
    for (const r of manifest.files) {
      const refused = r.container === '.git' || r.container === '.github' || r.attribute.startsWith('.git/');
      assert.equal(r.status, refused ? 'failed' : 'downloaded', `${r.container}/${r.attribute}`);
      if (refused) assert.match(r.error ?? '', /^unsafe name: '\.git(hub)?' (is git's own folder|as the first folder)/);
    }
    assert.equal(manifest.files.filter((r) => r.status === 'downloaded').length, 4);
  });

  it('the same file listed twice (overlapping pages) is downloaded once and listed once', async (t) => {
    const fixture = wandbFixture();
    const s = await Scenario.start(t, SUITE, { fixture: { wandb: fixture }, wandb: { hostilePaging: 'overlap' } });
    const run = await s.run(s.wandb(PROJECT, { 'per-page': '2' }));
    assertSucceeded(run);
    const { manifest } = await s.verify(run, wandbExpectation(fixture, { files: 8 }));
    assert.equal(new Set(manifest.files.map((r) => `${r.container}/${r.attribute}`)).size, 8);
    assert.equal(run.outputs['files-count'], '8');
    // The overlap is real: later pages did repeat a file.
    assert.ok(run.requests.filter((e) => e.endpoint === 'RunFiles').length > 4);
  });
});
