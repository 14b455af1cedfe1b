import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { request } from 'undici';
import { startAzureStorage } from './azure-blobs.ts';
import { blobSasUrl, startAzurite } from './azurite.ts';
import { contentBytes } from './content.ts';
import { createFaultEngine } from './faults.ts';
import { createRequestLog } from './request-log.ts';

const faults = createFaultEngine();
const log = createRequestLog();
const t0 = performance.now();
// URLs from sign() live the default 15 minutes: a busy machine must not expire them between two reads. The
// expiry test signs its own short-lived URL.
const azure = await startAzureStorage({ faults, log });
const readyMs = performance.now() - t0;
console.log(`Azurite listening after ${azure.azurite.startupMs.toFixed(0)} ms; storage ready after ${readyMs.toFixed(0)} ms`);
after(() => azure.close());

const BIG = { generate: { size: 9 * 1024 * 1024 + 123 } } as const;
const HOSTILE = 'proj/run/../exp ü 名/a b.json';
await Promise.all([
  azure.put('p/r/small.txt', { text: 'hello azure' }),
  azure.put('p/r/big.bin', BIG),
  azure.put(HOSTILE, { text: '{}' }),
  azure.put('p/r/missing', { missing: true }),
]);

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await request(url, { headers });
  const body = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, headers: res.headers, body, text: body.toString('utf8') };
}

test('Azurite listens on the ephemeral port it reported, on loopback (its start-up time is measured by npm run bench)', async () => {
  const port = Number(/^http:\/\/127\.0\.0\.1:(\d+)$/.exec(azure.azurite.origin)?.[1]);
  assert.ok(port > 0, azure.azurite.origin);
  // Azurite itself answers there (an unauthenticated request: 403 with its own error code).
  const res = await request(`${azure.azurite.origin}/devstoreaccount1?comp=list`);
  await res.body.dump();
  assert.equal(res.headers['x-ms-error-code'], 'AuthorizationFailure');
});

test('SAS GET through the recording proxy on 127.0.0.3', async () => {
  const url = azure.sign('p/r/small.txt');
  assert.match(url, /^http:\/\/127\.0\.0\.3:\d+\/devstoreaccount1\/neptune\/p%2Fr%2Fsmall\.txt\?.*sp=r/);
  log.clear();
  const res = await get(url, { authorization: 'Bearer leaked' });
  assert.equal(res.status, 200);
  assert.equal(res.text, 'hello azure');
  assert.equal(log.count('azure', 'blob'), 1);
  assert.equal(log.entries()[0]?.headers.authorization, 'Bearer leaked');
  assert.equal(log.entries()[0]?.status, 200);
  assert.equal((await get(azure.sign(HOSTILE))).text, '{}');
});

test('ranged reads of a streamed upload (x-ms-range, as the Azure SDKs send)', async () => {
  const whole = contentBytes(BIG, 'p/r/big.bin');
  const url = azure.sign('p/r/big.bin');
  const first = await get(url, { 'x-ms-range': 'bytes=0-4194303', 'x-ms-version': '2025-01-05' });
  assert.equal(first.status, 206);
  assert.equal(first.headers['content-range'], `bytes 0-4194303/${whole.length}`);
  assert.deepEqual(first.body, whole.subarray(0, 4194304));
  const last = await get(url, { range: `bytes=9437184-` });
  assert.deepEqual(last.body, whole.subarray(9437184));
});

test('a blob never uploaded answers 404 BlobNotFound with x-ms-error-code and a Message', async () => {
  const res = await get(azure.sign('p/r/missing'));
  assert.equal(res.status, 404);
  assert.equal(res.headers['x-ms-error-code'], 'BlobNotFound');
  assert.match(res.text, /<Code>BlobNotFound<\/Code>\s*<Message>/);
});

test('azure faults: status → Azure XML error, expire → 403 AuthenticationFailed, corrupt', async () => {
  const url = azure.sign('p/r/small.txt');
  faults.add({ target: 'azure', endpoint: 'blob', action: { kind: 'status', status: 503, retryAfter: '1' } });
  const busy = await get(url);
  assert.equal(busy.status, 503);
  assert.equal(busy.headers['x-ms-error-code'], 'ServerBusy');
  assert.match(busy.text, /<Code>ServerBusy<\/Code><Message>/);
  faults.add({ target: 'azure', action: { kind: 'expire' } });
  const expired = await get(url);
  assert.equal(expired.status, 403);
  assert.equal(expired.headers['x-ms-error-code'], 'AuthenticationFailed');
  assert.match(expired.text, /<Message>Server failed to authenticate/);
  faults.add({ target: 'azure', action: { kind: 'corrupt' } });
  const corrupt = await get(url);
  assert.equal(corrupt.body.length, 'hello azure'.length);
  assert.notEqual(corrupt.text, 'hello azure');
  faults.add({ target: 'azure', action: { kind: 'truncate', bytes: 3 } });
  await assert.rejects(async () => (await request(url)).body.arrayBuffer());
  assert.equal((await get(url)).text, 'hello azure');
});

test("an expired SAS gets real Azure's 403 AuthenticationFailed (Azurite alone says AuthorizationFailure)", async () => {
  // A SAS of 1 s (whole seconds, rounded up: it ends within 2 s), then a wait past that. A busy machine only
  // makes the wait longer.
  const url = blobSasUrl(azure.azurite, azure.proxy.origin, azure.container, 'p/r/small.txt', 'r', 1000);
  await new Promise((r) => setTimeout(r, 2100));
  const res = await get(url);
  assert.equal(res.status, 403);
  assert.equal(res.headers['x-ms-error-code'], 'AuthenticationFailed');
});

test('startAzurite is reusable: container, cw upload SAS, then a read', async (t) => {
  const az = await startAzurite();
  t.after(() => az.close());
  await az.service.getContainerClient('actions-results').createIfNotExists();
  const uploadUrl = blobSasUrl(az, az.origin, 'actions-results', 'run/job/artifact.zip', 'cw', 60_000);
  assert.match(uploadUrl, /sp=cw/);
  const put = await request(uploadUrl, {
    method: 'PUT',
    headers: { 'x-ms-blob-type': 'BlockBlob', 'content-type': 'application/zip' },
    body: 'zipbytes',
  });
  await put.body.dump();
  assert.equal(put.statusCode, 201);
  const read = await get(blobSasUrl(az, az.origin, 'actions-results', 'run/job/artifact.zip', 'r', 60_000));
  assert.equal(read.text, 'zipbytes');
  // The %2F form of the SAS URL and the SDK's own per-segment form name the same blob.
  const viaSdk = await az.service.getContainerClient('actions-results').getBlobClient('run/job/artifact.zip').downloadToBuffer();
  assert.equal(viaSdk.toString(), 'zipbytes');
  await az.close();
  await assert.rejects(request(`${az.origin}/`));
});
