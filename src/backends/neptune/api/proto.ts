// Decoding the answers of Neptune's /proto/ endpoints (neptune.md §4.1, §6.2, §6.3) with the schemas generated from
// proto/neptune.proto (`npm run proto`), into typed messages.
//
// Strings: the messages are proto3, whose strings are UTF-8 checked (the utf8_validation feature is VERIFY), so
// @bufbuild/protobuf reads them with a fatal TextDecoder and refuses invalid UTF-8 as the Python client does; up to 32
// ASCII bytes it builds them with String.fromCharCode. Both give flat strings, not ropes of small pieces: the decoded
// paths, names and MIME types live as long as the resolved file list (bench S4), so a rope per string would cost
// ~16 heap objects per run. test/unit/neptune/proto-decode.test.ts holds the library to both.
import { fromBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';

export {
  ProtoLeaderboardEntriesSearchResultDTOSchema as SearchResultSchema,
  ProtoQueryAttributesResultDTOSchema as QueryAttributesResultSchema,
  ProtoSeriesValuesResponseDTOSchema as SeriesValuesResponseSchema,
} from './proto/neptune_pb.ts';

/**
 * Decodes an answer of the /proto/ endpoints (throws on bytes that are not the message). Unknown fields are
 * skipped, not kept: they would hold on to the whole answer's buffer.
 */
export function decodeAnswer<Desc extends DescMessage>(schema: Desc, body: Uint8Array): MessageShape<Desc> {
  return fromBinary(schema, body, { readUnknownFields: false });
}
