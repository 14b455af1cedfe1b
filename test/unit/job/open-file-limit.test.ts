// The open-file limit read from /proc/self/limits and the concurrency that fits it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { concurrencyWithin, readOpenFileLimit } from '../../../src/job/open-file-limit.ts';

const limits = (soft: string, hard: string) =>
  `Limit                     Soft Limit           Hard Limit           Units     \nMax file size             unlimited            unlimited            bytes     \nMax open files            ${soft.padEnd(20)} ${hard.padEnd(20)} files     \n`;

describe('open-file limit', () => {
  it('reads the soft limit, and nothing when unlimited or unreadable', () => {
    assert.equal(
      readOpenFileLimit(() => limits('64', '1048576')),
      64,
    );
    assert.equal(
      readOpenFileLimit(() => limits('unlimited', 'unlimited')),
      undefined,
    );
    assert.equal(
      readOpenFileLimit(() => {
        throw new Error('ENOENT');
      }),
      undefined,
    );
  });

  it('lowers the concurrency to what fits (4 descriptors a file, 32 kept), never below 1', () => {
    assert.equal(concurrencyWithin(32, 64), 8);
    assert.equal(concurrencyWithin(32, 20_000), 32);
    assert.equal(concurrencyWithin(32, 16), 1);
    assert.equal(concurrencyWithin(32, undefined), 32);
  });
});
