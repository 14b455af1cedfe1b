// The emulator itself: its Twirp edge cases over raw HTTP, the SAS it hands out as Azurite enforces it, and a
// full round trip (upload, list, get, download, delete) with the real @actions/artifact client in-process.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BlockBlobClient } from '@azure/storage-blob';
import { DUPLICATE_NAME_MSG } from './artifact-methods.ts';
import { startResultsService, type ResultsService } from './results-service.ts';
import { mintRuntimeToken } from './runtime-token.ts';

/** Only against a hung answer (the fetch then fails with a TimeoutError), not a time bound. */
const FETCH_TIMEOUT_MS = 60_000;

describe('results-service emulator', () => {
  let service: ResultsService;
  let scratch: string;
  before(async () => {
    service = await startResultsService({ workflowRunBackendId: 'run-1', workflowJobRunBackendId: 'job-1' });
    scratch = await mkdtemp(path.join(tmpdir(), 'def-results-'));
  });
  after(async () => {
    await service?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  const ids = { workflow_run_backend_id: 'run-1', workflow_job_run_backend_id: 'job-1' };

  async function twirp(method: string, body: unknown, init: { token?: string | null; contentType?: string; httpMethod?: string } = {}) {
    const headers: Record<string, string> = { 'content-type': init.contentType ?? 'application/json' };
    const token = init.token === undefined ? service.runtimeToken : init.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${service.url}/twirp/github.actions.results.api.v1.ArtifactService/${method}`, {
      method: init.httpMethod ?? 'POST',
      headers,
      body: init.httpMethod === 'GET' ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    const text = await response.text();
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      text,
      json: JSON.parse(text) as Record<string, unknown>,
    };
  }

  it('answers routing, auth and validation errors as Twirp JSON', async () => {
    const cases: [string, Awaited<ReturnType<typeof twirp>>, number, string][] = [
      ['GET', await twirp('CreateArtifact', undefined, { httpMethod: 'GET' }), 404, 'bad_route'],
      ['unknown method', await twirp('UploadArtifact', {}), 404, 'bad_route'],
      ['protobuf body', await twirp('CreateArtifact', '', { contentType: 'application/protobuf' }), 404, 'bad_route'],
      ['no token', await twirp('CreateArtifact', {}, { token: null }), 401, 'unauthenticated'],
      [
        'foreign token',
        await twirp('CreateArtifact', {}, { token: mintRuntimeToken({ workflowRunBackendId: 'run-1', workflowJobRunBackendId: 'job-1' }) }),
        401,
        'unauthenticated',
      ],
      ['not JSON', await twirp('CreateArtifact', '{'), 400, 'malformed'],
      [
        'other job',
        await twirp('CreateArtifact', { ...ids, workflow_job_run_backend_id: 'job-2', name: 'a', version: 7 }),
        403,
        'permission_denied',
      ],
      ['bad name', await twirp('CreateArtifact', { ...ids, name: 'a/b', version: 7 }), 400, 'invalid_argument'],
      ['old version', await twirp('CreateArtifact', { ...ids, name: 'a', version: 4 }), 400, 'invalid_argument'],
      [
        'past expiry',
        await twirp('CreateArtifact', { ...ids, name: 'a', version: 7, expires_at: '2001-01-01T00:00:00Z' }),
        400,
        'invalid_argument',
      ],
      ['bad int64', await twirp('FinalizeArtifact', { ...ids, name: 'a', size: 'ten' }), 400, 'malformed'],
      ['unknown artifact', await twirp('GetSignedArtifactURL', { ...ids, name: 'nope' }), 404, 'not_found'],
    ];
    for (const [label, answer, status, code] of cases) {
      assert.equal(answer.status, status, `${label}: ${answer.text}`);
      assert.equal(answer.contentType, 'application/json', label);
      assert.equal(answer.json.code, code, label);
      assert.equal(typeof answer.json.msg, 'string', label);
    }
  });

  it('hands out a blob-scoped create+write SAS and checks the blob on Finalize', async () => {
    // lowerCamel keys and a numeric version: protojson accepts both, and so does the emulator.
    const created = await twirp('CreateArtifact', {
      workflowRunBackendId: 'run-1',
      workflowJobRunBackendId: 'job-1',
      name: 'raw',
      version: 7,
    });
    assert.equal(created.status, 200, created.text);
    const uploadUrl = String(created.json.signed_upload_url);
    const sas = new URL(uploadUrl).searchParams;
    assert.deepEqual([sas.get('sp'), sas.get('sr')], ['cw', 'b']);
    assert.match(new URL(uploadUrl).pathname, /^\/devstoreaccount1\/actions-results\//);

    const early = await twirp('FinalizeArtifact', { ...ids, name: 'raw', size: '3' });
    assert.deepEqual([early.status, early.json.code], [412, 'failed_precondition']);

    const blob = new BlockBlobClient(uploadUrl);
    await blob.upload('abc', 3);
    await assert.rejects(blob.download(), (e: { statusCode?: number }) => e.statusCode === 403, 'the upload SAS cannot read');
    const sibling = new BlockBlobClient(uploadUrl.replace(/artifacts%2F[0-9a-f]+/, 'artifacts%2Fother'));
    await assert.rejects(sibling.upload('x', 1), (e: { statusCode?: number }) => e.statusCode === 403, 'the SAS is for one blob');

    const sha = createHash('sha256').update('abc').digest('hex');
    const wrongSize = await twirp('FinalizeArtifact', { ...ids, name: 'raw', size: '4', hash: `sha256:${sha}` });
    assert.deepEqual([wrongSize.status, wrongSize.json.code], [400, 'invalid_argument']);
    const wrongHash = await twirp('FinalizeArtifact', { ...ids, name: 'raw', size: '3', hash: `sha256:${'0'.repeat(64)}` });
    assert.deepEqual([wrongHash.status, wrongHash.json.code], [400, 'invalid_argument']);
    const done = await twirp('FinalizeArtifact', { ...ids, name: 'raw', size: 3, hash: `sha256:${sha}` });
    assert.equal(done.status, 200, done.text);
    assert.equal(done.json.ok, true);
    assert.equal(typeof done.json.artifact_id, 'string', 'int64 goes out as a decimal string');
    assert.ok(BigInt(done.json.artifact_id as string) > 2n ** 32n);

    const again = await twirp('CreateArtifact', { ...ids, name: 'raw', version: 7 });
    assert.deepEqual(again.json, { code: 'already_exists', msg: DUPLICATE_NAME_MSG });
    assert.equal(again.status, 409);
    assert.equal((await service.downloadZip('raw')).toString(), 'abc');

    // Reads are run-scoped: a matrix sibling addresses the artifact by its creator's job id.
    const siblingToken = service.jobEnv('job-2').ACTIONS_RUNTIME_TOKEN;
    const read = await twirp('GetSignedArtifactURL', { ...ids, name: 'raw' }, { token: siblingToken });
    assert.equal(read.status, 200, read.text);
    assert.equal(new URL(String(read.json.signed_url)).searchParams.get('sp'), 'r');
  });

  it('fault hooks replace the next answers, JSON or not', async () => {
    service.failNext('ListArtifacts', { status: 500, times: 2 });
    assert.equal((await twirp('ListArtifacts', ids)).status, 500);
    assert.equal((await twirp('ListArtifacts', ids)).json.code, 'internal');
    assert.equal((await twirp('ListArtifacts', ids)).status, 200);
    service.failNext('ListArtifacts', { status: 502, rawBody: '<html>Bad Gateway</html>' });
    await assert.rejects(twirp('ListArtifacts', ids), SyntaxError);
    assert.deepEqual(
      service.calls('ListArtifacts').map((c) => [c.status, c.faulted]),
      [
        [500, true],
        [500, true],
        [200, false],
        [502, true],
      ],
    );
  });

  it('serves the real client: upload, list, get, download, delete', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, service.env);
    delete process.env.GITHUB_SERVER_URL;
    try {
      const { DefaultArtifactClient } = await import('@actions/artifact');
      const client = new DefaultArtifactClient();
      const source = await mkdtemp(path.join(scratch, 'src-'));
      await writeFile(path.join(source, 'a.txt'), 'hello');
      const uploaded = await client.uploadArtifact('round-trip', [path.join(source, 'a.txt')], source, { retentionDays: 1 });
      assert.ok(uploaded.id !== undefined && uploaded.id > 2 ** 32);

      const listed = await client.listArtifacts();
      assert.deepEqual(listed.artifacts.map((a) => a.name).sort(), ['raw', 'round-trip']);
      const { artifact } = await client.getArtifact('round-trip');
      assert.equal(artifact.id, uploaded.id);
      assert.equal(artifact.digest, `sha256:${uploaded.digest}`);

      const target = await mkdtemp(path.join(scratch, 'dl-'));
      const downloaded = await client.downloadArtifact(artifact.id, { path: target, expectedHash: artifact.digest });
      assert.equal(downloaded.digestMismatch, false);
      assert.equal(await readFile(path.join(target, 'a.txt'), 'utf8'), 'hello');

      assert.equal((await client.deleteArtifact('round-trip')).id, uploaded.id);
      assert.deepEqual(
        (await client.listArtifacts()).artifacts.map((a) => a.name),
        ['raw'],
      );
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });
});
