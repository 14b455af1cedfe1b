// The pages of one run's file listing as they arrive: buffered until read, read in order, and the listing's
// failure raised where the reader has got to. Lets downloads start on a run's first page while its later
// pages (and the next runs) are still being listed.
export class PageStream<T> implements AsyncIterable<T> {
  private readonly pages: T[] = [];
  private ended = false;
  private failure: { error: unknown } | undefined;
  private wake: (() => void) | undefined;

  push(page: T): void {
    this.pages.push(page);
    this.notify();
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  fail(error: unknown): void {
    this.failure = { error };
    this.notify();
  }

  /** Ends the stream with what `fill` pushes, or fails it with what `fill` throws. */
  static from<T>(fill: (stream: PageStream<T>) => Promise<void>): PageStream<T> {
    const stream = new PageStream<T>();
    fill(stream).then(
      () => stream.end(),
      (error: unknown) => stream.fail(error),
    );
    return stream;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      const page = this.pages.shift();
      if (page !== undefined) {
        yield page;
        continue;
      }
      if (this.failure !== undefined) throw this.failure.error;
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
