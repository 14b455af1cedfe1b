import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay, isRetryableStatus, parseRetryAfter, RetryBudget, type RetryPolicy } from '../../../src/core/http/retry-policy.ts';

const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000, maxTotalWaitMs: 5000 };

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-23T12:00:00Z');
  it('reads delta-seconds', () => {
    assert.equal(parseRetryAfter('3', now), 3000);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
    assert.equal(parseRetryAfter('1.5', now), 1500);
    assert.equal(parseRetryAfter(['2', '9'], now), 2000);
  });
  it('reads HTTP dates relative to now, never negative', () => {
    assert.equal(parseRetryAfter('Mon, 23 Nov 2026 12:00:05 GMT', now), 5000);
    assert.equal(parseRetryAfter('Mon, 23 Nov 2026 11:59:00 GMT', now), 0);
  });
  it('ignores what it cannot read', () => {
    for (const v of [undefined, '', '-1', 'soon', '12abc']) assert.equal(parseRetryAfter(v, now), undefined);
  });
});

describe('backoff', () => {
  it('is full jitter under an exponential ceiling with a cap', () => {
    assert.equal(
      backoffDelay(1, policy, () => 0.999999),
      99,
    );
    assert.equal(
      backoffDelay(3, policy, () => 0.999999),
      399,
    );
    assert.equal(
      backoffDelay(10, policy, () => 0.999999),
      999,
    );
    assert.equal(
      backoffDelay(5, policy, () => 0),
      0,
    );
  });
  it('classifies statuses', () => {
    for (const s of [408, 429, 500, 502, 503, 504]) assert.ok(isRetryableStatus(s), String(s));
    for (const s of [200, 400, 401, 403, 404, 501]) assert.ok(!isRetryableStatus(s), String(s));
  });
});

describe('RetryBudget', () => {
  it('stops after maxAttempts', () => {
    const budget = new RetryBudget(policy, () => 0.5);
    const waits: (number | undefined)[] = [];
    for (let i = 0; i < 5; i += 1) {
      budget.begin();
      waits.push(budget.next());
    }
    assert.deepEqual(waits, [50, 100, 200, undefined, undefined]);
  });
  it('honours Retry-After within the total wait budget', () => {
    const budget = new RetryBudget(policy, () => 0.5);
    budget.begin();
    assert.equal(budget.next(4000), 4000);
    budget.begin();
    assert.equal(budget.next(2000), undefined, 'would exceed the 5 s total');
    assert.equal(budget.totalWaitMs, 4000);
  });
});
