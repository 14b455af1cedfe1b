// One attribute-values answer encoded with the emulator's copy of the messages, for the decoding tests.
import { decodeAnswer, QueryAttributesResultSchema } from '../../../src/backends/neptune/api/proto.ts';
import { encodeMessage, QueryAttributesResultMessage } from '../../emulators/neptune/wire-schema.ts';

export const PATH = 'bench/files/RUN-1/artifacts/model.bin';

/** A QueryAttributesResult with one fileRef attribute (and a non-ASCII next-page token), as the API sends it. */
export function answer(path: string, mimeType = 'image/png'): Buffer {
  const bytes = encodeMessage(QueryAttributesResultMessage, {
    entries: [
      {
        experimentId: 'id-1',
        experimentShortId: 'RUN-1',
        attributes: [
          {
            name: 'artifacts/model',
            type: 'fileRef',
            file_ref_properties: { attribute_name: 'artifacts/model', attribute_type: 'fileRef', path, sizeBytes: 2 ** 40, mimeType },
          },
        ],
      },
    ],
    nextPage: { limit: 100, nextPageToken: 'näxt ✓' },
  });
  return Buffer.from(bytes);
}

/** The fileRef properties decodeAnswer reads from such an answer. */
export function fileRef(body: Buffer): { path: string; mimeType: string } | undefined {
  return decodeAnswer(QueryAttributesResultSchema, body).entries[0]?.attributes[0]?.fileRefProperties;
}
