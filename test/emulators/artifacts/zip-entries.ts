// Reads a whole zip from memory through its central directory (APPNOTE 4.3), enough for what archiver writes
// for @actions/artifact: stored (0) and deflated (8) entries, data descriptors, zip64 sizes and offsets. Each
// entry's CRC-32 and size are checked, so a test comparing bytes also proves the archive is intact.
import { crc32, inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  /** Path inside the archive, as stored (archiver writes UTF-8 names without a leading '/'). */
  name: string;
  /** 0 = stored, 8 = deflated. */
  method: number;
  compressedSize: number;
  data: Buffer;
  isDirectory: boolean;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const U32_MAX = 0xffffffff;

function fail(message: string): never {
  throw new Error(`Not a valid zip: ${message}`);
}

function u64(buf: Buffer, at: number): number {
  const value = buf.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) fail('a zip64 value is too large');
  return Number(value);
}

/** The end-of-central-directory record is in the last 22 + 65535 (comment) bytes. */
function findEndOfCentralDirectory(zip: Buffer): number {
  const lowest = Math.max(0, zip.length - 22 - 0xffff);
  for (let at = zip.length - 22; at >= lowest; at -= 1) if (zip.readUInt32LE(at) === EOCD) return at;
  return fail('no end-of-central-directory record');
}

function centralDirectory(zip: Buffer): { count: number; offset: number } {
  const eocd = findEndOfCentralDirectory(zip);
  let count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  if ((count === 0xffff || offset === U32_MAX) && eocd >= 20 && zip.readUInt32LE(eocd - 20) === ZIP64_LOCATOR) {
    const zip64 = u64(zip, eocd - 20 + 8);
    if (zip64 + 56 > zip.length || zip.readUInt32LE(zip64) !== ZIP64_EOCD) fail('bad zip64 end record');
    count = u64(zip, zip64 + 32);
    offset = u64(zip, zip64 + 48);
  }
  return { count, offset };
}

/** Sizes and offset stored as 0xFFFFFFFF live in the zip64 extra field (id 1), in this order. */
function applyZip64Extra(
  zip: Buffer,
  extraStart: number,
  extraEnd: number,
  values: { uncompressed: number; compressed: number; local: number },
): void {
  for (let at = extraStart; at + 4 <= extraEnd;) {
    const id = zip.readUInt16LE(at);
    const size = zip.readUInt16LE(at + 2);
    if (id === 1) {
      let p = at + 4;
      for (const key of ['uncompressed', 'compressed', 'local'] as const) {
        if (values[key] === U32_MAX && p + 8 <= at + 4 + size) {
          values[key] = u64(zip, p);
          p += 8;
        }
      }
      return;
    }
    at += 4 + size;
  }
}

export function readZipEntries(zip: Buffer): ZipEntry[] {
  const { count, offset } = centralDirectory(zip);
  const entries: ZipEntry[] = [];
  let at = offset;
  for (let i = 0; i < count; i += 1) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== CENTRAL) fail(`central directory entry ${i} is missing`);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const sizes = { compressed: zip.readUInt32LE(at + 20), uncompressed: zip.readUInt32LE(at + 24), local: zip.readUInt32LE(at + 42) };
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    applyZip64Extra(zip, at + 46 + nameLength, at + 46 + nameLength + extraLength, sizes);
    at += 46 + nameLength + extraLength + commentLength;

    const local = sizes.local;
    if (local + 30 > zip.length || zip.readUInt32LE(local) !== LOCAL) fail(`local header of ${name} is missing`);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(dataStart, dataStart + sizes.compressed);
    if (raw.length !== sizes.compressed) fail(`${name} is truncated`);
    let data: Buffer;
    if (method === 0) data = Buffer.from(raw);
    else if (method === 8) data = inflateRawSync(raw);
    else fail(`${name} uses compression method ${method}`);
    if (data.length !== sizes.uncompressed) fail(`${name} has ${data.length} bytes, the directory says ${sizes.uncompressed}`);
    if (crc32(data) !== crc) fail(`${name} fails its CRC-32 check`);
    entries.push({ name, method, compressedSize: sizes.compressed, data, isDirectory: name.endsWith('/') });
  }
  return entries;
}
