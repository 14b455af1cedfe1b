// The emulator's encoder against the hand-written answers of test/unit/neptune/proto-wire-fixtures.ts: the same
// values must encode to exactly those bytes, so the emulator's copy of the messages has the field numbers and wire
// types of neptune.md §6.4, whatever the backend's schema says.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QUERY_ATTRIBUTES_RESULT, SEARCH_RESULT, SERIES_VALUES_RESPONSE } from '../../unit/neptune/proto-wire-fixtures.ts';
import { encodeMessage, QueryAttributesResultMessage, SearchResultMessage, SeriesValuesResponseMessage } from './wire-schema.ts';

const string = (name: string, value: string): Record<string, unknown> => ({
  name,
  type: 'string',
  string_properties: { attribute_name: name, attribute_type: 'string', value },
});

test('search result encodes to the hand-written bytes', () => {
  const bytes = encodeMessage(SearchResultMessage, {
    matching_item_count: 2,
    total_group_count: 300,
    entries: [
      {
        experiment_id: 'id1',
        type: 'run',
        project_name: 'proj',
        organization_name: 'org',
        attributes: [string('sys/id', 'NQ-1'), string('sys/name', 'exp-a')],
      },
      {
        attributes: [
          string('sys/id', 'NQ-2'),
          { name: 'count', type: 'int', int_properties: { attribute_name: 'count', attribute_type: 'int', value: 7 } },
        ],
      },
    ],
  });
  assert.equal(Buffer.from(bytes).toString('hex'), SEARCH_RESULT.toString('hex'));
});

test('query-attributes result encodes to the hand-written bytes', () => {
  const fileRef = (name: string, props: Record<string, unknown>): Record<string, unknown> => ({
    name,
    type: 'fileRef',
    file_ref_properties: { attribute_name: name, attribute_type: 'fileRef', ...props },
  });
  const bytes = encodeMessage(QueryAttributesResultMessage, {
    entries: [
      {
        experimentId: 'id-1',
        experimentShortId: 'RUN-1',
        attributes: [
          fileRef('files/model', { path: 'ws/p/RUN-1/mödel.bin', sizeBytes: 2 ** 40 + 5, mimeType: 'application/octet-stream' }),
          fileRef('files/empty', { path: 'ws/p/RUN-1/e0' }),
        ],
      },
    ],
    nextPage: { nextPageToken: 'tok-2', limit: 10000 },
  });
  assert.equal(Buffer.from(bytes).toString('hex'), QUERY_ATTRIBUTES_RESULT.toString('hex'));
});

test('series values encode to the hand-written bytes', () => {
  const bytes = encodeMessage(SeriesValuesResponseMessage, {
    series: [
      {
        requestId: '0',
        searchAfter: { finished: true, token: 'after-1' },
        seriesValues: {
          values: [
            {
              timestamp_millis: 1000,
              step: 2.5,
              is_preview: true,
              completion_ratio: 1,
              object: { fileRef: { path: 'p/step-2.5.png', sizeBytes: 300, mimeType: 'image/png' } },
            },
            { step: 3, object: { fileRef: { path: 'p/step-3.png' } } },
          ],
        },
      },
      { requestId: '1', string_series: { values: [{ step: 1, value: 'old' }] } },
    ],
  });
  assert.equal(Buffer.from(bytes).toString('hex'), SERIES_VALUES_RESPONSE.toString('hex'));
});
