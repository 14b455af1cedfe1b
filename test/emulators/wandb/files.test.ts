// GET /files/… on the W&B emulator (wandb.md §3, §9.4): Basic auth required, 302 to a signed, expiring URL on
// the storage host, bytes equal to what RunFiles describes; plus a 2,000+ file run listed quickly.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startEmulators, type RunningEmulators } from '../start.ts';
import { RUN_FILES_VERBATIM } from './client-queries.ts';
import { basic, postGraphql, sampleFixture, SAMPLE_API_KEY } from './sample-fixture.ts';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => v as Json;

let emu: RunningEmulators;
let url: string;
const BIG_RUN_FILES = 2500;

before(async () => {
  const fixture = sampleFixture();
  fixture.projects[0]?.runs.push({
    id: 'b1gb1gb1',
    displayName: 'big',
    state: 'finished',
    createdAt: '2024-05-01T00:00:00',
    files: [],
    generatedFiles: { count: BIG_RUN_FILES, prefix: 'shards/part-', size: 1024, mimetype: 'application/octet-stream' },
  });
  emu = await startEmulators({ fixture: { wandb: fixture } });
  url = emu.wandb?.url ?? '';
});
after(async () => {
  await emu.close();
});

async function nodeOf(run: string, name: string): Promise<Json> {
  const { json } = await postGraphql(url, {
    query: RUN_FILES_VERBATIM,
    variables: {
      project: 'vision',
      entity: 'alice',
      name: run,
      fileNames: [name],
      upload: false,
      pattern: null,
      fileLimit: 50,
      fileCursor: null,
    },
  });
  return obj((obj(obj(obj(obj(json.data).project).run).files).edges as Json[])[0]?.node);
}

describe('GET /files (§3)', () => {
  it('redirects an authorised GET to a signed storage URL that serves the described bytes', async () => {
    emu.log.clear();
    const node = await nodeOf('a1b2c3d4', 'media/images/pred_0.png');
    const res = await fetch(node.url as string, { headers: { authorization: basic(SAMPLE_API_KEY) }, redirect: 'manual' });
    assert.equal(res.status, 302);
    const location = res.headers.get('location') ?? '';
    assert.ok(location.startsWith(`${emu.storageOrigin}/`), location);
    assert.match(location, /X-Goog-Signature=[0-9a-f]{64}/);
    // Storage is reached without the key, as a well-behaved client does after a cross-host redirect.
    const blob = await fetch(location);
    assert.equal(blob.status, 200);
    const bytes = Buffer.from(await blob.arrayBuffer());
    assert.equal(bytes.length, node.sizeBytes);
    assert.equal(createHash('md5').update(bytes).digest('base64'), node.md5);
    const fileEntry = emu.log.entries().find((e) => e.endpoint === 'file');
    assert.equal(fileEntry?.status, 302);
    assert.equal(fileEntry?.target, 'wandb-api');
  });

  it('encodes names with special characters into one path segment', async () => {
    const node = await nodeOf('a1b2c3d4', 'Model_100%.ckpt');
    assert.ok((node.url as string).endsWith('/a1b2c3d4/Model_100%25.ckpt'));
    const res = await fetch(node.url as string, { headers: { authorization: basic(SAMPLE_API_KEY) }, redirect: 'manual' });
    assert.equal(res.status, 302);
    const blob = await fetch(res.headers.get('location') ?? '');
    assert.equal(Buffer.from(await blob.arrayBuffer()).length, 70_000);
  });

  it('answers 401 without the key and 404 for an unknown file', async () => {
    const node = await nodeOf('a1b2c3d4', 'output.log');
    const anonymous = await fetch(node.url as string, { redirect: 'manual' });
    assert.equal(anonymous.status, 401);
    assert.ok(Array.isArray(obj(await anonymous.json()).errors));
    const unknown = await fetch(`${url}/files/alice/vision/a1b2c3d4/nope.txt`, {
      headers: { authorization: basic(SAMPLE_API_KEY) },
      redirect: 'manual',
    });
    assert.equal(unknown.status, 404);
    await unknown.arrayBuffer();
  });

  it('lists a file the storage lacks, whose signed URL then answers 404', async () => {
    const node = await nodeOf('e5f6g7h8', 'lost.bin');
    assert.equal(node.sizeBytes, 10);
    const res = await fetch(node.url as string, { headers: { authorization: basic(SAMPLE_API_KEY) }, redirect: 'manual' });
    assert.equal(res.status, 302);
    const blob = await fetch(res.headers.get('location') ?? '');
    assert.equal(blob.status, 404);
    await blob.arrayBuffer();
  });

  it('reports the fixture md5 override instead of the real digest', async () => {
    const node = await nodeOf('e5f6g7h8', 'wrong-md5.txt');
    assert.equal(node.md5, 'AAAAAAAAAAAAAAAAAAAAAA==');
  });

  it('applies faults to the file endpoint', async () => {
    emu.faults.add({ target: 'wandb-api', endpoint: 'file', action: { kind: 'status', status: 500 } });
    const node = await nodeOf('a1b2c3d4', 'output.log');
    const res = await fetch(node.url as string, { headers: { authorization: basic(SAMPLE_API_KEY) }, redirect: 'manual' });
    assert.equal(res.status, 500);
    await res.arrayBuffer();
  });
});

describe('a run with 2,500 generated files', () => {
  it('lists every file in pages of 1000', async () => {
    const names: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    for (; pages < 10;) {
      const { json } = await postGraphql(url, {
        query: RUN_FILES_VERBATIM,
        variables: {
          project: 'vision',
          entity: 'alice',
          name: 'b1gb1gb1',
          fileNames: [],
          upload: false,
          pattern: null,
          fileLimit: 1000,
          fileCursor: cursor,
        },
      });
      pages += 1;
      const files = obj(obj(obj(obj(json.data).project).run).files);
      const edges = files.edges as Json[];
      names.push(...edges.map((e) => obj(e.node).name as string));
      if (obj(files.pageInfo).hasNextPage !== true) break;
      cursor = edges.at(-1)?.cursor as string;
    }
    assert.equal(pages, 3);
    assert.equal(names.length, BIG_RUN_FILES);
    assert.equal(names[0], 'shards/part-0000');
    assert.equal(names.at(-1), 'shards/part-2499');
  });
});
