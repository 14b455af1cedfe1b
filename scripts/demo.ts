// `npm run demo`: starts the bundled emulators with the demo fixture, runs the bundled action (dist/index.js)
// the way a runner does (INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files), then prints the
// outputs, the downloaded tree and the job summary, and stops everything.
//   npm run demo                    Neptune: two experiments' checkpoints and prediction images
//   npm run demo -- --backend wandb W&B: a run's files by pattern
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulators } from '../test/emulators/start.ts';
import { DEMO_NEPTUNE_PROJECT, DEMO_WANDB_PROJECT, demoFixture } from '../test/fixtures/demo.ts';
import { DIST_ENTRY, REPO_ROOT, runActionProcess } from '../test/support/action-process.ts';

const { values } = parseArgs({ options: { backend: { type: 'string', default: 'neptune' } } });
const backend = values.backend === 'wandb' ? 'wandb' : 'neptune';
const workspace = path.join(REPO_ROOT, 'demo-output');
await rm(workspace, { recursive: true, force: true });
const { mkdir } = await import('node:fs/promises');
await mkdir(workspace, { recursive: true });

const emulators = await startEmulators({ fixture: demoFixture });
try {
  const inputs: Record<string, string> =
    backend === 'neptune'
      ? {
          backend: 'neptune',
          'api-token': emulators.neptune?.apiToken ?? '',
          project: DEMO_NEPTUNE_PROJECT,
          experiments: 'regex:^seabird',
          attributes: 'regex:^model/ | ^predictions',
          tail: '3',
          destination: 'experiment-files',
        }
      : {
          backend: 'wandb',
          'api-token': emulators.wandb?.apiKey ?? '',
          'api-url': emulators.wandb?.url ?? '',
          project: DEMO_WANDB_PROJECT,
          filter: '{"state": "finished"}',
          pattern: '%',
          destination: 'experiment-files',
        };
  console.log(`Running dist/index.js (${backend}) against the emulator…\n`);
  const run = await runActionProcess({ inputs, entry: DIST_ENTRY, workspace });
  process.stdout.write(run.stdout.replace(/^::(debug|group|endgroup|add-mask)::.*\n/gm, ''));
  console.log('\nOutputs:');
  for (const [name, value] of Object.entries(run.outputs))
    console.log(`  ${name} = ${value.length > 200 ? `${value.slice(0, 200)}…` : value}`);
  console.log(`\nDownloaded tree (${path.relative(process.cwd(), workspace)}/experiment-files):`);
  await printTree(path.join(workspace, 'experiment-files'), '  ');
  console.log('\nJob summary (markdown/HTML as GitHub renders it):');
  console.log(
    run.summary
      .replace(/<[^>]+>/g, ' ')
      .replace(/ +/g, ' ')
      .trim(),
  );
  const requests = new Map<string, number>();
  for (const e of emulators.log.entries()) requests.set(`${e.target} ${e.endpoint}`, (requests.get(`${e.target} ${e.endpoint}`) ?? 0) + 1);
  console.log('\nRequests the emulator served:');
  for (const [k, n] of [...requests].sort()) console.log(`  ${k}: ${n}`);
  process.exitCode = run.code ?? 1;
} finally {
  await emulators.close();
}

async function printTree(dir: string, indent: string): Promise<void> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      console.log(`${indent}${e.name}/`);
      await printTree(full, `${indent}  `);
    } else {
      console.log(`${indent}${e.name}  (${(await stat(full)).size} B)`);
    }
  }
}
