// `npm run demo`: starts the bundled emulators with the demo fixture, runs the bundled action (dist/index.js)
// the way a runner does (INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files), then prints the
// outputs, the downloaded tree and the job summary, and stops everything.
//   npm run demo                    Neptune: two experiments' checkpoints and prediction images
//   npm run demo -- --backend wandb W&B: a run's files by pattern
//   npm run demo -- --backend wandb --artifacts seabird-model:best --artifacts seabird-images
//                                   W&B artifact versions (entries verified against their manifest MD5;
//                                   the dataset's cloud references are listed, not downloaded)
//   npm run demo -- --backend mlflow MLflow: the champion version of a registered model, and a run's plots
//   npm run demo -- --entry src     run src/action/main.ts instead of the bundle (before `npm run bundle`)
//   npm run demo -- --upload        also upload them as artifact `demo-files` to the local results-service
//                                   emulator (the real @actions/artifact client), then list the zip
// Everything it writes stays in demo-output/ (ignored by git): the workspace, and the runner's output and
// summary files next to it.
import { createHash } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startResultsService, type ResultsService } from '../test/emulators/artifacts/results-service.ts';
import { readZipEntries } from '../test/emulators/artifacts/zip-entries.ts';
import { startEmulators } from '../test/emulators/start.ts';
import { DEMO_MLFLOW_MODEL, DEMO_MLFLOW_RUNS, DEMO_NEPTUNE_PROJECT, DEMO_WANDB_PROJECT, demoFixture } from '../test/fixtures/demo.ts';
import { DIST_ENTRY, REPO_ROOT, runActionProcess, SOURCE_ENTRY } from '../test/support/action-process.ts';

const ARTIFACT_NAME = 'demo-files';
const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'neptune' },
    upload: { type: 'boolean', default: false },
    entry: { type: 'string', default: 'dist' },
    artifacts: { type: 'string', multiple: true },
  },
});
const entry = values.entry === 'src' ? SOURCE_ENTRY : DIST_ENTRY;
const BACKENDS = ['neptune', 'wandb', 'mlflow'] as const;
const backend = BACKENDS.find((b) => b === values.backend);
if (backend === undefined) throw new Error(`--backend must be one of ${BACKENDS.join(', ')}`);
const artifacts = values.artifacts ?? [];
if (artifacts.length > 0 && backend !== 'wandb') {
  console.error('--artifacts names W&B artifact versions: add --backend wandb.');
  process.exit(2);
}
const outputRoot = path.join(REPO_ROOT, 'demo-output');
const workspace = path.join(outputRoot, 'workspace');
await rm(outputRoot, { recursive: true, force: true });
await mkdir(workspace, { recursive: true });

const emulators = await startEmulators({ fixture: demoFixture });
let results: ResultsService | undefined;
try {
  // What the runner gives a JavaScript action: the results service's token and URL, and the run's coordinates
  // (used only for the artifact-url output).
  let env: Record<string, string> = {};
  if (values.upload) {
    results = await startResultsService();
    env = { ...results.env, GITHUB_REPOSITORY: 'demo-team/seabird-ml', GITHUB_RUN_ID: '1' };
  }
  const inputs: Record<string, string> =
    backend === 'mlflow'
      ? {
          backend: 'mlflow',
          'api-url': emulators.mlflow?.url ?? '',
          models: `models:/${DEMO_MLFLOW_MODEL}@champion\nruns:/${DEMO_MLFLOW_RUNS.forest}/plots`,
          destination: 'experiment-files',
        }
      : backend === 'neptune'
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
            ...(artifacts.length > 0 ? { artifacts: artifacts.join('\n') } : { filter: '{"state": "finished"}', pattern: '%' }),
            destination: 'experiment-files',
          };
  if (values.upload) inputs['artifact-name'] = ARTIFACT_NAME;
  console.log(
    `Running ${path.relative(REPO_ROOT, entry)} (${backend}${artifacts.length > 0 ? `, W&B artifacts ${artifacts.join(', ')}` : ''}${values.upload ? `, artifact '${ARTIFACT_NAME}'` : ''}) against the emulator…\n`,
  );
  const run = await runActionProcess({ inputs, entry, workspace, env });
  process.exitCode = run.code ?? 1;
  if (run.stderr) process.stderr.write(run.stderr);
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
  if (results) await printArtifact(results, run.outputs);
  const requests = new Map<string, number>();
  for (const e of emulators.log.entries()) requests.set(`${e.target} ${e.endpoint}`, (requests.get(`${e.target} ${e.endpoint}`) ?? 0) + 1);
  console.log('\nRequests the emulator served:');
  for (const [k, n] of [...requests].sort()) console.log(`  ${k}: ${n}`);
} finally {
  await results?.close();
  await emulators.close();
}

async function printArtifact(service: ResultsService, outputs: Record<string, string>): Promise<void> {
  console.log(`\nArtifact '${ARTIFACT_NAME}' (from the action's outputs):`);
  for (const name of ['artifact-id', 'artifact-url', 'artifact-digest']) console.log(`  ${name} = ${outputs[name] ?? '(not set)'}`);
  if (!service.artifacts().some((a) => a.name === ARTIFACT_NAME && a.state === 'finalized')) {
    console.log('  The results-service emulator holds no such artifact.');
    process.exitCode = 1;
    return;
  }
  const zip = await service.downloadZip(ARTIFACT_NAME);
  const digest = createHash('sha256').update(zip).digest('hex');
  console.log(
    `  zip: ${zip.length} B, sha256 ${digest === outputs['artifact-digest'] ? 'matches artifact-digest' : `${digest} (differs!)`}`,
  );
  console.log('  entries:');
  for (const e of readZipEntries(zip).sort((a, b) => a.name.localeCompare(b.name))) {
    console.log(`    ${e.name}  (${e.data.length} B${e.method === 8 ? `, deflated to ${e.compressedSize} B` : ', stored'})`);
  }
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
