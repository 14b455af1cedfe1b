// Attribute definitions (neptune.md §5) and attribute values (§6.2): filters, deterministic paging through
// opaque tokens the way the client loops, protobuf shapes, and errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QueryAttributesResultMessage } from './wire-schema.ts';
import { DEFINITIONS_PATH, PROJECT, startEmulator, VALUES_PATH, type Emulator } from './test-harness.ts';

const ALL_TYPES = [
  'float',
  'int',
  'string',
  'bool',
  'datetime',
  'floatSeries',
  'stringSet',
  'stringSeries',
  'fileRef',
  'fileRefSeries',
  'histogramSeries',
];

interface DefinitionsBody {
  projectIdentifiers?: string[];
  experimentIdsFilter?: string[];
  attributeNameFilter?: unknown;
  attributeFilter?: { attributeType: string }[];
  nextPage?: { limit: number; nextPageToken?: string };
}

type Definitions = { entries: { name: string; type: string }[]; nextPage: { nextPageToken?: string; limit?: number } };

function body(extra: DefinitionsBody): DefinitionsBody {
  return {
    projectIdentifiers: [PROJECT],
    attributeFilter: ALL_TYPES.map((attributeType) => ({ attributeType })),
    nextPage: { limit: 10000 },
    ...extra,
  };
}

async function definitions(emu: Emulator, b: DefinitionsBody): Promise<Definitions> {
  const r = await emu.post(DEFINITIONS_PATH, b);
  assert.equal(r.status, 200, r.body.toString());
  assert.equal(r.headers['content-type'], 'application/json');
  const parsed = r.json() as Definitions;
  assert.ok(parsed.nextPage, 'nextPage is always present');
  return parsed;
}

const names = (d: Definitions): string[] => d.entries.map((e) => `${e.name}:${e.type}`);

const SYS = [
  'sys/creation_time:datetime',
  'sys/custom_run_id:string',
  'sys/experiment/is_head:bool',
  'sys/failed:bool',
  'sys/id:string',
  'sys/name:string',
  'sys/tags:stringSet',
  'sys/trashed:bool',
];

describe('Neptune attribute definitions', () => {
  it('whole project (type inference, §4.2) and per-run lists, sys/* included, sorted, distinct (name, type)', async (t) => {
    const emu = await startEmulator(t);
    const all = await definitions(emu, body({ attributeNameFilter: {} }));
    assert.deepEqual(names(all), [
      'config/batch:int',
      'config/batch:string',
      'config/flag:bool',
      'config/lr:float',
      'config/optimizer:string',
      'config/started:datetime',
      'files/model:fileRef',
      'images/pred:fileRefSeries',
      'metrics/loss:floatSeries',
      ...SYS,
    ]);
    assert.equal(all.nextPage.nextPageToken, undefined);
    const one = await definitions(emu, body({ experimentIdsFilter: [`${PROJECT}/NQ-2`], attributeNameFilter: {} }));
    assert.deepEqual(names(one), ['config/lr:float', 'files/model:fileRef', ...SYS]);
    // Trashed runs are hidden from the whole-project list but answer when named.
    const trashed = await definitions(emu, body({ experimentIdsFilter: [`${PROJECT}/NQ-4`, `${PROJECT}/NQ-404`, 'other/proj/NQ-1'] }));
    assert.deepEqual(names(trashed), ['files/trashed:fileRef', ...SYS]);
  });

  it('name filters exactly as the client renders them (§5.2) and type filters', async (t) => {
    const emu = await startEmulator(t);
    const ids = [`${PROJECT}/NQ-1`, `${PROJECT}/NQ-2`, `${PROJECT}/NQ-3`];
    const q = async (attributeNameFilter: unknown, types = ALL_TYPES) =>
      names(
        await definitions(
          emu,
          body({ experimentIdsFilter: ids, attributeNameFilter, attributeFilter: types.map((attributeType) => ({ attributeType })) }),
        ),
      );
    assert.deepEqual(await q({ mustMatchAny: [{ mustMatchRegexes: ['^files/'] }, { mustMatchRegexes: ['^images/'] }] }), [
      'files/model:fileRef',
      'images/pred:fileRefSeries',
    ]);
    assert.deepEqual(
      await q({
        mustMatchAny: [{ mustMatchRegexes: ['config'], mustNotMatchRegexes: ['lr', 'batch'] }, { mustMatchRegexes: ['^metrics'] }],
      }),
      ['config/flag:bool', 'config/optimizer:string', 'config/started:datetime', 'metrics/loss:floatSeries'],
    );
    // Exact lists (re.escape'd, §5.2): an escaped `-`, `&` or space must compile.
    assert.deepEqual(await q({ mustMatchAny: [{ mustMatchRegexes: ['^(files/model|config/lr|no\\-such\\&name\\ x)$'] }] }), [
      'config/lr:float',
      'files/model:fileRef',
    ]);
    assert.deepEqual(await q({ mustMatchAny: [{ mustMatchRegexes: ['^sys/id$'] }] }), ['sys/id:string']);
    // Search-anywhere, and a group's mustMatch patterns must all match.
    assert.deepEqual(await q({ mustMatchAny: [{ mustMatchRegexes: ['onf', 'ba'] }] }), ['config/batch:int', 'config/batch:string']);
    // fetch_series narrows types to the series ones (§5.2).
    assert.deepEqual(await q({}, ['stringSeries', 'histogramSeries', 'fileRefSeries']), ['images/pred:fileRefSeries']);
    assert.deepEqual(await q({ mustMatchAny: [{}] }, ['int']), ['config/batch:int']);
  });

  it('pages with limit and an opaque token, the way the client loops (§5.1)', async (t) => {
    const emu = await startEmulator(t);
    const unpaged = names(await definitions(emu, body({})));
    const collected: string[] = [];
    let token: string | undefined;
    let pages = 0;
    for (; pages < 20; pages += 1) {
      const page = await definitions(emu, body({ nextPage: { limit: 4, ...(token ? { nextPageToken: token } : {}) } }));
      collected.push(...names(page));
      token = page.nextPage.nextPageToken;
      if (!token || page.entries.length !== 4) break;
    }
    assert.equal(pages, Math.ceil(unpaged.length / 4) - 1);
    assert.deepEqual(collected, unpaged);
  });

  it('errors: bad regex, unknown type, bad token, unknown project → JSON 4xx', async (t) => {
    const emu = await startEmulator(t, { options: { inaccessibleProjects: ['ws/locked'] } });
    const status = async (b: unknown) => (await emu.post(DEFINITIONS_PATH, b)).status;
    assert.equal(await status(body({ attributeNameFilter: { mustMatchAny: [{ mustMatchRegexes: ['('] }] } })), 400);
    assert.equal(await status(body({ attributeNameFilter: { mustMatchAny: [{ mustNotMatchRegexes: ['[z-a]'] }] } })), 400);
    assert.equal(await status(body({ attributeFilter: [{ attributeType: 'file' }] })), 400);
    assert.equal(await status(body({ nextPage: { limit: 2, nextPageToken: 'garbage' } })), 400);
    assert.equal(await status(body({ projectIdentifiers: ['ws/nope'] })), 404);
    assert.equal(await status(body({ projectIdentifiers: ['ws/locked'] })), 403);
    assert.equal(await status({}), 400);
  });
});

type Values = {
  entries: { experimentShortId: string; experimentId: string; attributes: { name: string; type: string; [k: string]: unknown }[] }[];
  nextPage: { nextPageToken?: string; limit?: number };
};

async function values(emu: Emulator, b: unknown): Promise<Values> {
  const r = await emu.post(VALUES_PATH, b);
  assert.equal(r.status, 200, r.body.toString());
  assert.equal(r.headers['content-type'], 'application/x-protobuf');
  return r.proto(QueryAttributesResultMessage) as unknown as Values;
}

const flat = (v: Values): string[] => v.entries.flatMap((e) => e.attributes.map((a) => `${e.experimentShortId}:${a.name}`));

describe('Neptune attribute values', () => {
  const request = {
    attributeNamesFilter: ['files/model', 'images/pred', 'config/lr'],
    experimentIdsFilter: [`${PROJECT}/NQ-1`, `${PROJECT}/NQ-2`],
    nextPage: { limit: 10000 },
  };

  it('returns the values of the named runs with experimentShortId and file properties (§6.2)', async (t) => {
    const emu = await startEmulator(t);
    const v = await values(emu, request);
    assert.deepEqual(flat(v), ['NQ-1:files/model', 'NQ-1:images/pred', 'NQ-1:config/lr', 'NQ-2:files/model', 'NQ-2:config/lr']);
    assert.equal(v.nextPage.nextPageToken, undefined);
    const nq2 = v.entries[1];
    assert.ok(nq2);
    assert.match(nq2.experimentId, /^[0-9a-f-]{36}$/);
    assert.deepEqual(nq2.attributes[0], {
      name: 'files/model',
      type: 'fileRef',
      file_ref_properties: {
        attribute_name: 'files/model',
        attribute_type: 'fileRef',
        path: 'custom/path/model-2',
        sizeBytes: 7,
        mimeType: 'application/octet-stream',
      },
    });
    const series = v.entries[0]?.attributes[1] as unknown as {
      file_ref_series_properties: { last_step: number; last: { path: string; sizeBytes: number; mimeType: string } };
    };
    assert.equal(series.file_ref_series_properties.last_step, 9);
    assert.match(series.file_ref_series_properties.last.path, /^ws\/proj\/NQ-1\/images\/pred\/9\/[0-9a-f]{20}$/);
    assert.equal(series.file_ref_series_properties.last.mimeType, 'image/png');
  });

  it('pages by (run, attribute) values; a run may continue on the next page', async (t) => {
    const emu = await startEmulator(t);
    const pages: string[][] = [];
    let token: string | undefined;
    for (let i = 0; i < 10; i += 1) {
      const v = await values(emu, { ...request, nextPage: { limit: 2, ...(token ? { nextPageToken: token } : {}) } });
      pages.push(flat(v));
      token = v.nextPage.nextPageToken;
      if (!token) break;
    }
    assert.deepEqual(pages, [['NQ-1:files/model', 'NQ-1:images/pred'], ['NQ-1:config/lr', 'NQ-2:files/model'], ['NQ-2:config/lr']]);
  });

  it('attributeValuesPageSizeCap pages even when the client asks for 10,000', async (t) => {
    const emu = await startEmulator(t, { options: { attributeValuesPageSizeCap: 4 } });
    const first = await values(emu, request);
    assert.equal(flat(first).length, 4);
    assert.ok(first.nextPage.nextPageToken);
    const second = await values(emu, { ...request, nextPage: { limit: 10000, nextPageToken: first.nextPage.nextPageToken } });
    assert.deepEqual(flat(second), ['NQ-2:config/lr']);
    assert.equal(second.nextPage.nextPageToken, undefined);
  });

  it('errors: unknown project 404, bad token 400', async (t) => {
    const emu = await startEmulator(t);
    assert.equal((await emu.post(VALUES_PATH.replace('ws%2Fproj', 'ws%2Fnope'), request)).status, 404);
    assert.equal(
      (await emu.post(VALUES_PATH, { ...request, nextPage: { limit: 1, nextPageToken: 'eyJrIjoic2VyaWVzIiwibyI6MX0' } })).status,
      400,
    );
  });
});
