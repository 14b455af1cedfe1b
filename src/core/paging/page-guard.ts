// Guards a paging loop against a server that keeps saying "there is more" without end: an empty page, no
// cursor, a cursor it gave before, or — with fresh cursors every time — more items than the total it reported
// for the listing (W&B's fileCount and runCount, Neptune's matching item count, or what can exist at most).
// Without any total, a listing still ends after MAX_ITEMS items or MAX_PAGES pages.
import { ServerError } from '../errors.ts';

export interface CursorPage {
  /** Items on this page. */
  count: number;
  /** Cursor to ask for the page after this one. */
  cursor: string | undefined;
  hasNextPage: boolean;
  /** How many items the server says the whole listing has, when it says (the latest page's word counts). */
  total?: number;
}

/** Items and pages of one listing at the most when the server reports no total. */
export const MAX_ITEMS = 10_000_000;
export const MAX_PAGES = 200_000;

export class PageGuard {
  private readonly seen = new Set<string>();
  private items = 0;
  private pages = 0;
  private readonly server: string;
  private readonly what: string;

  /** `server` and `what` name the listing in the error: `W&B`, `the runs of 'e/p'`. */
  constructor(server: string, what: string) {
    this.server = server;
    this.what = what;
  }

  /** Returns the cursor for the next request, or undefined when paging is complete. */
  next(page: CursorPage): string | undefined {
    this.items += page.count;
    this.pages += 1;
    if (!page.hasNextPage) return undefined;
    if (page.count === 0 || page.cursor === undefined || this.seen.has(page.cursor)) {
      throw this.endless('hasNextPage is true but the page does not advance (no edges, no cursor, or a repeated cursor)');
    }
    // At the total, one more page may come (an empty last one); past it, the listing does not end.
    if (page.total !== undefined && this.items > page.total) {
      throw this.endless(
        `it reported ${page.total} items in all, listed ${this.items} over ${this.pages} pages and still says there are more`,
      );
    }
    if (this.pages >= MAX_PAGES || this.items >= MAX_ITEMS) {
      throw this.endless(`it still says there are more after ${this.items} items in ${this.pages} pages`);
    }
    this.seen.add(page.cursor);
    return page.cursor;
  }

  /** Offset paging (no cursors): the same bounds, for a server that keeps sending full pages. */
  nextOffset(page: { count: number; full: boolean; total?: number }): boolean {
    this.items += page.count;
    this.pages += 1;
    if (!page.full) return false;
    if (page.total !== undefined && this.items >= page.total && page.count > 0) {
      // A full last page is normal (one more, empty page follows); more than the total is not.
      if (this.items > page.total) throw this.endless(`it reported ${page.total} items in all and sent ${this.items}`);
    }
    if (this.pages >= MAX_PAGES || this.items >= MAX_ITEMS) {
      throw this.endless(`it still sends full pages after ${this.items} items in ${this.pages} pages`);
    }
    return true;
  }

  private endless(why: string): ServerError {
    return new ServerError(
      `Unexpected answer from ${this.server} for ${this.what}: ${why}; the listing was stopped. Report it to the server's operators.`,
    );
  }
}
