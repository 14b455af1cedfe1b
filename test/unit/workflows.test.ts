// The workflow files a user reads — .github/workflows/test.yml and examples/*.yml — parse as YAML, pass only
// inputs action.yml declares (and every required one) to this action, and read only outputs that exist. The
// self-test workflow also keeps its promised shape: triggers, the three jobs, the actions it pins.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { REPO_ROOT } from '../support/action-process.ts';
import {
  actionSteps,
  inputProblems,
  isRecord,
  readActionMetadata,
  readYaml,
  stepOutputProblems,
  type ActionMetadata,
} from '../support/workflow-yaml.ts';

const WORKFLOW = path.join(REPO_ROOT, '.github/workflows/test.yml');
const EXAMPLES = path.join(REPO_ROOT, 'examples');

type Step = Record<string, unknown>;

function jobSteps(workflow: Record<string, unknown>, job: string): Step[] {
  const jobs = workflow.jobs as Record<string, unknown>;
  const spec = jobs[job];
  assert.ok(isRecord(spec) && Array.isArray(spec.steps), `job '${job}' with steps`);
  return (spec.steps as unknown[]).filter(isRecord);
}

const runs = (steps: Step[]): string[] => steps.map((s) => (typeof s.run === 'string' ? s.run : '')).filter((r) => r !== '');

describe('.github/workflows/test.yml', () => {
  let action: ActionMetadata;
  let workflow: Record<string, unknown>;
  before(async () => {
    action = await readActionMetadata();
    const doc = await readYaml(WORKFLOW);
    assert.ok(isRecord(doc));
    workflow = doc;
  });

  it('runs on push and pull_request', () => {
    assert.ok(isRecord(workflow.on), `'on' is a map (YAML 1.2 keeps the key 'on' a string)`);
    assert.deepEqual(Object.keys(workflow.on).sort(), ['pull_request', 'push']);
  });

  it('pins actions/checkout@v5 and actions/setup-node@v5 with Node 24 in every job', () => {
    for (const job of ['check-dist', 'test', 'action']) {
      const steps = jobSteps(workflow, job);
      assert.equal(steps[0]?.uses, 'actions/checkout@v5', `${job} checks out first`);
      const setup = steps.find((s) => typeof s.uses === 'string' && s.uses.startsWith('actions/setup-node'));
      assert.equal(setup?.uses, 'actions/setup-node@v5', job);
      assert.ok(isRecord(setup?.with) && String(setup.with['node-version']) === '24', `${job}: node-version 24`);
      assert.ok(runs(steps).includes('npm ci'), `${job}: npm ci`);
    }
  });

  it('check-dist rebuilds dist/ and fails when it differs; test lints, type-checks and tests', async () => {
    const dist = runs(jobSteps(workflow, 'check-dist'));
    assert.ok(dist.includes('npm run bundle'));
    assert.ok(dist.some((r) => /git diff --exit-code\b.*-- dist\//.test(r) && /exit 1/.test(r)));
    const test = runs(jobSteps(workflow, 'test'));
    for (const command of ['npm run lint', 'npm run typecheck', 'npm test']) assert.ok(test.includes(command), command);
    // Every `npm run <script>` names a script package.json has.
    const { scripts } = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    for (const r of [...dist, ...test, ...runs(jobSteps(workflow, 'action'))]) {
      for (const [, script = ''] of r.matchAll(/npm run ([\w:-]+)/g)) assert.ok(script in scripts, `npm run ${script}`);
    }
  });

  it('the action job starts the emulator, then runs `uses: ./` for Neptune and W&B and checks its outputs', () => {
    const jobs = workflow.jobs as Record<string, Record<string, unknown>>;
    const strategy = jobs.action?.strategy;
    assert.ok(isRecord(strategy) && isRecord(strategy.matrix) && Array.isArray(strategy.matrix.include));
    const include = (strategy.matrix.include as unknown[]).filter(isRecord);
    assert.deepEqual(include.map((e) => e.backend).sort(), ['neptune', 'wandb']);

    const steps = jobSteps(workflow, 'action');
    const start = steps.findIndex((s) => typeof s.run === 'string' && s.run.includes('npm run emulator -- --port-file'));
    const uses = steps.findIndex((s) => s.uses === './');
    assert.ok(start >= 0 && uses > start, 'the emulator starts before the action step');
    assert.match(String(steps[start]?.run), /&\n/, 'in the background');
    assert.ok(typeof steps[uses]?.id === 'string', 'the action step has an id');

    // Every matrix key the job reads is defined by at least one entry (a typo would read as '').
    const keys = new Set(include.flatMap((e) => Object.keys(e)));
    for (const [, key = ''] of JSON.stringify(jobs.action).matchAll(/\bmatrix\.([\w-]+)/g)) assert.ok(keys.has(key), `matrix.${key}`);

    // The checks after the action read its outputs: files-count, the manifest, and a known file.
    const checks = JSON.stringify(steps.slice(uses + 1));
    for (const output of ['files-count', 'manifest', 'destination', 'paths']) {
      assert.ok(checks.includes(`steps.${String(steps[uses]?.id)}.outputs.${output}`), output);
    }
    assert.match(checks, /known-file/);
  });

  it('passes only inputs action.yml declares, and reads only outputs that exist', () => {
    const steps = actionSteps(workflow);
    assert.ok(steps.length > 0);
    assert.deepEqual(
      steps.flatMap((s) => inputProblems(s, action)),
      [],
    );
    assert.deepEqual(stepOutputProblems(workflow, action), []);
  });
});

describe('examples/', () => {
  it('each example parses, uses this action with inputs action.yml declares, and reads outputs that exist', async () => {
    const action = await readActionMetadata();
    const files = (await readdir(EXAMPLES)).filter((f) => /\.ya?ml$/.test(f)).sort();
    for (const expected of ['best-checkpoint.yml', 'prediction-images-artifact.yml', 'wandb-pattern.yml']) {
      assert.ok(files.includes(expected), `examples/${expected}`);
    }
    for (const file of files) {
      const doc = await readYaml(path.join(EXAMPLES, file));
      const steps = actionSteps(doc);
      assert.ok(steps.length > 0, `${file} uses the action`);
      assert.deepEqual(
        steps.flatMap((s) => inputProblems(s, action)),
        [],
        file,
      );
      assert.deepEqual(stepOutputProblems(doc, action), [], file);
    }
  });

  it('best-checkpoint: a Neptune filter and a single attribute', async () => {
    const [step] = actionSteps(await readYaml(path.join(EXAMPLES, 'best-checkpoint.yml')));
    assert.equal(step?.with.backend, 'neptune');
    assert.ok(typeof step?.with.filter === 'string' && step.with.filter !== '');
    assert.equal(step?.with.attributes, 'model/checkpoint');
  });

  it('prediction-images-artifact: the last 5 steps of a series, uploaded with artifact-name', async () => {
    const [step] = actionSteps(await readYaml(path.join(EXAMPLES, 'prediction-images-artifact.yml')));
    assert.equal(step?.with.backend, 'neptune');
    assert.equal(String(step?.with.tail), '5');
    assert.ok(typeof step?.with['artifact-name'] === 'string' && step.with['artifact-name'] !== '');
  });

  it('wandb-pattern: W&B files by a LIKE pattern', async () => {
    const [step] = actionSteps(await readYaml(path.join(EXAMPLES, 'wandb-pattern.yml')));
    assert.equal(step?.with.backend, 'wandb');
    assert.equal(step?.with.pattern, 'media/images/%');
  });
});
