// Weights & Biases: run files, as `Api().run(path).files(…)` + `File.download` find and fetch them
// (docs/protocols/wandb.md).
import type { SourceDefinition } from '../../core/source.ts';
import { WANDB_INPUTS } from './inputs.ts';
import { readWandbSelection, type WandbSelection } from './selection.ts';
import { createWandbSource } from './wandb-source.ts';

export const wandb: SourceDefinition<WandbSelection> = {
  name: 'wandb',
  secretVariables: ['WANDB_API_KEY'],
  inputs: WANDB_INPUTS,
  labels: { item: 'file' },
  examples: [
    { what: 'every image of finished runs', flags: `--project entity/seabird --filter '{"state": "finished"}' --pattern 'media/images/%'` },
  ],
  readSelection: readWandbSelection,
  describe: (s) => s.description,
  project: (s) => s.projectAsGiven,
  create: createWandbSource,
};
