// decodeAnswer: the same plain data as protobufjs' own decoder, the same refusal of invalid UTF-8, and strings
// that are not ropes of 8-character pieces (the memory of a 100,000-run resolution depended on it).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getHeapSnapshot } from 'node:v8';
import { decodeAnswer, QueryAttributesResultMessage } from '../../../src/backends/neptune/api/proto.ts';

const PATH = 'bench/files/RUN-1/artifacts/model.bin';

function answer(path: string): Buffer {
  const message = QueryAttributesResultMessage.fromObject({
    entries: [
      {
        experimentId: 'id-1',
        experimentShortId: 'RUN-1',
        attributes: [
          {
            name: 'artifacts/model',
            type: 'fileRef',
            file_ref_properties: {
              attribute_name: 'artifacts/model',
              attribute_type: 'fileRef',
              path,
              sizeBytes: 2 ** 40,
              mimeType: 'image/png',
            },
          },
        ],
      },
    ],
    nextPage: { limit: 100, nextPageToken: 'näxt ✓' },
  });
  return Buffer.from(QueryAttributesResultMessage.encode(message).finish());
}

test('decodeAnswer gives what protobufjs decodes, int64 as numbers', () => {
  const body = answer(PATH);
  const stock = QueryAttributesResultMessage.toObject(QueryAttributesResultMessage.decode(body), {
    longs: Number,
    oneofs: true,
    defaults: false,
  });
  const ours = decodeAnswer(QueryAttributesResultMessage, body);
  assert.deepEqual(ours, stock);
  const entry = (ours as { entries: { attributes: { file_ref_properties: { path: string; sizeBytes: number } }[] }[] }).entries[0];
  assert.equal(entry?.attributes[0]?.file_ref_properties.path, PATH);
  assert.equal(entry?.attributes[0]?.file_ref_properties.sizeBytes, 2 ** 40);
  assert.equal((ours as { nextPage: { nextPageToken: string } }).nextPage.nextPageToken, 'näxt ✓');
});

test('decodeAnswer refuses a string that is not UTF-8, as the client does', () => {
  const body = answer('x'.repeat(PATH.length));
  const at = body.indexOf(Buffer.from('x'.repeat(PATH.length)));
  body[at + 3] = 0xff;
  assert.throws(() => QueryAttributesResultMessage.decode(body));
  assert.throws(() => decodeAnswer(QueryAttributesResultMessage, body), TypeError);
});

test('decoded strings are flat, not ropes of small pieces', async () => {
  const kept: unknown[] = [];
  for (let i = 0; i < 2000; i += 1) kept.push(decodeAnswer(QueryAttributesResultMessage, answer(`${PATH}/${i}`)));
  // Count rope ('concatenated string') nodes in a heap snapshot: 2,000 decoded paths held here must not add ~10,000.
  let text = '';
  for await (const chunk of getHeapSnapshot()) text += String(chunk);
  const snapshot = JSON.parse(text) as { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[] };
  const fields = snapshot.snapshot.meta.node_fields.length;
  const typeIndex = snapshot.snapshot.meta.node_fields.indexOf('type');
  const consType = snapshot.snapshot.meta.node_types[0].indexOf('concatenated string');
  let ropes = 0;
  for (let i = typeIndex; i < snapshot.nodes.length; i += fields) if (snapshot.nodes[i] === consType) ropes += 1;
  assert.equal(kept.length, 2000);
  assert.ok(ropes < 2000, `${ropes} rope strings in the heap`);
});
