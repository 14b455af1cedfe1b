// decodeAnswer's strings: invalid UTF-8 refused as the client refuses it, and strings that are flat, not ropes of
// small pieces (the memory of a 100,000-run resolution depended on it). The answers are encoded with the emulator's
// copy of the messages; test/unit/neptune/proto-wire.test.ts checks the field numbers against hand-written bytes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getHeapSnapshot } from 'node:v8';
import { decodeAnswer, QueryAttributesResultSchema } from '../../../src/backends/neptune/api/proto.ts';
import { encodeMessage, QueryAttributesResultMessage } from '../../emulators/neptune/wire-schema.ts';

const PATH = 'bench/files/RUN-1/artifacts/model.bin';

function answer(path: string, mimeType = 'image/png'): Buffer {
  const bytes = encodeMessage(QueryAttributesResultMessage, {
    entries: [
      {
        experimentId: 'id-1',
        experimentShortId: 'RUN-1',
        attributes: [
          {
            name: 'artifacts/model',
            type: 'fileRef',
            file_ref_properties: { attribute_name: 'artifacts/model', attribute_type: 'fileRef', path, sizeBytes: 2 ** 40, mimeType },
          },
        ],
      },
    ],
    nextPage: { limit: 100, nextPageToken: 'näxt ✓' },
  });
  return Buffer.from(bytes);
}

function fileRef(body: Buffer): { path: string; mimeType: string } | undefined {
  return decodeAnswer(QueryAttributesResultSchema, body).entries[0]?.attributes[0]?.fileRefProperties;
}

test('decodeAnswer reads non-ASCII strings and keeps a leading U+FEFF as text', () => {
  const decoded = decodeAnswer(QueryAttributesResultSchema, answer('\uFEFFpath/ü'));
  assert.equal(decoded.entries[0]?.attributes[0]?.fileRefProperties?.path, '\uFEFFpath/ü');
  assert.equal(decoded.nextPage?.nextPageToken, 'näxt ✓');
});

test('decodeAnswer refuses a string that is not UTF-8, as the client does', () => {
  // A long string (decoded by TextDecoder) and a short one (the reader's ASCII fast path, left at the first byte > 0x7f).
  for (const text of ['x'.repeat(PATH.length), 'xxxxxxxx']) {
    const body = answer(text);
    const at = body.indexOf(Buffer.from(text));
    body[at + 3] = 0xff;
    assert.throws(() => fileRef(body), TypeError, `${text.length} bytes`);
  }
  const truncated = answer('x').subarray(0, -1);
  assert.throws(() => fileRef(Buffer.from(truncated)));
});

/** Rope ('concatenated string') nodes in a heap snapshot of this process. */
async function ropesInHeap(): Promise<number> {
  let text = '';
  for await (const chunk of getHeapSnapshot()) text += String(chunk);
  const snapshot = JSON.parse(text) as { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[] };
  const fields = snapshot.snapshot.meta.node_fields.length;
  const typeIndex = snapshot.snapshot.meta.node_fields.indexOf('type');
  const consType = snapshot.snapshot.meta.node_types[0].indexOf('concatenated string');
  let ropes = 0;
  for (let i = typeIndex; i < snapshot.nodes.length; i += fields) if (snapshot.nodes[i] === consType) ropes += 1;
  return ropes;
}

test('decoded strings are flat, not ropes of small pieces', async () => {
  fileRef(answer(PATH));
  const before = await ropesInHeap();
  const kept: unknown[] = [];
  // Long paths go through TextDecoder, the short MIME types through the ASCII fast path.
  for (let i = 0; i < 2000; i += 1) kept.push(fileRef(answer(`${PATH}/${i}`, `image/x-${i}`)));
  // 4,000 decoded strings held here must not add thousands of ropes (a rope per string adds 4,000 or more).
  const added = (await ropesInHeap()) - before;
  assert.equal(kept.length, 2000);
  assert.ok(added < 500, `${added} more rope strings in the heap`);
});
