// Asserts that a credential never reaches anything a user or a later step can read: the step's stdout and
// stderr, its outputs, its job summary, its manifest, plus any texts a test adds (annotations, files…).
// Shared by the W&B and Neptune end-to-end tests.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

/** What the scan reads from a finished action run (test/support/action-process.ts ActionRun fits). */
export interface ScannedRun {
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

const MASK_COMMAND = '::add-mask::';
/** Shorter values would match by accident (and cannot be meaningful credentials). */
const MIN_SECRET_LENGTH = 8;

/**
 * The values the step asked the runner to mask. `core.setSecret(v)` prints `::add-mask::v` (github-actions.md
 * "Secrets, failure and logging"); the runner consumes that line and never shows it, so it is the one place
 * a secret may legitimately be in stdout.
 */
export function maskedValues(stdout: string): string[] {
  return stdout
    .split(/\r?\n/)
    .filter((line) => line.startsWith(MASK_COMMAND))
    .map((line) => line.slice(MASK_COMMAND.length));
}

function withoutMaskCommands(stdout: string): string {
  return stdout
    .split(/\r?\n/)
    .filter((line) => !line.startsWith(MASK_COMMAND))
    .join('\n');
}

/** A few characters around the hit, with the secret itself blanked, so a failure report leaks nothing either. */
function contextOf(text: string, at: number, secret: string): string {
  const from = Math.max(0, at - 60);
  const to = Math.min(text.length, at + secret.length + 60);
  return JSON.stringify(text.slice(from, to).split(secret).join('<SECRET>'));
}

/**
 * Fails when any of `secrets` (e.g. an API key and the Basic credential derived from it) appears in the run's
 * stdout (mask commands excepted), stderr, outputs, summary, the manifest file named by the `manifest` output
 * (when it exists), or one of `extraTexts`.
 */
export async function assertNoSecret(
  run: ScannedRun,
  secrets: string | readonly string[],
  extraTexts: readonly string[] = [],
): Promise<void> {
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  assert.ok(list.length > 0, 'assertNoSecret needs at least one secret');
  for (const s of list) assert.ok(s.length >= MIN_SECRET_LENGTH, `a secret to scan for must have ${MIN_SECRET_LENGTH}+ characters`);

  const sources: [string, string][] = [
    ['stdout', withoutMaskCommands(run.stdout)],
    ['stderr', run.stderr],
    ['outputs', JSON.stringify(run.outputs)],
    ['summary', run.summary],
  ];
  const manifestPath = run.outputs.manifest;
  if (manifestPath !== undefined && manifestPath !== '') {
    const text = await readFile(manifestPath, 'utf8').catch(() => undefined);
    if (text !== undefined) sources.push(['manifest', text]);
  }
  extraTexts.forEach((text, i) => sources.push([`extra text #${i}`, text]));

  for (const [where, text] of sources) {
    for (const [i, secret] of list.entries()) {
      const at = text.indexOf(secret);
      assert.ok(at < 0, `secret #${i} appears in ${where}: ${at < 0 ? '' : contextOf(text, at, secret)}`);
    }
  }
}
