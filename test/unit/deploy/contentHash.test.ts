// Three content-hash vectors produced by the real SDK's own functions, plus the CRLF and ignore-line behaviour.
import assert from 'node:assert/strict';
import { createHash } from 'crypto';
import * as path from 'path';
import { describe, test } from 'node:test';
import { configJson } from '../../../src/deploy/bundle/config';
import { contentHash, hashedFileBytes } from '../../../src/deploy/bundle/contentHash';
import type { CopySpec, DeployConfig } from '../../../src/shared/protocol/bundle';
import { tempDir, writeFiles } from './support';

const SQUARE_FILE = [
  'from vastai import Deployment',
  'app = Deployment(name="square")',
  '',
  '@app.remote(benchmark_dataset=[{"x": 2}])',
  'async def square(x):',
  '    return x * x',
  '',
  'app.configure_autoscaling(min_load=1000) #!VAST_IGNORE_CHANGES',
  's = "# !VAST_IGNORE_CHANGES"',
  '',
].join('\n');

const SQUARE_CONFIG: DeployConfig = { name: 'square', pip_installs: [], apt_gets: [], envs: [], runs: [] };

describe('content hash (vectors from the real SDK)', () => {
  test('the vector file is the 236-byte file the vectors were made from', () => {
    const bytes = Buffer.from(SQUARE_FILE, 'utf8');
    assert.equal(bytes.length, 236);
    assert.ok(createHash('sha256').update(bytes).digest('hex').startsWith('09c8e59e'));
    assert.ok(createHash('sha256').update(bytes).digest('hex').endsWith('cf4ce'));
  });

  test('config "square" + file → fec05aa4…', async () => {
    const json = configJson(SQUARE_CONFIG);
    assert.equal(json, '{"name": "square", "pip_installs": [], "apt_gets": [], "envs": [], "runs": []}');
    const hash = await contentHash(json, Buffer.from(SQUARE_FILE), [], tempDir());
    assert.equal(hash, 'fec05aa405c9618532af02467c2be64e372e27314d788c0b2e90cd8aebf09094');
  });

  test('the café config → its exact JSON and 2e50ead6…', async () => {
    const config: DeployConfig = {
      name: 'café',
      pip_installs: ['torch==2.0'],
      apt_gets: [],
      envs: [['GREETING', 'héllo 😀']],
      runs: [['echo', 'hi']],
    };
    const json = configJson(config);
    assert.equal(
      json,
      '{"name": "caf\\u00e9", "pip_installs": ["torch==2.0"], "apt_gets": [], "envs": [["GREETING", "h\\u00e9llo \\ud83d\\ude00"]], "runs": [["echo", "hi"]]}',
    );
    const hash = await contentHash(json, Buffer.from(SQUARE_FILE), [], tempDir());
    assert.equal(hash, '2e50ead65ddc6af0c341fcf41a84ae3bb6f1884c33e1f3ab5a54f511e0ac28d3');
  });

  test('config "square" + file + a directory copy and a file copy → 6e56173c…', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'assets/a.txt': 'z', 'assets/b.txt': 'a', 'assets/sub/c.txt': 'q' });
    const copies: CopySpec[] = [
      { src: 'assets', dst: '/app/assets', kind: 'directory' },
      { src: 'assets/a.txt', dst: 'rel/a.txt', kind: 'file' },
    ];
    const hash = await contentHash(configJson(SQUARE_CONFIG), Buffer.from(SQUARE_FILE), copies, dir);
    assert.equal(hash, '6e56173ca481752ab611cce0238600b8b69084ddda2495730615451164c347a5');
    // The same with absolute sources: baseDir only matters for relative ones.
    const absolute = copies.map((c) => ({ ...c, src: path.join(dir, c.src) }));
    assert.equal(await contentHash(configJson(SQUARE_CONFIG), Buffer.from(SQUARE_FILE), absolute, '/nonexistent'), hash);
  });

  test('a directory copy walks sorted: creating files in another order gives the same hash', async () => {
    const a = tempDir();
    writeFiles(a, { 'd/b.txt': '2', 'd/a.txt': '1', 'd/z/x.txt': '3', 'd/c/y.txt': '4' });
    const b = tempDir();
    writeFiles(b, { 'd/c/y.txt': '4', 'd/z/x.txt': '3', 'd/a.txt': '1', 'd/b.txt': '2' });
    const copy: CopySpec[] = [{ src: 'd', dst: 'out/', kind: 'directory' }];
    const ha = await contentHash('{}', Buffer.from('x'), copy, a);
    assert.equal(ha, await contentHash('{}', Buffer.from('x'), copy, b));
    // Expected feed, written out: files of a directory before its subdirectories, `dst/` joined without a double slash.
    const expected = createHash('sha256')
      .update('{}./deployment.pyx')
      .update('out/a.txt1out/b.txt2out/c/y.txt4out/z/x.txt3')
      .digest('hex');
    assert.equal(ha, expected);
  });

  test('a missing copied file rejects with its path', async () => {
    await assert.rejects(contentHash('{}', Buffer.from(''), [{ src: 'gone.bin', dst: 'x', kind: 'file' }], tempDir()), /gone\.bin/);
  });

  test('CRLF files are split on \\n only: the ignored line goes, every \\r elsewhere stays', () => {
    const crlf = SQUARE_FILE.replace(/\n/g, '\r\n');
    const filtered = hashedFileBytes(Buffer.from(crlf)).toString('utf8');
    assert.ok(!filtered.includes('configure_autoscaling'));
    assert.equal(filtered, crlf.split('\n').filter((l) => !l.includes('configure_autoscaling')).join('\n'));
  });

  test('invalid UTF-8 bytes pass through the filter unchanged', () => {
    const bytes = Buffer.concat([Buffer.from('x = 1  # !VAST_IGNORE_CHANGES\ny = "'), Buffer.from([0xff, 0xfe, 0x80]), Buffer.from('"\n')]);
    const out = hashedFileBytes(bytes);
    assert.deepEqual(out, bytes.subarray(bytes.indexOf('\n') + 1));
  });
});
