// The file-name extension the official client appends: Python's `mimetypes.guess_extension(mime)`, whose answer
// depends on the system's /etc/mime.types. This is the Debian/Ubuntu column of neptune.md §7.3, verbatim, i.e.
// what the Python client produces on a GitHub ubuntu runner. Types not listed get no extension.

const EXTENSIONS: ReadonlyMap<string, string> = new Map([
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
  // Listed in §7.3 as giving no extension: audio/wav, application/x-yaml, application/yaml, image/jpg,
  // image/x-icon, application/x-npy.
]);

/** The extension (with its dot) for a MIME type, or undefined. Python lower-cases the type before looking it up. */
export function extensionForMimeType(mimeType: string | undefined): string | undefined {
  if (mimeType === undefined || mimeType === '') return undefined;
  return EXTENSIONS.get(mimeType.toLowerCase());
}
