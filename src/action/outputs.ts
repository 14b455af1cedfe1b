// The step's outputs. `paths` is bounded: GitHub allows about 1 MB of outputs per job, so past PATHS_BUDGET
// characters the list holds only what fits, `paths-truncated` is true, and the manifest has everything.
import * as core from '@actions/core';
import type { PipelineReport } from '../core/pipeline.ts';
import { Outputs } from '../settings/common-inputs.ts';

export const PATHS_BUDGET = 256 * 1024;

export function boundedPaths(paths: readonly string[], budget: number = PATHS_BUDGET): { json: string; truncated: boolean } {
  const kept: string[] = [];
  let size = 2;
  for (const p of paths) {
    const cost = JSON.stringify(p).length + 1;
    if (size + cost > budget) return { json: JSON.stringify(kept), truncated: true };
    kept.push(p);
    size += cost;
  }
  return { json: JSON.stringify(kept), truncated: false };
}

export function setRunOutputs(report: PipelineReport, destination: string, manifestPath: string): void {
  const { totals, files } = report.manifest;
  const onDisk = files.filter((f) => f.path !== null && (f.status === 'downloaded' || f.status === 'skipped' || f.status === 'planned'));
  const paths = boundedPaths(onDisk.map((f) => f.path as string));
  if (paths.truncated) {
    core.warning(
      `The 'paths' output holds only the first paths that fit in ${PATHS_BUDGET / 1024} KiB; read the manifest (${manifestPath}) for all ${onDisk.length}.`,
    );
  }
  core.setOutput(Outputs.destination, destination);
  // Empty when the manifest could not be written (the step fails saying why).
  core.setOutput(Outputs.manifest, report.manifestError === undefined ? manifestPath : '');
  core.setOutput(Outputs.paths, paths.json);
  core.setOutput(Outputs.pathsTruncated, String(paths.truncated));
  core.setOutput(Outputs.filesCount, String(totals.downloaded + totals.skipped + totals.planned));
  core.setOutput(Outputs.bytes, String(totals.bytes));
  core.setOutput(Outputs.missingCount, String(totals.missing));
  core.setOutput(Outputs.skippedCount, String(totals.skipped));
  core.setOutput(Outputs.failedCount, String(totals.failed));
  core.setOutput(Outputs.referenceCount, String(totals.reference));
}
