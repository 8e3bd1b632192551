// The tarball: member names and order, modes, ownership, content; read back with the `tar` package and with Python.
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { before, describe, test } from 'node:test';
import { list } from 'tar';
import { gunzipSync } from 'zlib';
import { writeTarball } from '../../../src/deploy/bundle/tarball';
import type { BundleResult } from '../../../src/deploy/types';
import type { Bundle } from '../../../src/shared/protocol/bundle';
import { bundleText, deploymentWith, initParser, tempDir } from './support';

before(() => initParser());

interface Listed {
  path: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  mtime: number;
  body: string;
}

async function listTar(gz: Buffer): Promise<Listed[]> {
  const dir = tempDir();
  const file = path.join(dir, 'b.tar.gz');
  fs.writeFileSync(file, gz);
  const out: Listed[] = [];
  await list({
    file,
    onReadEntry: (e) => {
      const chunks: Buffer[] = [];
      e.on('data', (c: Buffer) => chunks.push(c));
      e.on('end', () =>
        out.push({
          path: e.path,
          type: e.type,
          mode: e.mode! & 0o777,
          uid: e.uid!,
          gid: e.gid!,
          uname: e.uname!,
          gname: e.gname!,
          mtime: e.mtime!.getTime(),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    },
  });
  return out;
}

function ok(r: BundleResult): Bundle {
  if (!r.ok) assert.fail(r.unknowns.map((u) => u.message).join('; '));
  return r.bundle;
}

describe('writeTarball', () => {
  test('members, order, ownership, modes and contents', async () => {
    const text = deploymentWith(['image.copy("assets", "/app/assets")', 'image.copy("assets/a.txt", "rel/a.txt")', 'image.copy("tool.sh", "bin/tool.sh")']);
    const r = await bundleText(text, { files: { 'assets/b.txt': 'a', 'assets/a.txt': 'z', 'assets/sub/c.txt': 'q', 'tool.sh': '#!/bin/sh\n' } });
    fs.chmodSync(path.join(r.dir, 'tool.sh'), 0o755);
    const bundle = ok(r);
    const gz = await writeTarball(bundle, Buffer.from(text));
    assert.equal(gz[0], 0x1f);
    assert.equal(gz[1], 0x8b);
    assert.equal(gunzipSync(gz).length % 10240, 0);
    const members = await listTar(gz);
    assert.deepEqual(
      members.map((m) => [m.path, m.type]),
      [
        ['./config.json', 'File'],
        ['./deployment.py', 'File'],
        ['/app/assets/', 'Directory'],
        ['/app/assets/a.txt', 'File'],
        ['/app/assets/b.txt', 'File'],
        ['/app/assets/sub/', 'Directory'],
        ['/app/assets/sub/c.txt', 'File'],
        ['rel/a.txt', 'File'],
        ['bin/tool.sh', 'File'],
      ],
    );
    for (const m of members) assert.deepEqual([m.uid, m.gid, m.uname, m.gname], [0, 0, 'root', 'root'], m.path);
    const byPath = new Map(members.map((m) => [m.path, m]));
    assert.equal(byPath.get('./config.json')!.body, bundle.configJson);
    assert.equal(byPath.get('./config.json')!.mode, 0o644);
    assert.equal(byPath.get('./config.json')!.mtime, 0);
    // The tarball keeps the whole file, ignore-lines included; only the hash leaves them out.
    assert.equal(byPath.get('./deployment.py')!.body, text);
    assert.equal(byPath.get('/app/assets/sub/c.txt')!.body, 'q');
    assert.equal(byPath.get('bin/tool.sh')!.mode, 0o755);
  });

  test('long and non-ASCII names survive (PAX headers)', async () => {
    const long = 'd'.repeat(120) + '/é😀.txt';
    const text = deploymentWith([`image.copy("data.txt", "${long}")`]);
    const r = await bundleText(text, { files: { 'data.txt': 'x' } });
    const members = await listTar(await writeTarball(ok(r), Buffer.from(text)));
    assert.equal(members[2].path, long);
    assert.equal(members[2].body, 'x');
  });

  test('Python\'s tarfile reads it the same way', async (t) => {
    const probe = spawnSync('python3', ['-c', 'import tarfile'], { encoding: 'utf8' });
    if (probe.status !== 0) return t.skip('python3 is not available');
    const text = deploymentWith(['image.copy("assets", "/app/assets")']);
    const r = await bundleText(text, { files: { 'assets/x.txt': 'hi' } });
    const file = path.join(r.dir, 'out.tar.gz');
    fs.writeFileSync(file, await writeTarball(ok(r), Buffer.from(text)));
    const script =
      'import sys, tarfile, json\n' +
      'with tarfile.open(sys.argv[1], "r:gz") as tf:\n' +
      '    print(json.dumps([[m.name, m.type.decode(), m.uid, m.gid, m.uname, m.gname] for m in tf.getmembers()]))\n';
    const run = spawnSync('python3', ['-c', script, file], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), [
      ['./config.json', '0', 0, 0, 'root', 'root'],
      ['./deployment.py', '0', 0, 0, 'root', 'root'],
      ['/app/assets', '5', 0, 0, 'root', 'root'],
      ['/app/assets/x.txt', '0', 0, 0, 'root', 'root'],
    ]);
  });
});
