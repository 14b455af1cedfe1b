// The documented way to install the CLI works: `npm pack` holds the bundled CLI as the package's `bin`, with
// the shebang that lets it run as a command.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';

const root = path.resolve(import.meta.dirname, '../../..');

it('npm pack holds dist/cli.js as the download-experiment-files command', () => {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  assert.deepEqual(pkg.bin, { 'download-experiment-files': 'dist/cli.js' });
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--silent'], { cwd: root, encoding: 'utf8' })) as {
    files: { path: string }[];
  }[];
  const files = (packed?.files ?? []).map((f) => f.path);
  for (const needed of ['dist/cli.js', 'dist/index.js', 'action.yml', 'README.md'])
    assert.ok(files.includes(needed), `${needed} is packed`);
  assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('test/')), 'only what runs is packed');
  assert.match(readFileSync(path.join(root, 'dist/cli.js'), 'utf8').split('\n')[0] ?? '', /^#!\/usr\/bin\/env node$/);
});
