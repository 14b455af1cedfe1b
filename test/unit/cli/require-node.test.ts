// The CLI's Node.js version check, and the bundled CLI on an older Node when the machine has one.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { nodeVersionProblem } from '../../../src/cli/require-node.ts';

const CLI = path.resolve(import.meta.dirname, '../../../dist/cli.js');

/** A Node.js older than 24 on this machine (the system one), if there is any. */
function olderNode(): string | undefined {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    try {
      const version = execFileSync(candidate, ['--version'], { encoding: 'utf8' }).trim();
      if (Number(version.slice(1).split('.')[0]) < 24) return candidate;
    } catch {
      // not there
    }
  }
  return undefined;
}

describe('the Node.js version the CLI needs', () => {
  it('says which Node it needs, and how to get it, on Node below 24 only', () => {
    assert.match(
      nodeVersionProblem('v20.20.2') ?? '',
      /^download-experiment-files needs Node\.js 24 or later; this is Node\.js v20\.20\.2\. Install Node\.js 24/,
    );
    assert.match(nodeVersionProblem('v22.1.0') ?? '', /this is Node\.js v22\.1\.0/);
    assert.equal(nodeVersionProblem('v24.0.0'), undefined);
    assert.equal(nodeVersionProblem('v25.2.1'), undefined);
  });

  it('the bundled dist/cli.js on an older Node: that message and exit 2, not a TypeError', (t) => {
    const node = olderNode();
    if (node === undefined) return t.skip('no Node.js below 24 on this machine');
    const run = spawnSync(node, [CLI, '--version'], { encoding: 'utf8' });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^error: download-experiment-files needs Node\.js 24 or later/);
    assert.doesNotMatch(run.stderr, /TypeError/);
  });
});
