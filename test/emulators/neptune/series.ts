// `POST /api/leaderboard/v1/proto/attributes/series` (neptune.md §6.3): points of file series per request,
// within an inclusive `stepRange` (null ends are open), in `order`, at most `perSeriesPointsLimit` per series
// in total across pages, at most `pageSize` per series per answer; continued through `searchAfter` tokens.
// Answered as ProtoSeriesValuesResponseDTO with values in the `seriesValues` oneof member.
import type { ProtoObject } from './attribute-proto.ts';
import {
  badRequest,
  isObject,
  optionalCount,
  optionalNumber,
  optionalObject,
  optionalString,
  requireProject,
  type Json,
} from './http-util.ts';
import { decodePageToken, encodePageToken } from './page-token.ts';
import { attributeOf, type NeptuneStore, type StoredPoint } from './store.ts';

/** Points per series per answer; the real value is unknown (§13). Small values let tests cross pages. */
export const DEFAULT_SERIES_PAGE_SIZE = 1000;

export interface SeriesSettings {
  pageSize?: number;
}

interface Window {
  from: number;
  to: number;
  descending: boolean;
  totalLimit: number;
  pageSize: number;
}

/** First index whose step is ≥ (or, with `after`, >) `step` in points sorted by step. */
function bound(points: readonly StoredPoint[], step: number, after: boolean): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const s = points[mid]?.step ?? 0;
    if (s < step || (after && s === step)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function pointToProto(p: StoredPoint): ProtoObject {
  return {
    timestamp_millis: p.timestampMillis,
    step: p.step,
    object: { fileRef: { path: p.file.path, sizeBytes: p.file.sizeBytes, mimeType: p.file.mimeType } },
  };
}

function answerOne(store: NeptuneStore, request: unknown, w: Window): ProtoObject {
  if (!isObject(request)) throw badRequest("'requests' entries must be objects");
  const requestId = optionalString(request, 'requestId') ?? '';
  const series = optionalObject(request, 'series');
  const holder = series && optionalObject(series, 'holder');
  const identifier = holder && optionalString(holder, 'identifier');
  const attribute = series && optionalString(series, 'attribute');
  if (identifier === undefined || attribute === undefined)
    throw badRequest("'series.holder.identifier' and 'series.attribute' are required");
  const slash = identifier.lastIndexOf('/');
  if (slash <= 0) throw badRequest(`Invalid run identifier '${identifier}'`);
  const project = requireProject(store, identifier.slice(0, slash));
  const searchAfter = optionalObject(request, 'searchAfter');
  const token = searchAfter && optionalString(searchAfter, 'token');
  const done = searchAfter?.finished === true;
  const start = !done && token ? decodePageToken('series', token) : 0;

  const run = project.bySysId.get(identifier.slice(slash + 1));
  const a = run && attributeOf(run, attribute);
  // Lineage (`FULL`) would add the points of ancestor runs; fixtures have no forks, so it changes nothing.
  // A run or attribute that does not exist, or is not a file series, is an empty, finished series.
  const points = a?.type === 'fileRefSeries' && !done ? a.points : [];
  const lo = bound(points, w.from, false);
  const hi = bound(points, w.to, true);
  const available = Math.max(0, Math.min(hi - lo, w.totalLimit));
  const end = Math.min(available, start + w.pageSize);
  const values: ProtoObject[] = [];
  for (let k = start; k < end; k += 1) {
    const p = points[w.descending ? hi - 1 - k : lo + k];
    if (p) values.push(pointToProto(p));
  }
  const finished = end >= available;
  return {
    requestId,
    searchAfter: { finished, token: encodePageToken('series', Math.max(end, start)) },
    seriesValues: { values },
  };
}

export function seriesValues(store: NeptuneStore, body: Json, settings: SeriesSettings): ProtoObject {
  const requests = body.requests;
  if (!Array.isArray(requests)) throw badRequest("'requests' must be an array");
  const range = optionalObject(body, 'stepRange') ?? {};
  const order = optionalString(body, 'order') ?? 'ascending';
  if (order !== 'ascending' && order !== 'descending') throw badRequest(`Unknown order '${order}'`);
  const pageSize = settings.pageSize ?? DEFAULT_SERIES_PAGE_SIZE;
  const window: Window = {
    from: optionalNumber(range, 'from') ?? -Infinity,
    to: optionalNumber(range, 'to') ?? Infinity,
    descending: order === 'descending',
    totalLimit: optionalCount(body, 'perSeriesPointsLimit') ?? Infinity,
    pageSize: pageSize > 0 ? pageSize : DEFAULT_SERIES_PAGE_SIZE,
  };
  return { series: requests.map((r) => answerOne(store, r, window)) };
}
