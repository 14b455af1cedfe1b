// The manifest record of a file: the common fields every source fills, and the source's own details.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildManifest, toRecord } from '../../../src/core/report/manifest.ts';
import type { FileResult, RemoteFile } from '../../../src/core/types.ts';

const file = (over: Partial<RemoteFile> = {}): RemoteFile => ({
  backend: 'fake',
  project: 'p',
  containerKind: 'run',
  container: 'r1',
  attribute: 'model/weights.bin',
  pathParts: ['r1', 'model', 'weights.bin'],
  size: 7,
  handle: null,
  ...over,
});

const result = (f: RemoteFile, over: Partial<FileResult> = {}): FileResult => ({
  planned: { file: f, relativePath: f.pathParts.join('/'), finalPath: `/d/${f.pathParts.join('/')}` },
  status: 'downloaded',
  bytes: 7,
  attempts: 1,
  ...over,
});

describe('manifest records', () => {
  it('carry the common fields, and no details key when the source gives none', () => {
    const record = toRecord(result(file()));
    assert.deepEqual(record, {
      backend: 'fake',
      project: 'p',
      containerKind: 'run',
      container: 'r1',
      attribute: 'model/weights.bin',
      step: null,
      path: 'r1/model/weights.bin',
      size: 7,
      md5: null,
      mimeType: null,
      status: 'downloaded',
      error: null,
    });
    assert.equal('details' in record, false);
  });

  it("carry the source's details as given", () => {
    const details = { runName: 'bright-owl-7', experiment: 'demo', aliases: ['best', 'v3'], version: 3 };
    assert.deepEqual(toRecord(result(file({ details }))).details, details);
  });

  it('count what ended how, and the bytes on disk', () => {
    const m = buildManifest({ backend: 'fake', project: 'p', destination: '/d', dryRun: false, shard: undefined }, [
      result(file()),
      result(file({ attribute: 'b' }), { status: 'missing', bytes: 0 }),
      result(file({ attribute: 'c' }), { status: 'skipped', bytes: 5 }),
    ]);
    assert.deepEqual(m.totals, { files: 3, downloaded: 1, skipped: 1, missing: 1, failed: 0, planned: 0, reference: 0, bytes: 12 });
  });
});
