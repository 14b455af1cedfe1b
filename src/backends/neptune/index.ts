// Neptune: File and File-series attributes of experiments or runs, as `neptune_query.download_files` finds and
// lays them out (docs/protocols/neptune.md).
import { describeNames } from '../../core/report/describe.ts';
import type { SourceDefinition } from '../../core/source.ts';
import { NEPTUNE_INPUTS } from './inputs.ts';
import { createNeptuneSource } from './neptune-source.ts';
import { readNeptuneSelection, type NeptuneSelection } from './selection.ts';

export const neptune: SourceDefinition<NeptuneSelection> = {
  name: 'neptune',
  secretVariables: ['NEPTUNE_API_TOKEN'],
  inputs: NEPTUNE_INPUTS,
  labels: { item: 'attribute' },
  examples: [
    {
      what: 'the last 5 prediction images of two experiments',
      flags: '--project team/seabird --experiments baseline --experiments augmented --attributes predictions --tail 5',
    },
    {
      what: 'the best checkpoint by filter, as a dry run',
      flags: `--project team/seabird --filter 'sys/tags contains "best"' --attributes model/checkpoint --dry-run`,
    },
  ],
  readSelection: readNeptuneSelection,
  describe: describeNeptuneSelection,
  project: (s) => s.project,
  create: (selection, ctx) => createNeptuneSource(selection, ctx),
};

function describeNeptuneSelection(s: NeptuneSelection): string {
  const parts = [`neptune project '${s.project}'`];
  if (s.names) parts.push(`${s.mode} ${describeNames(s.names)}`);
  if (s.filter) parts.push(`filter ${s.filter.text}`);
  if (s.attributes) parts.push(`attributes ${describeNames(s.attributes)}`);
  if (s.stepRange) parts.push(`steps ${s.stepRange.from ?? ''}:${s.stepRange.to ?? ''}`);
  if (s.tail !== undefined) parts.push(`last ${s.tail} steps`);
  return parts.join(', ');
}
