// Test support for the Neptune emulator tests: a small fixture, a recording signer, and the handler behind a
// real http.Server on 127.0.0.1:0 driven with undici, the way the client reaches it (neptune.md).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import type protobuf from 'protobufjs';
import { request } from 'undici';
import type { BlobSigner, Content, Handler, FaultEngine, NeptuneFixture, RequestLog, StorageProvider } from '../common/contracts.ts';
import { createFaultEngine } from '../common/faults.ts';
import { createRequestLog } from '../common/request-log.ts';
import { closeServer } from '../common/storage-server.ts';
import { createNeptuneHandler, type NeptuneHandlerOptions } from './server.ts';
import { decodeMessage } from './wire-schema.ts';

export const PROJECT = 'ws/proj';

const text = (t: string): Content => ({ text: t });

/** Five runs in three experiments (exp-a has two runs), one trashed, with every fixture attribute type. */
export function sampleFixture(): NeptuneFixture {
  return {
    apiKey: 'test-api-key',
    projects: [
      {
        id: PROJECT,
        provider: 'gcp',
        runs: [
          {
            sysId: 'NQ-1',
            customRunId: 'experiment_a_run1',
            experimentName: 'exp-a',
            creationTime: '2024-01-01T00:00:00Z',
            tags: ['a', 'b'],
            attributes: {
              'config/lr': { type: 'float', value: 0.01 },
              'config/batch': { type: 'int', value: 64 },
              'config/optimizer': { type: 'string', value: 'adam "fast"\\x' },
              'config/flag': { type: 'bool', value: true },
              'config/started': { type: 'datetime', value: '2024-01-02T03:04:05+00:00' },
              'files/model': { type: 'fileRef', content: text('model-1'), mimeType: 'application/octet-stream' },
              'images/pred': {
                type: 'fileRefSeries',
                points: Array.from({ length: 10 }, (_, i) => ({ step: i, content: text(`pred-${i}`), mimeType: 'image/png' })),
              },
              'metrics/loss': {
                type: 'floatSeries',
                points: [
                  { step: 0, value: 1 },
                  { step: 1, value: 0.5 },
                ],
              },
            },
          },
          {
            sysId: 'NQ-2',
            customRunId: 'experiment_a_run2',
            experimentName: 'exp-a',
            creationTime: '2024-01-03T00:00:00Z',
            tags: ['a'],
            attributes: {
              'config/lr': { type: 'float', value: 0.001 },
              'files/model': {
                type: 'fileRef',
                content: text('model-2'),
                mimeType: 'application/octet-stream',
                path: 'custom/path/model-2',
              },
            },
          },
          {
            sysId: 'NQ-3',
            customRunId: 'experiment_b_run1',
            experimentName: 'exp-b',
            creationTime: '2024-01-02T00:00:00Z',
            attributes: { 'config/lr': { type: 'float', value: 0.1 }, 'config/batch': { type: 'string', value: 'big' } },
          },
          {
            sysId: 'NQ-4',
            customRunId: 'experiment_c_run1',
            experimentName: 'exp-c',
            creationTime: '2024-01-04T00:00:00Z',
            trashed: true,
            attributes: { 'files/trashed': { type: 'fileRef', content: text('gone'), mimeType: 'text/plain' } },
          },
          {
            sysId: 'NQ-5',
            customRunId: 'other-run',
            experimentName: 'other',
            creationTime: '2023-12-31T00:00:00Z',
            failed: true,
            tags: ['c'],
            attributes: {},
          },
        ],
      },
      { id: 'ws/locked', provider: 'aws', runs: [] },
    ],
  };
}

/** A signer that records puts and signs as `http://127.0.0.2:1/<key>?sig=…` (never fetched). */
export function fakeSigner(): BlobSigner & { puts: Map<string, { content: Content; provider: string }> } {
  const puts = new Map<string, { content: Content; provider: string }>();
  return {
    puts,
    async put(key: string, content: Content, provider: StorageProvider | 'wandb') {
      puts.set(key, { content, provider });
    },
    sign(key: string, provider: StorageProvider | 'wandb') {
      return `http://127.0.0.2:1/${encodeURIComponent(key)}?sig=${provider}`;
    },
  };
}

export interface Emulator {
  base: string;
  apiToken: string;
  log: RequestLog;
  faults: FaultEngine;
  send(method: string, path: string, init?: { body?: unknown; headers?: Record<string, string> }): Promise<Reply>;
  /** Exchanges the API token (§2.2) and returns the tokens. */
  login(): Promise<{ accessToken: string; refreshToken: string; username: string }>;
  /** POSTs JSON with a fresh (cached) access token. */
  post(path: string, body: unknown): Promise<Reply>;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  json(): unknown;
  proto(type: protobuf.Type): Record<string, unknown>;
}

export async function startEmulator(
  t: TestContext,
  init: { fixture?: NeptuneFixture; options?: NeptuneHandlerOptions; signer?: BlobSigner; pathPrefix?: string } = {},
): Promise<Emulator> {
  const log = createRequestLog();
  const faults = createFaultEngine(7);
  // The handler needs the base URL, which exists only once the server listens: mount it late.
  const mounted: { handler?: Handler } = {};
  const server: Server = createServer((req, res) => (mounted.handler ? mounted.handler(req, res) : res.destroy()));
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  t.after(() => closeServer(server));
  // `api_url` may carry a path prefix (§2.1); `base` includes it, so every path below is relative to it.
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${init.pathPrefix ?? ''}`;
  const { handler, apiToken } = await createNeptuneHandler({
    fixture: init.fixture ?? sampleFixture(),
    signer: init.signer ?? fakeSigner(),
    faults,
    log,
    baseUrl: () => base,
    options: init.options,
  });
  mounted.handler = handler;

  const send: Emulator['send'] = async (method, path, opts = {}) => {
    const hasBody = opts.body !== undefined;
    const res = await request(`${base}${path}`, {
      method: method as 'GET' | 'POST',
      headers: { ...(hasBody && typeof opts.body !== 'string' ? { 'content-type': 'application/json' } : {}), ...opts.headers },
      body: hasBody ? (typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body)) : undefined,
    });
    const body = Buffer.from(await res.body.arrayBuffer());
    return {
      status: res.statusCode,
      headers: res.headers,
      body,
      json: () => JSON.parse(body.toString('utf8')) as unknown,
      proto: (type) => decodeMessage(type, body),
    };
  };
  const login: Emulator['login'] = async () => {
    const r = await send('GET', '/api/backend/v1/authorization/oauth-token', { headers: { 'x-neptune-api-token': apiToken } });
    if (r.status !== 200) throw new Error(`login failed: ${r.status} ${r.body.toString()}`);
    return r.json() as { accessToken: string; refreshToken: string; username: string };
  };
  let access: string | undefined;
  const post: Emulator['post'] = async (path, body) => {
    access ??= (await login()).accessToken;
    return send('POST', path, { body, headers: { authorization: `Bearer ${access}` } });
  };
  return { base, apiToken, log, faults, send, login, post };
}

export const SEARCH_PATH = `/api/leaderboard/v1/proto/leaderboard/entries/search/?projectIdentifier=${encodeURIComponent(PROJECT)}&type=run`;
export const DEFINITIONS_PATH = '/api/leaderboard/v1/leaderboard/attributes/definitions/query';
export const VALUES_PATH = `/api/leaderboard/v1/proto/leaderboard/attributes/query?projectIdentifier=${encodeURIComponent(PROJECT)}`;
export const SERIES_PATH = '/api/leaderboard/v1/proto/attributes/series?useDeprecatedStringFields=false';
export const SIGNED_URL_PATH = '/api/storagebridge/v1/signedUrl';

interface DecodedAttribute {
  name: string;
  type: string;
  string_properties?: { value?: string };
}

/** Entries of a decoded search result as `{name → string value}` maps (what the client reads, §4.1). */
export function searchRows(decoded: Record<string, unknown>): Record<string, string>[] {
  const entries = (decoded.entries ?? []) as { attributes?: DecodedAttribute[] }[];
  return entries.map((e) => Object.fromEntries((e.attributes ?? []).map((a) => [a.name, a.string_properties?.value ?? `<${a.type}>`])));
}
