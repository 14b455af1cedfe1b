// What every reliability case asserts about the disk: each file at a final path holds exactly the fixture's
// bytes, no temporary file (`.def-*.part`, a `.def-tmp-*` staging folder) is left in the destination, nothing
// but the manifest and the downloaded files is there, and every manifest record has the status the case expects.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { contentBytes, contentMd5Base64, contentSize, MAX_IN_MEMORY_BYTES } from '../../emulators/common/content.ts';
import type { FileStatus } from '../../../src/core/types.ts';
import type { Manifest, ManifestRecord } from '../../../src/core/report/manifest.ts';
import { identity, type ExpectedBlob } from './fixtures.ts';

export const TEMP_FILE = /^\.def-[0-9a-f]+\.part$/;

export interface Expectation {
  /** The bytes of every file the selection can return. */
  index: Map<string, ExpectedBlob>;
  /** Records the manifest must hold (default: not checked). */
  files?: number;
  /** The status of a record (default: `downloaded`). */
  status?: (record: ManifestRecord) => FileStatus;
  /** Records whose identity is not in the index are allowed (hostile names the fixture spells differently). */
  allowUnknown?: boolean;
  /** Paths (relative to the destination) a test planted itself, which the walk must not count as strays. */
  planted?: readonly string[];
}

export interface Verified {
  manifest: Manifest;
  /** Files whose bytes were compared. */
  verified: number;
}

export const recordId = (r: ManifestRecord): string => identity(r.container, r.attribute, r.step);

async function md5OfFile(file: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('base64');
}

/** Every path under `root` (relative, POSIX), without following links: files, links and folders. */
export async function walk(root: string): Promise<{ files: string[]; links: string[] }> {
  const files: string[] = [];
  const links: string[] = [];
  const visit = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const rel = path.relative(root, full).split(path.sep).join('/');
      if (entry.isSymbolicLink()) links.push(rel);
      else if (entry.isDirectory()) await visit(full);
      else files.push(rel);
    }
  };
  await visit(root);
  return { files, links };
}

/** `.def-tmp-*` entries at the top of the destination: a run's staging folder or manifest draft. */
export async function stagingLeftovers(destination: string): Promise<string[]> {
  return (await readdir(destination)).filter((name) => name.startsWith('.def-tmp-'));
}

export async function readManifest(destination: string): Promise<Manifest> {
  return JSON.parse(await readFile(path.join(destination, 'manifest.json'), 'utf8')) as Manifest;
}

/** Compares one file on disk with the blob it must be; returns nothing, fails the test on a difference. */
async function assertSameBytes(file: string, blob: ExpectedBlob, label: string): Promise<void> {
  const info = await lstat(file);
  assert.ok(info.isFile(), `${label}: ${file} is not a regular file`);
  assert.equal(info.size, contentSize(blob.content), `${label}: size on disk`);
  if (info.size <= MAX_IN_MEMORY_BYTES) {
    assert.ok((await readFile(file)).equals(contentBytes(blob.content, blob.key)), `${label}: bytes differ from the fixture`);
  } else {
    assert.equal(await md5OfFile(file), contentMd5Base64(blob.content, blob.key), `${label}: MD5 differs from the fixture`);
  }
}

export async function verifyDestination(destination: string, expect: Expectation): Promise<Verified> {
  const manifest = await readManifest(destination);
  if (expect.files !== undefined) assert.equal(manifest.files.length, expect.files, 'records in the manifest');
  const onDisk = new Set<string>();
  let verified = 0;
  for (const record of manifest.files) {
    const id = recordId(record);
    const label = `${record.container}: ${record.attribute}${record.step === null ? '' : ` step ${record.step}`}`;
    const want = expect.status?.(record) ?? 'downloaded';
    assert.equal(record.status, want, `${label}: status (error: ${record.error ?? 'none'})`);
    if (record.status === 'failed' || record.status === 'missing') assert.ok(record.error, `${label}: a ${record.status} record says why`);
    const blob = expect.index.get(id);
    if (blob === undefined) {
      assert.ok(expect.allowUnknown, `${label}: not a file of the fixture`);
    }
    if (record.status !== 'downloaded' && record.status !== 'skipped') continue;
    assert.ok(record.path, `${label}: a ${record.status} record has a path`);
    onDisk.add(record.path);
    if (blob !== undefined) {
      await assertSameBytes(path.join(destination, ...record.path.split('/')), blob, label);
      verified += 1;
    }
  }
  const tree = await walk(destination);
  const temps = [...tree.files, ...tree.links].filter((f) => TEMP_FILE.test(path.posix.basename(f)));
  assert.deepEqual(temps, [], 'temporary files left under the destination');
  assert.deepEqual(await stagingLeftovers(destination), [], 'staging folders or manifest drafts left in the destination');
  const planted = new Set(expect.planted ?? []);
  const strays = tree.files.filter((f) => f !== 'manifest.json' && !onDisk.has(f) && !planted.has(f));
  assert.deepEqual(strays, [], 'files under the destination that the manifest does not list as downloaded');
  const links = tree.links.filter((l) => !planted.has(l));
  assert.deepEqual(links, [], 'symbolic links under the destination');
  return { manifest, verified };
}

/** `::error::…` / `::warning::…` workflow commands in stdout, with their %-escapes undone. */
export function annotations(stdout: string): { errors: string[]; warnings: string[] } {
  const decode = (s: string): string => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
  const pick = (kind: string): string[] =>
    stdout
      .split('\n')
      .filter((l) => l.startsWith(`::${kind}`))
      .map((l) => decode(l.slice(l.indexOf('::', 2) + 2)));
  return { errors: pick('error'), warnings: pick('warning') };
}
