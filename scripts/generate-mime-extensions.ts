// Writes src/backends/neptune/target-path/mime-extensions-table.ts: the extension the Neptune client gives each
// MIME type on a GitHub ubuntu runner, i.e. what Python's `mimetypes.guess_extension(type)` answers there
// (neptune.md §7.3). It rebuilds the answer the way Lib/mimetypes.py does (same in Python 3.10 to 3.13):
//
// - `MimeTypes()` registers Python's built-in table (`_types_map_default`, extension → type, in its source
//   order) with `add_type(type, ext)`, which appends `ext` to the type's list unless it is already there;
// - `init()` then reads each existing file of `mimetypes.knownfiles` in order — on the runner only
//   /etc/mime.types, from the media-types package — where every line is split on whitespace, a word starting
//   with `#` ends it, the first word is the type (kept as written, not lower-cased) and each further word `w`
//   is registered as `add_type(type, '.' + w)`;
// - `guess_extension(t)` lower-cases `t` and returns the first extension registered under exactly that key
//   (strict mode, which is what the client uses: `common_types` never count), or None.
//
// So a type written in mixed case in mime.types (`audio/AMR amr`) is unreachable, and parameters or blanks
// are not stripped. The table keeps only lower-case keys. It also writes the golden fixture
// test/unit/neptune/python-guess-extension.json by asking Python itself (scripts/python-guess-extension.py);
// the unit test holds the table to it, so a mistake in the reconstruction above fails a test.
//
// Usage: PYTHON=python3.12 npm run mime-extensions   (PYTHON defaults to python3; use the runner's Python)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { format, resolveConfig } from 'prettier';

const ROOT = path.resolve(import.meta.dirname, '..');
const MIME_TYPES = '/etc/mime.types';
const TABLE = path.join(ROOT, 'src/backends/neptune/target-path/mime-extensions-table.ts');
const FIXTURE = path.join(ROOT, 'test/unit/neptune/python-guess-extension.json');
const PYTHON = process.env['PYTHON'] ?? 'python3';

interface PythonTables {
  version: string;
  builtin: [string, string][];
}

/** Python's version and its built-in strict table as (extension, type) pairs in registration order. */
function pythonTables(): PythonTables {
  const program = [
    'import json, mimetypes, platform',
    'print(json.dumps({"version": platform.python_version(), "builtin": list(mimetypes._types_map_default.items())}))',
  ].join('\n');
  return JSON.parse(execFileSync(PYTHON, ['-c', program], { encoding: 'utf8' })) as PythonTables;
}

/** The (type, extensions) lines of a mime.types file, read as `MimeTypes.readfp` reads them. */
function mimeTypesLines(text: string): [string, string[]][] {
  // Python's str.split() also splits on a few non-ASCII blanks; the file is ASCII, so refuse anything else.
  if (!/^[\t\n\r\x20-\x7e]*$/.test(text)) throw new Error(`${MIME_TYPES} holds characters other than printable ASCII`);
  const lines: [string, string[]][] = [];
  // Text-mode reading turns \r\n and a lone \r into line ends.
  for (const line of text.split(/\r\n|\r|\n/)) {
    const words = line.split(/[\t\x20]+/).filter((w) => w !== '');
    const comment = words.findIndex((w) => w.startsWith('#'));
    if (comment >= 0) words.length = comment;
    const [type, ...suffixes] = words;
    if (type !== undefined) lines.push([type, suffixes]);
  }
  return lines;
}

/** Type (lower case) → first extension, exactly as `guess_extension` would pick it, sorted by type. */
function firstExtensions(builtin: readonly [string, string][], lines: readonly [string, string[]][]): [string, string][] {
  const registered = new Map<string, string[]>();
  const addType = (type: string, ext: string): void => {
    const exts = registered.get(type) ?? [];
    if (!exts.includes(ext)) exts.push(ext);
    registered.set(type, exts);
  };
  for (const [ext, type] of builtin) addType(type, ext);
  for (const [type, suffixes] of lines) for (const suffix of suffixes) addType(type, `.${suffix}`);
  const table: [string, string][] = [];
  for (const [type, exts] of registered) {
    // guess_extension looks up the lower-cased argument, so only lower-case keys can ever answer.
    if (type === type.toLowerCase() && exts[0] !== undefined) table.push([type, exts[0]]);
  }
  return table.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

async function write(file: string, text: string): Promise<void> {
  const options = await resolveConfig(file);
  writeFileSync(file, await format(text, { ...options, filepath: file }));
}

async function main(): Promise<void> {
  const python = pythonTables();
  // ubuntu-latest (24.04) runs Python 3.12; 3.11 and 3.13 answer differently for a few types (neptune.md §7.3).
  if (!python.version.startsWith('3.12.')) throw new Error(`${PYTHON} is Python ${python.version}; run with PYTHON=python3.12`);
  const mimeTypesText = readFileSync(MIME_TYPES, 'utf8');
  const mediaTypes = execFileSync('dpkg-query', ['--show', '--showformat=${Version}', 'media-types'], { encoding: 'utf8' });
  const sha256 = createHash('sha256').update(mimeTypesText).digest('hex');
  const table = firstExtensions(python.builtin, mimeTypesLines(mimeTypesText));

  const header = [
    '// Generated by `npm run mime-extensions` (scripts/generate-mime-extensions.ts) — do not edit.',
    '// The extension the Neptune client appends for each MIME type on a GitHub ubuntu runner: what',
    "// `mimetypes.guess_extension(type)` answers (neptune.md §7.3) from Python's built-in table plus",
    '// /etc/mime.types of the media-types package. Keys are lower case; types not listed get no extension.',
  ];
  const body = [
    ...header,
    '',
    '/** The inputs this table was generated from. */',
    `export const MIME_EXTENSIONS_SOURCE = ${JSON.stringify({ python: python.version, mediaTypes, mimeTypesSha256: sha256 })} as const;`,
    '',
    '/** Lower-case MIME type → the first extension `guess_extension` returns for it, with its dot. */',
    'export const MIME_EXTENSIONS: ReadonlyMap<string, string> = new Map([',
    ...table.map(([type, ext]) => `  [${JSON.stringify(type)}, ${JSON.stringify(ext)}],`),
    ']);',
    '',
  ];
  await write(TABLE, body.join('\n'));

  const fixture = execFileSync(PYTHON, [path.join(ROOT, 'scripts/python-guess-extension.py')], { encoding: 'utf8' });
  await write(FIXTURE, fixture);
  console.log(`${table.length} types (Python ${python.version}, media-types ${mediaTypes}) → ${path.relative(ROOT, TABLE)}`);
}

await main();
