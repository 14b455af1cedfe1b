// Values of single-file attributes (neptune.md §6.2): the attribute-values query for a batch of runs × exact
// attribute names, protobuf answer, token paging. Only `fileRef` values of requested names are kept.
import { ServerError } from '../../../core/errors.ts';
import { PageGuard } from '../../../core/paging/page-guard.ts';
import type { NeptuneApi } from './neptune-api.ts';
import { decodeAnswer, QueryAttributesResultSchema } from './proto.ts';
import type { ProtoFileRef, ProtoQueryAttributesResultDTO } from './proto/neptune_pb.ts';

export interface FileRef {
  /** Storage path, opaque (§6.5). */
  path: string;
  sizeBytes: number | undefined;
  mimeType: string;
}

export interface FileValue extends FileRef {
  /** `experimentShortId` of the answer, i.e. sys/id. */
  sysId: string;
  attribute: string;
}

/** What `ProtoFileRef` and `ProtoFileRefAttributeDTO` share (§6.4). */
type DecodedFileRef = Pick<ProtoFileRef, 'path' | 'sizeBytes' | 'mimeType'>;

/** A decoded `ProtoFileRef`/`ProtoFileRefAttributeDTO` as a FileRef, or undefined when it names no path. */
export function fileRefOf(decoded: DecodedFileRef | undefined): FileRef | undefined {
  if (decoded === undefined || decoded.path === '') return undefined;
  // int64 as a number (sizes stay far below 2^53). proto3 puts no zero on the wire, so 0 is also what a size the
  // server did not send reads as: unknown, so the download does not check it.
  const sizeBytes = decoded.sizeBytes === 0n ? undefined : Number(decoded.sizeBytes);
  return { path: decoded.path, sizeBytes, mimeType: decoded.mimeType };
}

export async function fetchFileValues(
  api: NeptuneApi,
  runIdentifiers: readonly string[],
  names: readonly string[],
  pageSize: number,
): Promise<FileValue[]> {
  const wanted = new Set(names);
  const out: FileValue[] = [];
  let token: string | undefined;
  const guard = new PageGuard('Neptune', 'the attribute values');
  for (;;) {
    const body = await api.post({
      endpoint: 'attribute-values',
      path: '/api/leaderboard/v1/proto/leaderboard/attributes/query',
      query: { projectIdentifier: api.project },
      body: {
        attributeNamesFilter: names,
        experimentIdsFilter: runIdentifiers,
        nextPage: token === undefined ? { limit: pageSize } : { limit: pageSize, nextPageToken: token },
      },
    });
    let decoded: ProtoQueryAttributesResultDTO;
    try {
      decoded = decodeAnswer(QueryAttributesResultSchema, body);
    } catch (error) {
      throw new ServerError(`Neptune's attribute-values answer could not be decoded as protobuf (${(error as Error).message}).`);
    }
    for (const entry of decoded.entries) {
      const sysId = entry.experimentShortId;
      for (const attribute of entry.attributes) {
        // The client drops (name, type) pairs it did not ask for (§6.2).
        if (attribute.type !== 'fileRef' || attribute.name === '' || !wanted.has(attribute.name)) continue;
        const ref = fileRefOf(attribute.fileRefProperties);
        if (ref !== undefined && sysId !== '') out.push({ sysId, attribute: attribute.name, ...ref });
      }
    }
    const next = decoded.nextPage?.nextPageToken;
    const more = next !== undefined && next !== '';
    // At most one value per (run, attribute) asked for exists.
    const total = runIdentifiers.length * names.length;
    const values = decoded.entries.reduce((n, entry) => n + entry.attributes.length, 0);
    const cursor = guard.next({ count: values, cursor: more ? next : undefined, hasNextPage: more, total });
    if (cursor === undefined) return out;
    token = cursor;
  }
}
