// limitHeapGrowth: in a process that churns through short-lived objects the way a download loop does, the young
// generation stays at its initial size with the limits and grows without them (V8 13, Node 24).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { limitHeapGrowth } from '../../../src/job/heap-limits.ts';

const MODULE = pathToFileURL(path.resolve(import.meta.dirname, '../../../src/job/heap-limits.ts')).href;

/**
 * Median new-space size (MiB) while objects survive a few scavenges each, with or without the limits (the median:
 * V8 briefly widens the space during some scavenges).
 */
function typicalNewSpaceMiB(limit: boolean): number {
  const script = `
    import v8 from 'node:v8';
    import { limitHeapGrowth } from ${JSON.stringify(MODULE)};
    if (${limit} && !limitHeapGrowth({})) throw new Error('limits not applied');
    const window = new Array(50000);
    const sizes = [];
    for (let i = 0; i < 3000000; i += 1) {
      window[i % window.length] = { i, label: 'file-' + i, parts: [i, i + 1] };
      if (i % 100000 === 0) {
        const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
        sizes.push(space.space_size);
      }
    }
    sizes.sort((a, b) => a - b);
    process.stdout.write(String(sizes[sizes.length >> 1] / 2 ** 20));
  `;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 }));
}

test('the young generation stays small with the limits, and grows without them', () => {
  const limited = typicalNewSpaceMiB(true);
  const unlimited = typicalNewSpaceMiB(false);
  assert.ok(limited <= 4, `new space reached ${limited} MiB with the limits`);
  assert.ok(unlimited > 4 * limited, `new space reached ${unlimited} MiB without the limits (${limited} with)`);
});

test('the limits are skipped when the user opts out or V8 is a version the flags were not checked on', () => {
  assert.equal(limitHeapGrowth({ DOWNLOAD_EXPERIMENT_FILES_HEAP_LIMITS: 'off' }), false);
  assert.equal(limitHeapGrowth({}, '99.1.0'), false);
});
