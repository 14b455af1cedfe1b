// Knobs for unusual networks, read from environment variables (documented in README "Tuning"): how often and
// how long to retry, and when a silent connection counts as stalled. Defaults suit runners talking to clouds.
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../core/http/retry-policy.ts';
import { DEFAULT_TRANSPORT, type TransportSettings } from '../core/http/dispatcher.ts';
import { InputError } from '../core/errors.ts';

export interface Tuning {
  retry: RetryPolicy;
  transport: TransportSettings;
}

const PREFIX = 'DOWNLOAD_EXPERIMENT_FILES_';

export function readTuning(env: NodeJS.ProcessEnv, concurrency: number): Tuning {
  const num = (name: string, fallback: number, min: number): number => {
    const raw = env[PREFIX + name]?.trim();
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) throw new InputError(PREFIX + name, `'${raw}' is not a number ≥ ${min}.`);
    return n;
  };
  return {
    retry: {
      maxAttempts: num('MAX_ATTEMPTS', DEFAULT_RETRY_POLICY.maxAttempts, 1),
      baseDelayMs: num('RETRY_BASE_MS', DEFAULT_RETRY_POLICY.baseDelayMs, 0),
      maxDelayMs: num('RETRY_MAX_DELAY_MS', DEFAULT_RETRY_POLICY.maxDelayMs, 0),
      maxTotalWaitMs: num('RETRY_MAX_TOTAL_WAIT_MS', DEFAULT_RETRY_POLICY.maxTotalWaitMs, 0),
    },
    transport: {
      connectionsPerOrigin: Math.max(concurrency, 4),
      headersTimeoutMs: num('READ_TIMEOUT_MS', DEFAULT_TRANSPORT.headersTimeoutMs, 100),
      bodyTimeoutMs: num('READ_TIMEOUT_MS', DEFAULT_TRANSPORT.bodyTimeoutMs, 100),
      connectTimeoutMs: num('CONNECT_TIMEOUT_MS', DEFAULT_TRANSPORT.connectTimeoutMs, 100),
    },
  };
}
