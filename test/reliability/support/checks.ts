// Assertions several cases share: that Retry-After was waited out, that the back-off the action recorded
// follows the retry policy, that a run ended cleanly with every file verified, and the standard expectations
// for the suite's fixtures. None bounds how long anything took: a busy machine must not fail a case.
import assert from 'node:assert/strict';
import type { MlflowFixture, NeptuneFixture, RequestLogEntry, WandbFixture } from '../../emulators/common/contracts.ts';
import type { ManifestRecord } from '../../../src/core/report/manifest.ts';
import type { FileStatus } from '../../../src/core/types.ts';
import { FILES_PER_EXPERIMENT, mlflowIndex, neptuneIndex, wandbArtifactIndex, wandbIndex } from './fixtures.ts';
import { TUNING, type ApiBackoff, type CaseRun } from './harness.ts';
import type { Expectation } from './verify.ts';

/** Timer and clock slack on a loaded 2-core machine. */
const SLACK_MS = 60;

const pathOf = (e: RequestLogEntry): string => e.path.split('?')[0] ?? '';
/**
 * The same request sent again: endpoint, path and body size. The size tells a retry from another request to
 * the same path running at the same time (two Neptune signing batches in flight are both `POST …/signedUrl`).
 */
const sameRequest = (a: RequestLogEntry, b: RequestLogEntry): boolean =>
  a.target === b.target &&
  a.endpoint === b.endpoint &&
  pathOf(a) === pathOf(b) &&
  a.headers['content-length'] === b.headers['content-length'];

/**
 * For every answer with `status` in the run (of `target`), the next request of the same endpoint and path came
 * no earlier than `notBefore(answer)` (epoch ms). Returns how many such answers were checked.
 */
export function assertWaited(
  run: CaseRun,
  target: RequestLogEntry['target'],
  status: number,
  notBefore: (e: RequestLogEntry) => number,
): number {
  const hits = run.requests.filter((e) => e.target === target && e.status === status);
  for (const hit of hits) {
    const next = run.requests.slice(run.requests.indexOf(hit) + 1).find((e) => sameRequest(e, hit));
    assert.ok(next, `no retry after the ${status} of ${target} ${hit.endpoint} ${pathOf(hit)}`);
    const earliest = notBefore(hit);
    assert.ok(
      next.at >= earliest - SLACK_MS,
      `${target} ${hit.endpoint}: retried ${next.at - hit.at} ms after a ${status} that asked to wait until +${earliest - hit.at} ms`,
    );
  }
  return hits.length;
}

/**
 * The suite's back-off ceiling before attempt n+1 (src/core/http/retry-policy.ts backoffDelay with the harness
 * TUNING): min(RETRY_MAX_DELAY_MS, RETRY_BASE_MS · 2^(n-1)); the jittered wait is below it.
 */
export function backoffCeiling(attempt: number): number {
  const base = Number(TUNING.DOWNLOAD_EXPERIMENT_FILES_RETRY_BASE_MS);
  const cap = Number(TUNING.DOWNLOAD_EXPERIMENT_FILES_RETRY_MAX_DELAY_MS);
  return Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
}

/**
 * Every API back-off the action recorded (of `endpoint`, or all) is a jittered wait under the policy's
 * ceiling for its attempt: no server asked for more, so none may wait longer. Returns the back-offs checked.
 */
export function assertJitteredBackoffs(run: CaseRun, endpoint?: string): ApiBackoff[] {
  const backoffs = run.apiBackoffs.filter((b) => endpoint === undefined || b.endpoint === endpoint);
  for (const b of backoffs) {
    assert.ok(
      b.waitMs >= 0 && b.waitMs <= backoffCeiling(b.attempt),
      `${b.endpoint}: waited ${b.waitMs} ms after attempt ${b.attempt}; the policy allows at most ${backoffCeiling(b.attempt)} ms`,
    );
  }
  return backoffs;
}

/** An HTTP-date `seconds` (rounded up to a whole second) from now, and that instant in epoch ms. */
export function httpDateIn(seconds: number): { header: string; at: number } {
  const at = Math.ceil((Date.now() + seconds * 1000) / 1000) * 1000;
  return { header: new Date(at).toUTCString(), at };
}

export function assertSucceeded(run: CaseRun): void {
  assert.equal(run.code, 0, `exit code (stdout tail: ${run.stdout.slice(-1500)}; stderr: ${run.stderr.slice(-800)})`);
  assert.deepEqual(run.errors, [], 'error annotations');
}

const missingByName = (record: ManifestRecord): FileStatus =>
  record.attribute === 'artifacts/lost.bin' || record.attribute === 'broken/lost.bin' || record.attribute === 'lost/weights.bin'
    ? 'missing'
    : 'downloaded';

/** Every file of the (only) Neptune project of `fixture`, all experiments selected. */
export function neptuneExpectation(fixture: NeptuneFixture, extra: Partial<Expectation> = {}): Expectation {
  const project = fixture.projects[0];
  assert.ok(project);
  let files = project.runs.reduce(
    (n, r) =>
      n +
      Object.values(r.attributes).reduce((m, a) => m + (a.type === 'fileRefSeries' ? a.points.length : a.type === 'fileRef' ? 1 : 0), 0),
    0,
  );
  files += project.generatedRuns?.count ?? 0;
  return { index: neptuneIndex(fixture), files, status: missingByName, ...extra };
}

export function wandbExpectation(fixture: WandbFixture, extra: Partial<Expectation> = {}): Expectation {
  const index = wandbIndex(fixture);
  return { index, files: index.size, status: missingByName, ...extra };
}

export { FILES_PER_EXPERIMENT };

export function mlflowExpectation(fixture: MlflowFixture, extra: Partial<Expectation> = {}): Expectation {
  const index = mlflowIndex(fixture);
  return { index, files: index.size, status: missingByName, ...extra };
}

/** Every entry of every version of the artifact fixture; `lost.bin` is missing. */
export function wandbArtifactExpectation(fixture: WandbFixture, extra: Partial<Expectation> = {}): Expectation {
  const index = wandbArtifactIndex(fixture);
  return { index, files: index.size, status: (r) => (r.attribute === 'lost.bin' ? 'missing' : 'downloaded'), ...extra };
}
