// What the search grammar means for runs and experiments (mlflow.md §2.3): entity aliases, the comparators each
// key type allows (anything else is 400 INVALID_PARAMETER_VALUE, as the server says it), the in-memory
// evaluation (a run without the key fails the clause, `!=` included; metrics compare as numbers; LIKE is SQL's,
// case-sensitive; ILIKE ignores case), and the sort (missing values last; runs first by start time, newest first).
import type { MlflowExperiment } from '../common/contracts.ts';
import { parseFilter, parseOrderBy, type Clause, type Identifier, type OrderKey } from './search-grammar.ts';
import { invalidParameter } from './responses.ts';

type KeyType = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset';

const RUN_ENTITIES: Record<string, KeyType> = {
  metric: 'metric',
  metrics: 'metric',
  param: 'param',
  params: 'param',
  parameter: 'param',
  parameters: 'param',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
  dataset: 'dataset',
  datasets: 'dataset',
};
const RUN_ATTRIBUTE_ALIASES: Record<string, string> = {
  created: 'start_time',
  Created: 'start_time',
  'run name': 'run_name',
  'Run name': 'run_name',
  'Run Name': 'run_name',
};
const RUN_STRING_ATTRIBUTES = ['run_id', 'run_name', 'user_id', 'status', 'artifact_uri'];
const RUN_NUMERIC_ATTRIBUTES = ['start_time', 'end_time'];

/** What a clause is evaluated against. */
export interface Searchable {
  metric(key: string): number | undefined;
  param(key: string): string | undefined;
  tag(key: string): string | undefined;
  attribute(key: string): string | number | undefined;
}

interface TypedClause extends Clause {
  type: KeyType;
  key: string;
}

function likeRegex(pattern: string, ignoreCase: boolean): RegExp {
  const body = pattern
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '.*')
    .replace(/_/g, '.');
  return new RegExp(`^${body}$`, ignoreCase ? 'is' : 's');
}

function typeOf(id: Identifier, entities: Record<string, KeyType>, what: string): KeyType {
  if (id.entity === '') return 'attribute';
  const type = entities[id.entity];
  if (type === undefined)
    throw invalidParameter(`Invalid entity type '${id.entity}'. Valid values are [${Object.keys(entities).join(', ')}] in ${what}`);
  return type;
}

function checkRunClause(c: Clause): TypedClause {
  const type = typeOf(c.identifier, RUN_ENTITIES, 'filter');
  let key = c.identifier.key;
  const comp = c.comparator;
  const string = (): void => {
    if (c.value.kind !== 'string')
      throw invalidParameter(`Expected a quoted string value for ${type} (e.g. 'my-value'). Got value ${describe(c)}`);
  };
  if (type === 'metric') {
    if (!['=', '!=', '>', '>=', '<', '<='].includes(comp))
      throw invalidParameter(`Invalid comparator '${comp}' not one of '['>', '>=', '!=', '=', '<', '<=']'`);
    if (c.value.kind !== 'number') throw invalidParameter(`Expected numeric value type for metric. Found ${describe(c)}`);
  } else if (type === 'param' || type === 'tag') {
    if (!['=', '!=', 'LIKE', 'ILIKE', 'IS NULL', 'IS NOT NULL'].includes(comp)) {
      throw invalidParameter(`Invalid comparator '${comp}' not one of '['!=', '=', 'LIKE', 'ILIKE']'`);
    }
    if (comp !== 'IS NULL' && comp !== 'IS NOT NULL') string();
  } else if (type === 'attribute') {
    key = RUN_ATTRIBUTE_ALIASES[key] ?? key;
    if (RUN_NUMERIC_ATTRIBUTES.includes(key)) {
      if (!['=', '!=', '>', '>=', '<', '<='].includes(comp))
        throw invalidParameter(`Invalid comparator '${comp}' not one of '['>', '>=', '!=', '=', '<', '<=']'`);
      if (c.value.kind !== 'number')
        throw invalidParameter(`Expected numeric value type for numeric attribute: ${key}. Found ${describe(c)}`);
    } else if (RUN_STRING_ATTRIBUTES.includes(key)) {
      if ((comp === 'IN' || comp === 'NOT IN') && key === 'run_id') {
        if (c.value.kind !== 'list') throw invalidParameter(`Expected a list of run ids for '${comp}'. Found ${describe(c)}`);
      } else if (['=', '!=', 'LIKE', 'ILIKE'].includes(comp)) string();
      else throw invalidParameter(`Invalid comparator '${comp}' not one of '['!=', '=', 'LIKE', 'ILIKE']'`);
    } else {
      throw invalidParameter(
        `Invalid attribute key '${c.identifier.key}' specified. Valid keys are '${[...RUN_STRING_ATTRIBUTES, ...RUN_NUMERIC_ATTRIBUTES].sort().join("', '")}'`,
      );
    }
  }
  return { ...c, type, key };
}

function describe(c: Clause): string {
  return c.value.kind === 'number' ? String(c.value.value) : c.value.kind === 'string' ? `'${c.value.value}'` : c.text;
}

function compare(actual: string | number | undefined, c: Clause): boolean {
  if (c.comparator === 'IS NULL') return actual === undefined;
  if (c.comparator === 'IS NOT NULL') return actual !== undefined;
  if (actual === undefined) return false;
  const v = c.value;
  switch (c.comparator) {
    case 'IN':
      return v.kind === 'list' && v.values.includes(String(actual));
    case 'NOT IN':
      return v.kind === 'list' && !v.values.includes(String(actual));
    case 'LIKE':
    case 'ILIKE':
      return v.kind === 'string' && likeRegex(v.value, c.comparator === 'ILIKE').test(String(actual));
  }
  const expected = v.kind === 'number' ? v.value : v.kind === 'string' ? v.value : undefined;
  if (expected === undefined) return false;
  const a = typeof expected === 'number' ? Number(actual) : String(actual);
  switch (c.comparator) {
    case '=':
      return a === expected;
    case '!=':
      return a !== expected;
    case '>':
      return a > expected;
    case '>=':
      return a >= expected;
    case '<':
      return a < expected;
    case '<=':
      return a <= expected;
  }
  return false;
}

function lookup(run: Searchable, type: KeyType, key: string): string | number | undefined {
  switch (type) {
    case 'metric':
      return run.metric(key);
    case 'param':
      return run.param(key);
    case 'tag':
      return run.tag(key);
    case 'attribute':
      return run.attribute(key);
    case 'dataset':
      // The emulator's runs log no dataset inputs: no dataset clause can match.
      return undefined;
  }
}

/** A predicate over runs, or a 400 for a filter the server refuses. */
export function runFilter(text: string): (run: Searchable) => boolean {
  const clauses = parseFilter(text).map(checkRunClause);
  return (run) => clauses.every((c) => compare(lookup(run, c.type, c.key), c));
}

/** Sorts runs: the order_by keys first, then start time (newest first) and run id; missing values last. */
export function sortRuns<T extends Searchable>(runs: T[], orderBy: readonly string[]): T[] {
  const keys = orderBy.map((o) => {
    const parsed: OrderKey = parseOrderBy(o);
    const type = typeOf(parsed.identifier, RUN_ENTITIES, 'order_by');
    return {
      type,
      key: type === 'attribute' ? (RUN_ATTRIBUTE_ALIASES[parsed.identifier.key] ?? parsed.identifier.key) : parsed.identifier.key,
      ascending: parsed.ascending,
    };
  });
  keys.push({ type: 'attribute', key: 'start_time', ascending: false }, { type: 'attribute', key: 'run_id', ascending: true });
  return [...runs].sort((a, b) => {
    for (const k of keys) {
      const order = compareValues(lookup(a, k.type, k.key), lookup(b, k.type, k.key), k.ascending);
      if (order !== 0) return order;
    }
    return 0;
  });
}

function compareValues(a: string | number | undefined, b: string | number | undefined, ascending: boolean): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  const order = a < b ? -1 : a > b ? 1 : 0;
  return ascending ? order : -order;
}

// ---------------------------------------------------------------- experiments

const EXPERIMENT_ENTITIES: Record<string, KeyType> = { attribute: 'attribute', attributes: 'attribute', tag: 'tag', tags: 'tag' };

function experimentValue(e: MlflowExperiment, type: KeyType, key: string): string | number | undefined {
  if (type === 'tag') return e.tags?.[key];
  if (key === 'name') return e.name;
  if (key === 'creation_time') return e.creationTime;
  if (key === 'last_update_time') return e.lastUpdateTime ?? e.creationTime;
  if (key === 'experiment_id') return Number(e.experimentId);
  throw invalidParameter(`Invalid attribute key '${key}' specified. Valid keys are '['name', 'creation_time', 'last_update_time']'`);
}

export function experimentFilter(text: string): (e: MlflowExperiment) => boolean {
  const clauses = parseFilter(text).map((c) => ({ ...c, type: typeOf(c.identifier, EXPERIMENT_ENTITIES, 'filter') }));
  return (e) => clauses.every((c) => compare(experimentValue(e, c.type, c.identifier.key), c));
}

/** §2.2: newest first by default (`creation_time DESC, experiment_id ASC`). */
export function sortExperiments(list: MlflowExperiment[], orderBy: readonly string[]): MlflowExperiment[] {
  const keys = (orderBy.length > 0 ? orderBy : ['creation_time DESC']).map((o) => {
    const parsed = parseOrderBy(o);
    return { type: typeOf(parsed.identifier, EXPERIMENT_ENTITIES, 'order_by'), key: parsed.identifier.key, ascending: parsed.ascending };
  });
  keys.push({ type: 'attribute', key: 'experiment_id', ascending: true });
  return [...list].sort((a, b) => {
    for (const k of keys) {
      const order = compareValues(experimentValue(a, k.type, k.key), experimentValue(b, k.type, k.key), k.ascending);
      if (order !== 0) return order;
    }
    return 0;
  });
}
