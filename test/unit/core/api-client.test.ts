// The API client's handling of network failures (docs/reliability.md, "Failure classes"): what is retried, how
// often, and what the final message says. A dispatcher that fails every request in a chosen way stands in for the
// network, so the attempts are counted exactly.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Agent, type Dispatcher } from 'undici';
import { UserFacingError, ServerError } from '../../../src/core/errors.ts';
import { ApiClient } from '../../../src/core/http/api-client.ts';
import { silentLogger } from '../../../src/core/logger.ts';

/** A dispatcher whose every request fails with `error` before any answer; counts the requests. */
class FailingDispatcher extends Agent {
  count = 0;
  private readonly make: () => Error;
  constructor(make: () => Error) {
    super();
    this.make = make;
  }
  override dispatch(_options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    this.count += 1;
    const controller = { abort: () => {}, pause: () => {}, resume: () => {}, paused: false, aborted: false, reason: null };
    // undici 8's handler API; `onError` is the older one some wrappers still implement.
    const legacy = handler as { onError?: (error: Error) => void };
    queueMicrotask(() => {
      if (handler.onResponseError) handler.onResponseError(controller as unknown as Dispatcher.DispatchController, this.make());
      else legacy.onError?.(this.make());
    });
    return true;
  }
}

const errno = (code: string, message: string): Error => Object.assign(new Error(message), { code });
const retry = { maxAttempts: 8, baseDelayMs: 1, maxDelayMs: 2, maxTotalWaitMs: 1000 };

async function failure(make: () => Error): Promise<{ error: unknown; attempts: number }> {
  const dispatcher = new FailingDispatcher(make);
  const api = new ApiClient({ dispatcher, retry, signal: new AbortController().signal, log: silentLogger });
  const error = await api.request({ endpoint: 'search', method: 'GET', url: 'http://tracker.example:8080/api' }).then(
    () => undefined,
    (e: unknown) => e,
  );
  await dispatcher.close();
  return { error, attempts: dispatcher.count };
}

describe('ApiClient network failures', () => {
  it('a name that does not resolve: no retry, a message that names api-url', async () => {
    const { error, attempts } = await failure(() => errno('ENOTFOUND', 'getaddrinfo ENOTFOUND tracker.example'));
    assert.equal(attempts, 1);
    assert.ok(error instanceof UserFacingError && error.code === 'NETWORK');
    assert.match(
      (error as Error).message,
      /The search request cannot reach tracker\.example:8080: the name does not resolve \(ENOTFOUND\)\. Check the server address \(api-url\)/,
    );
  });

  it('a refused connection to a server never reached: 3 attempts, then a message that names api-url', async () => {
    const { error, attempts } = await failure(() =>
      errno('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.9:8080 - Local (undefined:undefined)'),
    );
    assert.equal(attempts, 3);
    assert.ok(error instanceof ServerError);
    assert.match(
      (error as Error).message,
      /kept failing \(3 attempts.*last answer: connect ECONNREFUSED 10\.0\.0\.9:8080\. Nothing accepts connections at tracker\.example:8080: check the server address \(api-url\)/,
    );
    assert.doesNotMatch((error as Error).message, /undefined:undefined/);
  });

  it('too many open files: retried within the budget, and the message says what to change', async () => {
    const { error, attempts } = await failure(() => errno('EMFILE', 'connect EMFILE 10.0.0.9:8080 - Local (undefined:undefined)'));
    assert.equal(attempts, 8);
    assert.match((error as Error).message, /Too many open files: lower 'concurrency' or raise the open-file limit \(ulimit -n\)/);
  });

  it('any other failure before an answer: one attempt, the cause in a network error', async () => {
    const { error, attempts } = await failure(() =>
      Object.assign(new Error('Headers Overflow Error'), { code: 'UND_ERR_HEADERS_OVERFLOW' }),
    );
    assert.equal(attempts, 1);
    assert.ok(error instanceof UserFacingError && error.code === 'NETWORK');
    assert.match((error as Error).message, /The search request to tracker\.example:8080 failed: Headers Overflow Error/);
  });
});
