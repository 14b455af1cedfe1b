// Every source this tool downloads from. A source is one folder that owns its inputs, their checks and its
// protocol; adding one is its folder and one line here.
import type { SelectionOf, SourceDefinition } from '../core/source.ts';
import { mlflow } from './mlflow/index.ts';
import { neptune } from './neptune/index.ts';
import { wandb } from './wandb/index.ts';

export const SOURCES = [neptune, wandb, mlflow] as const satisfies readonly SourceDefinition[];

/** What the user asked for, per source: a union discriminated by `source`. */
export type Selection = SelectionOf<(typeof SOURCES)[number]>;
