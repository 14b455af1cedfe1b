// The generated schemas against hand-written bytes (proto-wire-fixtures.ts): a wrong field number, wire type or
// message nesting in src/backends/neptune/api/proto/neptune.proto makes these fail (messages: neptune.md §6.4).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileRefOf } from '../../../src/backends/neptune/api/attribute-values.ts';
import {
  decodeAnswer,
  QueryAttributesResultSchema,
  SearchResultSchema,
  SeriesValuesResponseSchema,
} from '../../../src/backends/neptune/api/proto.ts';
import { QUERY_ATTRIBUTES_RESULT, SEARCH_RESULT, SERIES_VALUES_RESPONSE, wire } from './proto-wire-fixtures.ts';

test('the fixture notation: hex bytes and ASCII text, comments ignored, anything else refused', () => {
  assert.deepEqual([...wire('0a 02 "ab" # 1 name\n  10 ac 02')], [0x0a, 0x02, 0x61, 0x62, 0x10, 0xac, 0x02]);
  assert.throws(() => wire('0a 2'), /not a byte/);
  assert.throws(() => wire('"ö"'), /non-ASCII/);
});

test('search result (§4.1): entries, their attributes and string_properties', () => {
  const decoded = decodeAnswer(SearchResultSchema, SEARCH_RESULT);
  assert.equal(decoded.matchingItemCount, 2n);
  assert.equal(decoded.totalGroupCount, 300n);
  assert.equal(decoded.entries.length, 2);
  const [first, second] = decoded.entries;
  assert.equal(first?.experimentId, 'id1');
  assert.equal(first?.type, 'run');
  assert.equal(first?.projectId, '');
  assert.equal(first?.projectName, 'proj');
  assert.equal(first?.organizationName, 'org');
  assert.deepEqual(
    first?.attributes.map((a) => [
      a.name,
      a.type,
      a.stringProperties?.attributeName,
      a.stringProperties?.attributeType,
      a.stringProperties?.value,
    ]),
    [
      ['sys/id', 'string', 'sys/id', 'string', 'NQ-1'],
      ['sys/name', 'string', 'sys/name', 'string', 'exp-a'],
    ],
  );
  assert.equal(second?.experimentId, '');
  assert.equal(second?.attributes[0]?.stringProperties?.value, 'NQ-2');
  const count = second?.attributes[1];
  assert.equal(count?.name, 'count');
  assert.equal(count?.stringProperties, undefined);
  assert.equal(count?.intProperties?.attributeName, 'count');
  assert.equal(count?.intProperties?.attributeType, 'int');
  assert.equal(count?.intProperties?.value, 7n);
});

test('query-attributes result (§6.2): fileRef properties, int64 sizes, the next page token', () => {
  const decoded = decodeAnswer(QueryAttributesResultSchema, QUERY_ATTRIBUTES_RESULT);
  assert.equal(decoded.entries.length, 1);
  const entry = decoded.entries[0];
  assert.equal(entry?.experimentId, 'id-1');
  assert.equal(entry?.experimentShortId, 'RUN-1');
  const [model, empty] = entry?.attributes ?? [];
  assert.equal(model?.name, 'files/model');
  assert.equal(model?.type, 'fileRef');
  const props = model?.fileRefProperties;
  assert.equal(props?.attributeName, 'files/model');
  assert.equal(props?.attributeType, 'fileRef');
  assert.equal(props?.path, 'ws/p/RUN-1/mödel.bin');
  assert.equal(props?.sizeBytes, 2n ** 40n + 5n);
  assert.equal(props?.mimeType, 'application/octet-stream');
  assert.deepEqual(fileRefOf(props), { path: 'ws/p/RUN-1/mödel.bin', sizeBytes: 2 ** 40 + 5, mimeType: 'application/octet-stream' });

  assert.equal(empty?.name, 'files/empty');
  assert.equal(empty?.fileRefProperties?.path, 'ws/p/RUN-1/e0');
  assert.equal(empty?.fileRefProperties?.sizeBytes, 0n);
  // A size that is not on the wire is unknown, not 0.
  assert.deepEqual(fileRefOf(empty?.fileRefProperties), { path: 'ws/p/RUN-1/e0', sizeBytes: undefined, mimeType: '' });

  assert.equal(decoded.nextPage?.nextPageToken, 'tok-2');
  assert.equal(decoded.nextPage?.limit, 10000);
});

test('series values (§6.3): fileRef objects, steps as doubles, searchAfter, the deprecated member apart', () => {
  const decoded = decodeAnswer(SeriesValuesResponseSchema, SERIES_VALUES_RESPONSE);
  assert.equal(decoded.series.length, 2);
  const [files, old] = decoded.series;
  assert.equal(files?.requestId, '0');
  assert.equal(files?.searchAfter?.finished, true);
  assert.equal(files?.searchAfter?.token, 'after-1');
  assert.equal(files?.series.case, 'seriesValues');
  const points = files?.series.case === 'seriesValues' ? files.series.value.values : [];
  assert.equal(points.length, 2);
  const [first, second] = points;
  assert.equal(first?.timestampMillis, 1000n);
  assert.equal(first?.step, 2.5);
  assert.equal(first?.isPreview, true);
  assert.equal(first?.completionRatio, 1);
  assert.equal(first?.value, undefined);
  assert.equal(first?.object?.value.case, 'fileRef');
  const ref = first?.object?.value.case === 'fileRef' ? first.object.value.value : undefined;
  assert.deepEqual(fileRefOf(ref), { path: 'p/step-2.5.png', sizeBytes: 300, mimeType: 'image/png' });
  assert.equal(second?.step, 3);
  assert.equal(second?.timestampMillis, 0n);
  const secondRef = second?.object?.value.case === 'fileRef' ? second.object.value.value : undefined;
  assert.deepEqual(fileRefOf(secondRef), { path: 'p/step-3.png', sizeBytes: undefined, mimeType: '' });

  assert.equal(old?.requestId, '1');
  assert.equal(old?.searchAfter, undefined);
  assert.equal(old?.series.case, 'stringSeries');
  const oldPoint = old?.series.case === 'stringSeries' ? old.series.value.values[0] : undefined;
  assert.equal(oldPoint?.step, 1);
  assert.equal(oldPoint?.value, 'old');
});

test('bytes that are not the message are refused', () => {
  // A truncated answer, and a field whose wire type (7) does not exist.
  assert.throws(() => decodeAnswer(QueryAttributesResultSchema, QUERY_ATTRIBUTES_RESULT.subarray(0, 40)));
  assert.throws(() => decodeAnswer(SearchResultSchema, wire('0f 00')));
});
