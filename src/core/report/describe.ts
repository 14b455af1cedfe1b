// Human descriptions for logs, annotations and summaries: of name selectors, of a file, and names made printable.
import type { NameSelector } from '../inputs/input-values.ts';
import type { Shard } from '../types.ts';

/** `'a', 'b' and 3 more` or `matching /re/`. */
export function describeNames(selector: NameSelector): string {
  if (selector.kind === 'regex') return `matching /${selector.pattern}/`;
  const shown = selector.names.slice(0, 5).map((n) => `'${n}'`);
  return `${shown.join(', ')}${selector.names.length > 5 ? ` and ${selector.names.length - 5} more` : ''}`;
}

/** `description`: the selection in words, as its source describes it. */
export function noFilesMessage(description: string, shard: Shard | undefined): string {
  const where = shard ? ` in shard ${shard.index}/${shard.count}` : '';
  return `No files were found${where} for ${description}. Check the names, regexes and filter (a dry run lists what matches).`;
}

/** Shows control characters (a NUL or an escape sequence in a tracker's name) as \uXXXX instead of emitting them. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `container: attribute[ step N]`, printable. */
export function describeRecord(f: { container: string; attribute: string; step: number | null }): string {
  return printable(`${f.container}: ${f.attribute}${f.step === null ? '' : ` step ${f.step}`}`);
}

/** `, 3 references not downloaded` when there are any, else nothing: for the totals line. */
export function referencesNote(count: number): string {
  return count === 0 ? '' : `, ${count} reference${count === 1 ? '' : 's'} not downloaded`;
}

/** One line for a file the tracker only references: what, where it points, and why it was not fetched. */
export function describeReference(f: {
  container: string;
  attribute: string;
  step: number | null;
  reference?: string;
  error: string | null;
}): string {
  return printable(`Not downloaded: ${describeRecord(f)} is a reference to ${f.reference ?? '?'}${f.error ? ` (${f.error})` : ''}.`);
}
