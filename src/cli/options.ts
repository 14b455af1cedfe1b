// The CLI's flags: the action's inputs one to one (`--<input>`), plus the CLI's own output switches.
import { Command, Option } from 'commander';
import { Inputs, type InputName } from '../settings/input-names.ts';
import type { InputReader } from '../settings/parse-settings.ts';

export interface CliSwitches {
  json: boolean;
  progress: boolean;
}

/** Flags that may be repeated, one value each (the action takes one per line). */
const LIST_INPUTS: readonly InputName[] = [Inputs.experiments, Inputs.runs, Inputs.attributes, Inputs.files];

const HELP: Record<InputName, string> = {
  backend: 'tracker: neptune or wandb',
  'api-token': 'Neptune API token or W&B API key (default: $NEPTUNE_API_TOKEN / $WANDB_API_KEY)',
  'api-url': 'self-hosted server URL (Neptune: default from the token; W&B: $WANDB_BASE_URL or https://api.wandb.ai)',
  project: 'workspace/project (Neptune, default $NEPTUNE_PROJECT) or entity/project (W&B, default $WANDB_ENTITY/$WANDB_PROJECT)',
  experiments: '(Neptune) experiment name; repeat for more, or regex:<pattern>',
  runs: 'run id (Neptune: custom run id); repeat for more, or regex:<pattern>',
  filter: 'Neptune: condition like \'config/lr >= 0.001 and sys/tags contains "best"\'; W&B: MongoDB-style JSON',
  attributes: '(Neptune) File / File-series attribute path; repeat for more, or regex:<pattern>',
  files: '(W&B) file name; repeat for more, or regex:<pattern>',
  pattern: '(W&B) SQL LIKE pattern over file names, e.g. media/images/%',
  'step-range': '(Neptune) series steps from:to, either side optional',
  tail: '(Neptune) last N steps of each series',
  'per-page': '(W&B) page size for listing runs and files',
  destination: 'folder to download into',
  overwrite: 'skip-existing | overwrite | error',
  concurrency: 'files downloaded at the same time',
  'dry-run': 'resolve and write the manifest only',
  'if-no-files-found': 'warn | error | ignore',
  shard: 'i/n: take a stable 1/n of the files',
  'artifact-name': '(action only) workflow artifact name',
  'artifact-retention-days': '(action only)',
  'artifact-compression-level': '(action only)',
};

const BOOLEAN_INPUTS: readonly InputName[] = [Inputs.dryRun];
const ACTION_ONLY: readonly InputName[] = [Inputs.artifactName, Inputs.artifactRetentionDays, Inputs.artifactCompressionLevel];

export function buildProgram(version: string): Command {
  const program = new Command('download-experiment-files')
    .description('Download files logged to Neptune or Weights & Biases experiments into a local folder.')
    .version(version)
    .showHelpAfterError('(run with --help for usage)')
    .allowExcessArguments(false);
  for (const name of Object.values(Inputs)) {
    if (ACTION_ONLY.includes(name)) continue;
    if (BOOLEAN_INPUTS.includes(name)) {
      program.addOption(new Option(`--${name}`, HELP[name]));
    } else if (LIST_INPUTS.includes(name)) {
      program.addOption(
        new Option(`--${name} <value>`, HELP[name]).argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]),
      );
    } else {
      program.addOption(new Option(`--${name} <value>`, HELP[name]));
    }
  }
  program.option('--json', 'print the manifest as JSON on stdout (logs go to stderr)', false);
  program.option('--no-progress', 'no progress bar, even on a terminal');
  program.addHelpText(
    'after',
    `
Examples:
  # the last 5 prediction images of two Neptune experiments
  download-experiment-files --backend neptune --project team/seabird \\
    --experiments baseline --experiments augmented --attributes predictions --tail 5

  # the best checkpoint by filter, as a dry run
  download-experiment-files --backend neptune --project team/seabird \\
    --filter 'sys/tags contains "best"' --attributes model/checkpoint --dry-run

  # every image of finished W&B runs
  download-experiment-files --backend wandb --project entity/seabird \\
    --filter '{"state": "finished"}' --pattern 'media/images/%'

Exit codes: 0 done; 1 some files failed (or none found with --if-no-files-found error);
2 invalid flag; 3 authentication; 4 project or run not found; 5 server, network or disk; 130 cancelled.`,
  );
  return program;
}

/** Reads parsed flags with the same names (and multi-value join) as the action's inputs. */
export function flagReader(opts: Record<string, unknown>): InputReader {
  return (name) => {
    const key = name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const value = opts[key];
    if (value === undefined || value === false) return '';
    if (value === true) return 'true';
    if (Array.isArray(value)) return value.map(String).join('\n').trim();
    return String(value).trim();
  };
}

export function switches(opts: Record<string, unknown>): CliSwitches {
  return { json: opts.json === true, progress: opts.progress !== false };
}
