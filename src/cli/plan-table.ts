// The dry-run plan as a plain-text table: where each file would go, its size and status.
import type { Manifest } from '../core/report/manifest.ts';
import type { SourceLabels } from '../core/source.ts';
import { formatBytes } from '../core/report/progress.ts';

export function renderPlanTable(manifest: Manifest, labels: SourceLabels, maxRows = 200): string {
  const rows = manifest.files.map((f) => [
    f.container,
    f.attribute,
    f.step === null ? '' : String(f.step),
    f.size === null ? '?' : formatBytes(f.size),
    f.status,
    f.path ?? `(${f.error ?? 'no path'})`,
  ]);
  const header = [(manifest.files[0]?.containerKind ?? 'run').toUpperCase(), labels.item.toUpperCase(), 'STEP', 'SIZE', 'STATUS', 'PATH'];
  const shown = [header, ...rows.slice(0, maxRows)];
  const widths = header.map((_, i) => Math.min(60, Math.max(...shown.map((r) => (r[i] ?? '').length))));
  const line = (r: string[]): string =>
    r
      .map((c, i) =>
        i === r.length - 1 ? c : c.length > (widths[i] ?? 0) ? `${c.slice(0, (widths[i] ?? 1) - 1)}…` : c.padEnd(widths[i] ?? 0),
      )
      .join('  ');
  const out = shown.map(line);
  if (rows.length > maxRows) out.push(`… and ${rows.length - maxRows} more (see the manifest)`);
  return out.join('\n');
}
