#!/usr/bin/env node
// The CLI (dist/cli.js, bin `download-experiment-files`): the action's inputs as flags, the same job, and
// terminal output instead of workflow outputs.
import './require-node.ts';
import { errorMessage, InputError, isVariableName, redact, registerSecret } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { StoppedEarlyError } from '../core/pipeline.ts';
import { referencesNote } from '../core/report/describe.ts';
import { cancelOnSignals } from '../job/cancellation.ts';
import { limitHeapGrowth } from '../job/heap-limits.ts';
import { readSettings, runJob, secretVariables, SOURCES, type JobReport } from '../job/job.ts';
import { judge } from '../job/verdict.ts';
import { VERSION } from '../version.ts';
import { ExitCode, exitCodeFor } from './exit-codes.ts';
import { buildProgram, flagReader, registerFlagSecrets, switches } from './options.ts';
import { renderPlanTable } from './plan-table.ts';
import { createTerminalProgress } from './terminal-progress.ts';

/** References named one per line on the terminal; the manifest lists them all. */

const log: Logger = {
  debug: (m) => {
    if (process.env.DEBUG_DOWNLOAD_EXPERIMENT_FILES) process.stderr.write(`debug: ${m}\n`);
  },
  info: (m) => process.stderr.write(`${m}\n`),
  warning: (m) => process.stderr.write(`warning: ${m}\n`),
  error: (m) => process.stderr.write(`error: ${m}\n`),
};

export async function main(argv: string[]): Promise<number> {
  for (const variable of secretVariables()) {
    const value = process.env[variable]?.trim();
    if (value) registerSecret(value);
  }
  registerFlagSecrets(argv);
  const program = buildProgram(VERSION, SOURCES);
  program.exitOverride();
  // Commander quotes what it could not read (`unknown option '--api_token=…'`): never a credential.
  program.configureOutput({ writeErr: (text) => process.stderr.write(redact(text)) });
  try {
    program.parse(argv);
  } catch (error) {
    const code = (error as { exitCode?: number }).exitCode;
    return code === 0 ? ExitCode.ok : ExitCode.invalidInput;
  }
  const opts = program.opts<Record<string, unknown>>();
  const out = switches(opts);
  const cancellation = cancelOnSignals((message) => log.warning(message));
  try {
    const settings = readSettings(flagReader(opts), { env: process.env, baseDirectory: process.cwd() });
    log.info(`Resolving ${settings.source.description}`);
    const progress = createTerminalProgress(out.progress && !settings.dryRun);
    let report: JobReport;
    try {
      report = await runJob(settings, {
        log,
        signal: cancellation.signal,
        onResolved: (n) => progress.start(n),
        onResult: (r) => progress.add(r),
      });
    } finally {
      progress.stop();
    }
    const t = report.manifest.totals;
    if (out.json) process.stdout.write(`${JSON.stringify(report.manifest, null, 1)}\n`);
    else if (settings.dryRun) process.stdout.write(`${renderPlanTable(report.manifest, settings.source.labels)}\n`);
    log.info(
      `${settings.dryRun ? `${t.planned} files planned` : `${t.downloaded} downloaded, ${t.skipped} already present`}, ${t.missing} missing, ${t.failed} failed${referencesNote(t.reference)}. Manifest: ${settings.manifestPath}`,
    );
    const verdict = judge(settings, report.manifest);
    for (const f of verdict.missingFiles) log.warning(`missing in storage: ${f} (the tracker lists it, the storage has no such file)`);
    if (verdict.moreMissing > 0) log.warning(`… and ${verdict.moreMissing} more missing files (see the manifest)`);
    for (const line of verdict.references) log.warning(line);
    if (verdict.moreReferences > 0) log.warning(`… and ${verdict.moreReferences} more (see the manifest).`);
    for (const line of verdict.failedFiles) log.error(line);
    // if-no-files-found ignore: nothing to say on the terminal.
    if (verdict.noFiles && verdict.noFiles.level !== 'info') log[verdict.noFiles.level](verdict.noFiles.message);
    return verdict.failed ? ExitCode.incomplete : ExitCode.ok;
  } catch (error) {
    const cause = error instanceof StoppedEarlyError ? error.cause : error;
    const manifestError = error instanceof StoppedEarlyError ? error.report.manifestError : undefined;
    if (manifestError !== undefined && manifestError !== cause) log.warning(errorMessage(manifestError));
    // A flag the user typed is named as typed (`--backend`), not as the action's input.
    const shown =
      cause instanceof InputError && !isVariableName(cause.input) ? redact(`--${cause.input}: ${cause.detail}`) : errorMessage(cause);
    log.error(shown);
    return exitCodeFor(cause);
  } finally {
    cancellation.dispose();
  }
}

limitHeapGrowth();
process.exitCode = await main(process.argv);
