// The `filters` and `order` arguments of `Project.runs` / `runCount` (wandb.md §2.2): MongoDB-style JSON the
// server evaluates. Operators: $and $or $nor $eq $ne $gt $gte $lt $lte $in $nin $exists $regex (RE2, read as a
// JS RegExp) plus $not/$all/$size; fields: name, display_name/displayName, state, createdAt, group, jobType,
// tags (array membership), username, config.<key> (values unwrapped from {value, desc}) and summary_metrics.<key>.

export class FilterError extends Error {}

/** A run as filters see it; config values are already unwrapped. */
export interface FilterableRun {
  id: string;
  displayName: string;
  state: string;
  createdAt: string;
  tags: string[];
  group: string | null;
  jobType: string | null;
  username: string;
  config: Record<string, unknown>;
  summary: Record<string, unknown>;
}

type Found = { found: true; value: unknown } | { found: false };
const NOT_FOUND: Found = { found: false };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `{value, desc}` as W&B stores config entries (§2.1). */
export function unwrapConfigValue(v: unknown): unknown {
  if (isRecord(v) && Object.hasOwn(v, 'value') && Object.keys(v).every((k) => k === 'value' || k === 'desc')) return v.value;
  return v;
}

/** Looks a dotted path up; keys may themselves contain dots (`a.b` as one key is tried before `a` → `b`). */
function lookup(obj: unknown, path: string): Found {
  if (!isRecord(obj)) return NOT_FOUND;
  if (Object.hasOwn(obj, path)) return { found: true, value: obj[path] };
  for (let i = path.indexOf('.'); i > 0; i = path.indexOf('.', i + 1)) {
    const head = path.slice(0, i);
    if (Object.hasOwn(obj, head)) {
      const inner = lookup(obj[head], path.slice(i + 1));
      if (inner.found) return inner;
    }
  }
  return NOT_FOUND;
}

const DATE_FIELDS = new Set(['createdAt', 'created_at', 'heartbeatAt', 'heartbeat_at']);

export function fieldValue(run: FilterableRun, field: string): Found {
  switch (field) {
    case 'name':
      return { found: true, value: run.id };
    case 'display_name':
    case 'displayName':
      return { found: true, value: run.displayName };
    case 'state':
      return { found: true, value: run.state };
    case 'createdAt':
    case 'created_at':
    case 'heartbeatAt':
    case 'heartbeat_at':
      return { found: true, value: run.createdAt };
    case 'tags':
      return { found: true, value: run.tags };
    case 'group':
      return { found: true, value: run.group };
    case 'jobType':
    case 'job_type':
      return { found: true, value: run.jobType };
    case 'username':
      return { found: true, value: run.username };
  }
  if (field.startsWith('config.')) {
    const rest = field.slice('config.'.length);
    const direct = lookup(run.config, rest);
    // `config.lr.value` (the documented order key form) names the unwrapped value of `lr`.
    return direct.found || !rest.endsWith('.value') ? direct : lookup(run.config, rest.slice(0, -'.value'.length));
  }
  for (const prefix of ['summary_metrics.', 'summaryMetrics.']) {
    if (field.startsWith(prefix)) return lookup(run.summary, field.slice(prefix.length));
  }
  return NOT_FOUND;
}

/** W&B times are UTC and often printed without a zone; JS would read those as local time. */
function dateMs(s: string): number | undefined {
  const text = /T\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(s) ? `${s}Z` : s;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

function compare(a: unknown, b: unknown, dates: boolean): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') {
    if (dates) {
      const x = dateMs(a);
      const y = dateMs(b);
      if (x !== undefined && y !== undefined) return x - y;
    }
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return undefined;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Equality, with Mongo's array rule: an array field matches when one element equals the target. */
function equals(value: unknown, target: unknown): boolean {
  if (Array.isArray(value) && !Array.isArray(target)) return value.some((v) => deepEqual(v, target));
  return deepEqual(value, target);
}

/** RE2 → JS: a leading `(?flags)` becomes RegExp flags, `(?P<n>` a named group, `\A`/`\z` anchors. */
export function re2ToRegExp(pattern: string, options = ''): RegExp {
  let source = pattern;
  let flags = options.replace(/[^ims]/g, '');
  const lead = /^\(\?([imsU]+)\)/.exec(source);
  if (lead) {
    flags += (lead[1] ?? '').replace(/U/g, '');
    source = source.slice(lead[0].length);
  }
  source = source
    .replace(/\(\?P</g, '(?<')
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$');
  try {
    return new RegExp(source, [...new Set(flags)].join(''));
  } catch (error) {
    throw new FilterError(`invalid $regex ${JSON.stringify(pattern)}: ${(error as Error).message}`);
  }
}

function isOperatorObject(cond: unknown): cond is Record<string, unknown> {
  if (!isRecord(cond)) return false;
  const keys = Object.keys(cond);
  const ops = keys.filter((k) => k.startsWith('$'));
  if (ops.length > 0 && ops.length !== keys.length) throw new FilterError(`cannot mix operators and fields in ${JSON.stringify(cond)}`);
  return ops.length > 0;
}

function listArg(op: string, arg: unknown): unknown[] {
  if (!Array.isArray(arg)) throw new FilterError(`${op} needs an array`);
  return arg;
}

function matchField(field: Found, cond: unknown, dates: boolean): boolean {
  if (!isOperatorObject(cond)) return cond === null ? !field.found || field.value === null : field.found && equals(field.value, cond);
  return Object.entries(cond).every(([op, arg]) => applyOperator(op, arg, field, cond, dates));
}

function applyOperator(op: string, arg: unknown, field: Found, cond: Record<string, unknown>, dates: boolean): boolean {
  const values = field.found ? (Array.isArray(field.value) ? field.value : [field.value]) : [];
  const ordered = (test: (c: number) => boolean): boolean =>
    values.some((v) => {
      const c = compare(v, arg, dates);
      return c !== undefined && test(c);
    });
  switch (op) {
    case '$eq':
      return matchField(field, arg, dates);
    case '$ne':
      return !matchField(field, arg, dates);
    case '$gt':
      return ordered((c) => c > 0);
    case '$gte':
      return ordered((c) => c >= 0);
    case '$lt':
      return ordered((c) => c < 0);
    case '$lte':
      return ordered((c) => c <= 0);
    case '$in':
      return listArg(op, arg).some((t) => matchField(field, t, dates));
    case '$nin':
      return !listArg(op, arg).some((t) => matchField(field, t, dates));
    case '$exists':
      return Boolean(arg) === field.found;
    case '$regex': {
      if (typeof arg !== 'string') throw new FilterError('$regex needs a string');
      const re = re2ToRegExp(arg, typeof cond.$options === 'string' ? cond.$options : '');
      return values.some((v) => typeof v === 'string' && re.test(v));
    }
    case '$options':
      return true;
    case '$not':
      return !matchField(field, arg, dates);
    case '$all':
      return field.found && Array.isArray(field.value) && listArg(op, arg).every((t) => equals(field.value, t));
    case '$size':
      return field.found && Array.isArray(field.value) && field.value.length === arg;
    default:
      throw new FilterError(`unsupported operator ${op}`);
  }
}

export function runMatches(run: FilterableRun, filter: Record<string, unknown>): boolean {
  return Object.entries(filter).every(([key, cond]) => {
    if (key === '$and' || key === '$or' || key === '$nor') {
      const parts = listArg(key, cond);
      if (parts.length === 0) throw new FilterError(`${key} needs a non-empty array`);
      const each = parts.map((part) => {
        if (!isRecord(part)) throw new FilterError(`${key} takes objects`);
        return part;
      });
      if (key === '$and') return each.every((part) => runMatches(run, part));
      if (key === '$or') return each.some((part) => runMatches(run, part));
      return !each.some((part) => runMatches(run, part));
    }
    if (key.startsWith('$')) throw new FilterError(`unsupported top-level operator ${key}`);
    return matchField(fieldValue(run, key), cond, DATE_FIELDS.has(key));
  });
}

/** A `JSONString` filters argument: JSON text (as the client sends it), an object, or null (no filter). */
export function parseFilters(value: unknown): Record<string, unknown> {
  if (value === null || value === undefined || value === '') return {};
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value) as unknown;
    } catch (error) {
      throw new FilterError(`filters is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (!isRecord(parsed)) throw new FilterError('filters must be a JSON object');
  return parsed;
}

/** `±field` (§2.2; default `+created_at`), ties broken by creation time, then id. */
export function runComparator(order: string | null | undefined): (a: FilterableRun, b: FilterableRun) => number {
  const raw = (order ?? '').trim() || '+created_at';
  const sign = raw.startsWith('-') ? -1 : 1;
  const field = raw.replace(/^[+-]/, '');
  const known = [
    'created_at',
    'createdAt',
    'heartbeat_at',
    'heartbeatAt',
    'name',
    'display_name',
    'displayName',
    'state',
    'group',
    'jobType',
  ];
  if (
    !known.includes(field) &&
    !field.startsWith('config.') &&
    !field.startsWith('summary_metrics.') &&
    !field.startsWith('summaryMetrics.')
  ) {
    throw new FilterError(`unsupported order ${JSON.stringify(raw)}`);
  }
  const dates = DATE_FIELDS.has(field);
  return (a, b) => {
    const x = fieldValue(a, field);
    const y = fieldValue(b, field);
    // Runs without the field sort after those with it, whichever the direction.
    if (!x.found || x.value === null || x.value === undefined) return !y.found || y.value === null || y.value === undefined ? tie(a, b) : 1;
    if (!y.found || y.value === null || y.value === undefined) return -1;
    const c = compare(x.value, y.value, dates);
    return c !== undefined && c !== 0 ? sign * Math.sign(c) : tie(a, b);
  };
}

function tie(a: FilterableRun, b: FilterableRun): number {
  const c = compare(a.createdAt, b.createdAt, true) ?? 0;
  if (c !== 0) return Math.sign(c);
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
