// The W&B emulator's Run and Runs operations (wandb.md §2.1, §2.2), driven by the official client's own query
// texts in both wire forms (§1): fields the client indexes, filters, order, paging, unknown project/run.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEmulators, type RunningEmulators } from '../start.ts';
import { RUN_REPRINTED, RUN_VERBATIM, RUNS_REPRINTED, RUNS_VERBATIM } from './client-queries.ts';
import { postGraphql, sampleFixture } from './sample-fixture.ts';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => v as Json;

let emu: RunningEmulators;
let url: string;

before(async () => {
  emu = await startEmulators({ fixture: { wandb: sampleFixture() }, wandb: { maxPerPage: 4 } });
  url = emu.wandb?.url ?? '';
});
after(async () => {
  await emu.close();
});

const runsVars = (extra: Json = {}): Json => ({
  project: 'vision',
  entity: 'alice',
  order: '+created_at',
  filters: '{}',
  perPage: 50,
  cursor: null,
  ...extra,
});
async function runIds(filters: Json | string, order = '+created_at'): Promise<string[]> {
  const text = typeof filters === 'string' ? filters : JSON.stringify(filters);
  const { json } = await postGraphql(url, { query: RUNS_VERBATIM, variables: runsVars({ filters: text, order }) });
  assert.equal(json.errors, undefined, JSON.stringify(json.errors));
  const runs = obj(obj(obj(json.data).project).runs);
  return (runs.edges as Json[]).map((e) => obj(e.node).name as string);
}

describe('Run (§2.1)', () => {
  for (const [form, query] of [
    ['verbatim', RUN_VERBATIM],
    ['re-printed', RUN_REPRINTED],
  ] as const) {
    it(`answers the ${form} query with the fields the client indexes`, async () => {
      const { json } = await postGraphql(url, { query, variables: { project: 'vision', entity: 'alice', name: 'a1b2c3d4' } });
      assert.equal(json.errors, undefined, JSON.stringify(json.errors));
      const run = obj(obj(obj(json.data).project).run);
      assert.equal(run.name, 'a1b2c3d4');
      assert.equal(run.displayName, 'bright-sun-1');
      assert.equal(run.state, 'finished');
      assert.equal(run.sweepName, null);
      assert.ok(Number.isInteger(run.projectId));
      assert.deepEqual(JSON.parse(run.config as string).optimizer, { value: 'adam', desc: null });
      assert.deepEqual(JSON.parse(run.config as string).lr, { value: 0.1, desc: null });
      assert.equal(JSON.parse(run.summaryMetrics as string).acc, 0.91);
      assert.deepEqual(run.tags, ['best', 'baseline']);
      assert.deepEqual(run.user, { name: 'Emulator User', username: 'alice' });
    });
  }

  it('answers run: null for an unknown run and project: null for an unknown project or entity', async () => {
    const unknownRun = await postGraphql(url, { query: RUN_VERBATIM, variables: { project: 'vision', entity: 'alice', name: 'nope' } });
    assert.deepEqual(unknownRun.json, { data: { project: { run: null } } });
    for (const [entity, project] of [
      ['alice', 'nope'],
      ['bob', 'vision'],
    ]) {
      const r = await postGraphql(url, { query: RUN_REPRINTED, variables: { project, entity, name: 'a1b2c3d4' } });
      assert.deepEqual(r.json, { data: { project: null } });
    }
  });
});

describe('Runs (§2.2)', () => {
  it('answers both forms; lists oldest first by default with runCount', async () => {
    for (const query of [RUNS_VERBATIM, RUNS_REPRINTED]) {
      const { json } = await postGraphql(url, { query, variables: runsVars() });
      const project = obj(obj(json.data).project);
      assert.equal(project.runCount, 3);
      assert.equal(project.readOnly, false);
      assert.equal(typeof project.internalId, 'string');
      const names = (obj(project.runs).edges as Json[]).map((e) => obj(e.node).name);
      assert.deepEqual(names, ['a1b2c3d4', 'e5f6g7h8', 'i9j0k1l2']);
    }
  });

  it('evaluates the documented operators and fields', async () => {
    const cases: [Json | string, string[]][] = [
      ['{"state": "finished", "config.lr": {"$gt": 0.05}}', ['a1b2c3d4']],
      [{ 'config.optimizer': 'adam' }, ['a1b2c3d4']],
      [{ 'config.optimizer.value': 'sgd' }, ['e5f6g7h8']],
      [{ 'config.model.depth': 18 }, ['a1b2c3d4']],
      [{ 'config.net.width': { $gte: 64 } }, ['a1b2c3d4']],
      [{ 'summary_metrics.acc': { $lt: 0.5 } }, ['e5f6g7h8']],
      [{ tags: 'best' }, ['a1b2c3d4']],
      [{ tags: { $in: ['debug', 'nope'] } }, ['e5f6g7h8']],
      [{ tags: { $nin: ['best'] } }, ['e5f6g7h8', 'i9j0k1l2']],
      [{ $or: [{ state: 'crashed' }, { state: 'running' }] }, ['e5f6g7h8', 'i9j0k1l2']],
      [{ $nor: [{ state: 'crashed' }] }, ['a1b2c3d4', 'i9j0k1l2']],
      [{ $and: [{ display_name: { $regex: '^bright' } }, { displayName: { $ne: 'bright-star-3' } }] }, ['a1b2c3d4']],
      [{ display_name: { $regex: '(?i)^BRIGHT-S' } }, ['a1b2c3d4', 'i9j0k1l2']],
      [{ name: { $in: ['i9j0k1l2', 'a1b2c3d4'] } }, ['a1b2c3d4', 'i9j0k1l2']],
      [{ group: { $exists: true, $ne: null } }, ['a1b2c3d4']],
      [{ 'summary_metrics.acc': { $exists: false } }, ['i9j0k1l2']],
      [{ createdAt: { $gte: '2024-01-02T00:00:00' } }, ['e5f6g7h8', 'i9j0k1l2']],
      [{ createdAt: { $lt: '2024-01-02' } }, ['a1b2c3d4']],
      [{ jobType: 'eval' }, ['e5f6g7h8']],
      [{ 'config.lr': { $eq: 0.5 } }, ['i9j0k1l2']],
    ];
    for (const [filter, expected] of cases) assert.deepEqual(await runIds(filter), expected, JSON.stringify(filter));
  });

  it('orders by ±created_at and by config values', async () => {
    assert.deepEqual(await runIds({}, '-created_at'), ['i9j0k1l2', 'e5f6g7h8', 'a1b2c3d4']);
    assert.deepEqual(await runIds({}, '+config.lr.value'), ['e5f6g7h8', 'a1b2c3d4', 'i9j0k1l2']);
    assert.deepEqual(await runIds({}, '-summary_metrics.acc'), ['a1b2c3d4', 'e5f6g7h8', 'i9j0k1l2']);
  });

  it('answers bad filters with a GraphQL error in a 200', async () => {
    for (const filters of ['{"state": ', '[1]', '{"state": {"$bogus": 1}}', '{"$where": "1"}']) {
      const { status, json } = await postGraphql(url, { query: RUNS_VERBATIM, variables: runsVars({ filters }) });
      assert.equal(status, 200);
      assert.ok(Array.isArray(json.errors), filters);
    }
  });

  it('pages with the last edge cursor until hasNextPage is false', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const { json } = await postGraphql(url, { query: RUNS_REPRINTED, variables: runsVars({ perPage: 2, cursor }) });
      const runs = obj(obj(obj(json.data).project).runs);
      const edges = runs.edges as Json[];
      seen.push(...edges.map((e) => obj(e.node).name as string));
      const info = obj(runs.pageInfo);
      assert.equal(info.endCursor, edges.at(-1)?.cursor);
      if (info.hasNextPage !== true) break;
      cursor = edges.at(-1)?.cursor as string;
    }
    assert.deepEqual(seen, ['a1b2c3d4', 'e5f6g7h8', 'i9j0k1l2']);
  });

  it('answers project: null for an unknown project', async () => {
    const { json } = await postGraphql(url, { query: RUNS_VERBATIM, variables: runsVars({ project: 'nope' }) });
    assert.deepEqual(json, { data: { project: null } });
  });
});
