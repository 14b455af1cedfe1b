// NQL parsing and evaluation: every form the client renders (neptune.md §4.2, its examples verbatim) and the
// server-side choices the emulator makes where the reference is silent (§13).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadFixture } from './fixture-load.ts';
import { ApiError } from './http-util.ts';
import { compileNql } from './nql-eval.ts';
import { parseNql, referencedAttributes } from './nql.ts';
import type { NeptuneStore, StoredRun } from './store.ts';
import { fakeSigner, PROJECT, sampleFixture } from './test-harness.ts';

let store: NeptuneStore;
before(async () => {
  store = await loadFixture(sampleFixture(), fakeSigner(), new Set());
});

/** sys/ids of every run (trashed included) the query selects. */
function matching(query: string): string[] {
  const { predicate } = compileNql(query);
  return (store.project(PROJECT)?.runs ?? []).filter(predicate).map((r) => r.sysId);
}

function rejects(query: string): void {
  assert.throws(
    () => compileNql(query),
    (e: unknown) => e instanceof ApiError && e.status === 400,
    query,
  );
}

describe('NQL: the reference examples (§4.2)', () => {
  it('name lists: one name and several, experiments and runs API', () => {
    assert.deepEqual(matching('(`sys/name`:string == "exp-a")'), ['NQ-1', 'NQ-2']);
    assert.deepEqual(matching('(`sys/name`:string == "exp-b") OR (`sys/name`:string == "other")'), ['NQ-3', 'NQ-5']);
    assert.deepEqual(matching('(`sys/custom_run_id`:string == "experiment_a_run2")'), ['NQ-2']);
  });

  it('regex: MATCHES finds anywhere (e2e: experiment_a.* matches run ids, abc matches nothing)', () => {
    assert.deepEqual(matching('((`sys/name`:string MATCHES "^exp"))'), ['NQ-1', 'NQ-2', 'NQ-3', 'NQ-4']);
    assert.deepEqual(matching('((`sys/custom_run_id`:string MATCHES "experiment_a.*"))'), ['NQ-1', 'NQ-2']);
    assert.deepEqual(matching('((`sys/custom_run_id`:string MATCHES "run1"))'), ['NQ-1', 'NQ-3', 'NQ-4']);
    assert.deepEqual(matching('((`sys/custom_run_id`:string MATCHES "abc"))'), []);
  });

  it('extended regex "a & !b | c"', () => {
    const q = '((`sys/name`:string MATCHES "a") AND (`sys/name`:string NOT MATCHES "b")) OR ((`sys/name`:string MATCHES "c"))';
    // exp-a: has a, no b → yes; exp-b: b → no, no c; exp-c: c → yes; other: no a, no c.
    assert.deepEqual(matching(q), ['NQ-1', 'NQ-2', 'NQ-4']);
  });

  it('the type-inference example (float ==, stringSet EXISTS, NOT of CONTAINS)', () => {
    const q =
      '((`config/lr`:float == "0.01") AND (`sys/tags`:stringSet EXISTS)) OR (NOT ((`sys/tags`:stringSet CONTAINS "a") AND (`sys/tags`:stringSet CONTAINS "b")))';
    // NQ-1 has lr 0.01 and tags; everyone else lacks {a, b} together, so the NOT holds for them.
    assert.deepEqual(matching(q), ['NQ-1', 'NQ-2', 'NQ-3', 'NQ-4', 'NQ-5']);
    const q2 = '(NOT ((`sys/tags`:stringSet CONTAINS "a") AND (`sys/tags`:stringSet CONTAINS "b")))';
    assert.deepEqual(matching(q2), ['NQ-2', 'NQ-3', 'NQ-4', 'NQ-5']);
  });

  it('contains_all / contains_none render as AND of (NOT) CONTAINS', () => {
    assert.deepEqual(matching('(`sys/tags`:stringSet CONTAINS "a") AND (`sys/tags`:stringSet CONTAINS "b")'), ['NQ-1']);
    assert.deepEqual(matching('(`sys/tags`:stringSet NOT CONTAINS "a") AND (`sys/tags`:stringSet NOT CONTAINS "c")'), ['NQ-3', 'NQ-4']);
  });
});

describe('NQL: values compared by type', () => {
  it('numbers numerically (ints and floats rendered by str())', () => {
    assert.deepEqual(matching('(`config/batch`:int == "64")'), ['NQ-1']);
    assert.deepEqual(matching('(`config/batch`:int >= "64.0")'), ['NQ-1']);
    assert.deepEqual(matching('(`config/lr`:float > "0.001")'), ['NQ-1', 'NQ-3']);
    assert.deepEqual(matching('(`config/lr`:float <= "0.01")'), ['NQ-1', 'NQ-2']);
    assert.deepEqual(matching('(`config/lr`:float > "1e-07")'), ['NQ-1', 'NQ-2', 'NQ-3']);
    assert.deepEqual(matching('(`config/lr`:float < "inf")'), ['NQ-1', 'NQ-2', 'NQ-3']);
    // "10" < "9" as text, but numbers compare numerically.
    assert.deepEqual(matching('(`config/batch`:int > "9")'), ['NQ-1']);
  });

  it('booleans from True/False in any case', () => {
    assert.deepEqual(matching('(`config/flag`:bool == "True")'), ['NQ-1']);
    assert.deepEqual(matching('(`sys/failed`:bool == "true")'), ['NQ-5']);
    assert.deepEqual(matching('(`sys/failed`:bool != "False")'), ['NQ-5']);
    assert.deepEqual(matching('(`sys/trashed`:bool == "True")'), ['NQ-4']);
  });

  it('datetimes as ISO instants, whatever the offset the client rendered', () => {
    assert.deepEqual(matching('(`config/started`:datetime == "2024-01-02T05:04:05+02:00")'), ['NQ-1']);
    assert.deepEqual(matching('(`config/started`:datetime == "2024-01-02T03:04:05.000000+00:00")'), ['NQ-1']);
    assert.deepEqual(matching('(`sys/creation_time`:datetime >= "2024-01-02T00:00:00+00:00")'), ['NQ-2', 'NQ-3', 'NQ-4']);
    assert.deepEqual(matching('(`sys/creation_time`:datetime < "2024-01-01T01:00:00+01:00")'), ['NQ-5']);
  });

  it('strings: == exact, CONTAINS substring, ordering by code units; escapes \\\\ and \\"', () => {
    assert.deepEqual(matching('(`config/optimizer`:string == "adam \\"fast\\"\\\\x")'), ['NQ-1']);
    assert.deepEqual(matching('(`config/optimizer`:string CONTAINS "\\"fast")'), ['NQ-1']);
    assert.deepEqual(matching('(`sys/custom_run_id`:string NOT CONTAINS "experiment")'), ['NQ-5']);
    assert.deepEqual(matching('(`sys/name`:string > "exp-b")'), ['NQ-4', 'NQ-5']);
  });

  it('EXISTS is typed: the attribute must exist with that type', () => {
    assert.deepEqual(matching('`files/model`:fileRef EXISTS'), ['NQ-1', 'NQ-2']);
    assert.deepEqual(matching('`images/pred`:fileRefSeries EXISTS'), ['NQ-1']);
    assert.deepEqual(matching('`config/batch`:int EXISTS'), ['NQ-1']);
    assert.deepEqual(matching('`config/batch` EXISTS'), ['NQ-1', 'NQ-3']);
    assert.deepEqual(matching('`files/model`:string EXISTS'), []);
  });

  it('untyped references compare by the type each run has; mismatches are false', () => {
    assert.deepEqual(matching('`config/batch` == "64"'), ['NQ-1']);
    assert.deepEqual(matching('`config/batch` == "big"'), ['NQ-3']);
    assert.deepEqual(matching('`config/lr` > "0.005"'), ['NQ-1', 'NQ-3']);
  });

  it('a missing attribute makes every comparison false, negated operators included', () => {
    assert.deepEqual(matching('(`config/lr`:float != "0.01")'), ['NQ-2', 'NQ-3']);
    assert.deepEqual(matching('NOT (`config/lr`:float == "0.01")'), ['NQ-2', 'NQ-3', 'NQ-4', 'NQ-5']);
    assert.deepEqual(matching('(`config/optimizer`:string NOT MATCHES "zzz")'), ['NQ-1']);
  });
});

describe('NQL: syntax', () => {
  it("AND binds tighter than OR; keywords in any case; older clients' `=` and bare literals", () => {
    assert.deepEqual(
      matching('`sys/name`:string == "other" or `sys/name`:string == "exp-a" and `sys/custom_run_id`:string == "experiment_a_run1"'),
      ['NQ-1', 'NQ-5'],
    );
    assert.deepEqual(matching('`sys/trashed`:bool = false AND `sys/experiment/is_head`:bool = true'), ['NQ-2', 'NQ-3', 'NQ-5']);
    assert.deepEqual(matching('`config/batch`:int == 64'), ['NQ-1']);
  });

  it('names are not escaped: a backtick inside a name still parses', () => {
    assert.deepEqual(parseNql('`we`ird`:string EXISTS'), { kind: 'exists', attribute: { name: 'we`ird', type: 'string' } });
    assert.deepEqual(parseNql('(`a b`:float >= "1")'), {
      kind: 'compare',
      attribute: { name: 'a b', type: 'float' },
      op: '>=',
      value: '1',
    });
  });

  it('NOT nests and is preserved in the tree', () => {
    const ast = parseNql('NOT (NOT (`x`:int EXISTS))');
    assert.deepEqual(ast, { kind: 'not', child: { kind: 'not', child: { kind: 'exists', attribute: { name: 'x', type: 'int' } } } });
    assert.deepEqual([...referencedAttributes(parseNql('(`a`:int EXISTS) OR NOT (`sys/trashed`:bool == "True")'))], ['a', 'sys/trashed']);
  });

  it('unparseable or ill-typed queries are 400s', () => {
    for (const q of [
      '(`sys/name`:string == "a"',
      '`sys/name`:string ==',
      'sys/name == "a"',
      '`sys/name`:string == "a" AND',
      '`sys/name`:string LIKE "a"',
      '`sys/name`:string == "unterminated',
      '`unterminated:string EXISTS',
      '`x`:nosuchtype EXISTS',
      '`config/flag`:bool == "maybe"',
      '`config/lr`:float == "abc"',
      '`config/lr`:float MATCHES "x"',
      '`sys/tags`:stringSet == "a"',
      '`config/started`:datetime > "yesterday"',
      '`sys/name`:string MATCHES "("',
      '`files/model`:fileRef == "x"',
      '()',
      `${'('.repeat(300)}\`x\`:int EXISTS${')'.repeat(300)}`,
    ]) {
      rejects(q);
    }
  });

  it('a long OR list of names (thousands, §4.2) evaluates as a set lookup', () => {
    const names = Array.from({ length: 5000 }, (_, i) => `(\`sys/name\`:string == "n${i}")`);
    names.push('(`sys/name`:string == "exp-b")');
    const query = names.join(' OR ');
    assert.deepEqual(matching(query), ['NQ-3']);
    // One look at the run's name per run, not one per clause: what keeps a search over 100,000 runs linear.
    const run = store.project(PROJECT)?.runs.find((r) => r.sysId === 'NQ-1');
    assert.ok(run);
    let reads = 0;
    const counted: StoredRun = Object.create(run, {
      experimentName: {
        get: () => {
          reads += 1;
          return run.experimentName;
        },
      },
    }) as StoredRun;
    assert.equal(compileNql(query).predicate(counted), false);
    assert.equal(reads, 1, `the name was read ${reads} times for a list of ${names.length}`);
  });
});
