// `vast-deploy engine start|status|stop` against the real bundle (dist/engine.js), in a temp state folder.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { engineClientInfo, engineTarget, isProcessAlive } from '../../src/engine/daemon/client-info';
import { findEngineBundle } from '../../src/engine/daemon/control';
import { main } from '../../src/cli/main';
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

  test('a stale engine.json naming a live unrelated process: stop leaves it alone, start starts', async () => {
    const stranger = spawn('python3', ['-c', 'import time; time.sleep(60)'], { stdio: 'ignore' });
    try {
      fs.writeFileSync(path.join(stateDir, 'engine.json'), JSON.stringify({ url: 'http://127.0.0.1:9', port: 9, pid: stranger.pid, api_key: 'k' }), { mode: 0o600 });
      const stopped = await cli('engine', 'stop', '--state', stateDir);
      assert.equal(stopped.code, 0, stopped.stderr);
      assert.match(stopped.stdout, new RegExp(`removed a stale engine.json: pid ${stranger.pid} is not this engine`));
      assert.equal(engineClientInfo(stateDir), undefined);
      fs.writeFileSync(path.join(stateDir, 'engine.json'), JSON.stringify({ url: 'http://127.0.0.1:9', port: 9, pid: stranger.pid, api_key: 'k' }), { mode: 0o600 });
      const started = await cli('engine', 'start', '--state', stateDir);
      assert.equal(started.code, 0, started.stderr);
      assert.match(started.stdout, /engine started/);
      assert.equal((await cli('engine', 'stop', '--state', stateDir)).code, 0);
      assert.equal(stranger.exitCode, null, 'never signalled');
      assert.equal(stranger.signalCode, null, 'never signalled');
    } finally {
      stranger.kill('SIGKILL');
    }
  });

  test('a just-killed engine whose pid is a zombie does not count as running', async () => {
    // A parent that never reaps its exited child: the child's pid stays a zombie while the parent lives.
    const parent = spawn('python3', ['-c', 'import os, sys, time\npid = os.fork()\nif pid == 0: os._exit(0)\nprint(pid, flush=True)\ntime.sleep(60)'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const zombie = Number(await new Promise<string>((resolve) => parent.stdout!.once('data', (d) => resolve(String(d).trim()))));
      await waitFor('the zombie', () => fs.readFileSync(`/proc/${zombie}/stat`, 'utf8').includes(') Z '));
      assert.equal(isProcessAlive(zombie), false);
      fs.writeFileSync(path.join(stateDir, 'engine.json'), JSON.stringify({ url: 'http://127.0.0.1:9', port: 9, pid: zombie, api_key: 'k' }), { mode: 0o600 });
      const started = await cli('engine', 'start', '--state', stateDir);
      assert.equal(started.code, 0, started.stderr);
      assert.match(started.stdout, /engine started/);
      assert.equal((await cli('engine', 'stop', '--state', stateDir)).code, 0);
    } finally {
      parent.kill('SIGKILL');
    }
  });

  test('bad usage exits 2 with a message', async () => {
    const r = await cli('engine', 'launch');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown engine action "launch"/);
    assert.equal((await cli('engine', 'start', '--port', 'abc')).code, 2);
    assert.equal((await cli('engine', '--help')).code, 0);
    const runtime = await cli('engine', 'start', '--worker-runtime', 'docker');
    assert.equal(runtime.code, 2);
    assert.match(runtime.stderr, /--worker-runtime must be bundled or sdk, got "docker"/);
  });

  test('--worker-runtime reaches the daemon (its /local/v0/info says which); a bad $VAST_ENGINE_WORKER_RUNTIME stops it', async () => {
    const own = tempStateDir();
    try {
      const r = await cli('engine', 'start', '--state', own, '--worker-runtime', 'sdk');
      assert.equal(r.code, 0, r.stderr);
      const info = engineClientInfo(own)!;
      const res = await fetch(`${info.url}/local/v0/info`, { headers: { authorization: `Bearer ${info.apiKey}` } });
      assert.equal(((await res.json()) as { worker_runtime: string }).worker_runtime, 'sdk');
      const other = await cli('engine', 'start', '--state', own, '--worker-runtime', 'bundled');
      assert.equal(other.code, 0, other.stderr);
      assert.match(other.stdout, /already running/);
      assert.match(other.stderr, /the running engine uses the sdk worker runtime; stop it first/);
    } finally {
      await cli('engine', 'stop', '--state', own);
    }
    const bad = spawnSync(process.execPath, [findEngineBundle(), '--state', tempStateDir()], { env: { ...process.env, VAST_ENGINE_WORKER_RUNTIME: 'podman' }, encoding: 'utf8', timeout: 30_000 });
    assert.equal(bad.status, 2, bad.stderr);
    assert.match(bad.stderr, /VAST_ENGINE_WORKER_RUNTIME must be bundled or sdk, got "podman"/);
  });

  test('the api_key file: a trailing newline is fine; a key broken over lines stops the start at once, naming the file', async () => {
    const own = tempStateDir();
    const keyFile = path.join(own, 'api_key');
    fs.writeFileSync(keyFile, 'local-key-123\n', { mode: 0o600 });
    try {
      const r = await cli('engine', 'start', '--state', own);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(engineClientInfo(own)!.apiKey, 'local-key-123');
    } finally {
      await cli('engine', 'stop', '--state', own);
    }
    // Before: the engine started with a key no client could send, and the start waited 30 s for an answer that
    // never came ("did not answer within 30 s").
    fs.writeFileSync(keyFile, 'local-key\n123\n');
    const r = await cli('engine', 'start', '--state', own);
    assert.equal(r.code, 1, r.stdout);
    assert.ok(r.stderr.includes(`the engine's API key file ${keyFile} holds a key with spaces, line breaks`), r.stderr);
  });
});
