// Answers of Neptune's /proto/ endpoints written byte by byte from docs/protocols/neptune.md §6.4, not by any
// encoder: each tag is (field number << 3 | wire type), with wire type 0 = varint, 1 = 64-bit (I64), 2 =
// length-delimited (LEN), 5 = 32-bit (I32); each LEN length is counted by hand and is the byte count of what follows it
// on the indented lines. Varints are little-endian groups of 7 bits, the high bit set on all but the last byte.
// Doubles and floats are IEEE 754, little-endian. "text" stands for its ASCII bytes, nothing else.
//
// The backend's decoder (proto-wire.test.ts) and the emulator's encoder (test/emulators/neptune/wire-schema.test.ts)
// are both checked against these bytes, so neither can agree with the other on a wrong field number.

/** The bytes of a fixture: two-digit hex bytes and "ASCII text"; `#` starts a comment that runs to the line end. */
export function wire(source: string): Buffer {
  const bytes: number[] = [];
  for (const line of source.split('\n')) {
    for (const token of line.matchAll(/"([^"]*)"|([0-9a-f]{2})(?![0-9a-f])|(#.*)|(\S+)/g)) {
      const [, text, hex, comment, other] = token;
      if (other !== undefined) throw new Error(`not a byte, text or comment: '${other}' in '${line.trim()}'`);
      if (comment !== undefined) break;
      if (hex !== undefined) bytes.push(parseInt(hex, 16));
      if (text !== undefined) {
        if (!/^[\x20-\x7e]*$/.test(text)) throw new Error(`write non-ASCII text as hex bytes: "${text}"`);
        for (const char of text) bytes.push(char.charCodeAt(0));
      }
    }
  }
  return Buffer.from(bytes);
}

/** §4.1 `ProtoLeaderboardEntriesSearchResultDTO`: two entries; string attributes, one int attribute. */
export const SEARCH_RESULT = wire(`
  08 02                         # 1 matching_item_count (varint): 2
  10 ac 02                      # 2 total_group_count (varint): 300 = 0b10_0101100
  1a 6e                         # 3 entries (LEN 110): ProtoAttributesDTO
    0a 03 "id1"                 #   1 experiment_id
    12 03 "run"                 #   2 type
    2a 04 "proj"                #   5 project_name (5 << 3 | 2 = 0x2a)
    32 03 "org"                 #   6 organization_name (6 << 3 | 2 = 0x32)
    3a 28                       #   7 attributes (LEN 40): ProtoAttributeDTO
      0a 06 "sys/id"            #     1 name
      12 06 "string"            #     2 type
      2a 16                     #     5 string_properties (LEN 22): ProtoStringAttributeDTO
        0a 06 "sys/id"          #       1 attribute_name
        12 06 "string"          #       2 attribute_type
        1a 04 "NQ-1"            #       3 value
    3a 2d                       #   7 attributes (LEN 45)
      0a 08 "sys/name"          #     1 name
      12 06 "string"            #     2 type
      2a 19                     #     5 string_properties (LEN 25)
        0a 08 "sys/name"        #       1 attribute_name
        12 06 "string"          #       2 attribute_type
        1a 05 "exp-a"           #       3 value
  1a 48                         # 3 entries (LEN 72)
    3a 28                       #   7 attributes (LEN 40)
      0a 06 "sys/id"            #     1 name
      12 06 "string"            #     2 type
      2a 16                     #     5 string_properties (LEN 22)
        0a 06 "sys/id"          #       1 attribute_name
        12 06 "string"          #       2 attribute_type
        1a 04 "NQ-2"            #       3 value
    3a 1c                       #   7 attributes (LEN 28)
      0a 05 "count"             #     1 name
      12 03 "int"               #     2 type
      1a 0e                     #     3 int_properties (LEN 14): ProtoIntAttributeDTO
        0a 05 "count"           #       1 attribute_name
        12 03 "int"             #       2 attribute_type
        18 07                   #       3 value (varint, 3 << 3 | 0 = 0x18): 7
`);

/** §6.2 `ProtoQueryAttributesResultDTO`: one run with two fileRef attributes, and a next page token. */
export const QUERY_ATTRIBUTES_RESULT = wire(`
  0a b4 01                      # 1 entries (LEN 180 = 0x34 + 1 << 7): ProtoQueryAttributesExperimentResultDTO
    0a 04 "id-1"                #   1 experimentId
    12 05 "RUN-1"               #   2 experimentShortId
    1a 66                       #   3 attributes (LEN 102): ProtoAttributeDTO
      0a 0b "files/model"       #     1 name
      12 07 "fileRef"           #     2 type
      52 4e                     #     10 file_ref_properties (LEN 78, 10 << 3 | 2 = 0x52): ProtoFileRefAttributeDTO
        0a 0b "files/model"     #       1 attribute_name
        12 07 "fileRef"         #       2 attribute_type
        1a 15 "ws/p/RUN-1/m" c3 b6 "del.bin"  # 3 path (LEN 21): ws/p/RUN-1/mödel.bin, ö = U+00F6 = c3 b6 in UTF-8
        20 85 80 80 80 80 20    #       4 sizeBytes (varint): 2^40 + 5 = 5 | 0 | 0 | 0 | 0 | 1 << 5 in 7-bit groups
        2a 18 "application/octet-stream"  # 5 mimeType (LEN 24)
    1a 3d                       #   3 attributes (LEN 61)
      0a 0b "files/empty"       #     1 name
      12 07 "fileRef"           #     2 type
      52 25                     #     10 file_ref_properties (LEN 37), no sizeBytes and no mimeType on the wire
        0a 0b "files/empty"     #       1 attribute_name
        12 07 "fileRef"         #       2 attribute_type
        1a 0d "ws/p/RUN-1/e0"   #       3 path
  12 0a                         # 2 nextPage (LEN 10): ProtoNextPageDTO
    0a 05 "tok-2"               #   1 nextPageToken
    10 90 4e                    #   2 limit (varint): 10000 = 0x10 | 0x4e << 7
`);

/** §6.3 `ProtoSeriesValuesResponseDTO`: a file series with two points, and one series in the deprecated member. */
export const SERIES_VALUES_RESPONSE = wire(`
  0a 66                         # 1 series (LEN 102): ProtoSeriesValuesSingleSeriesResponseDTO
    0a 01 "0"                   #   1 requestId
    12 0b                       #   2 searchAfter (LEN 11): ProtoSeriesValuesSearchAfterDTO
      08 01                     #     1 finished (varint): true
      12 07 "after-1"           #     2 token
    22 54                       #   4 seriesValues (LEN 84, 4 << 3 | 2 = 0x22): ProtoSeriesValuesDTO
      0a 35                     #     1 values (LEN 53): ProtoPointValueDTO
        08 e8 07                #       1 timestamp_millis (varint): 1000 = 0x68 | 0x07 << 7
        11 00 00 00 00 00 00 04 40  #   2 step (I64, 2 << 3 | 1 = 0x11): 2.5 = 0x4004000000000000
        20 01                   #       4 is_preview (varint): true
        2d 00 00 80 3f          #       5 completion_ratio (I32, 5 << 3 | 5 = 0x2d): 1.0 = 0x3f800000
        32 20                   #       6 object (LEN 32): ProtoSeriesPointValueObjectDTO
          1a 1e                 #         3 fileRef (LEN 30): ProtoFileRef
            0a 0e "p/step-2.5.png"  #       1 path
            10 ac 02            #           2 sizeBytes (varint): 300
            1a 09 "image/png"   #           3 mimeType
      0a 1b                     #     1 values (LEN 27)
        11 00 00 00 00 00 00 08 40  #   2 step: 3.0 = 0x4008000000000000
        32 10                   #       6 object (LEN 16)
          1a 0e                 #         3 fileRef (LEN 14)
            0a 0c "p/step-3.png"  #         1 path
  0a 15                         # 1 series (LEN 21)
    0a 01 "1"                   #   1 requestId
    1a 10                       #   3 string_series (LEN 16, deprecated): ProtoSeriesValuesDTO
      0a 0e                     #     1 values (LEN 14)
        11 00 00 00 00 00 00 f0 3f  #   2 step: 1.0 = 0x3ff0000000000000
        1a 03 "old"             #       3 value (deprecated string)
`);
