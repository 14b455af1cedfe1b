// Weights & Biases: run files, as `Api().run(path).files(…)` + `File.download` find and fetch them
// (docs/protocols/wandb.md), and artifact versions, as `api.artifact(…).download()` does
// (docs/protocols/wandb-artifacts.md).
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
    { what: "the artifact version aliased 'best'", flags: '--project entity/seabird --artifacts model:best' },
    {
      what: "the 3 newest versions of every 'dataset' artifact",
      flags: '--project entity/seabird --artifact-type dataset --artifact-versions 3',
    },
    {
      what: 'the models the finished runs logged',
      flags: `--project entity/seabird --filter '{"state": "finished"}' --run-artifacts logged --artifact-type model`,
    },
  ],
  readSelection: readWandbSelection,
  describe: (s) => s.description,
  project: (s) => s.projectAsGiven,
  create: createWandbSource,
};
