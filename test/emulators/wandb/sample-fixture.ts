// A small W&B world for the emulator and backend tests: two entities, runs with config/summary/tags for the
// filters, nested file names, a file the storage lacks, generated files, and a project of hostile names.
import type { WandbArtifactCollection, WandbFixture } from '../common/contracts.ts';

/** 40+ characters after the prefix, as the official client requires (wandb.md §1). */
export const SAMPLE_API_KEY = `local-${'0123456789abcdef'.repeat(3)}`;

/** Bytes of a 1x1 PNG, so one file is binary. */
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/** The same bytes in two versions (one blob, born in v0) and twice in one version (dup-a, dup-b). */
const SHARED_CONFIG = { text: 'lr: 0.1\nepochs: 3\n' };

/**
 * alice/vision's artifacts (wandb-artifacts.md): `model` v0–v3 (v2 aliased `best`, logged by a1b2c3d4; v3 a
 * PENDING draft, so `latest` is v2), `dataset` v0 with http and cloud references (used by a1b2c3d4, logged by
 * e5f6g7h8), and `broken` v0 with a lying digest, a missing blob, an unlisted entry and two identical entries.
 */
export const SAMPLE_ARTIFACTS: WandbArtifactCollection[] = [
  {
    name: 'model',
    type: 'model',
    versions: [
      {
        entries: [
          { path: 'model.ckpt', content: { generate: { size: 70_000, seed: 'model-v0' } } },
          { path: 'config.yaml', content: SHARED_CONFIG },
        ],
      },
      {
        entries: [
          { path: 'model.ckpt', content: { generate: { size: 71_000, seed: 'model-v1' } } },
          { path: 'config.yaml', content: SHARED_CONFIG },
        ],
      },
      {
        aliases: ['best'],
        loggedBy: 'a1b2c3d4',
        entries: [
          { path: 'model.ckpt', content: { generate: { size: 72_000, seed: 'model-v2' } } },
          { path: 'config.yaml', content: SHARED_CONFIG },
          { path: 'eval/metrics.json', content: { text: '{"acc": 0.91}' } },
        ],
      },
      { state: 'PENDING', entries: [{ path: 'model.ckpt', content: { generate: { size: 10, seed: 'model-v3' } } }] },
    ],
  },
  {
    name: 'dataset',
    type: 'dataset',
    versions: [
      {
        loggedBy: 'e5f6g7h8',
        usedBy: ['a1b2c3d4'],
        storageLayout: 'V1',
        entries: [
          { path: 'train.csv', content: { text: 'x,y\n1,2\n3,4\n' } },
          { path: 'labels/labels.csv', ref: { http: 'data/labels.csv', content: { text: 'id,label\n1,cat\n' } } },
          {
            path: 'raw/images.tar',
            ref: { uri: 's3://sample-bucket/raw/images.tar', digest: '"0a1b2c3d4e5f60718293a4b5c6d7e8f9"', size: 123_456 },
          },
          { path: 'raw/extra.bin', ref: { uri: 'gs://sample-bucket/raw/extra.bin', digest: 'CKih0Zv7iIcDEAE=', size: 42 } },
        ],
      },
    ],
  },
  {
    name: 'broken',
    type: 'dataset',
    versions: [
      {
        entries: [
          { path: 'good.txt', content: { text: 'good\n' } },
          { path: 'lying.bin', content: { text: 'these bytes are not what the manifest says' }, digest: 'AAAAAAAAAAAAAAAAAAAAAA==' },
          { path: 'lost.bin', content: { missing: true, size: 12 } },
          { path: 'unlisted.txt', content: { text: 'left out of the listing\n' }, unlisted: true },
          { path: 'dup-a.txt', content: { text: 'twin bytes\n' } },
          { path: 'dup-b.txt', content: { text: 'twin bytes\n' } },
          // A newer client's XXH128 digest (base64 of 16 bytes, like an MD5's).
          { path: 'xxh.bin', content: { text: 'hashed with XXH3-128\n' }, digest: 'q83vEjRWeJCrze8SNFZ4kA==', algorithm: 'XXH128' },
        ],
      },
    ],
  },
];

export function sampleFixture(): WandbFixture {
  return {
    apiKey: SAMPLE_API_KEY,
    viewerEntity: 'alice',
    projects: [
      {
        entity: 'alice',
        name: 'vision',
        runs: [
          {
            id: 'a1b2c3d4',
            displayName: 'bright-sun-1',
            state: 'finished',
            createdAt: '2024-01-01T10:00:00',
            tags: ['best', 'baseline'],
            group: 'sweep-a',
            jobType: 'train',
            config: { lr: 0.1, optimizer: { value: 'adam', desc: null }, 'model.depth': 18, net: { width: 64 } },
            summary: { acc: 0.91, loss: 0.2 },
            files: [
              { name: 'config.yaml', content: { text: 'lr: 0.1\n' }, mimetype: 'text/yaml' },
              { name: 'media/images/pred_0.png', content: { base64: PNG_1X1 }, mimetype: 'image/png' },
              { name: 'media/images/pred_1.png', content: { base64: PNG_1X1 }, mimetype: 'image/png' },
              { name: 'media/table_1.json', content: { text: '{"rows": []}' }, mimetype: 'application/json' },
              { name: 'output.log', content: { text: 'epoch 1\nepoch 2\n' }, mimetype: 'text/plain' },
              { name: 'Model_100%.ckpt', content: { generate: { size: 70_000 } } },
            ],
          },
          {
            id: 'e5f6g7h8',
            displayName: 'dark-moon-2',
            state: 'crashed',
            createdAt: '2024-01-02T10:00:00',
            tags: ['debug'],
            jobType: 'eval',
            config: { lr: 0.01, optimizer: 'sgd' },
            summary: { acc: 0.42 },
            files: [
              { name: 'output.log', content: { text: 'boom\n' }, mimetype: 'text/plain' },
              { name: 'lost.bin', content: { missing: true, size: 10 } },
              { name: 'wrong-md5.txt', content: { text: 'abc' }, md5: 'AAAAAAAAAAAAAAAAAAAAAA==' },
            ],
          },
          {
            id: 'i9j0k1l2',
            displayName: 'bright-star-3',
            state: 'running',
            createdAt: '2024-01-03T10:00:00',
            config: { lr: 0.5 },
            files: [],
            generatedFiles: { count: 7, prefix: 'gen/f-', size: 64, mimetype: 'application/octet-stream' },
          },
        ],
        artifacts: SAMPLE_ARTIFACTS,
      },
      {
        entity: 'team',
        name: 'shared',
        artifacts: [
          {
            name: 'shared-model',
            type: 'model',
            versions: [{ entries: [{ path: 'weights.bin', content: { generate: { size: 5000 } } }] }],
          },
        ],
        runs: [
          {
            id: 'zz000001',
            displayName: 'team-run',
            state: 'finished',
            createdAt: '2024-02-01T00:00:00',
            files: [{ name: 'notes.txt', content: { text: 'team notes' }, mimetype: 'text/plain' }],
          },
        ],
      },
      {
        entity: 'alice',
        name: 'hostile',
        runs: [
          {
            id: 'h0st1le0',
            displayName: 'hostile',
            state: 'finished',
            createdAt: '2024-03-01T00:00:00',
            files: [
              { name: '../escape.txt', content: { text: 'x' } },
              { name: '/etc/abs.txt', content: { text: 'x' } },
              { name: 'C:evil.txt', content: { text: 'x' } },
              { name: 'dir\\win.txt', content: { text: 'x' } },
              { name: 'a/../../b.txt', content: { text: 'x' } },
              { name: '..', content: { text: 'x' } },
              { name: 'fine/./ok.txt', content: { text: 'ok' } },
            ],
          },
        ],
        artifacts: [
          {
            name: 'evil',
            type: 'dataset',
            versions: [
              {
                entries: [
                  { path: '../escape.txt', content: { text: 'x' } },
                  { path: '/abs.txt', content: { text: 'y' } },
                  { path: 'a/../../b.txt', content: { text: 'z' } },
                  { path: 'ok.txt', content: { text: 'ok' } },
                ],
              },
            ],
          },
        ],
      },
    ],
  };
}

/** POSTs a GraphQL body to the emulator and returns status and parsed JSON. */
export async function postGraphql(
  baseUrl: string,
  body: unknown,
  /** null: no Authorization header. */
  auth: string | null = basic(SAMPLE_API_KEY),
): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth !== null) headers.authorization = auth;
  const res = await fetch(`${baseUrl}/graphql`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

export function basic(key: string): string {
  return `Basic ${Buffer.from(`api:${key}`).toString('base64')}`;
}
