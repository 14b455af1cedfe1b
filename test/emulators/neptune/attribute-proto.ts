// A stored attribute as `ProtoAttributeDTO` (neptune.md §6.4), in protobufjs object form with the proto field
// names (wire-schema.ts parses with keepCase). Shared by the search projection and the attribute-values endpoint.
import type { StoredAttribute } from './store.ts';

export type ProtoObject = Record<string, unknown>;

function fileRef(file: { path: string; sizeBytes: number; mimeType: string }): ProtoObject {
  return { path: file.path, sizeBytes: file.sizeBytes, mimeType: file.mimeType };
}

export function attributeToProto(name: string, a: StoredAttribute): ProtoObject {
  const head = { attribute_name: name, attribute_type: a.type };
  switch (a.type) {
    case 'string':
      return { name, type: a.type, string_properties: { ...head, value: a.value } };
    case 'int':
      return { name, type: a.type, int_properties: { ...head, value: a.value } };
    case 'float':
      return { name, type: a.type, float_properties: { ...head, value: a.value } };
    case 'bool':
      return { name, type: a.type, bool_properties: { ...head, value: a.value } };
    case 'datetime':
      // Epoch milliseconds (§6.4).
      return { name, type: a.type, datetime_properties: { ...head, value: a.millis } };
    case 'stringSet':
      return { name, type: a.type, string_set_properties: { ...head, value: [...a.value] } };
    case 'floatSeries': {
      const values = a.points.map((p) => p.value);
      const last = a.points.at(-1);
      if (!last) return { name, type: a.type, float_series_properties: { ...head, config: {}, has_preview: false } };
      const average = values.reduce((s, v) => s + v, 0) / values.length;
      const variance = values.reduce((s, v) => s + (v - average) ** 2, 0) / values.length;
      return {
        name,
        type: a.type,
        float_series_properties: {
          ...head,
          last_step: last.step,
          last: last.value,
          min: values.reduce((m, v) => Math.min(m, v), Infinity),
          max: values.reduce((m, v) => Math.max(m, v), -Infinity),
          average,
          variance,
          config: {},
          has_preview: false,
        },
      };
    }
    case 'fileRef':
      return { name, type: a.type, file_ref_properties: { ...head, ...fileRef(a.file) } };
    case 'fileRefSeries': {
      const last = a.points.at(-1);
      const props = last ? { ...head, last_step: last.step, last: fileRef(last.file) } : head;
      return { name, type: a.type, file_ref_series_properties: props };
    }
  }
}
