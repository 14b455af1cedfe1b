// The Neptune source against a fake API (neptune.md): the requests it sends (bodies, headers, paging), auth and its
// renewals, error mapping, and the files it resolves.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { Agent } from 'undici';
import { createNeptuneSource, type NeptuneSourceOptions } from '../../../src/backends/neptune/neptune-source.ts';
import { readNeptuneSelection } from '../../../src/backends/neptune/selection.ts';
import { ApiClient } from '../../../src/core/http/api-client.ts';
import type { Source, SourceContext } from '../../../src/core/source.ts';
import { AccessDeniedError, AuthenticationError, InputError, NotFoundError } from '../../../src/core/errors.ts';
import type { Logger } from '../../../src/core/logger.ts';
import type { RemoteFile } from '../../../src/core/types.ts';
import { USER_AGENT } from '../../../src/version.ts';
import { startFakeNeptune, type FakeNeptune, type FakeRun } from './fake-neptune.ts';

const file = (path: string, mime = 'image/png', size = 10) => ({ path, size, mime });
const RUNS: FakeRun[] = [
  {
    sysId: 'NQ-1',
    name: 'exp-a',
    customRunId: 'run-a1',
    files: { 'files/model.bin': file('s/1/model', 'application/octet-stream', 123), 'images/logo': file('s/1/logo') },
    series: { 'images/pred': [1, 2, 3, 4, 5].map((step) => ({ step, file: file(`s/1/pred/${step}`) })) },
  },
  { sysId: 'NQ-2', name: 'exp-b', customRunId: 'run-b1', files: { 'files/model.bin': file('s/2/model', 'application/octet-stream', 7) } },
  { sysId: 'NQ-3', name: 'exp-b', customRunId: 'run-b0', head: false, files: { 'files/model.bin': file('s/3/model') } },
];

const PROJECT = 'ws/proj';
const SEARCH = '/api/leaderboard/v1/proto/leaderboard/entries/search/';
const DEFINITIONS = '/api/leaderboard/v1/leaderboard/attributes/definitions/query';
const VALUES = '/api/leaderboard/v1/proto/leaderboard/attributes/query';
const SERIES = '/api/leaderboard/v1/proto/attributes/series';
const SIGN = '/api/storagebridge/v1/signedUrl';
const EXCHANGE = '/api/backend/v1/authorization/oauth-token';
const REFRESH = '/realms/neptune/protocol/openid-connect/token';

let fake: FakeNeptune;
let dispatcher: Agent;
const warnings: string[] = [];
const log: Logger = { debug: () => {}, info: () => {}, error: () => {}, warning: (m) => warnings.push(m) };

before(async () => {
  fake = await startFakeNeptune(RUNS, PROJECT);
  dispatcher = new Agent();
});
after(async () => {
  await dispatcher.close();
  await fake.close();
});
afterEach(() => {
  fake.requests.length = 0;
  fake.overrides.length = 0;
  fake.accessTtl = 3600;
  fake.seriesPageSize = 2;
  warnings.length = 0;
});

/** The source as the inputs (strings, as the action reads them) select it. */
function backendFor(inputs: Record<string, string>, options: NeptuneSourceOptions = {}): Source {
  const signal = new AbortController().signal;
  const api = new ApiClient({ dispatcher, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, maxTotalWaitMs: 500 }, signal, log });
  const ctx: SourceContext = { api, log, signal };
  const given: Record<string, string> = { project: PROJECT, 'api-token': fake.token, ...inputs };
  const selection = readNeptuneSelection((name) => given[name] ?? '', { env: {}, baseDirectory: '/' });
  return createNeptuneSource(selection, ctx, options);
}

async function resolveAll(backend: Source): Promise<RemoteFile[]> {
  const out: RemoteFile[] = [];
  for await (const page of backend.resolve()) out.push(...page);
  return out;
}

const describeFiles = (files: RemoteFile[]) => files.map((f) => `${f.container} ${f.attribute} ${f.step ?? '-'} ${f.pathParts.join('/')}`);

describe('resolution', () => {
  it('sends the captured search body of §4.1 and the headers of §1', async () => {
    await resolveAll(backendFor({ experiments: 'exp-a' }));
    const [search] = fake.of(SEARCH);
    assert.equal(
      search?.body,
      '{"attributeFilters":[{"path":"sys/name"},{"path":"sys/id"}],"experimentLeader":true,"pagination":{"limit":10000,"offset":0},"query":{"query":"(`sys/name`:string == \\"exp-a\\")"},"sorting":{"sortBy":{"name":"sys/creation_time","type":"datetime"},"dir":"descending"}}',
    );
    assert.equal(search?.query.get('projectIdentifier'), PROJECT);
    assert.equal(search?.query.get('type'), 'run');
    assert.equal(search?.headers['user-agent'], USER_AGENT);
    assert.equal(search?.headers['content-type'], 'application/json');
    assert.match(String(search?.headers.authorization), /^Bearer /);
    assert.match(
      String(search?.headers['x-neptune-client-metadata']),
      /^\{"fn": "download_files", "v": "download-experiment-files\/[^"]+", "qid": "[A-Za-z0-9_-]{8}", "ud": null\}$/,
    );
    const [exchange] = fake.of(EXCHANGE);
    assert.equal(exchange?.headers['x-neptune-api-token'], fake.token);
    assert.equal(exchange?.headers.authorization, undefined);
  });

  it('resolves files and series points of the head runs, with the client layout', async () => {
    const files = await resolveAll(backendFor({}));
    assert.deepEqual(describeFiles(files), [
      'exp-a files/model.bin - exp-a/files/model_bin.bin',
      'exp-a images/logo - exp-a/images/logo.png',
      'exp-a images/pred 1 exp-a/images/pred/step_1_000000.png',
      'exp-a images/pred 2 exp-a/images/pred/step_2_000000.png',
      'exp-a images/pred 3 exp-a/images/pred/step_3_000000.png',
      'exp-a images/pred 4 exp-a/images/pred/step_4_000000.png',
      'exp-a images/pred 5 exp-a/images/pred/step_5_000000.png',
      'exp-b files/model.bin - exp-b/files/model_bin.bin',
    ]);
    const model = files[0] as RemoteFile;
    assert.equal(model.backend, 'neptune');
    assert.equal(model.containerKind, 'experiment');
    assert.equal(model.size, 123);
    assert.equal(model.mimeType, 'application/octet-stream');
    assert.deepEqual(model.handle, { path: 's/1/model', projectIdentifier: PROJECT });

    const [definitions] = fake.of(DEFINITIONS);
    assert.deepEqual(JSON.parse(definitions?.body ?? ''), {
      projectIdentifiers: [PROJECT],
      attributeNameFilter: {},
      nextPage: { limit: 10000 },
      experimentIdsFilter: [`${PROJECT}/NQ-1`, `${PROJECT}/NQ-2`],
      attributeFilter: [{ attributeType: 'fileRef' }, { attributeType: 'fileRefSeries' }],
    });
    const [values] = fake.of(VALUES);
    assert.deepEqual(JSON.parse(values?.body ?? ''), {
      attributeNamesFilter: ['files/model.bin', 'images/logo'],
      experimentIdsFilter: [`${PROJECT}/NQ-1`, `${PROJECT}/NQ-2`],
      nextPage: { limit: 10000 },
    });
    // Series: one request with both runs × the series attribute, then follow-up pages by searchAfter (2 points each).
    const series = fake.of(SERIES);
    assert.equal(series.length, 3);
    assert.equal(series[0]?.query.get('useDeprecatedStringFields'), 'false');
    assert.deepEqual(JSON.parse(series[0]?.body ?? ''), {
      requests: [
        {
          requestId: '0',
          series: {
            holder: { identifier: `${PROJECT}/NQ-1`, type: 'experiment' },
            attribute: 'images/pred',
            lineage: 'FULL',
            lineageEntityType: 'EXPERIMENT',
          },
        },
        {
          requestId: '1',
          series: {
            holder: { identifier: `${PROJECT}/NQ-2`, type: 'experiment' },
            attribute: 'images/pred',
            lineage: 'FULL',
            lineageEntityType: 'EXPERIMENT',
          },
        },
      ],
      stepRange: { from: null, to: null },
      order: 'descending',
    });
    // The series of NQ-2 does not exist: it is missing from the answer and not asked again.
    assert.deepEqual(JSON.parse(series[1]?.body ?? '').requests, [
      {
        requestId: '0',
        series: {
          holder: { identifier: `${PROJECT}/NQ-1`, type: 'experiment' },
          attribute: 'images/pred',
          lineage: 'FULL',
          lineageEntityType: 'EXPERIMENT',
        },
        searchAfter: { finished: false, token: '2' },
      },
    ]);
  });

  it('runs mode: every run, custom run ids as containers, RUN lineage, runs.download_files', async () => {
    const files = await resolveAll(backendFor({ runs: 'run-b0\nrun-b1', attributes: 'files/model.bin' }));
    assert.deepEqual(describeFiles(files), [
      'run-b1 files/model.bin - run-b1/files/model_bin.bin',
      'run-b0 files/model.bin - run-b0/files/model_bin.png',
    ]);
    assert.equal(files[0]?.containerKind, 'run');
    const [search] = fake.of(SEARCH);
    const body = JSON.parse(search?.body ?? '');
    assert.equal(body.experimentLeader, false);
    assert.deepEqual(body.attributeFilters, [{ path: 'sys/custom_run_id' }, { path: 'sys/id' }]);
    assert.match(String(search?.headers['x-neptune-client-metadata']), /"fn": "runs\.download_files"/);
    assert.deepEqual(JSON.parse(fake.of(DEFINITIONS)[0]?.body ?? '').attributeNameFilter, {
      mustMatchAny: [{ mustMatchRegexes: ['^files/model\\.bin$'] }],
    });
  });

  it('step range and tail go to the series request', async () => {
    fake.seriesPageSize = 10;
    const files = await resolveAll(backendFor({ attributes: 'regex:^images/pred', 'step-range': '2:', tail: '2' }));
    assert.deepEqual(
      files.map((f) => f.step),
      [4, 5],
    );
    const body = JSON.parse(fake.of(SERIES)[0]?.body ?? '');
    assert.deepEqual(body.stepRange, { from: 2, to: null });
    assert.equal(body.perSeriesPointsLimit, 2);
    assert.equal(fake.of(VALUES).length, 0, 'no file attributes matched, so no values request');
  });

  it('pages the search with offsets while pages come back full', async () => {
    await resolveAll(backendFor({ runs: 'regex:.' }, { batchSizes: { searchPage: 1 } }));
    assert.deepEqual(
      fake.of(SEARCH).map((r) => JSON.parse(r.body).pagination),
      [
        { limit: 1, offset: 0 },
        { limit: 1, offset: 1 },
        { limit: 1, offset: 2 },
        { limit: 1, offset: 3 },
      ],
    );
  });

  it('infers filter types with one definitions request over the whole project', async () => {
    await resolveAll(backendFor({ filter: 'files/model.bin exists and sys/failed == false' }));
    const [inference] = fake.of(DEFINITIONS);
    assert.deepEqual(JSON.parse(inference?.body ?? ''), {
      projectIdentifiers: [PROJECT],
      attributeNameFilter: { mustMatchAny: [{ mustMatchRegexes: ['^files/model\\.bin$'] }] },
      nextPage: { limit: 10000 },
      attributeFilter: [
        'float',
        'int',
        'string',
        'bool',
        'datetime',
        'floatSeries',
        'stringSet',
        'stringSeries',
        'fileRef',
        'fileRefSeries',
        'histogramSeries',
      ].map((attributeType) => ({ attributeType })),
    });
    assert.equal(
      JSON.parse(fake.of(SEARCH)[0]?.body ?? '').query.query,
      '(`files/model.bin`:fileRef EXISTS) AND (`sys/failed`:bool == "False")',
    );
  });

  it('a step range without any file series is an input error, raised before any page of files', async () => {
    const pages: RemoteFile[][] = [];
    const listing = async (): Promise<void> => {
      const backend = backendFor({ attributes: 'files/model.bin', 'step-range': '1:2' });
      for await (const page of backend.resolve()) pages.push(page);
    };
    await assert.rejects(listing(), (e: unknown) => e instanceof InputError && e.input === 'step-range');
    // Downloads start with the first page a backend yields: none may come before the input error.
    assert.deepEqual(pages, []);
  });

  it('a regex the server rejects is an input error on attributes', async () => {
    fake.overrides.push({ path: DEFINITIONS, status: 400, body: '{"code":400,"message":"Invalid regex"}' });
    await assert.rejects(
      resolveAll(backendFor({ attributes: 'regex:(' })),
      (e: unknown) => e instanceof InputError && e.input === 'attributes' && /Invalid regex/.test(e.message),
    );
  });
});

describe('authentication', () => {
  it('refreshes through the issuer when the access token is about to expire', async () => {
    fake.accessTtl = 10; // < 30 s: every request renews (§2.3)
    await resolveAll(backendFor({ experiments: 'exp-b' }));
    const refreshes = fake.of(REFRESH);
    assert.ok(refreshes.length >= 2, `${refreshes.length} refreshes`);
    const form = new URLSearchParams(refreshes[0]?.body);
    assert.equal(form.get('grant_type'), 'refresh_token');
    assert.match(form.get('refresh_token') ?? '', /^refresh-\d+$/);
    assert.equal(form.get('client_id'), 'neptune-cli');
    assert.match(form.get('expires_in') ?? '', /^-?\d+\.\d+$/);
    assert.equal(refreshes[0]?.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(fake.of(EXCHANGE).length, 1);
  });

  it('exchanges the API token again when the refresh fails', async () => {
    fake.accessTtl = 10;
    fake.overrides.push({ path: REFRESH, status: 400, body: '{"error":"invalid_grant"}' });
    await resolveAll(backendFor({ experiments: 'exp-b' }));
    assert.equal(fake.of(EXCHANGE).length, 2);
  });

  it('one 401 on a data endpoint renews the token and retries; a second is an AuthenticationError', async () => {
    fake.overrides.push({ path: SEARCH, status: 401 });
    await resolveAll(backendFor({ experiments: 'exp-b' }));
    assert.equal(fake.of(SEARCH).length, 2);
    assert.equal(fake.of(REFRESH).length, 1);

    fake.overrides.push({ path: SEARCH, status: 401 }, { path: SEARCH, status: 401 });
    await assert.rejects(resolveAll(backendFor({})), AuthenticationError);
  });

  it('a rejected API token says what to check and never shows the token', async () => {
    const bad = Buffer.from(JSON.stringify({ api_url: fake.origin, api_key: 'wrong-key-000000' })).toString('base64');
    await assert.rejects(resolveAll(backendFor({ 'api-token': bad })), (e: unknown) => {
      assert.ok(e instanceof AuthenticationError);
      assert.match(e.message, /rejected the API token \(HTTP 401\)/);
      assert.ok(!e.message.includes(bad) && !e.message.includes('wrong-key'));
      return true;
    });
  });
});

describe('errors', () => {
  it('404 names the project', async () => {
    fake.overrides.push({ path: SEARCH, status: 404, body: '{"message":"Project not found"}' });
    await assert.rejects(resolveAll(backendFor({})), (e: unknown) => e instanceof NotFoundError && /'ws\/proj'.*'project'/.test(e.message));
  });
  it('ACCESS_DENIED is an AccessDeniedError', async () => {
    fake.overrides.push({ path: SEARCH, status: 403, body: '{"errorType":"ACCESS_DENIED","message":"no"}' });
    await assert.rejects(resolveAll(backendFor({})), AccessDeniedError);
  });
  it('apiUrl overrides the token address', async () => {
    const elsewhere = Buffer.from(JSON.stringify({ api_url: 'http://127.0.0.1:9', api_key: 'fake-api-key-0001' })).toString('base64');
    const files = await resolveAll(backendFor({ experiments: 'exp-b', 'api-token': elsewhere, 'api-url': `${fake.origin}/` }));
    assert.deepEqual(describeFiles(files), ['exp-b files/model.bin - exp-b/files/model_bin.bin']);
  });
});

describe('locate', () => {
  it('signs in batches through the storage bridge and returns a plain GET locator', async () => {
    const backend = backendFor({}, { batchSizes: { filesPerSigning: 3 } });
    const files = await resolveAll(backend);
    backend.prepare?.(files);
    const locator = await backend.locate(files[0] as RemoteFile, false);
    assert.match(locator.url, /\/blob\/s%2F1%2Fmodel\?X-Goog-Signature=/);
    assert.equal(locator.authHeaders, undefined);
    assert.equal(locator.classify({ url: locator.url, status: 400, headers: {}, body: '' }), 'expired');
    const [sign] = fake.of(SIGN);
    assert.deepEqual(JSON.parse(sign?.body ?? ''), {
      files: ['s/1/model', 's/1/logo', 's/1/pred/1'].map((path) => ({ path, project_identifier: PROJECT, permission: 'read' })),
    });
    assert.equal(sign?.headers['x-neptune-client-metadata'], undefined);
    await backend.locate(files[0] as RemoteFile, true);
    assert.deepEqual(
      JSON.parse(fake.of(SIGN).at(-1)?.body ?? '').files.map((f: { path: string }) => f.path),
      ['s/1/model'],
    );
  });
});

describe('through the core', () => {
  it('runPipeline puts every file where the official client would', async () => {
    const { mkdtemp, readdir, rm, stat } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const { runPipeline } = await import('../../../src/core/pipeline.ts');
    const { defaultLocalPathOptions } = await import('../../../src/core/plan/local-paths.ts');
    const destination = await mkdtemp(path.join(tmpdir(), 'neptune-backend-'));
    try {
      const backend = backendFor({}, { batchSizes: { filesPerSigning: 2 } });
      const retry = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, maxTotalWaitMs: 500 };
      const report = await runPipeline(
        backend,
        {
          project: 'ws/proj',
          destination,
          manifestPath: path.join(destination, 'manifest.json'),
          overwrite: 'overwrite',
          concurrency: 3,
          dryRun: false,
          shard: undefined,
          retry,
          layout: { ...defaultLocalPathOptions(destination), reserved: ['manifest.json'] },
        },
        { dispatcher, signal: new AbortController().signal, log },
      );
      assert.deepEqual(
        report.results.map((r) => `${r.status} ${r.planned.relativePath}`),
        [
          'downloaded exp-a/files/model_bin.bin',
          'downloaded exp-a/images/logo.png',
          ...[1, 2, 3, 4, 5].map((s) => `downloaded exp-a/images/pred/step_${s}_000000.png`),
          'downloaded exp-b/files/model_bin.bin',
        ],
      );
      assert.equal((await stat(path.join(destination, 'exp-a/files/model_bin.bin'))).size, 123);
      assert.deepEqual((await readdir(path.join(destination, 'exp-a/images/pred'))).length, 5);
      // 8 files, 2 per signing request.
      assert.equal(fake.of(SIGN).length, 4);
    } finally {
      await rm(destination, { recursive: true, force: true });
    }
  });
});
