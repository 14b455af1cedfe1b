// The bundled action with missing or invalid inputs: exits non-zero, names the input and what to change, and
// sends no request (the api-url points at a server that counts requests).
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { DIST_ENTRY, runActionProcess } from '../support/action-process.ts';
import { TempFolders } from '../support/temp-folders.ts';

describe('dist/index.js input validation', () => {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests += 1;
    res.writeHead(500).end();
  });
  let url = '';
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  const workspaces = new TempFolders();
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await workspaces.removeAll();
  });

  const token = Buffer.from(JSON.stringify({ api_address: 'http://127.0.0.1:1', api_url: 'http://127.0.0.1:1', api_key: 'k' })).toString(
    'base64',
  );
  const cases: [string, Record<string, string>, RegExp][] = [
    ['no backend', {}, /Input 'backend': is required\. Available options: neptune, wandb/],
    ['unknown backend', { backend: 'comet' }, /Input 'backend': 'comet' is not allowed/],
    ['no token', { backend: 'neptune', project: 'a/b' }, /Input 'api-token': no credential given.*NEPTUNE_API_TOKEN/],
    ['malformed Neptune token', { backend: 'neptune', project: 'a/b', 'api-token': 'not-base64-json' }, /Input 'api-token'/],
    [
      'bad project',
      { backend: 'neptune', project: 'nope', 'api-token': token },
      /Input 'project': 'nope' is not of the form workspace\/project/,
    ],
    ['bad concurrency', { backend: 'neptune', project: 'a/b', 'api-token': token, concurrency: 'many' }, /Input 'concurrency'/],
    ['bad step range', { backend: 'neptune', project: 'a/b', 'api-token': token, 'step-range': '9:1' }, /Input 'step-range'.*swap/],
    [
      'bad overwrite',
      { backend: 'neptune', project: 'a/b', 'api-token': token, overwrite: 'yes' },
      /Input 'overwrite'.*skip-existing, overwrite, error/,
    ],
    ['names and pattern', { backend: 'wandb', project: 'e/p', 'api-token': 'x'.repeat(40), files: 'a', pattern: '%' }, /Input 'pattern'/],
    ['bad W&B filter', { backend: 'wandb', project: 'e/p', 'api-token': 'x'.repeat(40), filter: '{not json' }, /Input 'filter'/],
    ['bad artifact name', { backend: 'neptune', project: 'a/b', 'api-token': token, 'artifact-name': 'a:b' }, /Input 'artifact-name'/],
  ];
  for (const [name, inputs, message] of cases) {
    it(`fails before any request: ${name}`, async () => {
      const run = await runActionProcess({
        inputs: { 'api-url': url, ...inputs },
        entry: DIST_ENTRY,
        workspace: await workspaces.make('def-ws-'),
      });
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.match(run.stdout, new RegExp(`::error::${message.source}`));
      assert.equal(requests, 0);
    });
  }
});
