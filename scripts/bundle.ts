// Bundles the action into dist/ with ncc (index.js plus licenses.txt), as the runner loads it: one ESM file
// with every dependency inside. CI rebuilds it and fails when the committed dist/ differs.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
execFileSync('npx', ['ncc', 'build', 'src/action/main.ts', '-o', 'dist', '--license', 'licenses.txt', '--quiet'], { stdio: 'inherit' });
