// Evaluates parsed NQL against runs. Values arrive as strings (neptune.md §4.2: every value is `str(value)`
// quoted) and are compared by the attribute's type: numbers numerically, booleans from True/False (any case),
// datetimes as ISO instants, strings by code units; MATCHES is a find-anywhere regex, CONTAINS is membership on
// stringSet and substring on string. Choices the reference leaves open (§13), made the way SQL would:
// * a predicate on an attribute the run lacks (or has with another type) is false, its negated forms
//   (`!=`, NOT MATCHES, NOT CONTAINS) included; only `NOT (...)` turns that into true;
// * a typed reference with an operator its type cannot support, or a literal that is not of that type, is a
//   400 (a malformed query); an untyped reference is resolved per run, and such a mismatch is just false.
import { badRequest, type ApiError } from './http-util.ts';
import { parseIsoMillis } from './iso-time.ts';
import { parseNql, NqlError, type AttributeRef, type CompareOp, type NqlNode } from './nql.ts';
import { serverRegex } from './regex.ts';
import { attributeOf, type StoredAttribute, type StoredRun } from './store.ts';

export type RunPredicate = (run: StoredRun) => boolean;
type ValueTest = (attribute: StoredAttribute) => boolean;

/** Backend type names a typed reference may carry (neptune.md §5.3). */
export const BACKEND_TYPES: ReadonlySet<string> = new Set([
  'float',
  'int',
  'string',
  'bool',
  'datetime',
  'floatSeries',
  'stringSet',
  'stringSeries',
  'fileRef',
  'fileRefSeries',
  'histogramSeries',
  'experimentState',
  'complex',
  'gitRef',
]);

const ORDERING: ReadonlySet<CompareOp> = new Set(['==', '!=', '>', '>=', '<', '<=']);

function compareWith(op: CompareOp, diff: number): boolean {
  switch (op) {
    case '==':
      return diff === 0;
    case '!=':
      return diff !== 0;
    case '>':
      return diff > 0;
    case '>=':
      return diff >= 0;
    case '<':
      return diff < 0;
    case '<=':
      return diff <= 0;
    default:
      return false;
  }
}

function parseNumber(text: string): number {
  const t = text.trim().toLowerCase();
  // Python renders float('inf') / float('nan') as these.
  if (t === 'inf' || t === '+inf' || t === 'infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  if (t === 'nan') return NaN;
  const n = t === '' ? NaN : Number(t);
  if (Number.isNaN(n)) throw badRequest(`'${text}' is not a number`);
  return n;
}

function parseBool(text: string): boolean {
  const t = text.toLowerCase();
  if (t === 'true') return true;
  if (t === 'false') return false;
  throw badRequest(`'${text}' is not a boolean (True/False)`);
}

const unsupported = (type: string, op: CompareOp): ApiError => badRequest(`Operator ${op} is not supported for type ${type}`);

/** A test for attributes of `type`; throws 400 when the operator or literal does not fit that type. */
function valueTest(type: string, op: CompareOp, value: string): ValueTest {
  switch (type) {
    case 'string': {
      if (op === 'MATCHES' || op === 'NOT MATCHES') {
        const re = serverRegex(value);
        const want = op === 'MATCHES';
        return (a) => a.type === 'string' && re.test(a.value) === want;
      }
      if (op === 'CONTAINS' || op === 'NOT CONTAINS') {
        const want = op === 'CONTAINS';
        return (a) => a.type === 'string' && a.value.includes(value) === want;
      }
      return (a) => a.type === 'string' && compareWith(op, a.value < value ? -1 : a.value > value ? 1 : 0);
    }
    case 'int':
    case 'float':
    case 'floatSeries': {
      if (!ORDERING.has(op)) throw unsupported(type, op);
      const n = parseNumber(value);
      return (a) => {
        // A float series compares by its last value, as the web UI's filters do.
        const v = a.type === 'int' || a.type === 'float' ? a.value : a.type === 'floatSeries' ? a.points.at(-1)?.value : undefined;
        return a.type === type && v !== undefined && compareWith(op, v - n);
      };
    }
    case 'bool': {
      if (op !== '==' && op !== '!=') throw unsupported(type, op);
      const b = parseBool(value);
      return (a) => a.type === 'bool' && (a.value === b) === (op === '==');
    }
    case 'datetime': {
      if (!ORDERING.has(op)) throw unsupported(type, op);
      const millis = parseIsoMillis(value);
      if (millis === undefined) throw badRequest(`'${value}' is not an ISO date/time`);
      return (a) => a.type === 'datetime' && compareWith(op, a.millis - millis);
    }
    case 'stringSet': {
      if (op !== 'CONTAINS' && op !== 'NOT CONTAINS') throw unsupported(type, op);
      const want = op === 'CONTAINS';
      return (a) => a.type === 'stringSet' && a.value.includes(value) === want;
    }
    default:
      throw unsupported(type, op);
  }
}

function checkType(ref: AttributeRef): void {
  if (ref.type !== undefined && !BACKEND_TYPES.has(ref.type)) throw badRequest(`Unknown attribute type '${ref.type}'`);
}

function comparePredicate(ref: AttributeRef, op: CompareOp, value: string): RunPredicate {
  checkType(ref);
  const name = ref.name;
  if (ref.type !== undefined) {
    const test = valueTest(ref.type, op, value);
    return (run) => {
      const a = attributeOf(run, name);
      return a !== undefined && test(a);
    };
  }
  // Untyped: pick the test by the type each run actually has; one that cannot apply is false.
  const byType = new Map<string, ValueTest>();
  return (run) => {
    const a = attributeOf(run, name);
    if (a === undefined) return false;
    let test = byType.get(a.type);
    if (test === undefined) {
      try {
        test = valueTest(a.type, op, value);
      } catch {
        test = () => false;
      }
      byType.set(a.type, test);
    }
    return test(a);
  };
}

/**
 * `(a == "x") OR (a == "y") OR …` is how name lists are rendered (§4.2) and can hold thousands of names;
 * evaluating it as one set lookup keeps a search over 100,000 runs linear.
 */
function compileOr(children: NqlNode[]): RunPredicate {
  const sets = new Map<string, Set<string>>();
  const rest: RunPredicate[] = [];
  for (const child of children) {
    if (child.kind === 'compare' && child.op === '==' && child.attribute.type === 'string') {
      const set = sets.get(child.attribute.name) ?? new Set<string>();
      set.add(child.value);
      sets.set(child.attribute.name, set);
    } else {
      rest.push(compileNode(child));
    }
  }
  for (const [name, set] of sets) {
    rest.push((run) => {
      const a = attributeOf(run, name);
      return a?.type === 'string' && set.has(a.value);
    });
  }
  return (run) => rest.some((p) => p(run));
}

function compileNode(node: NqlNode): RunPredicate {
  switch (node.kind) {
    case 'or':
      return compileOr(node.children);
    case 'and': {
      const parts = node.children.map(compileNode);
      return (run) => parts.every((p) => p(run));
    }
    case 'not': {
      const inner = compileNode(node.child);
      return (run) => !inner(run);
    }
    case 'exists': {
      checkType(node.attribute);
      const { name, type } = node.attribute;
      return (run) => {
        const a = attributeOf(run, name);
        return a !== undefined && (type === undefined || a.type === type);
      };
    }
    case 'compare':
      return comparePredicate(node.attribute, node.op, node.value);
  }
}

/** Parses and compiles a query; every problem with it is a 400 ApiError. */
export function compileNql(text: string): { predicate: RunPredicate; ast: NqlNode } {
  let ast: NqlNode;
  try {
    ast = parseNql(text);
  } catch (error) {
    if (error instanceof NqlError) throw badRequest(error.message);
    throw error;
  }
  return { predicate: compileNode(ast), ast };
}
