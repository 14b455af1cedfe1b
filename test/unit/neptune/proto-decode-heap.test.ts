// decodeAnswer's strings are flat, not ropes of small pieces (the memory of a 100,000-run resolution depended on
// it), counted on heap snapshots of this process — so it runs in a process of its own (npm test), not in the
// shared one of npm run test:unit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getHeapSnapshot } from 'node:v8';
import { answer, fileRef, PATH } from './proto-answer.ts';

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
