// The CLI's flags: every input of the action (`--<input>`) as the sources and the job declare them, plus the
// CLI's own output switches.
import { Command, Option } from 'commander';
import type { InputReader, InputSpec } from '../core/inputs/input-spec.ts';
import type { SourceDefinition } from '../core/source.ts';
import { registerSecret } from '../core/errors.ts';
import { BACKEND_INPUT, JOB_INPUTS } from '../settings/common-inputs.ts';

export interface CliSwitches {
  json: boolean;
  progress: boolean;
}

/**
 * One flag per input name, in the order backend, source inputs, job inputs. An input several sources read gets
 * one flag whose help says what it is for each (`neptune: …; wandb: …`).
 */
export function cliInputs(sources: readonly SourceDefinition[]): InputSpec[] {
  const byName = new Map<string, { spec: InputSpec; helps: string[] }>();
  for (const source of sources) {
    for (const spec of source.inputs) {
      const entry = byName.get(spec.name) ?? { spec, helps: [] };
      entry.helps.push(`${source.name}: ${spec.help}`);
      byName.set(spec.name, entry);
    }
  }
  const sourceInputs = [...byName.values()].map(({ spec, helps }) => ({
    ...spec,
    help: helps.length === sources.length && sources.length > 1 ? helps.join('; ') : `(${helps.join('; ')})`,
  }));
  const backend = { ...BACKEND_INPUT, help: `${BACKEND_INPUT.help}: ${sources.map((s) => s.name).join(' or ')}` };
  return [backend, ...sourceInputs, ...JOB_INPUTS.filter((i) => !i.actionOnly)];
}

export function buildProgram(version: string, sources: readonly SourceDefinition[]): Command {
  const program = new Command('download-experiment-files')
    .description('Download files logged to ML experiment trackers into a local folder.')
    .version(version)
    .showHelpAfterError('(run with --help for usage)')
    .allowExcessArguments(false);
  for (const input of cliInputs(sources)) {
    if (input.flag) program.addOption(new Option(`--${input.name}`, input.help));
    else if (input.list) {
      program.addOption(
        new Option(`--${input.name} <value>`, input.help).argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]),
      );
    } else program.addOption(new Option(`--${input.name} <value>`, input.help));
  }
  program.option('--json', 'print the manifest as JSON on stdout (logs go to stderr)', false);
  program.option('--no-progress', 'no progress bar, even on a terminal');
  const examples = sources.flatMap((source) =>
    source.examples.map((e) => `  # ${source.name}: ${e.what}\n  download-experiment-files --backend ${source.name} \\\n    ${e.flags}`),
  );
  program.addHelpText(
    'after',
    `
Examples:
${examples.join('\n\n')}

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

/** A flag whose name says it holds a credential, spelt right or not (`--api-token`, `--api_token`, `--apikey`). */
const SECRET_FLAG = /^--?[^=]*(token|key|secret|passw)/i;

/**
 * Registers as secrets the values given to flags that look like credentials, before anything parses them, so a
 * misspelt flag (which the parser then quotes as unknown) never prints its value.
 */
export function registerFlagSecrets(argv: readonly string[]): void {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (!SECRET_FLAG.test(arg)) continue;
    const eq = arg.indexOf('=');
    if (eq >= 0) registerSecret(arg.slice(eq + 1));
    else if (i + 1 < argv.length) registerSecret(argv[i + 1] as string);
  }
}
