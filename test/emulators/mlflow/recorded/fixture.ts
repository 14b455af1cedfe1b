// The server state of the recorded exchanges (exchanges.json, docs/protocols/mlflow.md §9): experiments fid-a
// (1) and fid-b (2) beside Default (0), runs r1 and r2 in fid-a, r3, and the registered model fid-model
// (version 1 from r1 with alias champion, version 2 from r3 with alias challenger). Ids, names, times, metrics,
// tags and file sizes are the recording's; file contents are the recording's where it shows them. What the
// recording never shows (r3's details and files, model.pkl's bytes) is made up and marked so.
import type { MlflowFixture, MlflowRun } from '../../common/contracts.ts';

export const R1 = 'cf1a640228654da3b4586df6d2ecbd78';
export const R2 = '80dd241685504d64b75dcd9aa094503a';
export const R3 = '2578dd3583574a81b8170226938a8971';
/** The run of step 22 (experiment fid-odd, 3), created after the other steps. */
export const R_ODD = 'e44bbaf3260146bba9b5775c25be7ff2';

const repeat = (line: string, n: number): string => line.repeat(n);
const sourceTags = { 'mlflow.user': 'root', 'mlflow.source.name': '/srv/fixture/make_fixture.py', 'mlflow.source.type': 'LOCAL' };

function fixtureRun(
  runId: string,
  name: string,
  experimentId: string,
  times: [number, number, number],
  acc: number,
  artifacts: MlflowRun['artifacts'],
): MlflowRun {
  return {
    runId,
    runName: name,
    experimentId,
    userId: 'root',
    status: 'FINISHED',
    startTime: times[0],
    endTime: times[1],
    metrics: [{ key: 'acc', value: acc, timestamp: times[2], step: 0 }],
    params: { label: name },
    tags: sourceTags,
    artifacts,
  };
}

export const recordedFixture: MlflowFixture = {
  experiments: [
    { experimentId: '0', name: 'Default', creationTime: 1796320445829 },
    { experimentId: '1', name: 'fid-a', creationTime: 1796320451399 },
    { experimentId: '2', name: 'fid-b', creationTime: 1796320451698 },
  ],
  runs: [
    fixtureRun(R1, 'r1', '1', [1796320451418, 1796320451541, 1796320451438], 0.95, [
      { path: 'hello.txt', content: { text: 'fixture file hello.txt\n' } },
      { path: 'data/table.csv', content: { text: repeat('fixture file data/table.csv\n', 3) } },
      {
        path: 'data/nested/deep.bin',
        content: { base64: Buffer.from(Array.from({ length: 1024 }, (_, i) => i % 256)).toString('base64') },
      },
      { path: 'model/MLmodel', content: { text: repeat('fixture file model/MLmodel\n', 2) } },
      // 22 bytes as recorded; the bytes themselves are not in the recording.
      { path: 'model/model.pkl', content: { text: 'pickled model: r1 v1.\n' } },
      { path: 'model/sub/cfg.json', content: { text: 'fixture file model/sub/cfg.json\n' } },
    ]),
    fixtureRun(R2, 'r2', '1', [1796320451584, 1796320451659, 1796320451604], 0.5, [
      { path: 'docs/empty.txt', content: { text: '' } },
      { path: 'docs/notes.md', content: { text: repeat('fixture file docs/notes.md\n', 2) } },
      { path: 'docs/with space+plus.txt', content: { text: 'fixture file docs/with space+plus.txt\n' } },
    ]),
    // Not in the recording beyond its id and model/: made up, in fid-b.
    fixtureRun(R3, 'r3', '2', [1796320451720, 1796320451900, 1796320451760], 0.97, [
      { path: 'model/MLmodel', content: { text: repeat('fixture file model/MLmodel\n', 2) } },
      { path: 'model/model.pkl', content: { text: 'pickled model: r3 v2.\n' } },
    ]),
  ],
  models: [
    {
      name: 'fid-model',
      creationTimestamp: 1796320451878,
      lastUpdatedTimestamp: 1796320451948,
      versions: [
        { version: 1, runId: R1, source: `runs:/${R1}/model`, aliases: ['champion'], creationTimestamp: 1796320451894 },
        { version: 2, runId: R3, source: `runs:/${R3}/model`, aliases: ['challenger'], creationTimestamp: 1796320451948 },
      ],
    },
  ],
};

/** After step 22: experiment fid-odd with one run that logged `odd/é.txt` and was then ended. */
export const recordedFixtureWithOdd: MlflowFixture = {
  ...recordedFixture,
  experiments: [...recordedFixture.experiments, { experimentId: '3', name: 'fid-odd', creationTime: 1796320489700 }],
  runs: [
    ...recordedFixture.runs,
    {
      runId: R_ODD,
      runName: 'monumental-auk-587',
      experimentId: '3',
      userId: 'unknown',
      status: 'RUNNING',
      startTime: 1796320489720,
      artifacts: [{ path: 'odd/é.txt', content: { text: 'non-ASCII name\n' } }],
    },
  ],
};
