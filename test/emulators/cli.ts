// `npm run emulator` (= node test/emulators/cli.ts): starts the emulators with the demo fixture (or a fixture
// module) and keeps them up until SIGINT/SIGTERM, printing the URLs, credentials and environment lines to paste.
//   node test/emulators/cli.ts [--fixture demo|path/to/module.ts] [--port-file info.json] [--latency-ms n] [--url-ttl-ms n]
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Fixture } from './common/contracts.ts';
import { startEmulators } from './start.ts';

const { values } = parseArgs({
  options: {
    fixture: { type: 'string', default: 'demo' },
    'port-file': { type: 'string' },
    'latency-ms': { type: 'string' },
    'url-ttl-ms': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log('usage: node test/emulators/cli.ts [--fixture demo|module.ts] [--port-file f] [--latency-ms n] [--url-ttl-ms n]');
  process.exit(0);
}

/** `demo`, or a module exporting `fixture`, `demoFixture` or a default Fixture. */
async function loadFixture(name: string): Promise<Fixture> {
  const specifier = name === 'demo' ? new URL('../fixtures/demo.ts', import.meta.url).href : pathToFileURL(path.resolve(name)).href;
  const mod = (await import(specifier)) as Record<string, unknown>;
  const fixture = mod.fixture ?? mod.demoFixture ?? mod.default;
  if (typeof fixture !== 'object' || fixture === null) throw new Error(`${name} exports no fixture`);
  return fixture as Fixture;
}

function optionalNumber(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${flag} needs a non-negative number`);
  return n;
}

const fixture = await loadFixture(values.fixture);
const emulators = await startEmulators({
  fixture,
  latencyMs: optionalNumber(values['latency-ms'], 'latency-ms'),
  urlTtlMs: optionalNumber(values['url-ttl-ms'], 'url-ttl-ms'),
});

const neptuneProject = fixture.neptune?.projects[0]?.id;
const wandbProject = fixture.wandb?.projects[0];
const mlflowAuth = emulators.mlflow?.auth;
const info = {
  neptune: emulators.neptune ? { ...emulators.neptune, projects: fixture.neptune?.projects.map((p) => p.id) ?? [] } : undefined,
  wandb: emulators.wandb ? { ...emulators.wandb, projects: fixture.wandb?.projects.map((p) => `${p.entity}/${p.name}`) ?? [] } : undefined,
  mlflow: emulators.mlflow
    ? {
        ...emulators.mlflow,
        experiments: fixture.mlflow?.experiments.map((e) => e.name) ?? [],
        models: fixture.mlflow?.models?.map((m) => m.name) ?? [],
      }
    : undefined,
  storageOrigin: emulators.storageOrigin,
  azure: emulators.azure,
  pid: process.pid,
};

const lines: string[] = ['Emulators are running.', ''];
if (emulators.neptune) {
  lines.push(`Neptune API   ${emulators.neptune.url}   (control: ${emulators.neptune.url}/_emulator/health)`);
  lines.push(`  projects    ${info.neptune?.projects.join(', ')}`);
}
if (emulators.wandb) {
  lines.push(`W&B API       ${emulators.wandb.url}   (control: ${emulators.wandb.url}/_emulator/health)`);
  lines.push(`  projects    ${info.wandb?.projects.join(', ')}`);
}
if (emulators.mlflow) {
  lines.push(`MLflow        ${emulators.mlflow.url}   (control: ${new URL(emulators.mlflow.url).origin}/_emulator/health)`);
  lines.push(`  experiments ${info.mlflow?.experiments.join(', ')}`);
  if (info.mlflow?.models.length) lines.push(`  models      ${info.mlflow.models.join(', ')}`);
}
lines.push(`Storage       ${emulators.storageOrigin}`);
if (emulators.azure) lines.push(`Azure (proxy) ${emulators.azure.origin}`);
lines.push('', 'Environment:');
if (emulators.neptune) {
  lines.push(`NEPTUNE_API_TOKEN=${emulators.neptune.apiToken}`);
  if (neptuneProject) lines.push(`NEPTUNE_PROJECT=${neptuneProject}`);
}
if (emulators.wandb) {
  lines.push(`WANDB_BASE_URL=${emulators.wandb.url}`);
  lines.push(`WANDB_API_KEY=${emulators.wandb.apiKey}`);
  if (wandbProject) lines.push(`WANDB_ENTITY=${wandbProject.entity}`, `WANDB_PROJECT=${wandbProject.name}`);
}
if (emulators.mlflow) {
  // What the official client reads too (mlflow.md §1): `mlflow artifacts download -r <run id> -d out` works as is.
  lines.push(`MLFLOW_TRACKING_URI=${emulators.mlflow.url}`);
  if (mlflowAuth && 'basic' in mlflowAuth && mlflowAuth.basic[0]) {
    lines.push(`MLFLOW_TRACKING_USERNAME=${mlflowAuth.basic[0].username}`, `MLFLOW_TRACKING_PASSWORD=${mlflowAuth.basic[0].password}`);
  }
  if (mlflowAuth && 'bearer' in mlflowAuth) lines.push(`MLFLOW_TRACKING_TOKEN=${mlflowAuth.bearer}`);
}
lines.push('', 'Press Ctrl+C to stop.');
console.log(lines.join('\n'));

if (values['port-file']) await writeFile(values['port-file'], `${JSON.stringify(info, null, 2)}\n`);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping emulators…`);
  // A second signal, or a close that hangs, must still end the process.
  setTimeout(() => process.exit(1), 10_000).unref();
  await emulators.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
