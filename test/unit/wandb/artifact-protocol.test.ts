// The pure protocol pieces of W&B artifact downloads, against wandb-artifacts.md: the manifest format and the
// artifact digest (§4), the download handler URLs (§5.3), reference dispatch and the ETag check (§5.4), the
// version derived from aliases (§2.4), and what a refused answer means.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { versionAndAliases } from '../../../src/backends/wandb/api/artifact-node.ts';
import { classifyHandler, classifyStorage } from '../../../src/backends/wandb/artifacts/entry-locator.ts';
import { fallbackUrl, pythonQuote, type FallbackInput } from '../../../src/backends/wandb/artifacts/fallback-url.ts';
import { manifestDigest, parseManifest } from '../../../src/backends/wandb/artifacts/manifest.ts';
import { classifyReference, referenceMatches } from '../../../src/backends/wandb/artifacts/references.ts';
import { ServerError } from '../../../src/core/errors.ts';

/** §4's example manifest, as served. */
const EXAMPLE = `{"version": 1, "storagePolicy": "wandb-storage-policy-v1", "storagePolicyConfig": {"storageLayout": "V2"},
 "contents": {
  "images/0.png": {"digest": "ZuTtf2jlE5QUiARbhnT1vA==", "birthArtifactID": "QXJ0aWZhY3Q6Mg==", "size": 2049},
  "ref/data.csv": {"digest": "5f3c0a0e1d2b4a6c8e9f0a1b2c3d4e5f", "ref": "http://127.0.0.1:18771/ref/data.csv",
                   "extra": {"etag": "\\"5f3c0a0e1d2b4a6c8e9f0a1b2c3d4e5f\\""}, "size": 1699}}}`;

describe('the manifest (§4)', () => {
  it('reads the example: layout, region default, stored and reference entries', () => {
    const m = parseManifest(EXAMPLE, 'x');
    assert.equal(m.storageLayout, 'V2');
    assert.equal(m.storageRegion, 'default');
    assert.deepEqual(m.entries, [
      {
        path: 'images/0.png',
        digest: 'ZuTtf2jlE5QUiARbhnT1vA==',
        size: 2049,
        birthArtifactId: 'QXJ0aWZhY3Q6Mg==',
        ref: null,
        algorithm: 'MD5',
      },
      {
        path: 'ref/data.csv',
        digest: '5f3c0a0e1d2b4a6c8e9f0a1b2c3d4e5f',
        size: 1699,
        birthArtifactId: null,
        ref: 'http://127.0.0.1:18771/ref/data.csv',
        algorithm: 'MD5',
      },
    ]);
    assert.equal(parseManifest('{"version": 1, "storagePolicy": "wandb-storage-policy-v1", "contents": {}}', 'x').storageLayout, 'V1');
    // Newer clients mark an XXH128 digest in the entry's extra (wandb-artifacts.md §0).
    const xxh = parseManifest(
      '{"version": 1, "storagePolicy": "wandb-storage-policy-v1", "contents": {"a": {"digest": "q83vEjRWeJCrze8SNFZ4kA==", "extra": {"alg": "XXH128"}}}}',
      'x',
    );
    assert.equal(xxh.entries[0]?.algorithm, 'XXH128');
  });

  it('refuses what is not a version-1 manifest of the W&B storage policy', () => {
    for (const bad of [
      'not json',
      '[]',
      '{"version": 2, "storagePolicy": "wandb-storage-policy-v1", "contents": {}}',
      '{"version": 1, "storagePolicy": "other", "contents": {}}',
      '{"version": 1, "storagePolicy": "wandb-storage-policy-v1"}',
      '{"version": 1, "storagePolicy": "wandb-storage-policy-v1", "contents": {"a": {"size": 1}}}',
    ]) {
      assert.throws(
        () => parseManifest(bad, "'e/p/c:v0'"),
        (e: unknown) => e instanceof ServerError && /manifest of W&B artifact 'e\/p\/c:v0'/.test(e.message),
        bad,
      );
    }
  });

  it('computes the artifact digest as the client does: MD5 of the header and "<path>:<digest>" lines in code-point order', () => {
    // U+FF41 sorts before U+1F600 by code point (Python), after it by UTF-16 unit (JavaScript's default).
    const entries = [
      { path: '\u{1F600}.txt', digest: 'b', size: 1, birthArtifactId: null, ref: null, algorithm: 'MD5' },
      { path: 'b.txt', digest: 'c', size: 1, birthArtifactId: null, ref: null, algorithm: 'MD5' },
      { path: '\uFF41.txt', digest: 'a', size: 1, birthArtifactId: null, ref: null, algorithm: 'MD5' },
    ];
    const expected = createHash('md5').update('wandb-artifact-manifest-v1\nb.txt:c\n\uFF41.txt:a\n\u{1F600}.txt:b\n').digest('hex');
    assert.equal(manifestDigest(entries), expected);
  });
});

describe('the download handler URL (§5.3)', () => {
  const hex = 'e5eb5f0c3a1e4d2b9c8a7f6e5d4c3b7b';
  const base: FallbackInput = {
    baseUrl: 'https://api.example.com',
    ref: { id: 'QXJ0aWZhY3Q6Mg==', path: { entity: 'ent', project: 'proj', collection: 'mnist' }, version: 'v2', type: 'dataset' },
    storageLayout: 'V2',
    storageRegion: 'default',
    features: new Set(['ARTIFACT_V2_DOWNLOAD_HANDLER_SUPPORTS_ARTIFACT_ID']),
    entryPath: 'data/train.csv',
    digest: Buffer.from(hex, 'hex').toString('base64'),
    birthArtifactId: 'QXJ0aWZhY3Q6Mg==',
  };

  it('builds the four forms of the table, quoting `=` as the client does', () => {
    assert.equal(
      fallbackUrl(base),
      `https://api.example.com/artifactsV2/default/ent/proj/mnist/QXJ0aWZhY3Q6Mg%3D%3D/QXJ0aWZhY3Q6Mg%3D%3D/${hex}/train.csv`,
    );
    assert.equal(
      fallbackUrl({ ...base, features: new Set(['ARTIFACT_COLLECTION_MEMBERSHIP_FILE_DOWNLOAD_HANDLER']) }),
      `https://api.example.com/artifactsV2/default/ent/proj/mnist/QXJ0aWZhY3Q6Mg%3D%3D/${hex}/train.csv`,
    );
    assert.equal(
      fallbackUrl({ ...base, features: new Set() }),
      `https://api.example.com/artifactsV2/default/ent/QXJ0aWZhY3Q6Mg%3D%3D/${hex}`,
    );
    assert.equal(fallbackUrl({ ...base, storageLayout: 'V1' }), `https://api.example.com/artifacts/ent/${hex}`);
    assert.equal(fallbackUrl({ ...base, storageRegion: 'eu' }).includes('/artifactsV2/eu/'), true);
  });

  it("quotes like Python's quote(): letters, digits, _.-~ and / stay", () => {
    assert.equal(pythonQuote('a b+c=/d~é'), 'a%20b%2Bc%3D/d~%C3%A9');
  });
});

describe('references (§5.4)', () => {
  it('dispatches by scheme: http(s) fetched here, Azure blob, s3, gs, file, wandb-artifact and others only reported', () => {
    assert.deepEqual(classifyReference('https://data.example.com/x.csv'), { kind: 'http', url: 'https://data.example.com/x.csv' });
    assert.equal(classifyReference('http://10.0.0.1:8000/a').kind, 'http');
    for (const [uri, note] of [
      ['https://acct.blob.core.windows.net/c/x', /Azure/],
      ['s3://bucket/key', /S3 object.*aws s3 cp/],
      ['gs://bucket/key', /Google Cloud Storage.*gcloud storage cp/],
      ['file:///mnt/x', /a path on the machine/],
      ['wandb-artifact://0123abcd/x', /another W&B artifact/],
      ['ftp://host/x', /cannot download either/],
      ['not a uri', /cannot download either/],
    ] as const) {
      const kind = classifyReference(uri);
      assert.equal(kind.kind, 'elsewhere', uri);
      if (kind.kind === 'elsewhere') assert.match(kind.note, note, uri);
    }
  });

  it('matches the ETag without quotes (or a weak mark), or the final URL when there is none', () => {
    const d = '5f3c0a0e1d2b4a6c8e9f0a1b2c3d4e5f';
    assert.deepEqual(referenceMatches(d, `"${d}"`, 'http://h/x'), { ok: true });
    assert.deepEqual(referenceMatches(d, d, 'http://h/x'), { ok: true });
    assert.deepEqual(referenceMatches(d, `W/"${d}"`, 'http://h/x'), { ok: true });
    assert.deepEqual(referenceMatches(d, '"other"', 'http://h/x'), { ok: false, got: 'ETag "other"' });
    assert.deepEqual(referenceMatches('http://h/x', undefined, 'http://h/x'), { ok: true });
    assert.equal(referenceMatches(d, undefined, 'http://h/x').ok, false);
  });
});

describe('versions from aliases (§2.4)', () => {
  it('takes the one v<N> alias, else the version index; two version aliases are refused', () => {
    assert.deepEqual(versionAndAliases(['v2', 'latest', 'best'], 5, 'x'), { version: 'v2', aliases: ['latest', 'best'] });
    assert.deepEqual(versionAndAliases(['best'], 7, 'x'), { version: 'v7', aliases: ['best'] });
    assert.throws(() => versionAndAliases(['v1', 'v2'], 1, 'x'), ServerError);
    assert.throws(() => versionAndAliases([], null, 'x'), ServerError);
  });
});

describe('refused answers', () => {
  const answer = (status: number, body = '') => ({ url: 'http://s/x', status, headers: {}, body });
  it('storage: 404 missing, 401/403 and 400 ExpiredToken renew, 429/5xx retry, other 4xx fatal', () => {
    assert.equal(classifyStorage(answer(404)), 'missing');
    assert.equal(classifyStorage(answer(403)), 'expired');
    assert.equal(classifyStorage(answer(401)), 'expired');
    assert.equal(classifyStorage(answer(400, '<Code>ExpiredToken</Code>')), 'expired');
    assert.equal(classifyStorage(answer(400, '<Code>InvalidArgument</Code>')), 'fatal');
    assert.equal(classifyStorage(answer(503)), 'transient');
    assert.equal(classifyStorage(answer(429)), 'transient');
  });
  it('the download handler: 401 refuses the key; other refusals first ask for a new listing, then count', () => {
    assert.equal(classifyHandler(answer(401), false), 'refused');
    assert.equal(classifyHandler(answer(404), false), 'expired');
    assert.equal(classifyHandler(answer(403), false), 'expired');
    assert.equal(classifyHandler(answer(404), true), 'missing');
    assert.equal(classifyHandler(answer(403), true), 'fatal');
    assert.equal(classifyHandler(answer(502), true), 'transient');
  });
});
