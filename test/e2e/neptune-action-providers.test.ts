// The action against the Neptune emulator: Azure (Azurite, ranged reads) and AWS storage, a missing blob, access-
// token refresh mid-run, and the errors a user must fix, each clear and raised before any download.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulators, type RunningEmulators } from '../emulators/start.ts';
import {
  demoFixture,
  DEMO_NEPTUNE_API_KEY,
  DEMO_NEPTUNE_AWS_PROJECT,
  DEMO_NEPTUNE_AZURE_PROJECT,
  DEMO_NEPTUNE_MISSING_ATTRIBUTE,
  DEMO_NEPTUNE_PROJECT,
} from '../fixtures/demo.ts';
import { runActionProcess, type ActionRun } from '../support/action-process.ts';
import { TempFolders } from '../support/temp-folders.ts';
import { assertCleanRun, fixtureBytes, readManifest } from './neptune-helpers.ts';

const fixture = demoFixture.neptune!;

describe('action × Neptune storage providers and errors', () => {
  let emulators: RunningEmulators;
  let token = '';

  before(async () => {
    // Access tokens live 20 s: under the client's 30 s margin (neptune.md §2.3), so every request refreshes.
    emulators = await startEmulators({ fixture: { neptune: fixture }, neptune: { accessTokenTtlSeconds: 20 } });
    token = emulators.neptune?.apiToken ?? '';
  });
  const workspaces = new TempFolders();
  after(async () => {
    await emulators.close();
    await workspaces.removeAll();
  });

  const run = async (inputs: Record<string, string>, apiToken = token): Promise<ActionRun> => {
    const result = await runActionProcess({
      inputs: { backend: 'neptune', 'api-token': apiToken, ...inputs },
      workspace: await workspaces.make('def-ws-'),
    });
    await assertCleanRun(result, emulators, [token, apiToken, DEMO_NEPTUNE_API_KEY]);
    return result;
  };

  for (const [provider, project, experiment, target] of [
    ['azure', DEMO_NEPTUNE_AZURE_PROJECT, 'seabird-azure', 'azure'],
    ['aws', DEMO_NEPTUNE_AWS_PROJECT, 'seabird-aws', 'storage'],
  ] as const) {
    it(`downloads from ${provider} storage and records a missing blob as missing`, async () => {
      const before = emulators.log.count(target, 'blob');
      const result = await run({ project, experiments: experiment, attributes: `model/large.bin\n${DEMO_NEPTUNE_MISSING_ATTRIBUTE}` });
      assert.equal(result.code, 0, result.stdout);
      const manifest = await readManifest(result);
      const status = Object.fromEntries(manifest.files.map((f) => [f.attribute, f.status]));
      assert.deepEqual(status, { 'model/large.bin': 'downloaded', [DEMO_NEPTUNE_MISSING_ATTRIBUTE]: 'missing' });
      assert.equal(result.outputs['missing-count'], '1');
      assert.match(result.stdout, /::warning::Missing in storage: seabird-\w+: artifacts\/lost\.bin/);
      const got = await readFile(path.join(result.outputs.destination as string, experiment, 'model/large_bin.bin'));
      assert.deepEqual(got, fixtureBytes(fixture, project, { experiment }, 'model/large.bin'));
      const blobRequests = emulators.log
        .entries()
        .filter((e) => e.target === target && e.endpoint === 'blob')
        .slice(before);
      assert.ok(blobRequests.length >= 2);
      if (provider === 'azure') {
        // Ranged reads as the Azure SDK makes them (neptune.md §7.2), straight to storage without credentials.
        assert.ok(blobRequests.every((e) => /^bytes=0-33554431$/.test(String(e.headers['x-ms-range']))));
        assert.ok(blobRequests.every((e) => e.headers['x-ms-version'] !== undefined));
      }
    });
  }

  it('refreshes the access token as it expires and completes', async () => {
    const refreshes = emulators.log.count('neptune-api', 'refresh');
    const result = await run({ project: DEMO_NEPTUNE_PROJECT, experiments: 'seabird-augment', attributes: 'regex:^model/ | ^predictions' });
    assert.equal(result.code, 0, result.stdout);
    assert.equal(result.outputs['files-count'], '7');
    assert.ok(emulators.log.count('neptune-api', 'refresh') - refreshes >= 3, 'tokens were refreshed during the run');
    const unauthorized = emulators.log.entries().filter((e) => e.target === 'neptune-api' && e.status === 401);
    assert.deepEqual(unauthorized, [], 'no request went out with an expired token');
  });

  it('fails clearly for an unknown project, before any download', async () => {
    const blobs = emulators.log.count('storage', 'blob');
    const result = await run({ project: 'demo-team/no-such-project', experiments: 'x' });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /::error::.*demo-team\/no-such-project/);
    assert.equal(emulators.log.count('storage', 'blob'), blobs);
  });

  it('fails once, without a retry storm, for a token the server rejects', async () => {
    const bad = Buffer.from(
      JSON.stringify({ api_address: emulators.neptune?.url, api_url: emulators.neptune?.url, api_key: 'revoked-key-123' }),
    ).toString('base64');
    const exchanges = emulators.log.count('neptune-api', 'oauth-token');
    const total = emulators.log.entries().length;
    const result = await run({ project: DEMO_NEPTUNE_PROJECT, experiments: 'seabird-augment' }, bad);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /::error::.*(rejected|invalid)/i);
    assert.ok(emulators.log.count('neptune-api', 'oauth-token') - exchanges <= 2);
    assert.ok(emulators.log.entries().length - total <= 2, 'no other request was sent');
  });

  it('names the input of a regex the server rejects', async () => {
    const result = await run({ project: DEMO_NEPTUNE_PROJECT, experiments: 'regex:([unclosed' });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /::error::Input 'experiments'/);
  });

  it('refuses a step range when no File series matched, before downloading', async () => {
    const blobs = emulators.log.count('storage', 'blob');
    const result = await run({
      project: DEMO_NEPTUNE_PROJECT,
      experiments: 'seabird-augment',
      attributes: 'model/checkpoint',
      'step-range': '1:2',
    });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /::error::Input 'step-range'/);
    assert.equal(emulators.log.count('storage', 'blob'), blobs);
  });
});
