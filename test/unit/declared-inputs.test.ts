// action.yml, the CLI and the sources cannot drift apart: every input a source or the job declares is in
// action.yml (and nothing else is), and the CLI has a flag for each but the action-only ones.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { parse } from 'yaml';
import { SOURCES } from '../../src/backends/index.ts';
import { cliInputs } from '../../src/cli/options.ts';
import { BACKEND_INPUT, JOB_INPUTS } from '../../src/settings/common-inputs.ts';

const root = path.resolve(import.meta.dirname, '../..');
const action = parse(readFileSync(path.join(root, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> };

it('action.yml lists exactly the inputs the job and the sources declare', () => {
  const declared = new Set([BACKEND_INPUT.name, ...JOB_INPUTS.map((i) => i.name), ...SOURCES.flatMap((s) => s.inputs.map((i) => i.name))]);
  assert.deepEqual(Object.keys(action.inputs).sort(), [...declared].sort());
});

it('the CLI has one flag per input except the action-only ones', () => {
  const flags = cliInputs(SOURCES).map((i) => i.name);
  assert.equal(new Set(flags).size, flags.length, 'no input twice');
  const actionOnly = JOB_INPUTS.filter((i) => i.actionOnly).map((i) => i.name);
  assert.deepEqual(
    [...flags].sort(),
    Object.keys(action.inputs)
      .filter((n) => !actionOnly.includes(n))
      .sort(),
  );
});

it('action.yml names every source in the backend input', () => {
  const backend = action.inputs.backend as { description: string };
  for (const source of SOURCES) assert.match(backend.description, new RegExp(`\`${source.name}\``));
});
