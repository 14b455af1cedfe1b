// Bundles the action (dist/index.js + licenses.txt) and the CLI (dist/cli.js + cli-licenses.txt) with ncc:
// one ESM file each with every dependency inside, as the runner and `npx` load them. CI rebuilds both and
// fails when the committed dist/ differs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ncc = (entry: string, out: string): void => {
  execFileSync('npx', ['ncc', 'build', entry, '-o', out, '--license', 'licenses.txt', '--quiet'], { stdio: 'inherit' });
};

rmSync('dist', { recursive: true, force: true });
ncc('src/action/main.ts', 'dist');
const cliOut = mkdtempSync(path.join(tmpdir(), 'def-cli-'));
ncc('src/cli/main.ts', cliOut);
renameSync(path.join(cliOut, 'index.js'), 'dist/cli.js');
renameSync(path.join(cliOut, 'licenses.txt'), 'dist/cli-licenses.txt');
chmodSync('dist/cli.js', 0o755);
rmSync(cliOut, { recursive: true, force: true });
