// A counting semaphore: at most `max` tasks run at once, the rest wait in arrival order.

export class Limiter {
  private readonly max: number;
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(max: number) {
    this.max = Math.max(1, max);
  }

  get running(): number {
    return this.active;
  }

  get idle(): boolean {
    return this.active < this.max;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active += 1;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so `active` only drops when nobody waits.
      if (next !== undefined) next();
      else this.active -= 1;
    }
  }
}
