// The `registered_model_meta` file the official client writes into a downloaded model folder that holds an
// `MLmodel` file (mlflow.md §5): YAML with `model_name` and `model_version`, as PyYAML's safe dumper writes it
// (keys sorted, block style, unicode as is). Nothing is fetched for it; this tool writes the same bytes so a
// folder it downloads matches the client's file for file.
import { createHash } from 'node:crypto';

export const MODEL_META_FILE = 'registered_model_meta';

/** Words YAML 1.1 reads as booleans or null: PyYAML quotes a string that would read as one. */
const RESOLVES_TO_OTHER_TYPE =
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~|)$|^[-+]?(?:\d[\d_]*(?:\.[\d_]*)?(?:[eE][-+]?\d+)?|\.\d[\d_]*(?:[eE][-+]?\d+)?|0x[0-9a-fA-F_]+|0o?[0-7_]+|0b[01_]+|\.inf|\.Inf|\.INF|\.nan|\.NaN|\.NAN|\d+(?::[0-5]?\d)+(?:\.\d*)?)$|^\d{4}-\d\d?-\d\d?/;

/**
 * A string scalar as PyYAML emits it: plain when nothing in it needs quoting and it would not read as another
 * type, otherwise single-quoted (`'` doubled). Names with control characters (which PyYAML double-quotes with
 * escapes) never reach here: they are not valid registered model names.
 */
export function yamlString(value: string): string {
  const plainSafe =
    !RESOLVES_TO_OTHER_TYPE.test(value) &&
    !/^[\s\-?:,[\]{}#&*!|>'"%@`]/.test(value) &&
    !/[\s]$/.test(value) &&
    !/: |:$| #|[\t\n\r]/.test(value) &&
    !/^(---|\.\.\.)/.test(value);
  // `-`, `?` and `:` may start a plain scalar when the next character is not a space.
  const indicatorOk = /^[-?:][^\s]/.test(value) && !/^[-?:]$/.test(value) && !RESOLVES_TO_OTHER_TYPE.test(value) && !/: |:$| #/.test(value);
  if (plainSafe || indicatorOk) return value;
  return `'${value.replace(/'/g, "''")}'`;
}

export function modelMetaBytes(name: string, version: string): Buffer {
  return Buffer.from(`model_name: ${yamlString(name)}\nmodel_version: ${yamlString(version)}\n`, 'utf8');
}

export function md5Base64(bytes: Buffer): string {
  return createHash('md5').update(bytes).digest('base64');
}
