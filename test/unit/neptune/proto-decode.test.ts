// decodeAnswer's strings: invalid UTF-8 refused as the client refuses it (that they are flat, not ropes of small
// pieces, is checked on a heap snapshot in proto-decode-heap.test.ts). The answers are encoded with the emulator's
// copy of the messages; test/unit/neptune/proto-wire.test.ts checks the field numbers against hand-written bytes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeAnswer, QueryAttributesResultSchema } from '../../../src/backends/neptune/api/proto.ts';
import { answer, fileRef, PATH } from './proto-answer.ts';

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
