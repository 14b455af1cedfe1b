// Local paths exactly as neptune_query's create_target_path makes them. The first table is neptune.md §7.3
// verbatim; the rest were produced with python3 3.11 (Debian mimetypes) running the client's function
// (files.py::create_target_path and _sanitize_path_part), hashes included.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  neptunePathParts,
  partDigest,
  pathlibParts,
  sanitizePathPart,
  stepPart,
} from '../../../src/backends/neptune/target-path/target-path.ts';

const path = (container: string, attribute: string, step: number | undefined, mime: string): string =>
  neptunePathParts(container, attribute, step, mime).join('/');

describe('neptune.md §7.3 examples (verbatim)', () => {
  const table: [string, string, number | undefined, string, string][] = [
    ['seabird-4', 'predictions', 1.0, 'image/png', 'seabird-4/predictions/step_1_000000.png'],
    ['seabird-4', 'predictions', 1234567.125, 'image/jpeg', 'seabird-4/predictions/step_1234567_125000.jpg'],
    ['experiment-with-files', 'files/file-value.txt', undefined, 'text/plain', 'experiment-with-files/files/file-value_txt.txt'],
    ['exp/with/slash', 'a b/c.d/e', undefined, 'application/json', 'exp/with/slash/a_b/c_d/e.json'],
    ['exp ü 名', 'x', undefined, 'unknown/x', 'exp_ü_名/x'],
    ['../etc', '..', undefined, 'text/plain', '__/etc/__.txt'],
    ['/abs', 'x', undefined, 'text/plain', '_/abs/x.txt'],
    ['e', 'x.tar', undefined, 'application/gzip', 'e/x_tar.gz'],
    ['exp/a b', 'big/file.v1', 12.5, 'application/zip', 'exp/a_b/big/file_v1/step_12_500000.zip'],
  ];
  for (const [container, attribute, step, mime, expected] of table) {
    it(`${container} | ${attribute} | ${String(step)} | ${mime}`, () => assert.equal(path(container, attribute, step, mime), expected));
  }
});

describe('more cases cross-checked with python3', () => {
  it('caps a 300-character part at 238 characters + _ + blake2b(digest_size=8)', () => {
    assert.equal(path('a'.repeat(300), 'f', undefined, 'text/plain'), `${'a'.repeat(238)}_8b397aa4c75429a2/f.txt`);
  });
  it('counts characters, not bytes, and adds the extension after the cap', () => {
    assert.equal(path('e', `d/${'é'.repeat(256)}`, undefined, 'image/png'), `e/d/${'é'.repeat(238)}_6851f79766089b6a.png`);
  });
  it('counts astral characters as one', () => {
    assert.equal(path('e', '𝐀𝐁'.repeat(140), 3.0, 'text/csv'), `e/${'𝐀𝐁'.repeat(119)}_4b337f6418966688/step_3_000000.csv`);
  });
  it('keeps exactly 255 characters, caps 256', () => {
    assert.equal(path('e', 'a'.repeat(255), undefined, ''), `e/${'a'.repeat(255)}`);
    assert.equal(path('e', 'a'.repeat(256), undefined, ''), `e/${'a'.repeat(238)}_78b03efd0a5ea28b`);
  });
  it('keeps 255 astral characters (510 UTF-16 units) and 100 three-byte characters (300 bytes)', () => {
    assert.equal(path('e', '𝐀'.repeat(255), undefined, ''), `e/${'𝐀'.repeat(255)}`);
    assert.equal(path('e', '名'.repeat(100), undefined, ''), `e/${'名'.repeat(100)}`);
  });
  it('hashes the sanitised part, not the original', () => {
    assert.equal(path('e', 'x.y z '.repeat(50), undefined, 'text/plain'), `e/${'x_y_z_'.repeat(39)}x_y__13f50df84a51007f.txt`);
  });
  it('a 10,000-character part (22,500 bytes of UTF-8)', () => {
    assert.equal(path('e', 'ab名𝐀'.repeat(2500), undefined, 'text/plain'), `e/${'ab名𝐀'.repeat(59)}ab_3eb8bfa24c5ddddd.txt`);
  });
  it('an absolute attribute path drops the container, as pathlib joins do', () => {
    assert.equal(path('exp', '/x', undefined, 'text/plain'), '_/x.txt');
  });
  it('a leading // is its own root part', () => {
    assert.equal(path('x', '//a', undefined, ''), '__/a');
    assert.deepEqual(pathlibParts(['x', '///a']), ['/', 'a']);
  });
  it('combining marks are not alphanumeric', () => assert.equal(path('e', 'a\u0301b', undefined, ''), 'e/a_b'));
  it('-0.0 step, punctuation, upper-case MIME type', () =>
    assert.equal(path('e', 'x#~ y', -0.0, 'IMAGE/PNG'), 'e/x___y/step_-0_000000.png'));
  // Python 3.12 with media-types' /etc/mime.types, running the client's create_target_path.
  it('media-types extensions: with dots, upper case, first of the line; none with parameters', () => {
    assert.equal(path('e', 'labels.json', undefined, 'application/tm+json'), 'e/labels_json.tm.jsonld');
    assert.equal(path('e', 'notebook', 2.0, 'application/vnd.eln+zip'), 'e/notebook/step_2_000000.ELN');
    assert.equal(path('e', 'clip.mkv', undefined, 'video/x-matroska'), 'e/clip_mkv.mpv');
    assert.equal(path('e', 'run.sh', undefined, 'text/x-sh; charset=utf-8'), 'e/run_sh');
  });
  it('NaN and 1e20 steps', () => {
    assert.equal(path('e', 'x', NaN, ''), 'e/x/step_nan');
    assert.equal(path('e', 'x', 1e20, ''), 'e/x/step_100000000000000000000_000000');
  });
  it('empty container and dot segments vanish', () => {
    assert.deepEqual(pathlibParts(['', 'x']), ['x']);
    assert.deepEqual(pathlibParts(['a/./b//c/', '..']), ['a', 'b', 'c', '..']);
    assert.deepEqual(neptunePathParts('', '', undefined, 'text/plain'), []);
  });
  it('step parts', () => {
    assert.equal(stepPart(Infinity), 'step_inf');
    assert.equal(stepPart(-Infinity), 'step_-inf');
    assert.equal(sanitizePathPart(stepPart(-Infinity)), 'step_-inf');
  });
});

// Produced by Python 3.11's hashlib: hashlib.blake2b(text.encode(), digest_size=8).hexdigest().
describe('partDigest: BLAKE2b with digest_size=8 (python3 hashlib goldens)', () => {
  const cases: [string, string, string][] = [
    ['empty', '', 'e4a6a0577479b2b4'],
    ['abc', 'abc', 'd8bb14d833d59559'],
    ['ASCII sentence', 'The quick brown fox jumps over the lazy dog', '4c4531b978d589f8'],
    ['2-, 3- and 4-byte UTF-8', 'zażółć_gęślą_jaźń_名前_𝐀𝐁', '2e7467869d09c4cd'],
    ['127 bytes', 'a'.repeat(127), '03d6a9be11f3f18a'],
    ['exactly 128 bytes (one block)', 'a'.repeat(128), 'f06643fe9c7e18da'],
    ['128 bytes of 2-byte characters', 'é'.repeat(64), '6e5b456ae3bbb591'],
    ['129 bytes', 'a'.repeat(129), 'e462535bb0c5a299'],
    ['200 bytes', 'a'.repeat(200), 'b40af6d2f2f34472'],
    ['256 bytes (two blocks)', 'a'.repeat(256), '78b03efd0a5ea28b'],
    ['300 bytes', 'x'.repeat(300), '12b539c1cad94615'],
    ['300 bytes of 3-byte characters', '名'.repeat(100), '67594c5da6c13b59'],
    ['600 bytes of 2-byte characters', 'é'.repeat(300), '0339efa52fe971b3'],
    ['1,000 bytes', 'x'.repeat(1000), '9a306b894c158617'],
    ['10,000 characters, 22,500 bytes', 'ab名𝐀'.repeat(2500), '3eb8bfa24c5ddddd'],
  ];
  for (const [name, input, digest] of cases) {
    it(name, () => assert.equal(partDigest(input), digest));
  }
  it('is not the first 8 bytes of BLAKE2b-512', () => {
    // hashlib.blake2b(b'abc').hexdigest()[:16]
    assert.notEqual(partDigest('abc'), 'ba80a53f981c4d0d');
  });
});
