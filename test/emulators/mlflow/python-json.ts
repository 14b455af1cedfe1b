// JSON written byte for byte as the MLflow server writes it (mlflow.md §9.2: recorded Content-Lengths): answers
// are protobuf's MessageToJson, i.e. Python's `json.dumps(…, indent=2)`; error bodies `json.dumps(…)`. Both use
// Python's separators (`, ` and `: `), escape every non-ASCII character as `\uXXXX` (ensure_ascii), and print a
// double (a metric's value) as Python's repr does (`1.0`, `1e-07`, `1e+16`).

/** A number the server holds as a double: printed with Python's float repr. */
export class PyFloat {
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
}

export function pythonFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const [mantissa = '', exp = '0'] = n.toExponential().split('e');
  const e = Number(exp);
  if (e < -4 || e >= 16) {
    return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  const s = String(n);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

function pythonString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function pythonJson(value: unknown, indent?: number, depth = 0): string {
  if (value instanceof PyFloat) return pythonFloat(value.value);
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return pythonString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const pad = indent === undefined ? '' : `\n${' '.repeat(indent * (depth + 1))}`;
  const close = indent === undefined ? '' : `\n${' '.repeat(indent * depth)}`;
  const sep = indent === undefined ? ', ' : ',';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[${value.map((v) => `${pad}${pythonJson(v, indent, depth + 1)}`).join(sep)}${close}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{${entries.map(([k, v]) => `${pad}${pythonString(k)}: ${pythonJson(v, indent, depth + 1)}`).join(sep)}${close}}`;
}
