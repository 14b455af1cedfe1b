// The storage bridge (neptune.md §7.1): snake_case JSON, same length and order, the project's provider, any
// path signed; end to end with the real storage server: every fixture blob registered and downloadable.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { request } from 'undici';
import { QueryAttributesResultMessage, SeriesValuesResponseMessage } from './wire-schema.ts';
import { createFaultEngine } from '../common/faults.ts';
import { createRequestLog } from '../common/request-log.ts';
import { startStorageServer } from '../common/storage-server.ts';
import { fakeSigner, PROJECT, SERIES_PATH, SIGNED_URL_PATH, startEmulator, VALUES_PATH } from './test-harness.ts';

const file = (path: string, permission = 'read', project = PROJECT) => ({ path, project_identifier: project, permission });

describe('Neptune storage bridge', () => {
  it('answers the same files in the same order with provider and url (§7.1)', async (t) => {
    const signer = fakeSigner();
    const emu = await startEmulator(t, { signer });
    const paths = ['custom/path/model-2', 'does/not/exist', 'custom/path/model-2'];
    const r = await emu.post(SIGNED_URL_PATH, { files: paths.map((p) => file(p)) });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.deepEqual(r.json(), {
      files: paths.map((path) => ({ path, project_identifier: PROJECT, provider: 'gcp', url: signer.sign(path, 'gcp') })),
    });
    const azure = await emu.post('/api/storagebridge/v1/azure/signedUrl', { files: [file('x')] });
    assert.equal(azure.status, 200);
    assert.equal((azure.json() as { files: { url: string }[] }).files[0]?.url, signer.sign('x', 'gcp'));
    assert.deepEqual(
      emu.log
        .entries()
        .filter((e) => e.endpoint === 'signed-url')
        .map((e) => e.status),
      [200, 200],
    );
  });

  it('registers every fixture blob with the project provider at creation', async (t) => {
    const signer = fakeSigner();
    await startEmulator(t, { signer });
    // 10 series points + 2 models + the trashed run's file.
    assert.equal(signer.puts.size, 13);
    assert.deepEqual(signer.puts.get('custom/path/model-2'), { content: { text: 'model-2' }, provider: 'gcp' });
    assert.ok([...signer.puts.values()].every((p) => p.provider === 'gcp'));
  });

  it('refuses other permissions, unknown or inaccessible projects, malformed bodies, and needs a token', async (t) => {
    const emu = await startEmulator(t, { options: { inaccessibleProjects: ['ws/locked'] } });
    assert.equal((await emu.post(SIGNED_URL_PATH, { files: [file('a', 'write')] })).status, 400);
    assert.equal((await emu.post(SIGNED_URL_PATH, { files: [file('a', 'read', 'ws/nope')] })).status, 404);
    const locked = await emu.post(SIGNED_URL_PATH, { files: [file('a', 'read', 'ws/locked')] });
    assert.equal(locked.status, 403);
    assert.equal((locked.json() as { errorType: string }).errorType, 'ACCESS_DENIED');
    assert.equal((await emu.post(SIGNED_URL_PATH, { files: [{ path: 1 }] })).status, 400);
    assert.equal((await emu.post(SIGNED_URL_PATH, {})).status, 400);
    assert.equal((await emu.send('POST', SIGNED_URL_PATH, { body: { files: [] } })).status, 401);
  });

  it('end to end with the storage server: values → series → sign → download; unknown paths 404 at storage', async (t) => {
    const storageLog = createRequestLog();
    const storage = await startStorageServer({ faults: createFaultEngine(1), log: storageLog });
    t.after(() => storage.close());
    const emu = await startEmulator(t, { signer: storage.signer });

    const values = await emu.post(VALUES_PATH, {
      attributeNamesFilter: ['files/model'],
      experimentIdsFilter: [`${PROJECT}/NQ-1`, `${PROJECT}/NQ-2`],
      nextPage: { limit: 10000 },
    });
    const decoded = values.proto(QueryAttributesResultMessage) as {
      entries: { attributes: { file_ref_properties: { path: string } }[] }[];
    };
    const modelPaths = decoded.entries.map((e) => e.attributes[0]?.file_ref_properties.path ?? '');
    const series = await emu.post(SERIES_PATH, {
      requests: [
        {
          requestId: '0',
          series: { attribute: 'images/pred', holder: { identifier: `${PROJECT}/NQ-1`, type: 'experiment' }, lineage: 'FULL' },
        },
      ],
      order: 'descending',
      stepRange: { from: 8, to: null },
    });
    const points = (
      (series.proto(SeriesValuesResponseMessage).series as { seriesValues: { values: { object: { fileRef: { path: string } } }[] } }[])[0]
        ?.seriesValues.values ?? []
    ).map((v) => v.object.fileRef.path);

    const paths = [...modelPaths, ...points, 'ws/proj/NQ-1/never/logged'];
    const signed = (await emu.post(SIGNED_URL_PATH, { files: paths.map((p) => file(p)) })).json() as {
      files: { url: string; provider: string }[];
    };
    assert.equal(signed.files.length, paths.length);
    const bodies: (string | number)[] = [];
    for (const f of signed.files) {
      assert.equal(f.provider, 'gcp');
      assert.ok(f.url.startsWith(storage.origin));
      const r = await request(f.url);
      bodies.push(r.statusCode === 200 ? await r.body.text() : (await r.body.dump(), r.statusCode));
    }
    assert.deepEqual(bodies, ['model-1', 'model-2', 'pred-9', 'pred-8', 404]);
    // The tracker's credentials never reach the storage host.
    assert.ok(storageLog.entries().every((e) => e.headers.authorization === undefined && e.headers['x-neptune-api-token'] === undefined));
  });
});
