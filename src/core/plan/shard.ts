// Splits the resolved files among n jobs without coordination: each file goes to the shard chosen by a hash
// of its identity (never by list position), so every job computes the same split from the same listing and a
// new file does not move the others.
import { createHash } from 'node:crypto';
import type { RemoteFile, Shard } from '../types.ts';

export function parseShard(text: string): Shard | undefined {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) return undefined;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index < 1 || index > count) return undefined;
  return { index, count };
}

export function fileIdentity(file: RemoteFile): string {
  return JSON.stringify([file.backend, file.project, file.container, file.attribute, file.step ?? null]);
}

/** 1-based shard of a file among `count`. */
export function shardOf(file: RemoteFile, count: number): number {
  const digest = createHash('sha256').update(fileIdentity(file)).digest();
  return Number(digest.readBigUInt64BE(0) % BigInt(count)) + 1;
}

export function inShard(file: RemoteFile, shard: Shard | undefined): boolean {
  return shard === undefined || shard.count === 1 || shardOf(file, shard.count) === shard.index;
}
