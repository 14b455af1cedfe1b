// The Debian column of neptune.md §7.3 (checked against python3 mimetypes on this machine).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { extensionForMimeType } from '../../../src/backends/neptune/target-path/mime-extensions.ts';

it('maps the §7.3 MIME types as Python on Debian does', () => {
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
    ['application/javascript', '.js'],
    ['text/javascript', '.es'],
    ['application/x-hdf5', '.h5'],
    ['text/x-python', '.py'],
    ['application/x-yaml', undefined],
    ['application/yaml', undefined],
    ['image/jpg', undefined],
    ['image/x-icon', undefined],
    ['application/x-npy', undefined],
    ['', undefined],
    ['text/plain; charset=utf-8', undefined],
    ['IMAGE/PNG', '.png'],
  ];
  for (const [mime, extension] of table) assert.equal(extensionForMimeType(mime), extension, mime);
  assert.equal(extensionForMimeType(undefined), undefined);
});
