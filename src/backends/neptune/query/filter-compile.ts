// Turns a parsed `filter` into the filter objects the official client builds for the equivalent Python
// expression, so the NQL is the same (neptune.md §4.2). Each construct maps to one public-API call:
//
//   a == v, a != v, a > v …     Filter.eq / ne / gt / ge / lt / le(a, v)     → `a` == "v"
//   a matches "re"              Filter.matches(a, "re")  (extended regex)     → ((`a` MATCHES "re"))
//   a not matches "re"          ~Filter.matches(a, "re")                      → NOT (((`a` MATCHES "re")))
//   a contains v / [v, w]       Filter.contains_all(a, v / [v, w])            → (`a` CONTAINS "v") AND …
//   a not contains v / [v, w]   Filter.contains_none(a, v / [v, w])           → (`a` NOT CONTAINS "v") AND …
//   a exists / a not exists     Filter.exists(a) / ~Filter.exists(a)          → `a` EXISTS
//   x and y, x or y, not x      x & y, x | y, ~x  (binary, left to right)     → (x) AND (y), (x) OR (y), NOT (x)
//
// `x and y and z` is Python's `x & y & z`, i.e. `((x) AND (y)) AND (z)`: the client's `&` nests, it does not
// flatten. Values are rendered with Python's str(): ints as written, floats as repr (`1e-07`), True/False.
import type { FilterAst, Literal } from './filter-language.ts';
import { allOf, anyOf, existsPredicate, extendedRegexFilter, negate, valuePredicate, type NqlAttribute, type NqlFilter } from './nql.ts';
import { pythonFloatRepr } from '../target-path/python-format.ts';

/** Python's `str(value)` for a literal of the filter language. */
export function pythonValueString(literal: Literal): string {
  switch (literal.kind) {
    case 'int':
      // Python ints are exact at any size, and int("-0") is 0.
      return BigInt(literal.text).toString();
    case 'float':
      return pythonFloatRepr(literal.value);
    case 'bool':
      return literal.value ? 'True' : 'False';
    case 'string':
      return literal.value;
  }
}

export function compileFilter(ast: FilterAst): NqlFilter {
  switch (ast.kind) {
    case 'and':
      return allOf([compileFilter(ast.left), compileFilter(ast.right)]);
    case 'or':
      return anyOf([compileFilter(ast.left), compileFilter(ast.right)]);
    case 'not':
      return negate(compileFilter(ast.child));
    case 'compare':
      return valuePredicate(attributeOf(ast.attribute), ast.operator, pythonValueString(ast.value));
    case 'matches': {
      const matches = extendedRegexFilter(() => attributeOf(ast.attribute), ast.pattern);
      return ast.negated ? negate(matches) : matches;
    }
    case 'contains': {
      const operator = ast.negated ? 'NOT CONTAINS' : 'CONTAINS';
      return allOf(ast.values.map((v) => valuePredicate(attributeOf(ast.attribute), operator, pythonValueString(v))));
    }
    case 'exists': {
      const exists = existsPredicate(attributeOf(ast.attribute));
      return ast.negated ? negate(exists) : exists;
    }
  }
}

/** A fresh attribute object per occurrence: type inference fills each in place. */
function attributeOf(ref: { name: string; type?: string }): NqlAttribute {
  return { name: ref.name, type: ref.type };
}
