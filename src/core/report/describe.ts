// Human descriptions for logs, annotations and summaries: of a selection, of a file, and names made printable.
import type { NameSelector, Selection, Shard } from '../types.ts';

function names(selector: NameSelector): string {
  if (selector.kind === 'regex') return `matching /${selector.pattern}/`;
  const shown = selector.names.slice(0, 5).map((n) => `'${n}'`);
  return `${shown.join(', ')}${selector.names.length > 5 ? ` and ${selector.names.length - 5} more` : ''}`;
}

export function describeSelection(s: Selection): string {
  const parts = [`${s.backend} project '${s.project}'`];
  if (s.experiments) parts.push(`experiments ${names(s.experiments)}`);
  if (s.runs) parts.push(`runs ${names(s.runs)}`);
  if (s.filter) parts.push(`filter ${s.filter}`);
  if (s.attributes) parts.push(`${s.backend === 'neptune' ? 'attributes' : 'files'} ${names(s.attributes)}`);
  if (s.pattern) parts.push(`pattern '${s.pattern}'`);
  if (s.stepRange) parts.push(`steps ${s.stepRange.from ?? ''}:${s.stepRange.to ?? ''}`);
  if (s.tail !== undefined) parts.push(`last ${s.tail} steps`);
  return parts.join(', ');
}

export function noFilesMessage(s: Selection, shard: Shard | undefined): string {
  const where = shard ? ` in shard ${shard.index}/${shard.count}` : '';
  return `No files were found${where} for ${describeSelection(s)}. Check the names, regexes and filter (a dry run lists what matches).`;
}

/** Shows control characters (a NUL or an escape sequence in a tracker's name) as \uXXXX instead of emitting them. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `container: attribute[ step N]`, printable. */
export function describeRecord(f: { container: string; attribute: string; step: number | null }): string {
  return printable(`${f.container}: ${f.attribute}${f.step === null ? '' : ` step ${f.step}`}`);
}
