// The W&B emulator's artifact side, driven by the official client's own documents (artifact-client-queries.ts)
// and checked against wandb-artifacts.md: server features (and an old server without them), lookups by name and
// the legacy lookup, listings and their endCursor paging, the manifest and the blobs on the signed storage host
// (digests recomputed here from the bytes), the download handlers on the API host, and the reference host.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startEmulators, type RunningEmulators } from '../start.ts';
import {
  ARTIFACT_BY_ID_GQL,
  ARTIFACT_BY_NAME_GQL,
  ARTIFACT_COLLECTION_ALIASES_GQL,
  ARTIFACT_MEMBERSHIP_BY_NAME_GQL,
  ARTIFACT_TYPE_ARTIFACT_COLLECTIONS_GQL,
  FETCH_ARTIFACT_MANIFEST_GQL,
  GET_ARTIFACT_FILE_URLS_GQL,
  GET_ARTIFACT_FILES_GQL,
  GET_ARTIFACT_MEMBERSHIP_FILE_URLS_GQL,
  GET_ARTIFACT_MEMBERSHIP_FILES_GQL,
  PROJECT_ARTIFACT_COLLECTION_GQL,
  PROJECT_ARTIFACT_TYPE_GQL,
  PROJECT_ARTIFACT_TYPES_GQL,
  PROJECT_ARTIFACTS_GQL,
  RUN_INPUT_ARTIFACTS_GQL,
  RUN_OUTPUT_ARTIFACTS_GQL,
  SERVER_FEATURES_QUERY_GQL,
} from './client-queries.ts';
import { basic, postGraphql, SAMPLE_API_KEY, sampleFixture } from './sample-fixture.ts';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => v as Json;
const list = (v: unknown): Json[] => v as Json[];

let emu: RunningEmulators;
let url: string;

before(async () => {
  emu = await startEmulators({ fixture: { wandb: sampleFixture() } });
  url = emu.wandb?.url ?? '';
});
after(async () => {
  await emu.close();
});

async function data(query: string, variables: Json): Promise<Json> {
  const { status, json } = await postGraphql(url, { query, variables });
  assert.equal(status, 200);
  assert.equal(json.errors, undefined, JSON.stringify(json.errors));
  return obj(json.data);
}

const where = { entity: 'alice', project: 'vision' };

async function membership(name: string): Promise<Json> {
  return obj(obj((await data(ARTIFACT_MEMBERSHIP_BY_NAME_GQL, { ...where, name })).project).artifactCollectionMembership);
}

/** The manifest of a version, fetched the way the client fetches it (no credential). */
async function manifestOf(id: string): Promise<{ url: string; json: Json }> {
  const d = await data(FETCH_ARTIFACT_MANIFEST_GQL, { id });
  const directUrl = obj(obj(obj(d.artifact).currentManifest).file).directUrl as string;
  const res = await fetch(directUrl);
  assert.equal(res.status, 200);
  return { url: directUrl, json: (await res.json()) as Json };
}

async function fileUrls(
  alias: string,
  collection = 'model',
  perPage = 5000,
): Promise<{ names: string[]; urls: Map<string, string>; cursors: unknown[] }> {
  const names: string[] = [];
  const urls = new Map<string, string>();
  const cursors: unknown[] = [];
  let cursor: string | null = null;
  for (;;) {
    cursors.push(cursor);
    const d = await data(GET_ARTIFACT_MEMBERSHIP_FILE_URLS_GQL, { ...where, collection, alias, cursor, perPage });
    const files = obj(obj(obj(obj(d.project).artifactCollection).artifactMembership).files);
    for (const e of list(files.edges)) {
      const node = obj(e.node);
      assert.equal(node.__typename, 'File');
      names.push(node.name as string);
      urls.set(node.name as string, node.directUrl as string);
    }
    const pageInfo = obj(files.pageInfo);
    assert.equal(pageInfo.__typename, 'PageInfo');
    if (pageInfo.hasNextPage !== true) return { names, urls, cursors };
    cursor = pageInfo.endCursor as string;
  }
}

const md5 = (bytes: Buffer): string => createHash('md5').update(bytes).digest('base64');

describe('server features and lookups by name (§2.2, §2.3)', () => {
  it('lists the five features that select the current operations', async () => {
    const d = await data(SERVER_FEATURES_QUERY_GQL, {});
    const names = list(obj(d.serverInfo).features).map((f) => (f.isEnabled === true ? f.name : null));
    assert.deepEqual(names.sort(), [
      'ARTIFACT_COLLECTION_MEMBERSHIP_FILES',
      'ARTIFACT_COLLECTION_MEMBERSHIP_FILE_DOWNLOAD_HANDLER',
      'ARTIFACT_V2_DOWNLOAD_HANDLER_SUPPORTS_ARTIFACT_ID',
      'PROJECT_ARTIFACT_COLLECTION_MEMBERSHIP',
      'TOTAL_COUNT_IN_FILE_CONNECTION',
    ]);
  });

  it('an old server has no features field, with the error the client reads as "none"', async () => {
    const old = await startEmulators({ fixture: { wandb: sampleFixture() }, wandb: { features: 'none' } });
    try {
      const { status, json } = await postGraphql(old.wandb?.url ?? '', { query: SERVER_FEATURES_QUERY_GQL, variables: {} });
      assert.equal(status, 200);
      assert.match(String(obj(list(json.errors)[0]).message), /^Cannot query field "features" on type "ServerInfo"\.$/);
    } finally {
      await old.close();
    }
  });

  it('resolves an alias to its version with the membership fields the client reads', async () => {
    const m = await membership('model:best');
    assert.equal(m.__typename, 'ArtifactCollectionMembership');
    assert.equal(m.versionIndex, 2);
    assert.deepEqual(
      list(m.aliases).map((a) => [a.__typename, a.alias]),
      [
        ['ArtifactAlias', 'v2'],
        ['ArtifactAlias', 'best'],
        ['ArtifactAlias', 'latest'],
      ],
    );
    assert.deepEqual(m.artifactCollection, {
      __typename: 'ArtifactSequence',
      name: 'model',
      project: { name: 'vision', entity: { name: 'alice' } },
    });
    const a = obj(m.artifact);
    assert.equal(a.__typename, 'Artifact');
    assert.deepEqual(a.artifactType, { name: 'model' });
    assert.equal(a.state, 'COMMITTED');
    assert.equal(a.fileCount, 3);
    assert.equal(a.ttlDurationSeconds, -2);
    assert.equal(a.ttlIsInherited, true);
    assert.deepEqual(a.tags, []);
    assert.equal('aliases' in a, false, '$includeAliases defaults to false here');
    // §4: the digest is the MD5 of the manifest's "<path>:<digest>" lines in path order, computed here from the served manifest.
    const { json } = await manifestOf(a.id as string);
    const lines = Object.entries(obj(json.contents))
      .map(([p, e]) => `${p}:${String(obj(e).digest)}\n`)
      .sort();
    assert.equal(
      a.digest,
      createHash('md5')
        .update(`wandb-artifact-manifest-v1\n${lines.join('')}`)
        .digest('hex'),
    );
    assert.equal(a.size, 72_000 + 18 + 13);
  });

  it('also answers the fields newer clients select (0.30: membership createdAt, digestAlgorithm)', async () => {
    const query = `query ArtifactMembershipByName($entity: String!, $project: String!, $name: String!) {
  project(name: $project, entityName: $entity) { artifactCollectionMembership(name: $name) { createdAt artifact { digestAlgorithm @include(if: true) } } } }`;
    const m = obj(obj((await data(query, { ...where, name: 'model:best' })).project).artifactCollectionMembership);
    assert.equal(typeof m.createdAt, 'string');
    assert.equal(obj(m.artifact).digestAlgorithm, 'MANIFEST_MD5');
  });

  it('maps `latest` to the newest committed version, `vN` to that version (a draft included), and unknown names to null', async () => {
    assert.equal((await membership('model:latest')).versionIndex, 2, 'v3 is a PENDING draft');
    assert.equal(obj((await membership('model')).artifact).versionIndex, 2, 'no version: latest');
    assert.equal(obj((await membership('model:v3')).artifact).state, 'PENDING');
    assert.equal(obj((await membership('model:v0')).artifact).versionIndex, 0);
    assert.equal(await membership('model:nope'), null);
    assert.equal(await membership('nope:latest'), null);
    const d = await data(ARTIFACT_MEMBERSHIP_BY_NAME_GQL, { entity: 'alice', project: 'nope', name: 'model:latest' });
    assert.equal(d.project, null);
  });

  it('answers the legacy ArtifactByName with aliases and their collections ($includeAliases defaults to true)', async () => {
    const a = obj(obj((await data(ARTIFACT_BY_NAME_GQL, { ...where, name: 'model:best', enableTracking: true })).project).artifact);
    assert.equal(a.versionIndex, 2);
    const aliases = list(a.aliases);
    assert.deepEqual(
      aliases.map((x) => x.alias),
      ['v2', 'best', 'latest'],
    );
    assert.deepEqual(obj(aliases[0]).artifactCollection, {
      __typename: 'ArtifactSequence',
      name: 'model',
      project: { name: 'vision', entity: { name: 'alice' } },
    });
    const byId = obj((await data(ARTIFACT_BY_ID_GQL, { id: a.id })).artifact);
    assert.equal(byId.id, a.id);
  });
});

describe('the manifest, the file URLs and the blobs (§4, §5.1)', () => {
  it('serves the manifest without credentials, each stored digest the MD5 of the bytes its directUrl serves', async () => {
    const v2 = obj((await membership('model:v2')).artifact);
    const v0 = obj((await membership('model:v0')).artifact);
    const { url: manifestUrl, json } = await manifestOf(v2.id as string);
    assert.match(manifestUrl, /^http:\/\/127\.0\.0\.2:/, 'on the storage host');
    assert.equal(json.version, 1);
    assert.equal(json.storagePolicy, 'wandb-storage-policy-v1');
    assert.deepEqual(json.storagePolicyConfig, { storageLayout: 'V2' });
    const contents = obj(json.contents);
    assert.deepEqual(Object.keys(contents), ['model.ckpt', 'config.yaml', 'eval/metrics.json']);
    const { urls } = await fileUrls('v2');
    for (const [entryPath, entry] of Object.entries(contents)) {
      const res = await fetch(urls.get(entryPath) ?? '');
      assert.equal(res.status, 200, entryPath);
      const bytes = Buffer.from(await res.arrayBuffer());
      assert.equal(obj(entry).digest, md5(bytes), entryPath);
      assert.equal(obj(entry).size, bytes.length, entryPath);
    }
    // Content-addressed: config.yaml is unchanged since v0, which stored it first.
    assert.equal(obj(contents['config.yaml']).birthArtifactID, v0.id);
    assert.equal(obj(contents['model.ckpt']).birthArtifactID, v2.id);
    const storage = emu.log.entries().filter((e) => e.target === 'storage');
    assert.ok(storage.every((e) => e.headers.authorization === undefined));
  });

  it('lists every entry but the unlisted one, references included, paged by endCursor', async () => {
    const { names, cursors } = await fileUrls('v0', 'broken', 2);
    assert.deepEqual(names, ['good.txt', 'lying.bin', 'lost.bin', 'dup-a.txt', 'dup-b.txt', 'xxh.bin']);
    assert.equal(cursors.length, 3);
    assert.equal(cursors[0], null);
    const dataset = await fileUrls('v0', 'dataset');
    assert.deepEqual(dataset.names, ['train.csv', 'labels/labels.csv', 'raw/images.tar', 'raw/extra.bin']);
    assert.equal(dataset.urls.get('raw/images.tar'), 's3://sample-bucket/raw/images.tar');
    // The legacy listing by id lists the same.
    const id = obj((await membership('broken:v0')).artifact).id;
    const legacy = await data(GET_ARTIFACT_FILE_URLS_GQL, { id, cursor: null, perPage: 50 });
    assert.deepEqual(
      list(obj(obj(legacy.artifact).files).edges).map((e) => obj(e.node).name),
      names,
    );
  });

  it('a lying digest and a missing blob: the storage serves other bytes, or 404', async () => {
    const { json } = await manifestOf(obj((await membership('broken:v0')).artifact).id as string);
    const contents = obj(json.contents);
    const { urls } = await fileUrls('v0', 'broken');
    const lying = Buffer.from(await (await fetch(urls.get('lying.bin') ?? '')).arrayBuffer());
    assert.notEqual(md5(lying), obj(contents['lying.bin']).digest);
    assert.equal((await fetch(urls.get('lost.bin') ?? '')).status, 404);
    assert.equal(obj(contents['dup-a.txt']).digest, obj(contents['dup-b.txt']).digest);
  });

  it('finds one entry by name with FileFragment fields and totalCount (membership and legacy forms)', async () => {
    const m = await data(GET_ARTIFACT_MEMBERSHIP_FILES_GQL, {
      ...where,
      collection: 'model',
      alias: 'v1',
      fileNames: ['config.yaml'],
      cursor: null,
      perPage: 1,
    });
    const files = obj(obj(obj(obj(m.project).artifactCollection).artifactMembership).files);
    assert.equal(files.totalCount, 1);
    const node = obj(list(files.edges)[0]?.node);
    assert.equal(node.name, 'config.yaml');
    assert.equal(node.sizeBytes, 18);
    assert.equal(typeof node.directUrl, 'string');
    assert.equal(node.md5, node.digest);
    const l = await data(GET_ARTIFACT_FILES_GQL, {
      ...where,
      type: 'model',
      name: 'model:v1',
      fileNames: ['config.yaml'],
      cursor: null,
      perPage: 1,
    });
    assert.equal(obj(list(obj(obj(obj(obj(l.project).artifactType).artifact).files).edges)[0]?.node).name, 'config.yaml');
  });
});

describe('listings (§3)', () => {
  const versions = async (order: string | null, perPage = 50, cursor: string | null = null) =>
    obj(
      obj(
        obj(
          obj(
            (
              await data(PROJECT_ARTIFACTS_GQL, {
                ...where,
                type: 'model',
                collection: 'model',
                order,
                filters: '{"state": "COMMITTED"}',
                perPage,
                cursor,
              })
            ).project,
          ).artifactType,
        ).artifactCollection,
      ).artifacts,
    );

  it('lists committed versions newest first by default, in ±version_index order, paged by endCursor', async () => {
    const all = await versions(null);
    assert.equal(all.totalCount, 3, 'the PENDING v3 is filtered out');
    assert.deepEqual(
      list(all.edges).map((e) => e.version),
      ['v2', 'v1', 'v0'],
    );
    assert.deepEqual(
      list((await versions('+version_index')).edges).map((e) => e.version),
      ['v0', 'v1', 'v2'],
    );
    const first = await versions('-version_index', 2);
    assert.deepEqual(
      list(first.edges).map((e) => e.version),
      ['v2', 'v1'],
    );
    assert.equal(obj(first.pageInfo).hasNextPage, true);
    const rest = await versions('-version_index', 2, obj(first.pageInfo).endCursor as string);
    assert.deepEqual(
      list(rest.edges).map((e) => e.version),
      ['v0'],
    );
    // The aliases a listed version carries, with their collection.
    assert.deepEqual(
      list(obj(list(all.edges)[0]?.node).aliases).map((a) => a.alias),
      ['v2', 'best', 'latest'],
    );
  });

  it('lists the collections of a type, the types, one type and one collection, and a collection’s aliases', async () => {
    const d = await data(ARTIFACT_TYPE_ARTIFACT_COLLECTIONS_GQL, { ...where, type: 'dataset', cursor: null, perPage: 50 });
    const collections = obj(obj(obj(d.project).artifactType).artifactCollections);
    assert.equal(collections.totalCount, 2);
    assert.deepEqual(
      list(collections.edges).map((e) => [obj(e.node).__typename, obj(e.node).name, obj(obj(e.node).type).name]),
      [
        ['ArtifactSequence', 'dataset', 'dataset'],
        ['ArtifactSequence', 'broken', 'dataset'],
      ],
    );
    const types = await data(PROJECT_ARTIFACT_TYPES_GQL, { ...where, cursor: null, perPage: 50 });
    assert.deepEqual(
      list(obj(obj(types.project).artifactTypes).edges).map((e) => obj(e.node).name),
      ['model', 'dataset'],
    );
    assert.equal(obj(obj((await data(PROJECT_ARTIFACT_TYPE_GQL, { ...where, type: 'nope' })).project).artifactType), null);
    const c = obj(
      obj(obj((await data(PROJECT_ARTIFACT_COLLECTION_GQL, { ...where, type: 'model', name: 'model' })).project).artifactType)
        .artifactCollection,
    );
    assert.equal(c.name, 'model');
    const aliases = await data(ARTIFACT_COLLECTION_ALIASES_GQL, { id: c.id, cursor: null });
    assert.deepEqual(
      list(obj(obj(aliases.artifactCollection).aliases).edges).map((e) => obj(e.node).alias),
      ['v0', 'v1', 'v2', 'best', 'latest', 'v3'],
    );
  });

  it("lists a run's logged and used versions", async () => {
    const vars = { ...where, run: 'a1b2c3d4', cursor: null, perPage: 100 };
    const out = obj(obj(obj((await data(RUN_OUTPUT_ARTIFACTS_GQL, vars)).project).run).artifacts);
    assert.equal(out.totalCount, 1);
    const logged = obj(list(out.edges)[0]?.node);
    assert.deepEqual([obj(logged.artifactSequence).name, logged.versionIndex], ['model', 2]);
    const used = obj(obj(obj((await data(RUN_INPUT_ARTIFACTS_GQL, vars)).project).run).artifacts);
    assert.deepEqual(
      list(used.edges).map((e) => obj(obj(e.node).artifactSequence).name),
      ['dataset'],
    );
    assert.equal(obj((await data(RUN_OUTPUT_ARTIFACTS_GQL, { ...vars, run: 'nope' })).project).run, null);
  });
});

describe('download handlers on the API host (§5.3) and the reference host (§5.4)', () => {
  async function handler(path: string, auth: string | null = basic(SAMPLE_API_KEY)): Promise<Response> {
    return fetch(`${url}${path}`, { redirect: 'manual', headers: auth === null ? {} : { authorization: auth } });
  }

  it('answers each URL form with a redirect to the blob on storage, given the key', async () => {
    const v2 = obj((await membership('model:v2')).artifact);
    const v0id = obj((await membership('model:v0')).artifact).id as string;
    const { json } = await manifestOf(v2.id as string);
    const digest = obj(obj(json.contents)['config.yaml']).digest as string;
    const hex = Buffer.from(digest, 'base64').toString('hex');
    const q = (s: string): string => encodeURIComponent(s);
    const forms = [
      `/artifacts/alice/${hex}`,
      `/artifactsV2/default/alice/${q(v0id)}/${hex}`,
      `/artifactsV2/default/alice/vision/model/${q(v0id)}/${hex}/config.yaml`,
      `/artifactsV2/default/alice/vision/model/${q(v2.id as string)}/${q(v0id)}/${hex}/config.yaml`,
    ];
    for (const form of forms) {
      const res = await handler(form);
      assert.equal(res.status, 302, form);
      const target = res.headers.get('location') ?? '';
      assert.match(target, /^http:\/\/127\.0\.0\.2:/, form);
      assert.equal(md5(Buffer.from(await (await fetch(target)).arrayBuffer())), digest, form);
    }
    assert.equal((await handler(forms[0] ?? '', null)).status, 401);
    assert.equal((await handler(`/artifacts/alice/${'f'.repeat(32)}`)).status, 404);
    assert.equal((await handler(`/artifactsV2/default/alice/vision/nope/${q(v0id)}/${hex}/config.yaml`)).status, 404);
    assert.equal(emu.log.count('wandb-api', 'artifact-handler') >= forms.length + 3, true);
  });

  it('serves http references with the ETag the manifest recorded, without asking for credentials', async () => {
    const { json } = await manifestOf(obj((await membership('dataset:v0')).artifact).id as string);
    const entry = obj(obj(json.contents)['labels/labels.csv']);
    assert.match(String(entry.ref), /^http:\/\/127\.0\.0\.4:\d+\/data\/labels\.csv$/);
    assert.deepEqual(entry.extra, { etag: `"${String(entry.digest)}"` });
    const res = await fetch(String(entry.ref));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('etag'), `"${String(entry.digest)}"`);
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.equal(createHash('md5').update(bytes).digest('hex'), entry.digest);
    assert.equal((await fetch(String(entry.ref).replace('labels.csv', 'nope.csv'))).status, 404);
    assert.ok(emu.log.count('reference', 'ref') >= 2);
    // Cloud references are recorded only.
    assert.deepEqual(obj(obj(json.contents)['raw/images.tar']), {
      digest: '"0a1b2c3d4e5f60718293a4b5c6d7e8f9"',
      ref: 's3://sample-bucket/raw/images.tar',
      size: 123_456,
    });
    assert.deepEqual(json.storagePolicyConfig, {}, 'this version uses storage layout V1 (the default)');
  });
});
