// The official client's filter objects (`internal/filters.py`) and their rendering to NQL (neptune.md §4.2), so
// that a selection produces byte-for-byte the query `neptune_query` would send for the equivalent Python call.
import type { NameSelector } from '../../../core/inputs/input-values.ts';
import { parseExtendedRegex } from '../../../core/names/extended-regex.ts';

/** Python-side attribute type names (`filters.KNOWN_TYPES`), in the client's ALL_TYPES order. */
export const ALL_ATTRIBUTE_TYPES = [
  'float',
  'int',
  'string',
  'bool',
  'datetime',
  'float_series',
  'string_set',
  'string_series',
  'file',
  'file_series',
  'histogram_series',
] as const;
export type AttributeType = (typeof ALL_ATTRIBUTE_TYPES)[number];

const PYTHON_TO_BACKEND: Readonly<Record<string, string>> = {
  float_series: 'floatSeries',
  string_set: 'stringSet',
  string_series: 'stringSeries',
  file: 'fileRef',
  file_series: 'fileRefSeries',
  histogram_series: 'histogramSeries',
};
const BACKEND_TO_PYTHON: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(PYTHON_TO_BACKEND).map(([python, backend]) => [backend, python]),
);

/** §5.3: Python type name → backend spelling; unknown names pass through, as in the client. */
export function backendType(type: string): string {
  return PYTHON_TO_BACKEND[type] ?? type;
}

export function pythonType(type: string): string {
  return BACKEND_TO_PYTHON[type] ?? type;
}

/** An attribute reference; `type` (Python spelling) is filled in by type inference when the user gave none. */
export interface NqlAttribute {
  name: string;
  type: string | undefined;
}

export type ValueOperator = '==' | '!=' | '>' | '>=' | '<' | '<=' | 'MATCHES' | 'NOT MATCHES' | 'CONTAINS' | 'NOT CONTAINS';

export type NqlFilter =
  /** `value` is already the Python `str()` of the operand. */
  | { kind: 'value'; attribute: NqlAttribute; operator: ValueOperator; value: string }
  | { kind: 'exists'; attribute: NqlAttribute }
  | { kind: 'associative'; operator: 'AND' | 'OR'; children: NqlFilter[] }
  | { kind: 'not'; child: NqlFilter };

export const valuePredicate = (attribute: NqlAttribute, operator: ValueOperator, value: string): NqlFilter => ({
  kind: 'value',
  attribute,
  operator,
  value,
});
export const existsPredicate = (attribute: NqlAttribute): NqlFilter => ({ kind: 'exists', attribute });
/** `_Filter.all`: AND of the children, each in parentheses (one child still gets them). */
export const allOf = (children: NqlFilter[]): NqlFilter => ({ kind: 'associative', operator: 'AND', children });
/** `_Filter.any`. */
export const anyOf = (children: NqlFilter[]): NqlFilter => ({ kind: 'associative', operator: 'OR', children });
export const negate = (child: NqlFilter): NqlFilter => ({ kind: 'not', child });

function renderAttribute(attribute: NqlAttribute): string {
  // The name is not escaped: the client emits backticks inside a name as they are.
  return attribute.type === undefined ? `\`${attribute.name}\`` : `\`${attribute.name}\`:${backendType(attribute.type)}`;
}

/** `_AttributeValuePredicate._right_query`: `\` → `\\`, then `"` → `\"`, in double quotes. */
function renderValue(value: string): string {
  return `"${value.split('\\').join('\\\\').split('"').join('\\"')}"`;
}

export function renderNql(filter: NqlFilter): string {
  switch (filter.kind) {
    case 'value':
      return `${renderAttribute(filter.attribute)} ${filter.operator} ${renderValue(filter.value)}`;
    case 'exists':
      return `${renderAttribute(filter.attribute)} EXISTS`;
    case 'associative':
      return filter.children.map((child) => `(${renderNql(child)})`).join(` ${filter.operator} `);
    case 'not':
      return `NOT (${renderNql(filter.child)})`;
  }
}

/** Every attribute reference in the filter, in rendering order (what type inference walks). */
export function* filterAttributes(filter: NqlFilter): Generator<NqlAttribute> {
  switch (filter.kind) {
    case 'value':
    case 'exists':
      yield filter.attribute;
      return;
    case 'associative':
      for (const child of filter.children) yield* filterAttributes(child);
      return;
    case 'not':
      yield* filterAttributes(filter.child);
  }
}

/**
 * `pattern.build_extended_regex_filter`: OR over the alternatives of AND over `MATCHES` (positive parts) then
 * `NOT MATCHES` (negated parts). `makeAttribute` gives each predicate its own attribute object, as the client does.
 */
export function extendedRegexFilter(makeAttribute: () => NqlAttribute, pattern: string): NqlFilter {
  return anyOf(
    parseExtendedRegex(pattern).map((conjunction) =>
      allOf([
        ...conjunction.positive.map((p) => valuePredicate(makeAttribute(), 'MATCHES', p)),
        ...conjunction.negated.map((p) => valuePredicate(makeAttribute(), 'NOT MATCHES', p)),
      ]),
    ),
  );
}

/**
 * The selector part of the query (`_internal.resolve_experiments_filter` / `resolve_runs_filter`): a names list
 * is an OR of `==` on the label attribute, a regex is the extended-regex filter over it (§4.2).
 */
export function nameSelectorFilter(selector: NameSelector, labelAttribute: 'sys/name' | 'sys/custom_run_id'): NqlFilter {
  const makeAttribute = (): NqlAttribute => ({ name: labelAttribute, type: 'string' });
  if (selector.kind === 'regex') return extendedRegexFilter(makeAttribute, selector.pattern);
  return anyOf(selector.names.map((name) => valuePredicate(makeAttribute(), '==', name)));
}

/**
 * Selector and filter together. The client takes one or the other; the equivalent Python call for both is
 * `Filter.name(...) & filter` (or `Filter.matches(Attribute("sys/custom_run_id", type="string"), ...) & filter`),
 * i.e. `_Filter.all([selector, filter])`, rendered `(<selector>) AND (<filter>)`.
 */
export function combineFilters(selector: NqlFilter | undefined, filter: NqlFilter | undefined): NqlFilter | undefined {
  if (selector !== undefined && filter !== undefined) return allOf([selector, filter]);
  return selector ?? filter;
}
