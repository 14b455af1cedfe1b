// The series endpoint (neptune.md §6.3): the captured request, stepRange, order, searchAfter paging across
// server pages, perSeriesPointsLimit as a total (tail), and series that do not exist.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeriesValuesResponseMessage } from './wire-schema.ts';
import { PROJECT, SERIES_PATH, startEmulator, type Emulator } from './test-harness.ts';

interface Point {
  step?: number;
  timestamp_millis: number;
  object?: { fileRef?: { path: string; sizeBytes: number; mimeType: string }; value?: string };
}
interface SingleSeries {
  requestId: string;
  searchAfter?: { finished?: boolean; token?: string };
  seriesValues?: { values?: Point[] };
  series?: string;
}

function seriesRequest(
  requestId: string,
  run: string,
  attribute: string,
  searchAfter?: { finished: boolean; token: string },
): Record<string, unknown> {
  return {
    requestId,
    series: {
      attribute,
      holder: { identifier: `${PROJECT}/${run}`, type: 'experiment' },
      lineage: 'FULL',
      lineageEntityType: 'EXPERIMENT',
    },
    ...(searchAfter ? { searchAfter } : {}),
  };
}

async function fetchSeries(emu: Emulator, body: Record<string, unknown>): Promise<SingleSeries[]> {
  const r = await emu.post(SERIES_PATH, body);
  assert.equal(r.status, 200, r.body.toString());
  assert.equal(r.headers['content-type'], 'application/x-protobuf');
  return (r.proto(SeriesValuesResponseMessage).series ?? []) as SingleSeries[];
}

/** The client's loop (§6.3): re-ask unfinished series with their token; stop when no series has searchAfter. */
async function fetchAll(emu: Emulator, common: Record<string, unknown>, run = 'NQ-1'): Promise<{ steps: number[]; requests: number }> {
  const steps: number[] = [];
  let searchAfter: { finished: boolean; token: string } | undefined;
  let requests = 0;
  for (; requests < 50;) {
    requests += 1;
    const [s] = await fetchSeries(emu, { ...common, requests: [seriesRequest('0', run, 'images/pred', searchAfter)] });
    assert.ok(s);
    assert.equal(s.series, 'seriesValues', 'values come in the seriesValues oneof member');
    steps.push(...(s.seriesValues?.values ?? []).map((p) => p.step ?? 0));
    if (!s.searchAfter || s.searchAfter.finished) break;
    searchAfter = { finished: false, token: s.searchAfter.token ?? '' };
  }
  return { steps, requests };
}

describe('Neptune series', () => {
  it('the captured request: descending from step 2, open end (§6.3)', async (t) => {
    const emu = await startEmulator(t);
    const [s] = await fetchSeries(emu, {
      requests: [seriesRequest('0', 'NQ-1', 'images/pred')],
      order: 'descending',
      stepRange: { from: 2.0, to: null },
    });
    assert.ok(s);
    assert.equal(s.requestId, '0');
    assert.deepEqual(s.searchAfter?.finished, true);
    const points = s.seriesValues?.values ?? [];
    assert.deepEqual(
      points.map((p) => p.step ?? 0),
      [9, 8, 7, 6, 5, 4, 3, 2],
    );
    const first = points[0];
    assert.ok(first?.object?.fileRef);
    assert.deepEqual({ size: first.object.fileRef.sizeBytes, mime: first.object.fileRef.mimeType }, { size: 6, mime: 'image/png' });
    assert.match(first.object.fileRef.path, /^ws\/proj\/NQ-1\/images\/pred\/9\/[0-9a-f]{20}$/);
    assert.equal(first.timestamp_millis, Date.UTC(2024, 0, 1) + 9000);
  });

  it('stepRange is inclusive at both ends; order defaults to ascending', async (t) => {
    const emu = await startEmulator(t);
    assert.deepEqual((await fetchAll(emu, { stepRange: { from: 2, to: 5 } })).steps, [2, 3, 4, 5]);
    assert.deepEqual((await fetchAll(emu, { stepRange: { from: null, to: 1.5 }, order: 'descending' })).steps, [1, 0]);
    assert.deepEqual((await fetchAll(emu, { stepRange: { from: 7, to: 3 } })).steps, []);
  });

  it('pages through searchAfter when a series exceeds the server page size', async (t) => {
    const emu = await startEmulator(t, { options: { seriesPageSize: 3 } });
    const all = await fetchAll(emu, { stepRange: { from: null, to: null }, order: 'descending' });
    assert.deepEqual(all.steps, [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    assert.equal(all.requests, 4);
    const asc = await fetchAll(emu, { stepRange: { from: 1, to: 8 }, order: 'ascending' });
    assert.deepEqual(asc.steps, [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(asc.requests, 3);
  });

  it('tail: perSeriesPointsLimit is a total across pages (descending = the last N steps)', async (t) => {
    const emu = await startEmulator(t, { options: { seriesPageSize: 3 } });
    const tail = await fetchAll(emu, { stepRange: { from: null, to: null }, order: 'descending', perSeriesPointsLimit: 4 });
    assert.deepEqual(tail.steps, [9, 8, 7, 6]);
    assert.equal(tail.requests, 2);
    const inRange = await fetchAll(emu, { stepRange: { from: null, to: 4 }, order: 'descending', perSeriesPointsLimit: 3 });
    assert.deepEqual(inRange.steps, [4, 3, 2]);
    assert.equal(inRange.requests, 1);
    assert.deepEqual(
      (await fetchAll(emu, { stepRange: { from: null, to: null }, order: 'descending', perSeriesPointsLimit: 0 })).steps,
      [],
    );
  });

  it('several series per request: ids echoed; unknown runs/attributes and non-series attributes are empty and finished', async (t) => {
    const emu = await startEmulator(t, { options: { seriesPageSize: 4 } });
    const requests = ['images/pred', 'files/model', 'no/such', 'metrics/loss'].map((a, i) =>
      seriesRequest(String(i).padStart(2, '0'), 'NQ-1', a),
    );
    requests.push(seriesRequest('04', 'NQ-404', 'images/pred'));
    const answer = await fetchSeries(emu, { requests, order: 'descending', stepRange: { from: null, to: null } });
    assert.deepEqual(
      answer.map((s) => [s.requestId, s.searchAfter?.finished ?? false, (s.seriesValues?.values ?? []).length]),
      [
        ['00', false, 4],
        ['01', true, 0],
        ['02', true, 0],
        ['03', true, 0],
        ['04', true, 0],
      ],
    );
  });

  it('errors: unknown project 404, malformed body or token 400', async (t) => {
    const emu = await startEmulator(t);
    const bad = async (body: unknown) => (await emu.post(SERIES_PATH, body)).status;
    const other = { requestId: '0', series: { attribute: 'images/pred', holder: { identifier: 'ws/nope/NQ-1', type: 'experiment' } } };
    assert.equal(await bad({ requests: [other], stepRange: { from: null, to: null } }), 404);
    assert.equal(await bad({ stepRange: {} }), 400);
    assert.equal(await bad({ requests: [seriesRequest('0', 'NQ-1', 'images/pred', { finished: false, token: 'nope' })] }), 400);
    assert.equal(await bad({ requests: [seriesRequest('0', 'NQ-1', 'images/pred')], order: 'sideways' }), 400);
    assert.equal(await bad({ requests: [{ requestId: '0' }] }), 400);
  });
});
