// A deployment tarball that unpacks to far more than it weighs (a gzip bomb, or a model's weights): the engine's check
// for the SDK's worker reads it as a stream, so its memory does not grow with what the archive unpacks to, and a member
// after the big one is still checked. The whole archive used to be unpacked in memory first.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import * as zlib from 'node:zlib';
import { readTarball, sdkPreflight } from '../../src/engine/server/sdk-worker';

const BIG_BYTES = 384 * 1024 * 1024;

function header(name: string, size: number, type: string, linkTarget = ''): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0);
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.write(type, 156);
  h.write(linkTarget, 157);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.fill(' ', 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

/** config.json, a BIG_BYTES member of zeros, then a link to /etc: written as a stream (a few hundred KB on disk). */
async function writeBomb(file: string): Promise<void> {
  const gzip = zlib.createGzip();
  const out = fs.createWriteStream(file);
  gzip.pipe(out);
  const write = (b: Buffer) => (gzip.write(b) ? Promise.resolve() : new Promise<void>((r) => gzip.once('drain', () => r())));
  const config = Buffer.from(JSON.stringify({ name: 'bomb', pip_installs: [], apt_gets: [], envs: [], runs: [] }));
  await write(header('config.json', config.length, '0'));
  await write(Buffer.concat([config, Buffer.alloc(512 - (config.length % 512))]));
  await write(header('weights.bin', BIG_BYTES, '0'));
  const zeros = Buffer.alloc(4 * 1024 * 1024);
  for (let done = 0; done < BIG_BYTES; done += zeros.length) await write(zeros);
  await write(header('etc', 0, '2', '/etc'));
  await write(Buffer.alloc(1024));
  gzip.end();
  await new Promise<void>((r) => out.once('finish', () => r()));
}

test('a tarball unpacking to 384 MiB is checked in bounded memory, to its last member', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vast-bomb-')), 'bundle.tar.gz');
  await writeBomb(file);
  assert.ok(fs.statSync(file).size < 4 * 1024 * 1024, `${fs.statSync(file).size} bytes on disk`);
  const peakBefore = process.resourceUsage().maxRSS * 1024;
  const facts = await readTarball(file);
  const grew = process.resourceUsage().maxRSS * 1024 - peakBefore;
  assert.ok(grew < 128 * 1024 * 1024, `peak RSS grew ${Math.round(grew / 1024 / 1024)} MiB while reading`);
  assert.deepEqual(facts.names, ['config.json', 'weights.bin', 'etc']);
  assert.deepEqual(sdkPreflight(facts, {}).refusals, ['it would create links pointing outside the worker folder (etc -> /etc)']);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
});
