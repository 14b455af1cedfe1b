// The W&B emulator's GraphQL endpoint, driven by the official client's own query texts in both wire forms
// (wandb.md §1): viewer operations, 401, RunFiles (names, pattern, paging, unknown run) and faults. Run and
// Runs are in graphql-runs.test.ts.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startEmulators, type RunningEmulators } from '../start.ts';
import {
  GET_DEFAULT_ENTITY,
  GET_VIEWER,
  PROBE_PROJECT_INPUT,
  RUN_FILES_REPRINTED,
  RUN_FILES_VERBATIM,
  RUN_VERBATIM,
  VIEWER_CORE,
  VIEWER_ID_ANONYMOUS,
} from './client-queries.ts';
import { basic, postGraphql, sampleFixture } from './sample-fixture.ts';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => v as Json;

let emu: RunningEmulators;
let url: string;

before(async () => {
  emu = await startEmulators({ fixture: { wandb: sampleFixture() }, wandb: { maxPerPage: 4 } });
  url = emu.wandb?.url ?? '';
});
after(async () => {
  await emu.close();
});

const filesVars = (extra: Json = {}): Json => ({
  project: 'vision',
  entity: 'alice',
  name: 'a1b2c3d4',
  fileNames: [],
  upload: false,
  pattern: null,
  fileLimit: 50,
  fileCursor: null,
  ...extra,
});

async function fileNames(vars: Json): Promise<{ names: string[]; fileCount: number }> {
  const { json } = await postGraphql(url, { query: RUN_FILES_VERBATIM, variables: filesVars(vars) });
  assert.equal(json.errors, undefined, JSON.stringify(json.errors));
  const run = obj(obj(obj(json.data).project).run);
  return { names: (obj(run.files).edges as Json[]).map((e) => obj(e.node).name as string), fileCount: run.fileCount as number };
}

describe('viewer operations (§2.0)', () => {
  it('answers the anonymous { viewer { id } } and labels it by its root field', async () => {
    emu.log.clear();
    const { status, json } = await postGraphql(url, { query: VIEWER_ID_ANONYMOUS, variables: {} });
    assert.equal(status, 200);
    assert.equal(typeof obj(obj(json.data).viewer).id, 'string');
    assert.equal(emu.log.count('wandb-api', 'viewer'), 1);
  });

  it('answers GetViewer, GetDefaultEntity and wandb-core Viewer (operationName absent, "" and set)', async () => {
    for (const [query, operationName] of [
      [GET_VIEWER, undefined],
      [GET_DEFAULT_ENTITY, ''],
      [VIEWER_CORE, 'Viewer'],
    ] as const) {
      const { json } = await postGraphql(url, { query, operationName });
      assert.equal(json.errors, undefined);
      assert.equal(obj(obj(json.data).viewer).entity, 'alice');
    }
    const viewer = obj(obj((await postGraphql(url, { query: GET_VIEWER })).json.data).viewer);
    assert.deepEqual(viewer.teams, { edges: [{ node: { name: 'team' } }] });
    assert.ok(!JSON.stringify(viewer).includes(sampleFixture().apiKey), 'the key is never echoed');
    assert.equal(emu.log.count('wandb-api', 'GetDefaultEntity'), 1);
    assert.equal(emu.log.count('wandb-api', 'Viewer'), 1);
  });

  it('still answers the ≤0.25 introspection probe', async () => {
    const { json } = await postGraphql(url, { query: PROBE_PROJECT_INPUT });
    const fields = (obj(obj(json.data).ProjectType).fields as Json[]).map((f) => f.name);
    assert.ok(fields.includes('internalId'));
  });
});

describe('auth (§1, §5)', () => {
  it('answers 401 with a JSON errors body for a missing or wrong key, and logs it', async () => {
    emu.log.clear();
    for (const auth of [null, basic(`local-${'x'.repeat(40)}`), `Bearer ${sampleFixture().apiKey}`]) {
      const { status, json } = await postGraphql(
        url,
        { query: RUN_VERBATIM, variables: { project: 'vision', entity: 'alice', name: 'a1b2c3d4' } },
        auth,
      );
      assert.equal(status, 401);
      assert.ok(Array.isArray(json.errors));
    }
    const entries = emu.log.entries().filter((e) => e.endpoint === 'Run');
    assert.deepEqual(
      entries.map((e) => e.status),
      [401, 401, 401],
    );
  });

  it('rejects the right key with another user name than api', async () => {
    const { status } = await postGraphql(
      url,
      { query: GET_DEFAULT_ENTITY },
      `Basic ${Buffer.from(`me:${sampleFixture().apiKey}`).toString('base64')}`,
    );
    assert.equal(status, 401);
  });
});

describe('RunFiles (§2.3)', () => {
  it('answers both forms with full File nodes; md5 is the base64 MD5 of the served bytes', async () => {
    for (const query of [RUN_FILES_VERBATIM, RUN_FILES_REPRINTED]) {
      const { json } = await postGraphql(url, { query, variables: filesVars({ fileNames: ['config.yaml'] }) });
      const run = obj(obj(obj(json.data).project).run);
      assert.equal(run.fileCount, 6);
      const node = obj((obj(run.files).edges as Json[])[0]?.node);
      assert.equal(node.name, 'config.yaml');
      assert.equal(node.sizeBytes, 8);
      assert.equal(node.mimetype, 'text/yaml');
      assert.equal(node.md5, createHash('md5').update('lr: 0.1\n').digest('base64'));
      assert.equal(
        Buffer.from(node.id as string, 'base64')
          .toString()
          .startsWith('File:'),
        true,
      );
      assert.equal(node.url, `${url}/files/alice/vision/a1b2c3d4/config.yaml`);
      assert.ok((node.directUrl as string).startsWith(`${emu.storageOrigin}/`));
    }
  });

  it('keeps names in list order and omits names the run does not have', async () => {
    const got = await fileNames({ fileNames: ['output.log', 'nope.txt', 'config.yaml'] });
    assert.deepEqual(got.names, ['config.yaml', 'output.log']);
    assert.equal(got.fileCount, 6, 'fileCount counts every file of the run');
  });

  it('matches pattern as case-sensitive MySQL LIKE (%, _ and \\ escapes)', async () => {
    assert.deepEqual((await fileNames({ pattern: 'media/%' })).names, [
      'media/images/pred_0.png',
      'media/images/pred_1.png',
      'media/table_1.json',
    ]);
    assert.deepEqual((await fileNames({ pattern: '%.log' })).names, ['output.log']);
    assert.deepEqual((await fileNames({ pattern: 'media/images/pred\\_%' })).names, ['media/images/pred_0.png', 'media/images/pred_1.png']);
    assert.deepEqual((await fileNames({ pattern: 'media/images/pred__.png' })).names, [
      'media/images/pred_0.png',
      'media/images/pred_1.png',
    ]);
    assert.deepEqual((await fileNames({ pattern: 'Model\\_100\\%.ckpt' })).names, ['Model_100%.ckpt']);
    assert.deepEqual((await fileNames({ pattern: 'model%' })).names, []);
  });

  it('pages files across pages, capped by maxPerPage, with keyset cursors', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let requests = 0;
    for (; requests < 10; requests += 1) {
      const { json } = await postGraphql(url, { query: RUN_FILES_VERBATIM, variables: filesVars({ fileLimit: 50, fileCursor: cursor }) });
      const files = obj(obj(obj(obj(json.data).project).run).files);
      const edges = files.edges as Json[];
      assert.ok(edges.length <= 4, 'maxPerPage caps the page');
      seen.push(...edges.map((e) => obj(e.node).name as string));
      if (obj(files.pageInfo).hasNextPage !== true) break;
      cursor = edges.at(-1)?.cursor as string;
    }
    assert.equal(requests + 1, 2);
    assert.equal(seen.length, 6);
    assert.equal(new Set(seen).size, 6);
  });

  it('answers a garbage cursor with a GraphQL error', async () => {
    const { json } = await postGraphql(url, { query: RUN_FILES_VERBATIM, variables: filesVars({ fileCursor: 'bm9wZQ==' }) });
    assert.ok(Array.isArray(json.errors));
  });

  it('expands generatedFiles with zero-padded names', async () => {
    const got = await fileNames({ name: 'i9j0k1l2', fileLimit: 10 });
    assert.equal(got.fileCount, 7);
    assert.deepEqual(got.names.slice(0, 2), ['gen/f-0', 'gen/f-1']);
  });

  it('answers run: null for an unknown run', async () => {
    const { json } = await postGraphql(url, { query: RUN_FILES_REPRINTED, variables: filesVars({ name: 'nope' }) });
    assert.equal(obj(obj(json.data).project).run, null);
  });
});

describe('faults and malformed requests', () => {
  it('consults the fault engine with the operation name first', async () => {
    emu.faults.add({ target: 'wandb-api', endpoint: 'RunFiles', action: { kind: 'status', status: 503, retryAfter: '1' } });
    const first = await postGraphql(url, { query: RUN_FILES_VERBATIM, variables: filesVars() });
    assert.equal(first.status, 503);
    const second = await postGraphql(url, { query: RUN_FILES_VERBATIM, variables: filesVars() });
    assert.equal(second.status, 200);
  });

  it('answers 400 to a body that is not GraphQL JSON, and syntax errors in a 200', async () => {
    const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { authorization: basic(sampleFixture().apiKey) }, body: 'nope' });
    assert.equal(res.status, 400);
    await res.arrayBuffer();
    const { status, json } = await postGraphql(url, { query: 'query { project(' });
    assert.equal(status, 200);
    assert.ok(Array.isArray(json.errors));
    const wrongField = await postGraphql(url, { query: '{ viewer { nope } }' });
    assert.ok(Array.isArray(wrongField.json.errors));
  });
});
