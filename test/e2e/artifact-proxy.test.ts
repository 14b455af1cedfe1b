// The artifact client on a runner behind an HTTP proxy (HTTP_PROXY / HTTPS_PROXY, NO_PROXY as runners often set
// it). Three HTTP stacks are involved, each with its own proxy rules:
// - the Twirp calls go through @actions/http-client (node:http with the `tunnel` agent), which never proxies
//   localhost or 127.*;
// - the blob PUTs go through the Azure SDK (http-proxy-agent / https-proxy-agent), which takes HTTPS_PROXY, then
//   ALL_PROXY, then HTTP_PROXY for any target and matches NO_PROXY against the host name;
// - the REST calls of a cross-run look-up (`findBy`) go through @actions/github's fetch with an undici ProxyAgent
//   made by @actions/http-client: the only place where package.json's undici override changes what runs.
// The emulators are therefore addressed by names under .test that only the proxy resolves, so a request that went
// around the proxy could not connect at all, and the proxy's log shows what each stack sent.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startResultsService, type ResultsService } from '../emulators/artifacts/results-service.ts';
import { readZipEntries } from '../emulators/artifacts/zip-entries.ts';
import { AZURITE_ACCOUNT, startAzurite, type Azurite } from '../emulators/common/azurite.ts';
import { startForwardProxy, type ForwardProxy } from '../reliability/support/forward-proxy.ts';
import { runUploadDriver } from '../support/artifact-upload-process.ts';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const RESULTS_HOST = 'results-receiver.actions.test';
const BLOB_HOST = `${AZURITE_ACCOUNT}.blob.core.test`;
const API_HOST = 'api.github.test';
const NO_PROXY = 'localhost,127.0.0.1';

describe('@actions/artifact behind an HTTP proxy', () => {
  let azurite: Azurite;
  let service: ResultsService;
  let proxy: ForwardProxy;
  let scratch: string;
  let proxyEnv: Record<string, string>;

  before(async () => {
    for (const name of [RESULTS_HOST, BLOB_HOST, API_HOST]) {
      await assert.rejects(lookup(name), `${name} must not resolve outside the proxy`);
    }
    scratch = await mkdtemp(path.join(tmpdir(), 'def-artifact-proxy-'));
    azurite = await startAzurite();
    service = await startResultsService({ azurite, blobAccountUrl: `http://${BLOB_HOST}:${new URL(azurite.origin).port}` });
    proxy = await startForwardProxy({ hosts: { [RESULTS_HOST]: '127.0.0.1', [BLOB_HOST]: '127.0.0.1', [API_HOST]: '127.0.0.1' } });
    proxyEnv = { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY, no_proxy: NO_PROXY };
  });
  after(async () => {
    await proxy?.close();
    await service?.close();
    await azurite?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('uploads: the Twirp calls and the blob PUTs both go through the proxy, and the artifact arrives intact', async (t) => {
    const files = { 'run1/model.ckpt': randomBytes(256 * 1024), 'run1/notes.txt': Buffer.from('behind a proxy\n') };
    const destination = await mkdtemp(path.join(scratch, 'dest-'));
    for (const [relative, bytes] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(destination, relative)), { recursive: true });
      await writeFile(path.join(destination, relative), bytes);
    }
    const resultsPort = new URL(service.url).port;
    const blobPort = new URL(azurite.origin).port;
    const first = proxy.records.length;
    const run = await runUploadDriver(
      {
        destination,
        artifact: { name: 'e2e-proxied', retentionDays: 0, compressionLevel: 6 },
        files: Object.keys(files).map((p) => ({ path: p, status: 'downloaded' })),
        checkFirst: true,
      },
      { ...service.env, ...proxyEnv, ACTIONS_RESULTS_URL: `http://${RESULTS_HOST}:${resultsPort}/` },
      scratch,
    );
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.doesNotMatch(run.stdout, /Could not check whether artifact/, 'the pre-download ListArtifacts went through');

    // Finalize made the emulator check the blob's size and sha256; the bytes are what was on disk.
    assert.equal(service.artifacts().find((a) => a.name === 'e2e-proxied')?.state, 'finalized');
    const zip = await service.downloadZip('e2e-proxied');
    assert.equal(run.result?.digest, createHash('sha256').update(zip).digest('hex'));
    const entries = readZipEntries(zip);
    for (const [name, bytes] of Object.entries(files)) assert.ok(entries.find((e) => e.name === name)?.data.equals(bytes), name);
    assert.deepEqual(
      service.calls().map((c) => [c.method, c.status]),
      [
        ['ListArtifacts', 200],
        ['CreateArtifact', 200],
        ['FinalizeArtifact', 200],
      ],
    );

    const records = proxy.records.slice(first);
    t.diagnostic(`proxy log: ${records.map((r) => `${r.method} ${r.target} → ${r.status}`).join(', ')}`);
    const twirp = records.filter((r) => r.target === `${RESULTS_HOST}:${resultsPort}`);
    const blob = records.filter((r) => r.target === `${BLOB_HOST}:${blobPort}`);
    assert.equal(twirp.length + blob.length, records.length, 'nothing else went through the proxy');
    // The tunnel agent opens a CONNECT tunnel even for an http:// target, one per call (no keep-alive).
    assert.ok(twirp.length > 0 && twirp.every((r) => r.kind === 'connect' && r.status === 200), 'Twirp calls tunnelled');
    // http-proxy-agent sends absolute-form requests: the block(s), then the block list.
    assert.ok(blob.length >= 2 && blob.every((r) => r.kind === 'forward' && r.method === 'PUT' && r.status === 201), 'blob PUTs forwarded');
    assert.ok(
      blob.every((r) => r.headers.authorization === undefined),
      'the runtime token is not sent to storage',
    );
  });

  it('a cross-run look-up (findBy: @actions/github over undici) goes through the proxy too', async (t) => {
    const requests: { url: string; headers: IncomingHttpHeaders }[] = [];
    const api = createServer((req, res) => {
      requests.push({ url: req.url ?? '', headers: req.headers });
      const listing = req.method === 'GET' && (req.url ?? '').startsWith('/repos/octo/ml/actions/runs/41/artifacts?');
      res.writeHead(listing ? 200 : 404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          listing
            ? { total_count: 1, artifacts: [{ id: 7, name: 'from-run-41', size_in_bytes: 123, created_at: '2026-01-02T03:04:05Z' }] }
            : { message: 'Not Found' },
        ),
      );
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => api.close(() => resolve())));
    const apiTarget = `${API_HOST}:${(api.address() as AddressInfo).port}`;
    const first = proxy.records.length;

    // The artifact client in a child of its own (@actions/github reads GITHUB_API_URL when it is loaded).
    const script = `
      import { DefaultArtifactClient } from '@actions/artifact';
      const found = await new DefaultArtifactClient().listArtifacts({
        findBy: { token: 'ghs_proxytest', workflowRunId: 41, repositoryOwner: 'octo', repositoryName: 'ml' },
      });
      process.stdout.write('FOUND ' + JSON.stringify(found.artifacts.map((a) => [a.id, a.name, a.size])) + '\\n');`;
    const child = spawn(process.execPath, ['--input-type=module', '--eval', script], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_API_URL: `http://${apiTarget}`, ...proxyEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, output);
    assert.match(output, /^FOUND \[\[7,"from-run-41",123\]\]$/m);
    assert.equal(requests.length, 1);
    assert.equal(requests[0]?.headers.authorization, 'token ghs_proxytest');

    const records = proxy.records.slice(first);
    t.diagnostic(`proxy log: ${records.map((r) => `${r.method} ${r.target} → ${r.status}`).join(', ')}`);
    // undici 6 tunnels an http:// target with CONNECT, undici 8 forwards it in absolute form: either will do.
    assert.equal(records.length, 1);
    assert.equal(records[0]?.target, apiTarget);
    assert.equal(records[0]?.status, 200);
  });
});
