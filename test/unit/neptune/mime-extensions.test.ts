// The extension for a MIME type, as the official client gets it on a GitHub ubuntu runner (neptune.md §7.3).
// Expected values come from Python itself: python-guess-extension.json holds what
// `mimetypes.guess_extension(type)` answered for every type of Python's tables and of /etc/mime.types
// (written by scripts/python-guess-extension.py), and the short lists below were read off the same run.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { extensionForMimeType } from '../../../src/backends/neptune/target-path/mime-extensions.ts';
import { MIME_EXTENSIONS, MIME_EXTENSIONS_SOURCE } from '../../../src/backends/neptune/target-path/mime-extensions-table.ts';

interface Golden {
  python: string;
  mediaTypes: string;
  mimeTypesSha256: string;
  guessExtension: Record<string, string | null>;
}

const golden = JSON.parse(readFileSync(new URL('python-guess-extension.json', import.meta.url), 'utf8')) as Golden;
const cases = Object.entries(golden.guessExtension);

describe("Python's guess_extension (golden fixture)", () => {
  it('was recorded with the runner’s Python and the same inputs as the table', () => {
    assert.match(golden.python, /^3\.12\./);
    assert.deepEqual(
      { python: golden.python, mediaTypes: golden.mediaTypes, mimeTypesSha256: golden.mimeTypesSha256 },
      MIME_EXTENSIONS_SOURCE,
    );
    // Every type of Python's tables and of media-types 10.0.0, as written and lower-cased, plus the extras.
    assert.ok(cases.length > 1_250, String(cases.length));
  });

  it('gives every recorded type the extension Python gives it', () => {
    const wrong = cases.filter(([type, ext]) => extensionForMimeType(type) !== (ext ?? undefined));
    assert.deepEqual(wrong, []);
  });

  it('holds no type Python was not asked about', () => {
    const unasked = [...MIME_EXTENSIONS.keys()].filter((type) => !(type in golden.guessExtension));
    assert.deepEqual(unasked, []);
  });
});

describe('examples', () => {
  it('types the old 28-entry table missed', () => {
    assert.equal(extensionForMimeType('image/avif'), '.avif');
    assert.equal(extensionForMimeType('text/x-sh'), '.sh');
    assert.equal(extensionForMimeType('application/vnd.ms-excel'), '.xls');
    assert.equal(extensionForMimeType('image/vnd.microsoft.icon'), '.ico');
    assert.equal(extensionForMimeType('video/quicktime'), '.mov');
    assert.equal(extensionForMimeType('application/vnd.sqlite3'), '.sqlite');
    assert.equal(extensionForMimeType('video/x-matroska'), '.mpv'); // mime.types lists mpv before mkv
  });

  it('the §7.3 types (Python 3.12: text/javascript is .js, application/javascript has none)', () => {
    const table: [string, string | undefined][] = [
      ['text/plain', '.txt'],
      ['application/json', '.json'],
      ['image/png', '.png'],
      ['image/jpeg', '.jpg'],
      ['image/gif', '.gif'],
      ['image/svg+xml', '.svg'],
      ['image/bmp', '.bmp'],
      ['image/tiff', '.tiff'],
      ['image/webp', '.webp'],
      ['text/html', '.html'],
      ['text/csv', '.csv'],
      ['text/markdown', '.md'],
      ['application/octet-stream', '.bin'],
      ['application/pdf', '.pdf'],
      ['audio/x-wav', '.wav'],
      ['audio/wav', undefined],
      ['audio/mpeg', '.mp3'],
      ['audio/ogg', '.oga'],
      ['video/mp4', '.mp4'],
      ['video/webm', '.webm'],
      ['application/zip', '.zip'],
      ['application/gzip', '.gz'],
      ['application/x-tar', '.tar'],
      ['application/xml', '.xsl'],
      ['text/xml', '.xml'],
      ['application/javascript', undefined],
      ['text/javascript', '.js'],
      ['application/x-hdf5', '.h5'],
      ['text/x-python', '.py'],
      ['application/x-yaml', undefined],
      ['application/yaml', undefined],
      ['image/jpg', undefined],
      ['image/x-icon', undefined],
      ['application/x-npy', undefined],
    ];
    for (const [mime, extension] of table) assert.equal(extensionForMimeType(mime), extension, mime);
  });

  it('lower-cases the type and nothing else', () => {
    assert.equal(extensionForMimeType('IMAGE/PNG'), '.png');
    assert.equal(extensionForMimeType('text/mar\u212Adown'), '.md'); // KELVIN SIGN lower-cases to "k"
    assert.equal(extensionForMimeType('text/plain; charset=utf-8'), undefined);
    assert.equal(extensionForMimeType(' text/plain'), undefined);
    assert.equal(extensionForMimeType(''), undefined);
    assert.equal(extensionForMimeType(undefined), undefined);
  });

  it('mixed-case types of mime.types are unreachable, unless Python knows the lower-case one', () => {
    assert.equal(extensionForMimeType('audio/AMR'), undefined);
    assert.equal(extensionForMimeType('application/ODA'), '.oda');
  });

  it('first registered extension wins: Python’s table before mime.types, file order within it', () => {
    assert.equal(extensionForMimeType('image/jpeg'), '.jpg'); // Python: .jpg .jpe .jpeg; mime.types: jpeg jpg jpe
    assert.equal(extensionForMimeType('application/tm+json'), '.tm.jsonld');
    assert.equal(extensionForMimeType('application/vnd.eln+zip'), '.ELN'); // extensions keep their case
  });
});
