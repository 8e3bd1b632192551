// `vast-deploy engine start|status|stop` against the real bundle (dist/engine.js), in a temp state folder.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { engineClientInfo, engineTarget, isProcessAlive } from '../../engine/src/client-info';
import type { CliIO } from '../../server/src/cli/io';
import { main } from '../../server/src/cli/main';
import { tempStateDir, waitFor } from './helpers';

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { cwd: process.cwd(), stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const stateDir = tempStateDir();
/** The first daemon's port: a later start in the same state folder asks for it again. */
let firstPort = 0;
after(async () => {
  const info = engineClientInfo(stateDir);
  if (info && isProcessAlive(info.pid)) process.kill(info.pid, 'SIGKILL');
});

describe('vast-deploy engine', () => {
  test('status before start: not running, exit 1', async () => {
    const r = await cli('engine', 'status', '--state', stateDir, '--format', 'json');
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.stdout).running, false);
  });

  test('start runs the daemon on 127.0.0.1 and writes port, pid and key with mode 0600; a second start is a no-op', async () => {
    const r = await cli('engine', 'start', '--state', stateDir, '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.running, true);
    assert.match(out.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const info = engineClientInfo(stateDir)!;
    firstPort = info.port;
    assert.equal(info.pid, out.pid);
    assert.ok(isProcessAlive(info.pid));
    for (const f of ['engine.json', 'api_key', 'signing-key.pem']) {
      assert.equal(fs.statSync(path.join(stateDir, f)).mode & 0o777, 0o600, f);
    }
    const target = engineTarget(info);
    assert.deepEqual(target, { kind: 'local', consoleUrl: info.url, autoscalerUrl: info.url, apiKey: info.apiKey });
    const list = await fetch(`${target.consoleUrl}/api/v0/deployments/`, { headers: { authorization: `Bearer ${target.apiKey}` } });
    assert.equal(list.status, 200);
    assert.equal((await fetch(`${target.consoleUrl}/api/v0/deployments/`)).status, 401);

    const again = await cli('engine', 'start', '--state', stateDir);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already running/);
    assert.equal(engineClientInfo(stateDir)!.pid, info.pid, 'same daemon');

    const status = await cli('engine', 'status', '--state', stateDir);
    assert.equal(status.code, 0);
    assert.ok(status.stdout.includes(`engine running: ${info.url} (pid ${info.pid}`));
  });

  test('stop ends the daemon and removes engine.json; stop again is fine', async () => {
    const { pid } = engineClientInfo(stateDir)!;
    const r = await cli('engine', 'stop', '--state', stateDir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /engine stopped/);
    assert.equal(isProcessAlive(pid), false);
    assert.equal(engineClientInfo(stateDir), undefined);
    assert.match(fs.readFileSync(path.join(stateDir, 'engine.log'), 'utf8'), /SIGTERM: stopping workers/);
    const again = await cli('engine', 'stop', '--state', stateDir);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /not running/);
  });

  test('a stale engine.json (dead pid) does not count as running', async () => {
    fs.writeFileSync(path.join(stateDir, 'engine.json'), JSON.stringify({ url: 'http://127.0.0.1:9', port: 9, pid: 2 ** 22 + 7, api_key: 'k' }), { mode: 0o600 });
    const r = await cli('engine', 'status', '--state', stateDir);
    assert.equal(r.code, 1);
    const started = await cli('engine', 'start', '--state', stateDir);
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, /engine started/);
    await waitFor('the daemon', () => engineClientInfo(stateDir)?.port !== 9);
    assert.equal(engineClientInfo(stateDir)!.port, firstPort, 'the restarted daemon listens on its previous port again');
    assert.equal((await cli('engine', 'stop', '--state', stateDir)).code, 0);
  });

  test('bad usage exits 2 with a message', async () => {
    const r = await cli('engine', 'launch');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown engine action "launch"/);
    assert.equal((await cli('engine', 'start', '--port', 'abc')).code, 2);
    assert.equal((await cli('engine', '--help')).code, 0);
  });
});
