// Guards a cursor-paging loop against a server that keeps saying "there is more" without moving on (an empty
// page, no cursor, or a cursor it gave before), which would otherwise loop forever.
import { ServerError } from '../errors.ts';

export interface CursorPage {
  /** Items on this page. */
  count: number;
  /** Cursor to ask for the page after this one. */
  cursor: string | undefined;
  hasNextPage: boolean;
}

export class PageGuard {
  private readonly seen = new Set<string>();
  private readonly server: string;
  private readonly what: string;

  /** `server` and `what` name the listing in the error: `W&B`, `the runs of 'e/p'`. */
  constructor(server: string, what: string) {
    this.server = server;
    this.what = what;
  }

  /** Returns the cursor for the next request, or undefined when paging is complete. */
  next(page: CursorPage): string | undefined {
    if (!page.hasNextPage) return undefined;
    if (page.count === 0 || page.cursor === undefined || this.seen.has(page.cursor)) {
      throw new ServerError(
        `Unexpected answer from ${this.server} for ${this.what}: hasNextPage is true but the page does not advance (no edges, no cursor, or a repeated cursor).`,
      );
    }
    this.seen.add(page.cursor);
    return page.cursor;
  }
}
