// The committed neptune_pb.ts is what `npm run proto` makes of neptune.proto: regenerated into a temporary folder
// with the same buf.gen.yaml and compared. buf (an npm package with its binary in a platform package) and
// protoc-gen-es both come from node_modules and need no network.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const PROTO_DIR = 'src/backends/neptune/api/proto';

test('the generated protobuf code is up to date with neptune.proto (npm run proto)', (t) => {
  const out = mkdtempSync(path.join(tmpdir(), 'def-proto-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  // The plugin runs under the node that runs the tests.
  const env = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}` };
  execFileSync(path.join(ROOT, 'node_modules/.bin/buf'), ['generate', '--output', out], { cwd: ROOT, env, stdio: 'pipe' });
  const generated = readdirSync(path.join(out, PROTO_DIR)).sort();
  const committed = readdirSync(path.join(ROOT, PROTO_DIR))
    .filter((name) => name.endsWith('_pb.ts'))
    .sort();
  assert.deepEqual(generated, committed);
  for (const name of generated) {
    const fresh = readFileSync(path.join(out, PROTO_DIR, name), 'utf8');
    const stored = readFileSync(path.join(ROOT, PROTO_DIR, name), 'utf8');
    assert.ok(fresh === stored, `${PROTO_DIR}/${name} differs from what neptune.proto generates: run \`npm run proto\``);
  }
});
