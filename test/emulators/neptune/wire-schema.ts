// The emulator's own copy of the messages its /proto/ endpoints answer with, written from the tables of
// docs/protocols/neptune.md §6.4 (package neptune.api.v1.model, proto3) and encoded by protobufjs. It does not
// import the backend's generated schema: a wrong field number on either side then makes the end-to-end tests fail
// instead of passing on both.
import protobuf from 'protobufjs';

const MESSAGES = `
syntax = "proto3";
package neptune.api.v1.model;

// §4.1 search answer
message ProtoLeaderboardEntriesSearchResultDTO {
  int64 matching_item_count = 1;
  optional int64 total_group_count = 2;
  repeated ProtoAttributesDTO entries = 3;
}
message ProtoAttributesDTO {
  string experiment_id = 1;
  string type = 2;
  string project_id = 3;
  string organization_id = 4;
  string project_name = 5;
  string organization_name = 6;
  repeated ProtoAttributeDTO attributes = 7;
}
message ProtoAttributeDTO {
  string name = 1;
  string type = 2;
  optional ProtoIntAttributeDTO int_properties = 3;
  optional ProtoFloatAttributeDTO float_properties = 4;
  optional ProtoStringAttributeDTO string_properties = 5;
  optional ProtoBoolAttributeDTO bool_properties = 6;
  optional ProtoDatetimeAttributeDTO datetime_properties = 7;
  optional ProtoStringSetAttributeDTO string_set_properties = 8;
  optional ProtoFloatSeriesAttributeDTO float_series_properties = 9;
  optional ProtoFileRefAttributeDTO file_ref_properties = 10;
  optional ProtoStringSeriesAttributeDTO string_series_properties = 11;
  optional ProtoFileRefSeriesAttributeDTO file_ref_series_properties = 12;
  optional ProtoHistogramSeriesAttributeDTO histogram_series_properties = 13;
}

// Property messages: 1 attribute_name, 2 attribute_type, 3 value.
message ProtoIntAttributeDTO { string attribute_name = 1; string attribute_type = 2; int64 value = 3; }
message ProtoFloatAttributeDTO { string attribute_name = 1; string attribute_type = 2; double value = 3; }
message ProtoStringAttributeDTO { string attribute_name = 1; string attribute_type = 2; string value = 3; }
message ProtoBoolAttributeDTO { string attribute_name = 1; string attribute_type = 2; bool value = 3; }
message ProtoDatetimeAttributeDTO { string attribute_name = 1; string attribute_type = 2; int64 value = 3; }
message ProtoStringSetAttributeDTO { string attribute_name = 1; string attribute_type = 2; repeated string value = 3; }
message ProtoFileRefAttributeDTO {
  string attribute_name = 1;
  string attribute_type = 2;
  string path = 3;
  int64 sizeBytes = 4;
  string mimeType = 5;
}
message ProtoFileRefSeriesAttributeDTO {
  string attribute_name = 1;
  string attribute_type = 2;
  optional double last_step = 3;
  optional ProtoFileRef last = 4;
}
message ProtoStringSeriesAttributeDTO {
  string attribute_name = 1;
  string attribute_type = 2;
  optional double last_step = 3;
  optional string last = 4;
}
message ProtoHistogramSeriesAttributeDTO {
  string attribute_name = 1;
  string attribute_type = 2;
  optional double last_step = 3;
  optional ProtoHistogram last = 4;
}
message ProtoFloatSeriesAttributeDTO {
  string attribute_name = 1;
  string attribute_type = 2;
  optional double last_step = 3;
  optional double last = 4;
  optional double min = 5;
  optional double max = 6;
  optional double average = 7;
  optional double variance = 8;
  ProtoFloatSeriesAttributeConfigDTO config = 9;
  bool has_preview = 10;
}
message ProtoFloatSeriesAttributeConfigDTO {
  optional double min = 1;
  optional double max = 2;
  optional string unit = 3;
}

// §6.2 attribute-values answer
message ProtoQueryAttributesResultDTO {
  repeated ProtoQueryAttributesExperimentResultDTO entries = 1;
  ProtoNextPageDTO nextPage = 2;
}
message ProtoQueryAttributesExperimentResultDTO {
  string experimentId = 1;
  string experimentShortId = 2;
  repeated ProtoAttributeDTO attributes = 3;
}
message ProtoNextPageDTO {
  optional string nextPageToken = 1;
  optional uint32 limit = 2;
}

// §6.3 series answer
message ProtoSeriesValuesResponseDTO {
  repeated ProtoSeriesValuesSingleSeriesResponseDTO series = 1;
}
message ProtoSeriesValuesSingleSeriesResponseDTO {
  string requestId = 1;
  optional ProtoSeriesValuesSearchAfterDTO searchAfter = 2;
  oneof series {
    ProtoSeriesValuesDTO string_series = 3;
    ProtoSeriesValuesDTO seriesValues = 4;
  }
}
message ProtoSeriesValuesSearchAfterDTO {
  bool finished = 1;
  string token = 2;
}
message ProtoSeriesValuesDTO {
  repeated ProtoPointValueDTO values = 1;
}
message ProtoPointValueDTO {
  int64 timestamp_millis = 1;
  double step = 2;
  optional string value = 3;
  bool is_preview = 4;
  float completion_ratio = 5;
  optional ProtoSeriesPointValueObjectDTO object = 6;
}
message ProtoSeriesPointValueObjectDTO {
  oneof value {
    string stringValue = 1;
    ProtoHistogram histogram = 2;
    ProtoFileRef fileRef = 3;
  }
}
message ProtoFileRef {
  string path = 1;
  int64 sizeBytes = 2;
  string mimeType = 3;
}
message ProtoHistogram {
  string type = 1;
  repeated double edges = 2;
  repeated double values = 3;
}
`;

// keepCase: objects use the proto field names (file_ref_properties, sizeBytes), as the emulator builds them.
const root = protobuf.parse(MESSAGES, { keepCase: true }).root;
const lookup = (name: string): protobuf.Type => root.lookupType(`neptune.api.v1.model.${name}`);

/** The three answers of the /proto/ endpoints (§4.1, §6.2, §6.3). */
export const SearchResultMessage = lookup('ProtoLeaderboardEntriesSearchResultDTO');
export const QueryAttributesResultMessage = lookup('ProtoQueryAttributesResultDTO');
export const SeriesValuesResponseMessage = lookup('ProtoSeriesValuesResponseDTO');

/** Encodes a message given as a plain object with the proto field names. */
export function encodeMessage(type: protobuf.Type, value: Record<string, unknown>): Uint8Array {
  return type.encode(type.fromObject(value)).finish();
}

/** Decodes an answer into plain data (int64 as numbers, only the fields on the wire), for the emulator's tests. */
export function decodeMessage(type: protobuf.Type, bytes: Uint8Array): Record<string, unknown> {
  return type.toObject(type.decode(bytes), { longs: Number, oneofs: true, defaults: false });
}
