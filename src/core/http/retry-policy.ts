// When to try again and how long to wait: exponential back-off with full jitter, Retry-After honoured
// (delta-seconds or HTTP-date, RFC 9110 §10.2.3), and a cap on both attempts and total waiting time.

export interface RetryPolicy {
  /** Attempts per request or file, the first included. */
  maxAttempts: number;
  /** First back-off ceiling; doubles each attempt. */
  baseDelayMs: number;
  /** Ceiling of one computed back-off (a server's Retry-After may ask for more, within the total budget). */
  maxDelayMs: number;
  /** Total time one request or file may spend waiting between attempts. */
  maxTotalWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxTotalWaitMs: 180_000,
};

/** Statuses that mean "try again later" for any HTTP peer. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status <= 599);
}

/** Parses a Retry-After value into milliseconds from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // HTTP-date (IMF-fixdate, or the obsolete RFC 850 / asctime forms Date.parse also reads).
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** Full-jitter exponential back-off (AWS architecture blog): uniform in [0, min(cap, base·2^(n-1))]. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Tracks one request's (or one file's) attempts and waiting. `next()` returns how long to wait before the
 * next attempt, or undefined when the attempt cap or the waiting budget says stop.
 */
export class RetryBudget {
  private attempts = 0;
  private waited = 0;
  private readonly policy: RetryPolicy;
  private readonly random: () => number;
  private maxAttempts: number;

  constructor(policy: RetryPolicy, random: () => number = Math.random) {
    this.policy = policy;
    this.random = random;
    this.maxAttempts = policy.maxAttempts;
  }

  /** Counts an attempt that is about to start. */
  begin(): number {
    this.attempts += 1;
    return this.attempts;
  }

  /** Lowers this request's attempt cap (never raises it above the policy's). */
  limitAttempts(max: number): void {
    this.maxAttempts = Math.min(this.maxAttempts, Math.max(1, max));
  }

  get attemptCount(): number {
    return this.attempts;
  }

  get totalWaitMs(): number {
    return this.waited;
  }

  next(retryAfterMs?: number): number | undefined {
    if (this.attempts >= this.maxAttempts) return undefined;
    const delay = retryAfterMs ?? backoffDelay(this.attempts, this.policy, this.random);
    if (this.waited + delay > this.policy.maxTotalWaitMs) return undefined;
    this.waited += delay;
    return delay;
  }
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
