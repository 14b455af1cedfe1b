// Signed URLs ahead of the downloads. The client signs 200 files per request, one request at a time, before it
// downloads them (neptune.md §7.1, §10). Here signing follows the download order given to `prepare`, cut into
// blocks of the batch size: the first file of a block that needs a URL is signed together with the rest of its
// block, and once half of a batch has been handed out the next block is signed in the background, so signing
// overlaps downloads. Downloads start while resolution goes on, so `prepare` is called once per resolved page
// and each call's files are cut into blocks of their own: one partial block per page (the default search page
// holds 10,000 runs), so the request count depends only on the pages, never on timing.
// At most `maxInFlight` signing requests run at once; a renewal (expired URL) re-signs just that file.
import { Limiter } from '../../../core/concurrency/limiter.ts';
import type { SignedUrl, Signer, SignTarget } from '../api/storage-bridge.ts';

export interface SigningSchedulerOptions {
  batchSize: number;
  /** Signing requests at once (default 2). */
  maxInFlight?: number;
  /** Handed-out URLs kept for retries of the same file without renewal (default max(1000, 4 batches)). */
  recentCapacity?: number;
}

interface Batch {
  size: number;
  lastIndex: number;
  handedOut: number;
  prefetched: boolean;
}

type Entry = { state: 'pending'; promise: Promise<void>; batch: Batch } | { state: 'signed'; signed: SignedUrl; batch: Batch };

const keyOf = (target: SignTarget): string => `${target.projectIdentifier}\u0000${target.path}`;

export class SigningScheduler {
  private readonly signer: Signer;
  private readonly batchSize: number;
  private readonly recentCapacity: number;
  private readonly limiter: Limiter;
  /** Download order (distinct keys) and where each key sits in it. */
  private order: string[] = [];
  private readonly indexOf = new Map<string, number>();
  private readonly targets = new Map<string, SignTarget>();
  /** 1 where a signing request already covered (or covers) the key at that index. */
  private scheduled = new Uint8Array(0);
  private firstUnscheduled = 0;
  /** Where each prepare() call's keys begin in `order`: blocks never span two calls. */
  private readonly segmentStarts: number[] = [];
  /** Signed or being signed, not yet handed out. */
  private readonly entries = new Map<string, Entry>();
  /** Handed out, most recent last. */
  private readonly recent = new Map<string, SignedUrl>();
  /** Signing requests sent (tests, statistics). */
  requests = 0;

  constructor(signer: Signer, options: SigningSchedulerOptions) {
    this.signer = signer;
    this.batchSize = Math.max(1, options.batchSize);
    this.recentCapacity = options.recentCapacity ?? Math.max(1000, 4 * this.batchSize);
    this.limiter = new Limiter(options.maxInFlight ?? 2);
  }

  prepare(targets: readonly SignTarget[]): void {
    if (this.segmentStarts.at(-1) !== this.order.length) this.segmentStarts.push(this.order.length);
    for (const target of targets) {
      const key = keyOf(target);
      if (this.indexOf.has(key)) continue;
      this.indexOf.set(key, this.order.length);
      this.order.push(key);
      this.targets.set(key, target);
    }
    // Downloads prepare page by page while resolution goes on: grow by doubling, not by each page.
    if (this.scheduled.length < this.order.length) {
      const scheduled = new Uint8Array(Math.max(this.order.length, 2 * this.scheduled.length));
      scheduled.set(this.scheduled);
      this.scheduled = scheduled;
    }
  }

  async get(target: SignTarget, renew: boolean): Promise<SignedUrl> {
    const key = keyOf(target);
    if (renew) {
      this.recent.delete(key);
      return this.signAlone(key, target);
    }
    // A few rounds: waiting for a batch may end with another caller having taken the URL already.
    for (let round = 0; round < 4; round += 1) {
      const known = this.recent.get(key);
      if (known !== undefined) {
        this.remember(key, known);
        return known;
      }
      const entry = this.entries.get(key);
      if (entry?.state === 'signed') return this.handOut(key, entry);
      if (entry?.state === 'pending') {
        await entry.promise;
        continue;
      }
      const index = this.indexOf.get(key);
      if (index === undefined) break;
      this.startBatch(this.collect(index));
    }
    return this.signAlone(key, target);
  }

  private async signAlone(key: string, target: SignTarget): Promise<SignedUrl> {
    const [signed] = await this.limiter.run(() => this.send([target]));
    if (signed === undefined) throw new Error('the signer returned no URL');
    this.remember(key, signed);
    return signed;
  }

  private send(targets: readonly SignTarget[]): Promise<SignedUrl[]> {
    this.requests += 1;
    return this.signer(targets);
  }

  private handOut(key: string, entry: Extract<Entry, { state: 'signed' }>): SignedUrl {
    this.entries.delete(key);
    this.remember(key, entry.signed);
    entry.batch.handedOut += 1;
    this.maybePrefetch(entry.batch);
    return entry.signed;
  }

  private remember(key: string, signed: SignedUrl): void {
    this.recent.delete(key);
    this.recent.set(key, signed);
    if (this.recent.size > this.recentCapacity) {
      const oldest = this.recent.keys().next();
      if (oldest.done !== true) this.recent.delete(oldest.value);
    }
  }

  /**
   * The key at `index` plus the other unscheduled keys of its block: each prepared page cut into blocks of the
   * batch size, as the client cuts its file list (§7.1). Blocks keep the request count at ceil(page / batch) per
   * page even when concurrent downloads ask for their URLs slightly out of order.
   */
  private collect(index: number): number[] {
    const picked = [index];
    this.scheduled[index] = 1;
    const [segmentStart, segmentEnd] = this.segmentOf(index);
    const start = index - ((index - segmentStart) % this.batchSize);
    const end = Math.min(start + this.batchSize, segmentEnd);
    for (let i = start; i < end; i += 1) {
      if (this.scheduled[i] === 1) continue;
      const key = this.order[i] as string;
      if (this.entries.has(key) || this.recent.has(key)) continue;
      this.scheduled[i] = 1;
      picked.push(i);
    }
    while (this.firstUnscheduled < this.order.length && this.scheduled[this.firstUnscheduled] === 1) this.firstUnscheduled += 1;
    return picked;
  }

  /** The prepare() call that brought the key at `index`: [its first index, the next call's first index). */
  private segmentOf(index: number): [number, number] {
    const starts = this.segmentStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= index) lo = mid;
      else hi = mid - 1;
    }
    return [starts[lo] ?? 0, starts[lo + 1] ?? this.order.length];
  }

  private startBatch(indexes: number[]): void {
    const keys = indexes.map((i) => this.order[i] as string);
    const batch: Batch = { size: keys.length, lastIndex: Math.max(...indexes), handedOut: 0, prefetched: false };
    const promise = this.limiter
      .run(() => this.send(keys.map((k) => this.targets.get(k) as SignTarget)))
      .then(
        (signed) => {
          keys.forEach((key, i) => {
            const entry = this.entries.get(key);
            const url = signed[i];
            if (entry?.state === 'pending' && entry.batch === batch && url !== undefined)
              this.entries.set(key, { state: 'signed', signed: url, batch });
          });
        },
        (error: unknown) => {
          // Forget the batch so that a later request signs these files again.
          indexes.forEach((index, i) => {
            const key = keys[i] as string;
            const entry = this.entries.get(key);
            if (entry?.state === 'pending' && entry.batch === batch) this.entries.delete(key);
            this.scheduled[index] = 0;
            this.firstUnscheduled = Math.min(this.firstUnscheduled, index);
          });
          throw error;
        },
      );
    // A background batch nobody waits for must not become an unhandled rejection; waiters still see the error.
    promise.catch(() => {});
    for (const key of keys) this.entries.set(key, { state: 'pending', promise, batch });
  }

  /** Signs the batch after `batch` once half of it is handed out, if a signing slot is free. */
  private maybePrefetch(batch: Batch): void {
    if (batch.prefetched || batch.handedOut * 2 < batch.size || !this.limiter.idle) return;
    batch.prefetched = true;
    let next = Math.max(batch.lastIndex + 1, this.firstUnscheduled);
    while (next < this.order.length && this.scheduled[next] === 1) next += 1;
    if (next < this.order.length) this.startBatch(this.collect(next));
  }
}
