// Paging rules (wandb.md §2.2): the last edge's cursor, stop on hasNextPage false, and no endless loops on a
// server that claims more pages without moving on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServerError } from '../../../src/core/errors.ts';
import { readRelayPage, type RelayPage } from '../../../src/backends/wandb/graphql/relay-pages.ts';
import { PageGuard } from '../../../src/core/paging/page-guard.ts';

/** The guard's view of a relay page, as the W&B listings hand it over. */
const guarded = (page: RelayPage) => ({ ...page, count: page.nodes.length });

describe('readRelayPage / PageGuard', () => {
  it("uses the last edge's cursor, not pageInfo.endCursor", () => {
    const page = readRelayPage(
      {
        edges: [
          { node: 1, cursor: 'a' },
          { node: 2, cursor: 'b' },
        ],
        pageInfo: { endCursor: 'zzz', hasNextPage: true },
      },
      'x',
    );
    assert.deepEqual(page, { nodes: [1, 2], cursor: 'b', hasNextPage: true });
    assert.equal(new PageGuard('W&B', 'x').next(guarded(page)), 'b');
  });

  it('falls back to endCursor when edges carry none, and stops on hasNextPage false', () => {
    const page = readRelayPage({ edges: [{ node: 1 }], pageInfo: { endCursor: 'e', hasNextPage: false } }, 'x');
    assert.equal(page.cursor, 'e');
    assert.equal(new PageGuard('W&B', 'x').next(guarded(page)), undefined);
  });

  it('refuses pages that do not advance', () => {
    const progress = new PageGuard('W&B', 'the files');
    const stuck = { nodes: [1], cursor: 'c', hasNextPage: true };
    assert.equal(progress.next(guarded(stuck)), 'c');
    assert.throws(
      () => progress.next(guarded(stuck)),
      (e: unknown) => e instanceof ServerError && /W&B for the files: .*does not advance/.test(e.message),
    );
    assert.throws(() => new PageGuard('W&B', 'x').next({ count: 0, cursor: 'c', hasNextPage: true }), ServerError);
    assert.throws(() => new PageGuard('W&B', 'x').next({ count: 1, cursor: undefined, hasNextPage: true }), ServerError);
    assert.throws(() => readRelayPage({ nodes: [] }, 'x'), ServerError);
  });
});
