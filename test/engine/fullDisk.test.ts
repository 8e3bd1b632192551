// A full disk under the state folder (a 3 MiB tmpfs; needs root to mount one, skipped otherwise): an upload that does
// not fit is refused with a message saying so and leaves no file, the engine keeps answering, a state change the disk
// refuses leaves memory as it was, and once there is room again the same deployment uploads and runs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import type { DeploymentPutResponse } from '../../src/shared/protocol/vast';
import { api, enginesClosedAfterTests, putBody, upload, waitFor, workersOf } from './helpers';
import { handMadeTarball } from './realWorkers.support';

const startEngine = enginesClosedAfterTests();

function mountTinyDisk(): string | undefined {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-full-disk-'));
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', dir]).status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  return dir;
}

/** Fills the disk up to `leave` bytes free; returns the filler file. */
function fill(dir: string, leave: number): string {
  const filler = path.join(dir, `filler-${crypto.randomBytes(4).toString('hex')}`);
  const { bavail, bsize } = fs.statfsSync(dir);
  fs.writeFileSync(filler, Buffer.alloc(Math.max(0, bavail * bsize - leave)));
  return filler;
}

describe('a full disk under the state folder', () => {
  const disk = mountTinyDisk();
  after(() => {
    if (!disk) return;
    spawnSync('umount', ['-l', disk]);
    fs.rmSync(disk, { recursive: true, force: true });
  });

  test('an upload that does not fit: a clear refusal, no file left, and it works once there is room', { skip: !disk && 'needs root to mount a small tmpfs' }, async () => {
    const stateDir = path.join(disk!, 'state');
    const engine = await startEngine({ stateDir });
    // Random bytes do not compress: a 1 MiB tarball needs 1 MiB of disk.
    const codeLine = `# ${crypto.randomBytes(6).toString('hex')}`;
    const big = handMadeTarball({
      './config.json': '{"name": "echo", "pip_installs": [], "apt_gets": [], "envs": [], "runs": []}',
      './deployment.py': `${codeLine}\nfrom vastai import Deployment\n`,
      './blob.txt': crypto.randomBytes(1024 * 1024).toString('base64'),
    });
    const put = await api<DeploymentPutResponse>(engine, 'PUT', '/api/v0/deployments/', putBody(codeLine, { file_size: big.length }));
    assert.equal(put.status, 200, put.text);
    const filler = fill(disk!, 256 * 1024);
    const refused = await upload(put.json, big);
    const body = await refused.text();
    // Before: a 400 "upload was interrupted", and the client's next request on that connection was reset.
    assert.equal(refused.status, 507, body);
    assert.match(body, /the disk holding the engine's state folder is full \(ENOSPC/);
    assert.deepEqual(fs.readdirSync(path.join(stateDir, 'tarballs')).filter((n) => n.endsWith('.part')), [], 'no partial upload left');
    // The engine still answers, and a state change the disk refuses changes nothing in memory.
    const before = (await api(engine, 'GET', '/api/v0/deployments/')).json;
    const more = fill(disk!, 0);
    const second = await api(engine, 'PUT', '/api/v0/deployments/', putBody('# second', { name: 'second' }));
    assert.equal(second.status, 507, second.text);
    assert.match(second.json.error, /disk holding the engine's state folder is full/);
    assert.deepEqual((await api(engine, 'GET', '/api/v0/deployments/')).json, before, 'no deployment exists only in memory');

    for (const file of [filler, more]) fs.rmSync(file, { force: true });
    const again = await api<DeploymentPutResponse>(engine, 'PUT', '/api/v0/deployments/', putBody(codeLine, { file_size: big.length }));
    assert.equal(again.status, 200, again.text);
    assert.equal((await upload(again.json, big)).status, 204);
    await waitFor('a ready worker', async () => (await workersOf(engine, again.json.endpoint_id)).find((w) => w.status === 'idle'));
  });
});
