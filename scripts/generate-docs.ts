// Writes the inputs/outputs tables of README.md from action.yml (between the markers), so the two cannot
// drift: `npm run docs` rewrites them, and a test fails when README is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { format, resolveConfig } from 'prettier';
import { parse } from 'yaml';

interface ActionYaml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
}

const ROOT = path.resolve(import.meta.dirname, '..');
const START = '<!-- action-docs:start (generated from action.yml by `npm run docs`) -->';
const END = '<!-- action-docs:end -->';

const cell = (text: string): string => text.replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|');

export function renderTables(actionYaml: string): string {
  const action = parse(actionYaml) as ActionYaml;
  const lines = ['### Inputs', '', '| Input | Default | Description |', '| --- | --- | --- |'];
  for (const [name, input] of Object.entries(action.inputs)) {
    const def = input.required ? '**required**' : input.default ? `\`${input.default}\`` : '';
    lines.push(`| \`${name}\` | ${def} | ${cell(input.description)} |`);
  }
  lines.push('', '### Outputs', '', '| Output | Description |', '| --- | --- |');
  for (const [name, output] of Object.entries(action.outputs)) lines.push(`| \`${name}\` | ${cell(output.description)} |`);
  return lines.join('\n');
}

/** README with fresh tables, formatted as `prettier --write` would leave it. */
export async function updateReadme(readme: string, tables: string): Promise<string> {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the markers ${START} … ${END}`);
  const text = `${readme.slice(0, start + START.length)}\n\n${tables}\n\n${readme.slice(end)}`;
  const readmePath = path.join(ROOT, 'README.md');
  return format(text, { ...(await resolveConfig(readmePath)), filepath: readmePath });
}

if (import.meta.main) {
  const readmePath = path.join(ROOT, 'README.md');
  const tables = renderTables(readFileSync(path.join(ROOT, 'action.yml'), 'utf8'));
  writeFileSync(readmePath, await updateReadme(readFileSync(readmePath, 'utf8'), tables));
}
