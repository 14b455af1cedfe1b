// NQL needs a type on every attribute of a filter. As the client does (`composition/type_inference.py`,
// neptune.md §4.2): known sys/* attributes have fixed types; the others are looked up in one attribute-definitions
// query over the whole project (all 11 types). One type found → used; several → the user must say which; none →
// `string`, with a warning.
import { InputError } from '../../../core/errors.ts';
import type { Logger } from '../../../core/logger.ts';
import { NeptuneInputs as Inputs } from '../inputs.ts';
import type { AttributeDefinition } from '../api/attribute-definitions.ts';
import { filterAttributes, pythonType, type AttributeType, type NqlFilter } from './nql.ts';

/** `_KNOWN_SYS_ATTRIBUTES` of the client. */
export const KNOWN_SYS_ATTRIBUTES: Readonly<Record<string, AttributeType>> = {
  'sys/archived': 'bool',
  'sys/creation_time': 'datetime',
  'sys/custom_run_id': 'string',
  'sys/description': 'string',
  'sys/diagnostics/attributes/bool_count': 'int',
  'sys/diagnostics/attributes/file_ref_count': 'int',
  'sys/diagnostics/attributes/file_ref_series_count': 'int',
  'sys/diagnostics/attributes/float_count': 'int',
  'sys/diagnostics/attributes/float_series_count': 'int',
  'sys/diagnostics/attributes/histogram_count': 'int',
  'sys/diagnostics/attributes/histogram_series_count': 'int',
  'sys/diagnostics/attributes/int_count': 'int',
  'sys/diagnostics/attributes/string_count': 'int',
  'sys/diagnostics/attributes/string_series_count': 'int',
  'sys/diagnostics/attributes/string_set_count': 'int',
  'sys/diagnostics/attributes/total_count': 'int',
  'sys/diagnostics/attributes/total_series_datapoints': 'int',
  'sys/diagnostics/project_uuid': 'string',
  'sys/diagnostics/run_uuid': 'string',
  'sys/experiment/is_head': 'bool',
  'sys/experiment/name': 'string',
  'sys/experiment/running_time_seconds': 'float',
  'sys/failed': 'bool',
  'sys/family': 'string',
  'sys/forking/depth': 'int',
  'sys/group_tags': 'string_set',
  'sys/id': 'string',
  'sys/modification_time': 'datetime',
  'sys/name': 'string',
  'sys/owner': 'string',
  'sys/ping_time': 'datetime',
  'sys/relative_creation_time_ms': 'int',
  'sys/running_time_seconds': 'float',
  'sys/size': 'int',
  'sys/tags': 'string_set',
  'sys/trashed': 'bool',
};

/** Finds the definitions of these exact names anywhere in the project. */
export type DefinitionLookup = (names: string[]) => Promise<AttributeDefinition[]>;

/** Fills in the type of every untyped attribute of `filter`, in place. */
export async function inferAttributeTypes(filter: NqlFilter | undefined, lookup: DefinitionLookup, log: Logger): Promise<void> {
  if (filter === undefined) return;
  const untyped = [...filterAttributes(filter)].filter((a) => a.type === undefined);
  for (const attribute of untyped) attribute.type = KNOWN_SYS_ATTRIBUTES[attribute.name];
  const remaining = untyped.filter((a) => a.type === undefined);
  if (remaining.length === 0) return;

  const names = [...new Set(remaining.map((a) => a.name))];
  const found = new Map<string, Set<string>>();
  for (const definition of await lookup(names)) {
    const types = found.get(definition.name) ?? new Set<string>();
    types.add(pythonType(definition.type));
    found.set(definition.name, types);
  }

  const conflicts: string[] = [];
  for (const name of names) {
    const types = [...(found.get(name) ?? [])];
    let type: string | undefined = types[0];
    if (types.length > 1) {
      conflicts.push(`'${name}' has the types ${types.join(', ')} in this project (write e.g. \`${name}\`:${types[0] ?? ''})`);
      continue;
    }
    if (type === undefined) {
      log.warning(`Neptune filter: the attribute '${name}' does not exist in the project, so it is compared as a string.`);
      type = 'string';
    }
    for (const attribute of remaining) if (attribute.name === name) attribute.type = type;
  }
  if (conflicts.length > 0) {
    throw new InputError(Inputs.filter, `cannot tell which attribute type to filter on: ${conflicts.join('; ')}.`);
  }
}
