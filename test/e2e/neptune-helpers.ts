// Shared pieces of the Neptune end-to-end tests: the expected bytes of a fixture file, the manifest, the files
// on disk, and the checks every run must pass (no temporary file, no token anywhere, no credentials on storage).
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { contentBytes } from '../emulators/common/content.ts';
import type { NeptuneFixture } from '../emulators/common/contracts.ts';
import type { RunningEmulators } from '../emulators/start.ts';
import type { Manifest } from '../../src/core/report/manifest.ts';
import type { ActionRun } from '../support/action-process.ts';
import { assertNoSecret } from '../support/assert-no-secret.ts';

export async function readManifest(run: ActionRun): Promise<Manifest> {
  return JSON.parse(await readFile(run.outputs.manifest as string, 'utf8')) as Manifest;
}

/** Every file under `dir`, relative POSIX paths, sorted. */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
  }
  return out.sort();
}

/** The bytes the fixture holds for an attribute (step: for series) of the run with this custom run id or experiment head. */
export function fixtureBytes(
  fixture: NeptuneFixture,
  project: string,
  match: { experiment?: string; runId?: string },
  attribute: string,
  step?: number,
): Buffer {
  const p = fixture.projects.find((x) => x.id === project);
  const run = p?.runs.find((r) =>
    match.runId !== undefined ? r.customRunId === match.runId : r.experimentName === match.experiment && r.isHead,
  );
  const attr = run?.attributes[attribute];
  if (!attr) throw new Error(`no ${attribute} in ${JSON.stringify(match)}`);
  if (attr.type === 'fileRef') return contentBytes(attr.content, attribute);
  if (attr.type === 'fileRefSeries') {
    const point = attr.points.find((pt) => pt.step === step);
    if (!point) throw new Error(`no step ${step}`);
    return contentBytes(point.content, attribute);
  }
  throw new Error(`${attribute} is not a file`);
}

/** The checks that hold for every run: no temp files, no secret in anything shown, no credentials on storage hosts. */
export async function assertCleanRun(run: ActionRun, emulators: RunningEmulators, secrets: string[]): Promise<void> {
  const destination = run.outputs.destination;
  if (destination) {
    const leftovers = (await filesUnder(destination).catch(() => [])).filter((f) => /(^|\/)\.def-[0-9a-f]+\.part$/.test(f));
    assert.deepEqual(leftovers, [], 'no temporary file remains');
  }
  await assertNoSecret(run, secrets);
  for (const e of emulators.log.entries()) {
    if (e.target === 'storage' || e.target === 'azure') {
      assert.equal(e.headers.authorization, undefined, `no Authorization header on ${e.target} ${e.path}`);
      assert.equal(e.headers['x-neptune-api-token'], undefined, `no API token header on ${e.target}`);
    }
  }
}
