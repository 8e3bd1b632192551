// Files that are not files: a named pipe or a device given to `check`, `plan` or `deploy` is refused at once with a
// usage message. Reading one used to wait for a writer for ever (a pipe) or read without end (/dev/zero). Run as a
// child process with a time limit, so that a hang fails the test instead of stopping the test run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot } from '../support/paths';

const onUnix = process.platform !== 'win32';

function cli(...argv: string[]): { status: number | null; stderr: string; timedOut: boolean } {
  const r = spawnSync(process.execPath, [path.join(repoRoot(), 'bin', 'vast-deploy.js'), ...argv], {
    encoding: 'utf8',
    timeout: 20_000,
    // Never reach a real engine or account: plan --offline and check need none.
    env: { ...process.env, VAST_DEPLOY_STATE: fs.mkdtempSync(path.join(os.tmpdir(), 'vast-hostile-state-')), VAST_API_KEY: '' },
  });
  return { status: r.status, stderr: r.stderr, timedOut: r.error !== undefined };
}

describe('pipes and devices as deployment files', { skip: !onUnix && 'named pipes and /dev/zero are Unix' }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-hostile-'));
  const fifo = path.join(dir, 'deploy.py');
  const made = onUnix && spawnSync('mkfifo', [fifo]).status === 0;

  test('check refuses a named pipe and /dev/zero', { skip: !made && 'mkfifo failed' }, () => {
    for (const file of [fifo, '/dev/zero']) {
      const r = cli('check', file);
      assert.equal(r.timedOut, false, `check ${file} still ran after 20 s`);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /not a regular file/);
    }
  });

  test('plan refuses them too (the deploy flow reads the file the same way)', { skip: !made && 'mkfifo failed' }, () => {
    for (const file of [fifo, '/dev/zero', dir]) {
      const r = cli('plan', file, '--offline');
      assert.equal(r.timedOut, false, `plan ${file} still ran after 20 s`);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /not a regular file/);
    }
  });
});
