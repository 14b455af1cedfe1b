#!/usr/bin/env node
// The CLI (dist/cli.js, bin `download-experiment-files`): the action's inputs as flags, the same job, and
// terminal output instead of workflow outputs.
import { errorMessage, registerSecret } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { StoppedEarlyError } from '../core/pipeline.ts';
import { describeReference, referencesNote } from '../core/report/describe.ts';
import { limitHeapGrowth } from '../job/heap-limits.ts';
import { readSettings, runJob, secretVariables, SOURCES, type JobReport } from '../job/job.ts';
import { judge } from '../job/verdict.ts';
import { VERSION } from '../version.ts';
import { ExitCode, exitCodeFor } from './exit-codes.ts';
import { buildProgram, flagReader, switches } from './options.ts';
import { renderPlanTable } from './plan-table.ts';
import { createTerminalProgress } from './terminal-progress.ts';

/** References named one per line on the terminal; the manifest lists them all. */
const MAX_REFERENCE_LINES = 10;

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
  const program = buildProgram(VERSION, SOURCES);
  program.exitOverride();
  try {
    program.parse(argv);
  } catch (error) {
    const code = (error as { exitCode?: number }).exitCode;
    return code === 0 ? ExitCode.ok : ExitCode.invalidInput;
  }
  const opts = program.opts<Record<string, unknown>>();
  const out = switches(opts);
  const controller = new AbortController();
  const onSignal = (): void => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const settings = readSettings(flagReader(opts), { env: process.env, baseDirectory: process.cwd() });
    log.info(`Resolving ${settings.source.description}`);
    const progress = createTerminalProgress(out.progress && !settings.dryRun);
    let report: JobReport;
    try {
      report = await runJob(settings, {
        log,
        signal: controller.signal,
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
    const references = report.manifest.files.filter((f) => f.status === 'reference');
    for (const f of references.slice(0, MAX_REFERENCE_LINES)) log.warning(describeReference(f));
    if (references.length > MAX_REFERENCE_LINES) log.warning(`… and ${references.length - MAX_REFERENCE_LINES} more (see the manifest).`);
    const verdict = judge(settings, report.manifest);
    for (const line of verdict.failedFiles) log.error(line);
    // if-no-files-found ignore: nothing to say on the terminal.
    if (verdict.noFiles && verdict.noFiles.level !== 'info') log[verdict.noFiles.level](verdict.noFiles.message);
    return verdict.failed ? ExitCode.incomplete : ExitCode.ok;
  } catch (error) {
    const cause = error instanceof StoppedEarlyError ? error.cause : error;
    log.error(errorMessage(cause));
    return exitCodeFor(cause);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

limitHeapGrowth();
process.exitCode = await main(process.argv);
