// The paging guard: listings end even when a server keeps saying "more" (issue: 65,000 requests in 40 s).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServerError } from '../../../src/core/errors.ts';
import { MAX_ITEMS, PageGuard } from '../../../src/core/paging/page-guard.ts';

describe('PageGuard', () => {
  it('follows fresh cursors and stops when the server says there is no more', () => {
    const guard = new PageGuard('T', 'the things');
    assert.equal(guard.next({ count: 2, cursor: 'a', hasNextPage: true, total: 5 }), 'a');
    assert.equal(guard.next({ count: 2, cursor: 'b', hasNextPage: true, total: 5 }), 'b');
    assert.equal(guard.next({ count: 1, cursor: 'c', hasNextPage: false, total: 5 }), undefined);
  });

  it('allows one more page at the total (an empty last page), and refuses to go past it', () => {
    const guard = new PageGuard('T', 'the things');
    guard.next({ count: 2, cursor: 'a', hasNextPage: true, total: 4 });
    assert.equal(guard.next({ count: 2, cursor: 'b', hasNextPage: true, total: 4 }), 'b');
    assert.throws(
      () => guard.next({ count: 2, cursor: 'c', hasNextPage: true, total: 4 }),
      (e: unknown) =>
        e instanceof ServerError &&
        /T for the things: it reported 4 items in all, listed 6 over 3 pages and still says there are more/.test(e.message),
    );
  });

  it('stops a listing without a total after MAX_ITEMS items', () => {
    const guard = new PageGuard('T', 'the things');
    const perPage = 1000;
    let pages = 0;
    assert.throws(() => {
      for (;;) {
        guard.next({ count: perPage, cursor: `c${pages}`, hasNextPage: true });
        pages += 1;
      }
    }, /still says there are more after 10000000 items/);
    assert.equal(pages, MAX_ITEMS / perPage - 1);
  });

  it('bounds offset paging by the reported total', () => {
    const guard = new PageGuard('T', 'the runs');
    assert.equal(guard.nextOffset({ count: 10, full: true, total: 20 }), true);
    assert.equal(guard.nextOffset({ count: 10, full: true, total: 20 }), true, 'a full last page: one more (empty) page');
    assert.throws(() => guard.nextOffset({ count: 10, full: true, total: 20 }), /reported 20 items in all and sent 30/);
    assert.equal(new PageGuard('T', 'x').nextOffset({ count: 3, full: false }), false);
  });
});
