// Type inference for filter attributes (neptune.md §4.2; client composition/type_inference.py).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileFilter } from '../../../src/backends/neptune/query/filter-compile.ts';
import { parseFilter } from '../../../src/backends/neptune/query/filter-language.ts';
import { renderNql } from '../../../src/backends/neptune/query/nql.ts';
import { inferAttributeTypes } from '../../../src/backends/neptune/query/type-inference.ts';
import type { AttributeDefinition } from '../../../src/backends/neptune/api/attribute-definitions.ts';
import { InputError } from '../../../src/core/errors.ts';
import type { Logger } from '../../../src/core/logger.ts';

function recorder(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug: () => {}, info: () => {}, error: () => {}, warning: (m) => warnings.push(m) };
}

describe('inferAttributeTypes', () => {
  it('known sys/* attributes need no request; explicit types are kept', async () => {
    const filter = compileFilter(parseFilter('sys/tags contains "a" and sys/failed == false and x:int == 1'));
    let asked = 0;
    await inferAttributeTypes(filter, async () => ((asked += 1), []), recorder());
    assert.equal(asked, 0);
    assert.equal(renderNql(filter), '(((`sys/tags`:stringSet CONTAINS "a")) AND (`sys/failed`:bool == "False")) AND (`x`:int == "1")');
  });
  it('looks the others up once, with each distinct name once, and maps backend types', async () => {
    const filter = compileFilter(parseFilter('config/lr > 0.1 or config/lr < 0.01 or s matches "x" or m exists'));
    const asked: string[][] = [];
    const found: AttributeDefinition[] = [
      { name: 'config/lr', type: 'float' },
      { name: 's', type: 'string' },
      { name: 'm', type: 'floatSeries' },
      { name: 'm', type: 'floatSeries' },
    ];
    await inferAttributeTypes(filter, async (names) => (asked.push(names), found), recorder());
    assert.deepEqual(asked, [['config/lr', 's', 'm']]);
    assert.equal(
      renderNql(filter),
      '(((`config/lr`:float > "0.1") OR (`config/lr`:float < "0.01")) OR (((`s`:string MATCHES "x")))) OR (`m`:floatSeries EXISTS)',
    );
  });
  it('an attribute that does not exist becomes string, with a warning', async () => {
    const filter = compileFilter(parseFilter('nope == 3'));
    const log = recorder();
    await inferAttributeTypes(filter, async () => [], log);
    assert.equal(renderNql(filter), '`nope`:string == "3"');
    assert.match(log.warnings[0] ?? '', /'nope' does not exist/);
  });
  it('several types are an input error that suggests an explicit type', async () => {
    const filter = compileFilter(parseFilter('x == 3'));
    await assert.rejects(
      inferAttributeTypes(
        filter,
        async () => [
          { name: 'x', type: 'int' },
          { name: 'x', type: 'float' },
        ],
        recorder(),
      ),
      (error: unknown) =>
        error instanceof InputError && error.input === 'filter' && /'x' has the types int, float .*`x`:int/.test(error.message),
    );
  });
  it('no filter, nothing to do', async () => {
    await inferAttributeTypes(undefined, async () => assert.fail('no lookup'), recorder());
  });
});
