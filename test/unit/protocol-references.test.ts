// The protocol references inside the repository: every `§N.M` in code, tests and docs names a section that
// exists in docs/protocols (a bare `§N.M` belongs to the last `<protocol>.md` the file named before it), and
// nothing points outside the repository.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';

const root = path.resolve(import.meta.dirname, '../..');
const protocolsDir = path.join(root, 'docs/protocols');

/** Section numbers of each protocol document, from its headings (`## 4.`, `### 4.2 …`). */
const sections = new Map(
  readdirSync(protocolsDir)
    .filter((f) => f.endsWith('.md'))
    .map((f) => [
      f,
      new Set([...readFileSync(path.join(protocolsDir, f), 'utf8').matchAll(/^#+\s+(\d+(?:\.\d+)*)\.?\s/gm)].map((m) => m[1])),
    ]),
);

const trackedFiles = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((f) => /\.(ts|md|yml|json)$/.test(f) && !f.startsWith('dist/') && f !== 'package-lock.json' && !f.startsWith('bench/results/'));

it('every § reference names a section of a document in docs/protocols', () => {
  const broken: string[] = [];
  let count = 0;
  for (const file of trackedFiles) {
    if (file.startsWith('docs/protocols/')) continue;
    const text = readFileSync(path.join(root, file), 'utf8');
    for (const m of text.matchAll(/(?:([a-z-]+\.md)\s+)?§\s?(\d+(?:\.\d+)*)/g)) {
      // Other standards' sections (RFC 9110 §10.2.3) are not ours.
      if (/RFC \d+ $/.test(text.slice(Math.max(0, m.index - 12), m.index))) continue;
      count += 1;
      const named = [...text.slice(0, m.index).matchAll(/([a-z-]+\.md)/g)].map((x) => x[1] as string).filter((d) => sections.has(d));
      const doc = m[1] ?? named.at(-1);
      const line = text.slice(0, m.index).split('\n').length;
      if (doc === undefined) broken.push(`${file}:${line}: §${m[2]} names no protocol document before it`);
      else if (!sections.has(doc)) broken.push(`${file}:${line}: ${doc} is not in docs/protocols`);
      else if (!sections.get(doc)?.has(m[2] as string)) broken.push(`${file}:${line}: ${doc} has no section ${m[2]}`);
    }
  }
  assert.deepEqual(broken, []);
  assert.ok(count > 100, `the check saw ${count} references`);
});

it('no file points at protocol notes outside the repository or at a path of a build machine', () => {
  const outside = trackedFiles.filter((file) =>
    /shared\/protocols|\/work\/(main|shared)/.test(readFileSync(path.join(root, file), 'utf8')),
  );
  assert.deepEqual(outside, []);
});
