import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { renderTables, updateReadme } from '../../scripts/generate-docs.ts';

const root = path.resolve(import.meta.dirname, '../..');

it('README inputs/outputs tables match action.yml (run `npm run docs`)', async () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const tables = renderTables(readFileSync(path.join(root, 'action.yml'), 'utf8'));
  assert.equal(readme, await updateReadme(readme, tables));
});
