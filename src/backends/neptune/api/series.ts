// Points of file-series attributes (neptune.md §6.3): one series request for a batch of (run, attribute) pairs,
// steps filtered by the server (stepRange, descending order, per-series limit = tail), `searchAfter` paging
// exactly as `_make_new_series_page_params` does it. Points come back ascending by step, like the client's.
import { ServerError } from '../../../core/errors.ts';
import { PageGuard } from '../../../core/paging/page-guard.ts';
import type { StepRange } from '../selection.ts';
import { fileRefOf, type FileRef } from './attribute-values.ts';
import { seriesRequestIds } from './batching.ts';
import type { NeptuneApi } from './neptune-api.ts';
import { decodeAnswer, SeriesValuesResponseSchema } from './proto.ts';
import type { ProtoSeriesValuesResponseDTO } from './proto/neptune_pb.ts';
import type { ContainerMode } from './search.ts';

export interface SeriesPair {
  sysId: string;
  attribute: string;
}

export interface SeriesPoint extends SeriesPair, FileRef {
  step: number;
}

export interface SeriesQuery {
  mode: ContainerMode;
  stepRange: StepRange | undefined;
  tail: number | undefined;
}

interface SeriesRequest {
  requestId: string;
  series: Record<string, unknown>;
  searchAfter?: { finished: false; token: string };
}

/** The request body of one page (§6.3 table). */
export function seriesBody(requests: readonly SeriesRequest[], query: SeriesQuery): Record<string, unknown> {
  return {
    requests,
    stepRange: { from: query.stepRange?.from ?? null, to: query.stepRange?.to ?? null },
    order: 'descending',
    ...(query.tail === undefined ? {} : { perSeriesPointsLimit: query.tail }),
  };
}

export async function fetchFileSeries(api: NeptuneApi, pairs: readonly SeriesPair[], query: SeriesQuery): Promise<SeriesPoint[]> {
  if (pairs.length === 0) return [];
  const ids = seriesRequestIds(pairs.length);
  const pairOf = new Map(ids.map((id, i) => [id, pairs[i] as SeriesPair]));
  const points = new Map<string, SeriesPoint[]>();
  let requests: SeriesRequest[] = ids.map((requestId, i) => ({
    requestId,
    series: {
      holder: { identifier: `${api.project}/${(pairs[i] as SeriesPair).sysId}`, type: 'experiment' },
      attribute: (pairs[i] as SeriesPair).attribute,
      lineage: 'FULL',
      lineageEntityType: query.mode === 'experiments' ? 'EXPERIMENT' : 'RUN',
    },
  }));

  const guard = new PageGuard('Neptune', 'the file series');
  for (;;) {
    const body = await api.post({
      endpoint: 'series',
      path: '/api/leaderboard/v1/proto/attributes/series',
      query: { useDeprecatedStringFields: 'false' },
      body: seriesBody(requests, query),
    });
    let decoded: ProtoSeriesValuesResponseDTO;
    try {
      decoded = decodeAnswer(SeriesValuesResponseSchema, body);
    } catch (error) {
      throw new ServerError(`Neptune's series answer could not be decoded as protobuf (${(error as Error).message}).`);
    }

    let received = 0;
    const present = new Set<string>();
    const finished = new Set<string>();
    const tokens = new Map<string, string>();
    for (const series of decoded.series) {
      const id = series.requestId;
      const pair = pairOf.get(id);
      if (pair === undefined) continue;
      present.add(id);
      if (series.searchAfter !== undefined) {
        tokens.set(id, series.searchAfter.token);
        if (series.searchAfter.finished) finished.add(id);
      }
      // Only the seriesValues member is read; the deprecated string_series one is ignored (§6.3).
      const values = series.series.case === 'seriesValues' ? series.series.value.values : [];
      for (const value of values) {
        const object = value.object?.value;
        const ref = fileRefOf(object?.case === 'fileRef' ? object.value : undefined);
        if (ref === undefined) continue;
        received += 1;
        const list = points.get(id) ?? [];
        list.push({ ...pair, ...ref, step: value.step });
        points.set(id, list);
      }
    }

    // No series reports a searchAfter: the client stops for the whole batch.
    if (tokens.size === 0) break;
    const sent = new Map(requests.map((r) => [r.requestId, r.searchAfter?.token]));
    // Missing series are dropped, finished ones done; a present series without searchAfter is asked again
    // from its start (the client sends it without searchAfter).
    requests = requests
      .filter((r) => present.has(r.requestId) && !finished.has(r.requestId))
      .map((r) => {
        const token = tokens.get(r.requestId);
        return token === undefined ? { requestId: r.requestId, series: r.series } : { ...r, searchAfter: { finished: false, token } };
      });
    if (requests.length === 0) break;
    // A page that brings nothing and hands back the tokens we sent would repeat forever.
    if (received === 0 && requests.every((r) => r.searchAfter !== undefined && sent.get(r.requestId) === r.searchAfter.token)) break;
    // Fresh tokens with points every time: bounded like every listing (no total is known for series).
    guard.nextOffset({ count: received, full: true });
  }

  const out: SeriesPoint[] = [];
  // Pages come in descending step order; the client reverses each series to ascending.
  for (const id of ids) out.push(...(points.get(id) ?? []).reverse());
  return out;
}
