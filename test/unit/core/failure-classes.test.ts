// The failure classes of docs/reliability.md, as the code decides them for one file: the run stops only for the
// listed causes; every other error ends the file (after more attempts or at once).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AttemptError } from '../../../src/core/download/attempt-error.ts';
import { classifyFileFailure, type FileFailure } from '../../../src/core/download/failure-classes.ts';
import { AuthenticationError, CancelledError, FilesystemError } from '../../../src/core/errors.ts';

const errno = (code: string, message = `${code}: something`): NodeJS.ErrnoException => Object.assign(new Error(message), { code });
const classify = (error: unknown, aborted = false): FileFailure => classifyFileFailure(error, 'run1/model.bin', aborted);

describe('classifyFileFailure', () => {
  it('stops the run for cancellation, a full disk and a refused credential only', () => {
    for (const error of [new CancelledError(), new Error('anything'), errno('ECONNRESET')]) {
      const f = classify(error, error instanceof CancelledError ? false : true);
      assert.equal(f.scope, 'run');
      if (f.scope === 'run') assert.ok(f.error instanceof CancelledError);
    }
    for (const code of ['ENOSPC', 'EDQUOT', 'EFBIG']) {
      const f = classify(errno(code));
      assert.equal(f.scope, 'run', code);
      if (f.scope === 'run') {
        assert.ok(f.error instanceof FilesystemError);
        assert.match(f.error.message, /The disk is full .* while writing 'run1\/model\.bin'/);
      }
    }
    const refused = classify(new AttemptError('refused', 'the tracker answered HTTP 401'));
    assert.equal(refused.scope, 'run');
    if (refused.scope === 'run') assert.ok(refused.error instanceof AuthenticationError);
  });

  it('retries what another attempt may get through', () => {
    for (const error of [
      new AttemptError('transient', 'HTTP 503', { retryAfterMs: 1500 }),
      errno('ECONNRESET'),
      errno('UND_ERR_BODY_TIMEOUT'),
    ]) {
      const f = classify(error);
      assert.equal(f.scope === 'file' && f.retry, 'after-backoff', String(error));
    }
    const withRetryAfter = classify(new AttemptError('transient', 'HTTP 429', { retryAfterMs: 1500 }));
    assert.equal(withRetryAfter.scope === 'file' && withRetryAfter.retry === 'after-backoff' && withRetryAfter.retryAfterMs, 1500);
    const descriptors = classify(errno('EMFILE'));
    assert.ok(descriptors.scope === 'file' && descriptors.retry === 'after-backoff');
    assert.match(
      descriptors.scope === 'file' ? descriptors.reason : '',
      /too many open files \(EMFILE\): lower 'concurrency' or raise .*ulimit -n/,
    );
    assert.equal(classify(new AttemptError('expired', 'HTTP 403')).scope === 'file' && 'renew', 'renew');
  });

  it('ends the file at once for what no attempt can change, naming the cause', () => {
    const cases: [unknown, 'failed' | 'missing', RegExp][] = [
      [new AttemptError('missing', 'storage answered HTTP 404'), 'missing', /404/],
      [new AttemptError('fatal', 'storage answered HTTP 400'), 'failed', /400/],
      [errno('ENOTFOUND', 'getaddrinfo ENOTFOUND storage.example'), 'failed', /ENOTFOUND storage\.example/],
      [
        Object.assign(new Error('Invalid URL protocol: the URL must start with `http:` or `https:`.'), { code: 'UND_ERR_INVALID_ARG' }),
        'failed',
        /URL protocol/,
      ],
      [
        Object.assign(new Error('Headers Overflow Error'), { code: 'UND_ERR_HEADERS_OVERFLOW' }),
        'failed',
        /UND_ERR_HEADERS_OVERFLOW: Headers Overflow/,
      ],
      [new TypeError('a bug'), 'failed', /a bug/],
    ];
    for (const [error, status, reason] of cases) {
      const f = classify(error);
      assert.ok(f.scope === 'file' && f.retry === 'never', String(error));
      if (f.scope === 'file' && f.retry === 'never') {
        assert.equal(f.status, status);
        assert.match(f.reason, reason);
      }
    }
  });

  it('ends the file when its local path cannot be written, naming the path', () => {
    for (const code of ['EACCES', 'ENAMETOOLONG', 'EISDIR', 'ENOTDIR', 'ELOOP', 'EROFS']) {
      const f = classify(errno(code, `${code}: permission or name`));
      assert.ok(f.scope === 'file' && f.retry === 'never', code);
      if (f.scope === 'file' && f.retry === 'never') assert.match(f.reason, new RegExp(`^cannot write 'run1/model\\.bin': ${code}`));
    }
    const link = classify(new FilesystemError("'run1' in the destination is a symbolic link; refusing to write through it."));
    assert.ok(
      link.scope === 'file' && link.retry === 'never' && /^cannot write 'run1\/model\.bin': 'run1' .* symbolic link/.test(link.reason),
    );
  });
});
