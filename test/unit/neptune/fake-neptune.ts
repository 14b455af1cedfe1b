// A tiny in-process Neptune API for the backend's request/response tests (the real emulator lives in
// test/emulators/neptune). It records every request and answers from a small run table; protobuf answers are
// encoded with the emulator's own copy of the messages, never with the backend's schema.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  encodeMessage,
  QueryAttributesResultMessage,
  SearchResultMessage,
  SeriesValuesResponseMessage,
} from '../../emulators/neptune/wire-schema.ts';

export interface FakeFile {
  path: string;
  size: number;
  mime: string;
}

export interface FakeRun {
  sysId: string;
  name: string;
  customRunId?: string;
  head?: boolean;
  files?: Record<string, FakeFile>;
  series?: Record<string, { step: number; file: FakeFile }[]>;
}

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FakeNeptune {
  origin: string;
  token: string;
  requests: Recorded[];
  /** Answers to force, by path prefix, consumed in order. */
  overrides: { path: string; status: number; body?: string }[];
  /** Lifetime of issued access tokens in seconds. */
  accessTtl: number;
  /** Access tokens the server no longer accepts. */
  revoked: Set<string>;
  /** Points per series per series answer (paging). */
  seriesPageSize: number;
  close(): Promise<void>;
  of(path: string): Recorded[];
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const API_KEY = 'fake-api-key-0001';

/** Tokens are accepted by their api_key, whatever server address they name. */
function apiKeyOf(token: string): string | undefined {
  try {
    return (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { api_key?: string }).api_key;
  } catch {
    return undefined;
  }
}

export async function startFakeNeptune(runs: FakeRun[], project = 'ws/proj'): Promise<FakeNeptune> {
  let issued = 0;
  const valid = new Set<string>();
  const state = {
    requests: [] as Recorded[],
    overrides: [] as FakeNeptune['overrides'],
    accessTtl: 3600,
    revoked: new Set<string>(),
    seriesPageSize: 2,
  };
  let origin = '';
  const mint = (): { accessToken: string; refreshToken: string } => {
    issued += 1;
    const accessToken = `${b64url({ alg: 'HS256' })}.${b64url({ exp: Date.now() / 1000 + state.accessTtl, iss: `${origin}/realms/neptune/`, azp: 'neptune-cli', n: issued })}.sig`;
    valid.add(accessToken);
    return { accessToken, refreshToken: `refresh-${issued}` };
  };
  const allFiles = (run: FakeRun): Map<string, string> => {
    const types = new Map<string, string>();
    for (const name of Object.keys(run.files ?? {})) types.set(name, 'fileRef');
    for (const name of Object.keys(run.series ?? {})) types.set(name, 'fileRefSeries');
    return types;
  };
  const bySysId = (identifier: string): FakeRun | undefined => runs.find((r) => `${project}/${r.sysId}` === identifier);

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string): void => {
    const url = new URL(req.url ?? '/', origin);
    state.requests.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body: raw });
    const override = state.overrides.findIndex((o) => url.pathname.startsWith(o.path));
    if (override >= 0) {
      const [o] = state.overrides.splice(override, 1);
      res.writeHead(o?.status ?? 500, { 'content-type': 'application/json' }).end(o?.body ?? '{}');
      return;
    }
    const json = (status: number, body: unknown): void =>
      void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const proto = (bytes: Uint8Array): void =>
      void res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(Buffer.from(bytes));

    if (url.pathname === '/api/backend/v1/authorization/oauth-token') {
      if (apiKeyOf(String(req.headers['x-neptune-api-token'] ?? '')) !== API_KEY) return json(401, { message: 'bad token' });
      return json(200, { ...mint(), username: 'tester' });
    }
    if (url.pathname === '/realms/neptune/protocol/openid-connect/token')
      return json(200, (({ accessToken, refreshToken }) => ({ access_token: accessToken, refresh_token: refreshToken }))(mint()));
    if (url.pathname.startsWith('/blob/')) {
      // Storage: the bytes of a file are its size in 'x'; signed URLs need no Neptune credentials.
      const wanted = decodeURIComponent(url.pathname.slice('/blob/'.length));
      const found = runs
        .flatMap((r) => [
          ...Object.values(r.files ?? {}),
          ...Object.values(r.series ?? {})
            .flat()
            .map((p) => p.file),
        ])
        .find((f) => f.path === wanted);
      if (found === undefined || req.headers.authorization !== undefined) return void res.writeHead(404).end('NoSuchKey');
      return void res.writeHead(200, { 'content-length': String(found.size) }).end(Buffer.alloc(found.size, 'x'));
    }
    const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!valid.has(bearer) || state.revoked.has(bearer)) return json(401, { message: 'unauthorized' });
    const body = JSON.parse(raw || '{}') as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test double reads loose JSON

    if (url.pathname === '/api/leaderboard/v1/proto/leaderboard/entries/search/') {
      const names = [...String(body.query?.query ?? '').matchAll(/== "([^"]*)"/g)].map((m) => m[1]);
      const label = body.experimentLeader ? 'sys/name' : 'sys/custom_run_id';
      const matching = runs.filter(
        (r) =>
          (!body.experimentLeader || r.head !== false) &&
          (names.length === 0 || names.includes(body.experimentLeader ? r.name : r.customRunId)),
      );
      const page = matching.slice(body.pagination.offset, body.pagination.offset + body.pagination.limit);
      const string = (name: string, value: string | undefined) => ({
        name,
        type: 'string',
        ...(value === undefined ? {} : { string_properties: { value } }),
      });
      const entries = page.map((r) => ({
        attributes: [string(label, body.experimentLeader ? r.name : r.customRunId), string('sys/id', r.sysId)],
      }));
      return proto(encodeMessage(SearchResultMessage, { matching_item_count: matching.length, entries }));
    }
    if (url.pathname === '/api/leaderboard/v1/leaderboard/attributes/definitions/query') {
      const chosen =
        body.experimentIdsFilter === undefined
          ? runs
          : (body.experimentIdsFilter as string[]).map(bySysId).filter((r): r is FakeRun => r !== undefined);
      const types = new Set((body.attributeFilter as { attributeType: string }[]).map((t) => t.attributeType));
      const alternatives = (body.attributeNameFilter.mustMatchAny ?? [{}]) as {
        mustMatchRegexes?: string[];
        mustNotMatchRegexes?: string[];
      }[];
      const nameOk = (name: string) =>
        alternatives.some(
          (a) =>
            (a.mustMatchRegexes ?? []).every((r) => new RegExp(r).test(name)) &&
            !(a.mustNotMatchRegexes ?? []).some((r) => new RegExp(r).test(name)),
        );
      const entries = new Map<string, { name: string; type: string }>();
      for (const run of chosen)
        for (const [name, type] of allFiles(run)) if (types.has(type) && nameOk(name)) entries.set(`${name}:${type}`, { name, type });
      const all = [...entries.values()];
      const offset = Number(body.nextPage.nextPageToken ?? '0');
      const slice = all.slice(offset, offset + body.nextPage.limit);
      const more = offset + slice.length < all.length;
      return json(200, { entries: slice, nextPage: more ? { nextPageToken: String(offset + slice.length) } : {} });
    }
    if (url.pathname === '/api/leaderboard/v1/proto/leaderboard/attributes/query') {
      const entries = (body.experimentIdsFilter as string[])
        .map(bySysId)
        .filter((r): r is FakeRun => r !== undefined)
        .map((r) => ({
          experimentId: `uuid-${r.sysId}`,
          experimentShortId: r.sysId,
          attributes: (body.attributeNamesFilter as string[])
            .filter((n) => r.files?.[n] !== undefined)
            .map((n) => ({
              name: n,
              type: 'fileRef',
              file_ref_properties: {
                attribute_name: n,
                attribute_type: 'fileRef',
                path: r.files?.[n]?.path,
                sizeBytes: r.files?.[n]?.size,
                mimeType: r.files?.[n]?.mime,
              },
            })),
        }));
      return proto(encodeMessage(QueryAttributesResultMessage, { entries, nextPage: {} }));
    }
    if (url.pathname === '/api/leaderboard/v1/proto/attributes/series') {
      type SeriesRequest = {
        requestId: string;
        series: { holder: { identifier: string }; attribute: string };
        searchAfter?: { token: string };
      };
      const series = (body.requests as SeriesRequest[]).flatMap((request) => {
        const run = bySysId(request.series.holder.identifier);
        const points = run?.series?.[request.series.attribute];
        if (points === undefined) return [];
        const from = body.stepRange.from ?? -Infinity;
        const to = body.stepRange.to ?? Infinity;
        let selected = points.filter((p) => p.step >= from && p.step <= to).sort((a, b) => b.step - a.step);
        if (body.perSeriesPointsLimit !== undefined) selected = selected.slice(0, body.perSeriesPointsLimit);
        const offset = Number(request.searchAfter?.token ?? '0');
        const page = selected.slice(offset, offset + state.seriesPageSize);
        const finished = offset + page.length >= selected.length;
        return [
          {
            requestId: request.requestId,
            searchAfter: { finished, token: String(offset + page.length) },
            seriesValues: {
              values: page.map((p) => ({
                step: p.step,
                timestamp_millis: 1,
                object: { fileRef: { path: p.file.path, sizeBytes: p.file.size, mimeType: p.file.mime } },
              })),
            },
          },
        ];
      });
      return proto(encodeMessage(SeriesValuesResponseMessage, { series }));
    }
    if (url.pathname === '/api/storagebridge/v1/signedUrl') {
      const files = (body.files as { path: string; project_identifier: string }[]).map((f) => ({
        path: f.path,
        project_identifier: f.project_identifier,
        provider: 'gcp',
        url: `${origin}/blob/${encodeURIComponent(f.path)}?X-Goog-Signature=s${issued}`,
      }));
      return json(200, { files });
    }
    json(404, { message: `no route ${url.pathname}` });
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fake: FakeNeptune = {
    origin,
    token: Buffer.from(JSON.stringify({ api_address: origin, api_url: origin, api_key: API_KEY })).toString('base64'),
    get requests() {
      return state.requests;
    },
    overrides: state.overrides,
    get accessTtl() {
      return state.accessTtl;
    },
    set accessTtl(v: number) {
      state.accessTtl = v;
    },
    revoked: state.revoked,
    get seriesPageSize() {
      return state.seriesPageSize;
    },
    set seriesPageSize(v: number) {
      state.seriesPageSize = v;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    of: (path) => state.requests.filter((r) => r.path === path),
  };
  return fake;
}
