// The job summary: totals, then one row per container (experiment or run) with file counts and bytes, cut
// after MAX_ROWS rows with "and N more". Cell text is escaped: @actions/core inserts it as raw HTML.
import * as core from '@actions/core';
import type { Manifest } from '../core/report/manifest.ts';
import { describeRecord, describeReference, printable, referencesNote } from '../core/report/describe.ts';
import type { ContainerKind } from '../core/types.ts';
import { formatBytes } from '../core/report/progress.ts';

export const MAX_ROWS = 50;
const MAX_PROBLEMS = 20;

/** HTML-escaped and printable: @actions/core inserts cell text as raw HTML. */
export function escapeHtml(text: string): string {
  return printable(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

interface ContainerRow {
  files: number;
  downloaded: number;
  skipped: number;
  missing: number;
  failed: number;
  reference: number;
  bytes: number;
}

const CONTAINER_HEADINGS: Record<ContainerKind, string> = {
  experiment: 'Experiment',
  run: 'Run',
  artifact: 'Artifact',
  'model-version': 'Model version',
};

export function containerRows(manifest: Manifest): [string, ContainerRow][] {
  const rows = new Map<string, ContainerRow>();
  for (const f of manifest.files) {
    const row = rows.get(f.container) ?? { files: 0, downloaded: 0, skipped: 0, missing: 0, failed: 0, reference: 0, bytes: 0 };
    row.files += 1;
    if (f.status !== 'planned') row[f.status] += 1;
    if (f.status === 'downloaded' || f.status === 'skipped') row.bytes += f.size ?? 0;
    rows.set(f.container, row);
  }
  return [...rows.entries()];
}

export async function writeSummary(manifest: Manifest, extra: { artifact?: { name: string; url?: string } } = {}): Promise<void> {
  const t = manifest.totals;
  const kind = CONTAINER_HEADINGS[manifest.files[0]?.containerKind ?? 'run'];
  // The References column only when there are any: most sources never reference files.
  const withReferences = t.reference > 0;
  const header = [kind, 'Files', 'Downloaded', 'Skipped', 'Missing', 'Failed', ...(withReferences ? ['References'] : []), 'Bytes'].map(
    (data) => ({ data, header: true }),
  );
  const rows = containerRows(manifest);
  const table = [
    header,
    ...rows
      .slice(0, MAX_ROWS)
      .map(([name, r]) => [
        escapeHtml(name),
        ...[r.files, r.downloaded, r.skipped, r.missing, r.failed, ...(withReferences ? [r.reference] : [])].map(String),
        formatBytes(r.bytes),
      ]),
  ];
  const s = core.summary.addHeading(`Experiment files from ${escapeHtml(manifest.backend)} · ${escapeHtml(manifest.project)}`, 3);
  const shard = manifest.shard ? ` (shard ${manifest.shard})` : '';
  const verb = manifest.dryRun ? 'planned (dry run)' : 'downloaded';
  s.addRaw(
    `<p>${manifest.dryRun ? t.planned : t.downloaded} files ${verb}, ${t.skipped} already present, ${t.missing} missing, ${t.failed} failed${referencesNote(t.reference)} — ${formatBytes(t.bytes)}${shard}.</p>`,
    true,
  );
  if (rows.length > 0) s.addTable(table);
  if (rows.length > MAX_ROWS) s.addRaw(`<p>… and ${rows.length - MAX_ROWS} more.</p>`, true);
  const problems = manifest.files.filter((f) => f.status === 'failed' || f.status === 'missing');
  if (problems.length > 0) {
    const items = problems
      .slice(0, MAX_PROBLEMS)
      .map((f) => `${escapeHtml(describeRecord(f))} — ${f.status}${f.error ? `: ${escapeHtml(f.error)}` : ''}`);
    if (problems.length > MAX_PROBLEMS) items.push(`… and ${problems.length - MAX_PROBLEMS} more (see the manifest)`);
    s.addDetails('Missing and failed files', `<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>`);
  }
  const references = manifest.files.filter((f) => f.status === 'reference');
  if (references.length > 0) {
    const items = references.slice(0, MAX_PROBLEMS).map((f) => escapeHtml(describeReference(f)));
    if (references.length > MAX_PROBLEMS) items.push(`… and ${references.length - MAX_PROBLEMS} more (see the manifest)`);
    s.addDetails('References (not downloaded)', `<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>`);
  }
  if (extra.artifact) {
    const name = escapeHtml(extra.artifact.name);
    s.addRaw(`<p>Artifact: ${extra.artifact.url ? `<a href="${escapeHtml(extra.artifact.url)}">${name}</a>` : name}</p>`, true);
  }
  await s.write();
}
