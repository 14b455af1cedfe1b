// src/action/artifact-upload.ts through the real @actions/artifact v6 client, in a child process as on a runner,
// against the local results-service emulator and Azurite: what lands in the artifact, the errors users see,
// GHES, retention and compression, retries, and that no secret reaches the log unmasked.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startResultsService, type ResultsService } from '../emulators/artifacts/results-service.ts';
import { readZipEntries } from '../emulators/artifacts/zip-entries.ts';
import type { DriverFile, DriverSpec } from '../support/artifact-upload-driver.ts';
import { runUploadDriver, type DriverRun } from '../support/artifact-upload-process.ts';

const DAY_MS = 24 * 3600 * 1000;

describe('uploadArtifact against the results-service emulator', () => {
  let service: ResultsService;
  let scratch: string;

  before(async () => {
    service = await startResultsService();
    scratch = await mkdtemp(path.join(tmpdir(), 'def-artifact-e2e-'));
  });
  after(async () => {
    await service?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  /** A destination folder holding `files` (relative POSIX path → bytes). */
  async function destinationWith(files: Record<string, Buffer>): Promise<string> {
    const destination = await mkdtemp(path.join(scratch, 'dest-'));
    for (const [relative, bytes] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(destination, relative)), { recursive: true });
      await writeFile(path.join(destination, relative), bytes);
    }
    return destination;
  }

  const runDriver = (spec: DriverSpec, env: Record<string, string> = service.env): Promise<DriverRun> =>
    runUploadDriver(spec, env, scratch);

  function spec(destination: string, name: string, files: DriverFile[], extra: Partial<DriverSpec['artifact']> = {}): DriverSpec {
    return { destination, artifact: { name, retentionDays: 0, compressionLevel: 6, ...extra }, files };
  }

  /** The log as the runner shows it: command data unescaped, then every value registered by ::add-mask:: so far replaced. */
  function runnerView(stdout: string): string {
    const unescape = (s: string): string => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
    const masks: string[] = [];
    const shown: string[] = [];
    for (const line of stdout.split('\n')) {
      const mask = /^::add-mask::(.*)$/.exec(line);
      if (mask) {
        masks.push(unescape(mask[1] ?? ''));
        continue;
      }
      let text = line.startsWith('::') ? unescape(line) : line;
      for (const secret of masks) if (secret) text = text.split(secret).join('***');
      shown.push(text);
    }
    return shown.join('\n');
  }

  function sigOf(uploadUrl: string): string {
    const sig = new URL(uploadUrl).searchParams.get('sig');
    assert.ok(sig, 'the emulator hands out SAS URLs with a sig');
    return sig;
  }

  it('uploads every downloaded and skipped file plus the manifest, byte for byte, and masks the SAS signature', async (t) => {
    const files: Record<string, Buffer> = {
      'run1/model.ckpt': randomBytes(1024 * 1024),
      'run1/empty.txt': Buffer.alloc(0),
      'run1/résumé ü.txt': Buffer.from('unicode name\n'),
      'run1/with space.json': Buffer.from('{"a": 1}\n'),
      'run1/deep/a/b/c/leaf.bin': randomBytes(300),
    };
    for (let i = 0; i < 15; i += 1) files[`run2/media/images/sample_${i}.txt`] = Buffer.from(`line ${i}\n`.repeat(200));
    const destination = await destinationWith(files);
    const onDisk: DriverFile[] = Object.keys(files).map((p, i) => ({ path: p, status: i % 4 === 0 ? 'skipped' : 'downloaded' }));
    // Not on disk: must stay out of the artifact (listing them would make the client fail on a missing file).
    const notOnDisk: DriverFile[] = [
      { path: 'run3/missing.bin', status: 'missing' },
      { path: null, status: 'failed' },
      { path: 'run3/failed.bin', status: 'failed' },
    ];
    const run = await runDriver(spec(destination, 'e2e-files', [...onDisk, ...notOnDisk]));
    t.diagnostic(`upload of ${onDisk.length + 1} files (1 MiB total) in a child process: ${Math.round(run.durationMs)} ms`);
    assert.equal(run.code, 0, run.stdout + run.stderr);

    const [record, ...others] = service.artifacts().filter((a) => a.name === 'e2e-files');
    assert.ok(record && others.length === 0);
    assert.equal(record.state, 'finalized');
    assert.equal(record.expiresAt, undefined, 'retention 0 means the repository default: no expires_at');
    const zip = await service.downloadZip('e2e-files');
    assert.deepEqual(run.result, {
      id: record.id,
      url: `https://github.com/octo/ml/actions/runs/42/artifacts/${record.id}`,
      digest: createHash('sha256').update(zip).digest('hex'),
    });

    const entries = readZipEntries(zip);
    const expected = { ...files, 'manifest.json': undefined };
    assert.deepEqual(entries.map((e) => e.name).sort(), Object.keys(expected).sort());
    const manifestOnDisk = await readFile(path.join(destination, 'manifest.json'));
    for (const entry of entries) {
      const expectedBytes = entry.name === 'manifest.json' ? manifestOnDisk : files[entry.name];
      assert.ok(expectedBytes && entry.data.equals(expectedBytes), `${entry.name} differs`);
    }
    const manifest = JSON.parse(manifestOnDisk.toString('utf8')) as { files?: unknown[] };
    assert.equal(manifest.files?.length, onDisk.length + notOnDisk.length);
    assert.equal(entries.find((e) => e.name === 'run2/media/images/sample_0.txt')?.method, 8, 'default compression deflates');

    const sig = sigOf(record.uploadUrl);
    assert.ok(run.stdout.split('\n').includes(`::add-mask::${sig}`), 'the client registers the SAS sig as a secret');
    const shown = runnerView(run.stdout);
    assert.ok(!shown.includes(sig) && !shown.includes(encodeURIComponent(sig)), 'the sig is never shown unmasked');
    assert.ok(!(run.stdout + run.stderr).includes(service.runtimeToken), 'the runtime token is never printed');
  });

  it('a second upload of the same name (a matrix sibling) fails with a message that says what to do', async () => {
    const destination = await destinationWith({ 'run1/a.txt': Buffer.from('a') });
    const first = await runDriver(spec(destination, 'e2e-dup', [{ path: 'run1/a.txt', status: 'downloaded' }]));
    assert.equal(first.code, 0, first.stdout + first.stderr);

    const sibling = await runDriver(
      spec(destination, 'e2e-dup', [{ path: 'run1/a.txt', status: 'downloaded' }]),
      service.jobEnv('matrix-job-2'),
    );
    assert.equal(sibling.code, 1, sibling.stdout + sibling.stderr);
    assert.match(
      sibling.error?.message ?? '',
      /^An artifact named 'e2e-dup' already exists in this workflow run\. Give each job its own artifact-name/,
    );
    assert.match(sibling.error?.cause ?? '', /\(409\) Conflict: an artifact with this name already exists on the workflow run/);
    assert.equal(service.artifacts().filter((a) => a.name === 'e2e-dup').length, 1);
  });

  it('on GHES the check before the download refuses artifact-name, with no request', async () => {
    const destination = await destinationWith({ 'run1/a.txt': Buffer.from('a') });
    const before = service.calls().length;
    const run = await runDriver(
      { ...spec(destination, 'e2e-ghes', [{ path: 'run1/a.txt', status: 'downloaded' }]), checkFirst: true },
      { ...service.env, GITHUB_SERVER_URL: 'https://ghe.example.com' },
    );
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(
      run.error?.message ?? '',
      /^Input 'artifact-name': is set \('e2e-ghes'\), but artifact uploads with @actions\/artifact v2\+ are not supported on GitHub Enterprise Server \(https:\/\/ghe\.example\.com\)\. Leave artifact-name empty/,
    );
    assert.equal(service.calls().length, before);
  });

  it('retention days and compression level reach the service: expires_at set, entries stored', async () => {
    const files = { 'run1/a.txt': Buffer.from('compressible '.repeat(1000)), 'run1/b.bin': randomBytes(5000) };
    const destination = await destinationWith(files);
    const asked = Date.now();
    const run = await runDriver(
      spec(
        destination,
        'e2e-retention',
        [
          { path: 'run1/a.txt', status: 'downloaded' },
          { path: 'run1/b.bin', status: 'downloaded' },
        ],
        { retentionDays: 5, compressionLevel: 0 },
      ),
    );
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const record = service.artifacts().find((a) => a.name === 'e2e-retention');
    assert.ok(record?.expiresAt, 'expires_at was sent');
    // The client adds days in local time (setDate), so a DST change moves it by an hour.
    assert.ok(Math.abs(record.expiresAt.getTime() - (asked + 5 * DAY_MS)) < 2 * 3600 * 1000, record.expiresAt.toISOString());
    const entries = readZipEntries(await service.downloadZip('e2e-retention'));
    assert.deepEqual(entries.map((e) => [e.name, e.method]).sort(), [
      ['manifest.json', 0],
      ['run1/a.txt', 0],
      ['run1/b.bin', 0],
    ]);
    assert.ok(entries.find((e) => e.name === 'run1/a.txt')?.data.equals(files['run1/a.txt']));
  });

  it('a CreateArtifact 503 is retried by the client and the upload then succeeds', async () => {
    const destination = await destinationWith({ 'run1/a.txt': Buffer.from('a') });
    service.failNext('CreateArtifact', { status: 503 });
    const run = await runDriver(spec(destination, 'e2e-retry', [{ path: 'run1/a.txt', status: 'downloaded' }]));
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const creates = service.calls('CreateArtifact').filter((c) => c.request?.name === 'e2e-retry');
    assert.deepEqual(
      creates.map((c) => [c.status, c.faulted]),
      [
        [503, true],
        [200, false],
      ],
    );
    assert.equal(service.artifacts().find((a) => a.name === 'e2e-retry')?.state, 'finalized');
  });

  it('a non-retryable CreateArtifact error fails at once with the service message and no secret', async () => {
    const destination = await destinationWith({ 'run1/a.txt': Buffer.from('a') });
    service.failNext('CreateArtifact', { status: 403, msg: 'artifact uploads are disabled for this repository' });
    const run = await runDriver(spec(destination, 'e2e-forbidden', [{ path: 'run1/a.txt', status: 'downloaded' }]));
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.equal(
      run.error?.message,
      "Uploading artifact 'e2e-forbidden' failed: Failed to CreateArtifact: Received non-retryable error: Failed request: (403) Forbidden: artifact uploads are disabled for this repository",
    );
    assert.equal(service.calls('CreateArtifact').filter((c) => c.request?.name === 'e2e-forbidden').length, 1);
    assert.ok(!(run.stdout + run.stderr).includes(service.runtimeToken));
  });

  it('a file whose name the artifact service rejects (":" is legal on Linux) does not sink the whole upload', async () => {
    const destination = await destinationWith({ 'run1/model:v3.ckpt': Buffer.from('w'), 'run1/ok.txt': Buffer.from('ok') });
    const run = await runDriver(
      spec(destination, 'e2e-colon', [
        { path: 'run1/model:v3.ckpt', status: 'downloaded' },
        { path: 'run1/ok.txt', status: 'downloaded' },
      ]),
    );
    assert.equal(run.code, 0, run.error?.message);
    const names = readZipEntries(await service.downloadZip('e2e-colon')).map((e) => e.name);
    assert.ok(names.includes('run1/ok.txt') && names.includes('manifest.json'));
    assert.match(run.stdout, /::warning::.*model:v3\.ckpt/);
  });
});
