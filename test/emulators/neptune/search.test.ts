// The search endpoint (neptune.md §4): experimentLeader, NQL filters, trashed runs, sorting, offset paging,
// projection and its protobuf shapes, errors; and a 100,000-run generated project.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SearchResultMessage } from './wire-schema.ts';
import type { NeptuneFixture } from '../common/contracts.ts';
import { fakeSigner, searchRows, SEARCH_PATH, startEmulator, type Emulator } from './test-harness.ts';

interface SearchBody {
  attributeFilters?: { path: string }[];
  experimentLeader?: boolean;
  pagination?: { limit: number; offset: number };
  query?: { query: string };
  sorting?: { dir: string; sortBy: { name: string; type: string } };
}

const DEFAULT_SORT = { sortBy: { name: 'sys/creation_time', type: 'datetime' }, dir: 'descending' };

async function search(emu: Emulator, body: SearchBody, path = SEARCH_PATH): Promise<{ count: number; rows: Record<string, string>[] }> {
  const r = await emu.post(path, body);
  assert.equal(r.status, 200, r.body.toString());
  assert.equal(r.headers['content-type'], 'application/x-protobuf');
  const decoded = r.proto(SearchResultMessage);
  return { count: Number(decoded.matching_item_count ?? 0), rows: searchRows(decoded) };
}

const ids = (rows: Record<string, string>[]): (string | undefined)[] => rows.map((r) => r['sys/id']);

describe('Neptune search', () => {
  it('the captured list_experiments body: experimentLeader=true returns heads only (§4.1)', async (t) => {
    const emu = await startEmulator(t);
    const body = {
      attributeFilters: [{ path: 'sys/name' }, { path: 'sys/id' }],
      experimentLeader: true,
      pagination: { limit: 10000, offset: 0 },
      query: { query: '(`sys/name`:string == "exp-a")' },
      sorting: DEFAULT_SORT,
    };
    assert.deepEqual((await search(emu, body)).rows, [{ 'sys/name': 'exp-a', 'sys/id': 'NQ-2' }]);
    // The runs API (experimentLeader=false) filtered by experiment name returns every run of it.
    const runs = await search(emu, {
      ...body,
      experimentLeader: false,
      attributeFilters: [{ path: 'sys/custom_run_id' }, { path: 'sys/id' }],
    });
    assert.deepEqual(runs.rows, [
      { 'sys/custom_run_id': 'experiment_a_run2', 'sys/id': 'NQ-2' },
      { 'sys/custom_run_id': 'experiment_a_run1', 'sys/id': 'NQ-1' },
    ]);
  });

  it('without a query: all heads / all runs, newest first, trashed runs hidden unless the query names sys/trashed', async (t) => {
    const emu = await startEmulator(t);
    const base = { attributeFilters: [{ path: 'sys/id' }], pagination: { limit: 100, offset: 0 }, sorting: DEFAULT_SORT };
    const heads = await search(emu, { ...base, experimentLeader: true });
    assert.deepEqual(ids(heads.rows), ['NQ-2', 'NQ-3', 'NQ-5']);
    assert.equal(heads.count, 3);
    assert.deepEqual(ids((await search(emu, { ...base, experimentLeader: false })).rows), ['NQ-2', 'NQ-3', 'NQ-1', 'NQ-5']);
    const withTrashed = await search(emu, { ...base, experimentLeader: false, query: { query: '`sys/trashed`:bool == "True"' } });
    assert.deepEqual(ids(withTrashed.rows), ['NQ-4']);
    const older = await search(emu, { ...base, experimentLeader: false, query: { query: '`sys/trashed`:bool = false' } });
    assert.deepEqual(ids(older.rows), ['NQ-2', 'NQ-3', 'NQ-1', 'NQ-5']);
  });

  it('offset paging across page boundaries, the way the client loops (§4.4)', async (t) => {
    const emu = await startEmulator(t);
    const B = 3;
    const seen: (string | undefined)[] = [];
    let offset = 0;
    for (let page = 0; page < 10; page += 1) {
      const r = await search(emu, {
        attributeFilters: [{ path: 'sys/id' }],
        experimentLeader: false,
        pagination: { limit: B, offset },
        sorting: DEFAULT_SORT,
      });
      assert.equal(r.count, 4);
      seen.push(...ids(r.rows));
      if (r.rows.length < B) break;
      offset += B;
    }
    assert.deepEqual(seen, ['NQ-2', 'NQ-3', 'NQ-1', 'NQ-5']);
    const zero = await search(emu, { attributeFilters: [{ path: 'sys/id' }], pagination: { limit: 0, offset: 4 } });
    assert.deepEqual(zero.rows, []);
  });

  it('sorting by any attribute and direction; runs without it go last', async (t) => {
    const emu = await startEmulator(t);
    const sorted = async (name: string, type: string, dir: string) =>
      ids(
        (
          await search(emu, {
            attributeFilters: [{ path: 'sys/id' }],
            pagination: { limit: 100, offset: 0 },
            sorting: { sortBy: { name, type }, dir },
          })
        ).rows,
      );
    assert.deepEqual(await sorted('config/lr', 'float', 'ascending'), ['NQ-2', 'NQ-1', 'NQ-3', 'NQ-5']);
    assert.deepEqual(await sorted('config/lr', 'float', 'descending'), ['NQ-3', 'NQ-1', 'NQ-2', 'NQ-5']);
    assert.deepEqual(await sorted('sys/custom_run_id', 'string', 'ascending'), ['NQ-1', 'NQ-2', 'NQ-3', 'NQ-5']);
    assert.deepEqual(await sorted('sys/creation_time', 'datetime', 'ascending'), ['NQ-5', 'NQ-1', 'NQ-3', 'NQ-2']);
  });

  it('projection returns the requested attributes with their typed properties (§4.1, §6.4)', async (t) => {
    const emu = await startEmulator(t);
    const names = [
      'sys/id',
      'sys/name',
      'sys/custom_run_id',
      'sys/creation_time',
      'sys/tags',
      'sys/failed',
      'config/lr',
      'config/batch',
      'files/model',
      'images/pred',
      'metrics/loss',
      'no/such',
    ];
    const r = await emu.post(SEARCH_PATH, {
      attributeFilters: names.map((path) => ({ path })),
      experimentLeader: false,
      query: { query: '(`sys/id`:string == "NQ-1")' },
    });
    const decoded = r.proto(SearchResultMessage) as {
      entries: { type: string; project_name: string; organization_name: string; attributes: Record<string, unknown>[] }[];
    };
    assert.equal(decoded.entries.length, 1);
    const entry = decoded.entries[0];
    assert.ok(entry);
    assert.equal(entry.type, 'run');
    assert.equal(entry.organization_name, 'ws');
    assert.equal(entry.project_name, 'proj');
    const byName = new Map(entry.attributes.map((a) => [a.name, a]));
    assert.deepEqual([...byName.keys()], names.slice(0, -1));
    assert.deepEqual(byName.get('sys/id'), {
      name: 'sys/id',
      type: 'string',
      string_properties: { attribute_name: 'sys/id', attribute_type: 'string', value: 'NQ-1' },
    });
    assert.deepEqual(byName.get('sys/creation_time'), {
      name: 'sys/creation_time',
      type: 'datetime',
      datetime_properties: { attribute_name: 'sys/creation_time', attribute_type: 'datetime', value: Date.UTC(2024, 0, 1) },
    });
    assert.deepEqual((byName.get('sys/tags') as { string_set_properties: { value: string[] } }).string_set_properties.value, ['a', 'b']);
    assert.equal((byName.get('config/lr') as { float_properties: { value: number } }).float_properties.value, 0.01);
    assert.equal((byName.get('config/batch') as { int_properties: { value: number } }).int_properties.value, 64);
    const file = (byName.get('files/model') as { file_ref_properties: { path: string; sizeBytes: number; mimeType: string } })
      .file_ref_properties;
    assert.equal(file.sizeBytes, 7);
    assert.equal(file.mimeType, 'application/octet-stream');
    assert.match(file.path, /^ws\/proj\/NQ-1\/files\/model\/[0-9a-f]{20}$/);
    const series = (
      byName.get('images/pred') as { file_ref_series_properties: { last_step: number; last: { sizeBytes: number; mimeType: string } } }
    ).file_ref_series_properties;
    assert.equal(series.last_step, 9);
    assert.deepEqual({ size: series.last.sizeBytes, mime: series.last.mimeType }, { size: 6, mime: 'image/png' });
    const loss = (byName.get('metrics/loss') as { float_series_properties: { last: number; min: number; max: number } })
      .float_series_properties;
    assert.deepEqual([loss.last, loss.min, loss.max], [0.5, 0.5, 1]);
  });

  it('errors: unknown project 404, inaccessible 403 ACCESS_DENIED, bad NQL / body 400, wrong content type 415', async (t) => {
    const emu = await startEmulator(t, { options: { inaccessibleProjects: ['ws/locked'] } });
    const missing = await emu.post(SEARCH_PATH.replace('ws%2Fproj', 'ws%2Fnope'), {});
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json(), { code: 404, message: 'Project ws/nope not found', errorType: 'PROJECT_NOT_FOUND' });
    const locked = await emu.post(SEARCH_PATH.replace('ws%2Fproj', 'ws%2Flocked'), {});
    assert.equal(locked.status, 403);
    assert.equal((locked.json() as { errorType: string }).errorType, 'ACCESS_DENIED');
    const badQuery = await emu.post(SEARCH_PATH, { query: { query: '(`sys/name`:string == ' } });
    assert.equal(badQuery.status, 400);
    assert.equal((badQuery.json() as { code: number }).code, 400);
    assert.equal((await emu.post(SEARCH_PATH, { pagination: { limit: -1, offset: 0 } })).status, 400);
    assert.equal((await emu.post(SEARCH_PATH, { sorting: { dir: 'sideways', sortBy: { name: 'sys/id', type: 'string' } } })).status, 400);
    const access = (await emu.login()).accessToken;
    const notJson = await emu.send('POST', SEARCH_PATH, {
      body: '{',
      headers: { authorization: `Bearer ${access}`, 'content-type': 'application/json' },
    });
    assert.equal(notJson.status, 400);
    const form = await emu.send('POST', SEARCH_PATH, {
      body: 'a=b',
      headers: { authorization: `Bearer ${access}`, 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(form.status, 415);
    assert.deepEqual(
      emu.log
        .entries()
        .filter((e) => e.endpoint === 'search')
        .map((e) => e.status),
      [404, 403, 400, 400, 400, 400, 415],
    );
  });

  it('searchPageSizeCap shortens pages whatever the limit', async (t) => {
    const emu = await startEmulator(t, { options: { searchPageSizeCap: 2 } });
    const r = await search(emu, { attributeFilters: [{ path: 'sys/id' }], pagination: { limit: 10000, offset: 0 } });
    assert.deepEqual(ids(r.rows), ['NQ-2', 'NQ-3']);
    assert.equal(r.count, 4);
  });

  it('a generated project of 100,000 runs: registered blobs, 10,000-entry pages, filters', async (t) => {
    const signer = fakeSigner();
    const fixture: NeptuneFixture = {
      apiKey: 'k',
      projects: [
        {
          id: 'ws/proj',
          provider: 'aws',
          runs: [],
          generatedRuns: { count: 100_000, prefix: 'GEN', attribute: 'files/blob', fileSize: 1024, mimeType: 'application/octet-stream' },
        },
      ],
    };
    // How fast this builds and answers is the benchmark's business (npm run bench, S4: 100,000 runs); here, what
    // keeps it cheap: one shared Content for every generated blob, and name lists evaluated as one set lookup
    // (test/emulators/neptune/nql.test.ts).
    const emu = await startEmulator(t, { fixture, signer });
    assert.equal(signer.puts.size, 100_000);
    assert.equal(new Set([...signer.puts.values()].map((p) => p.content)).size, 1, 'one Content object shared by every blob');

    const first = await search(emu, {
      attributeFilters: [{ path: 'sys/name' }, { path: 'sys/id' }, { path: 'files/blob' }],
      experimentLeader: true,
      pagination: { limit: 10000, offset: 0 },
      sorting: DEFAULT_SORT,
    });
    assert.equal(first.count, 100_000);
    assert.equal(first.rows.length, 10_000);
    assert.deepEqual(first.rows[0], { 'sys/name': 'GEN-exp-100000', 'sys/id': 'GEN-100000', 'files/blob': '<fileRef>' });
    const last = await search(emu, {
      attributeFilters: [{ path: 'sys/id' }],
      experimentLeader: false,
      pagination: { limit: 10000, offset: 99_995 },
      sorting: DEFAULT_SORT,
    });
    assert.deepEqual(ids(last.rows), ['GEN-5', 'GEN-4', 'GEN-3', 'GEN-2', 'GEN-1']);
    const names = Array.from({ length: 2000 }, (_, i) => `(\`sys/custom_run_id\`:string == "GEN-run-${i * 50 + 1}")`).join(' OR ');
    const filtered = await search(emu, {
      attributeFilters: [{ path: 'sys/id' }],
      pagination: { limit: 10000, offset: 0 },
      query: { query: names },
    });
    assert.equal(filtered.count, 2000);
    const regex = await search(emu, {
      attributeFilters: [{ path: 'sys/id' }],
      query: { query: '((`sys/name`:string MATCHES "exp-9999\\\\d$"))' },
    });
    assert.deepEqual(ids(regex.rows).sort(), Array.from({ length: 10 }, (_, i) => `GEN-9999${i}`).sort());
  });
});
