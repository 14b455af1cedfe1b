// Reads workflow files (.github/workflows/, examples/) and action.yml with the `yaml` package, and finds the
// steps that use this action, so tests can check that every `with:` names an input action.yml declares —
// the runner only warns about an unexpected input ("Unexpected input(s) …") and runs the step without it.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './action-process.ts';

export const ACTION_YML = path.join(REPO_ROOT, 'action.yml');

/** The action as a workflow in this repository (`./`) or a user's workflow (`owner/repo@ref`) refers to it. */
export function isThisAction(uses: string): boolean {
  return uses === './' || /^download-experiment-files\/download-experiment-files@[\w.-]+$/.test(uses);
}

/** Parses a YAML file strictly: duplicate keys and syntax errors throw, with line and column. */
export async function readYaml(file: string): Promise<unknown> {
  return parse(await readFile(file, 'utf8'), { uniqueKeys: true, prettyErrors: true, strict: true });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface ActionMetadata {
  inputs: Map<string, { required: boolean; default: string | undefined }>;
  outputs: Set<string>;
}

export async function readActionMetadata(): Promise<ActionMetadata> {
  const doc = await readYaml(ACTION_YML);
  if (!isRecord(doc) || !isRecord(doc.inputs) || !isRecord(doc.outputs)) throw new Error('action.yml has no inputs/outputs maps');
  const inputs: ActionMetadata['inputs'] = new Map();
  for (const [name, spec] of Object.entries(doc.inputs)) {
    const s = isRecord(spec) ? spec : {};
    inputs.set(name, { required: s.required === true, default: s.default === undefined ? undefined : String(s.default) });
  }
  return { inputs, outputs: new Set(Object.keys(doc.outputs)) };
}

export interface ActionStep {
  job: string;
  /** Position in the job's steps, for messages. */
  index: number;
  id: string | undefined;
  uses: string;
  with: Record<string, unknown>;
}

/** Every step of every job whose `uses:` is this action. */
export function actionSteps(workflow: unknown): ActionStep[] {
  if (!isRecord(workflow) || !isRecord(workflow.jobs)) throw new Error('not a workflow: no jobs map');
  const found: ActionStep[] = [];
  for (const [job, spec] of Object.entries(workflow.jobs)) {
    const steps = isRecord(spec) && Array.isArray(spec.steps) ? (spec.steps as unknown[]) : [];
    steps.forEach((step, index) => {
      if (!isRecord(step) || typeof step.uses !== 'string' || !isThisAction(step.uses)) return;
      found.push({
        job,
        index,
        id: typeof step.id === 'string' ? step.id : undefined,
        uses: step.uses,
        with: isRecord(step.with) ? step.with : {},
      });
    });
  }
  return found;
}

/** What is wrong with one step's `with:`: inputs action.yml does not declare, and required inputs left out. */
export function inputProblems(step: ActionStep, action: ActionMetadata): string[] {
  const where = `job '${step.job}' step ${step.index + 1}`;
  const problems: string[] = [];
  for (const name of Object.keys(step.with)) {
    if (!action.inputs.has(name)) problems.push(`${where}: input '${name}' is not in action.yml`);
  }
  for (const [name, spec] of action.inputs) {
    if (spec.required && !(name in step.with)) problems.push(`${where}: required input '${name}' is missing`);
  }
  return problems;
}

/** Every string inside a value (a job, a step), for scanning `${{ … }}` expressions. */
function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out);
  else if (isRecord(value)) for (const v of Object.values(value)) stringsIn(v, out);
  return out;
}

/**
 * References `steps.<id>.outputs.<name>` that cannot resolve: no step with that id in the job, an output this
 * action does not declare, or (for a `run:` step) an output its script never writes as `<name>=`. A wrong
 * reference is not an error on GitHub: it quietly evaluates to ''.
 */
export function stepOutputProblems(workflow: unknown, action: ActionMetadata): string[] {
  if (!isRecord(workflow) || !isRecord(workflow.jobs)) throw new Error('not a workflow: no jobs map');
  const problems: string[] = [];
  for (const [job, spec] of Object.entries(workflow.jobs)) {
    const steps = isRecord(spec) && Array.isArray(spec.steps) ? (spec.steps as unknown[]).filter(isRecord) : [];
    const byId = new Map(steps.filter((s) => typeof s.id === 'string').map((s) => [s.id as string, s]));
    for (const text of stringsIn(spec)) {
      for (const [, id = '', name = ''] of text.matchAll(/\bsteps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
        const step = byId.get(id);
        if (!step) problems.push(`job '${job}': no step with id '${id}'`);
        else if (typeof step.uses === 'string' && isThisAction(step.uses)) {
          if (!action.outputs.has(name)) problems.push(`job '${job}': output '${name}' is not in action.yml`);
        } else if (typeof step.run === 'string' && !step.run.includes(`${name}=`)) {
          problems.push(`job '${job}': step '${id}' never writes output '${name}'`);
        }
      }
    }
  }
  return problems;
}
