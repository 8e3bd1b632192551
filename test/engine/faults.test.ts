// Faults end in a clear state, never a silent hang: a boot phase past its time limit, a worker whose event loop is
// blocked (no status reports), a child that left the worker's process group, an engine killed with -9 (its workers
// exit), a state folder the engine cannot write (it refuses to start).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Engine } from '../../src/engine/server/engine';
import { commandLine, descendants, isZombie, processStartTicks } from '../../src/engine/daemon/proc';
import { hostEnvironment } from '../../src/engine/server/worker-env';
import { runRemote } from '../../src/deploy/runRemote';
import type { DeploymentPutResponse } from '../../src/shared/protocol/vast';
import { main } from '../../src/cli/main';
import { repoRoot } from '../support/paths';
import { api, daemonInfo, putBody, tempStateDir, upload, waitFor, workersOf } from './helpers';
import { clientOf, handMadeTarball, startRealEngine } from './realWorkers.support';

const onLinux = process.platform === 'linux';

/** Gone, or a zombie nobody reaped (it runs nothing). */
function processGone(pid: number): boolean {
  if (onLinux) return processStartTicks(pid) === undefined || isZombie(pid);
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

function source(name: string, body: string): string {
  return [
    'import asyncio, subprocess, time',
    'from vastai import Deployment',
    `app = Deployment(name="${name}")`,
    '',
    '@app.remote(benchmark_dataset=[{"x": 1}])',
    'async def echo(x):',
    body,
    '',
    '@app.remote()',
    'async def block(seconds):',
    '    time.sleep(seconds)  # blocks the event loop: no status report can go out meanwhile',
    '    return seconds',
    '',
    '@app.remote()',
    'async def spawn_detached(x):',
    '    return subprocess.Popen(["sleep", "3600"], start_new_session=True).pid',
    '',
    '@app.remote()',
    'async def spawn_detached_then_crash(x):',
    '    import os',
    '    pid = subprocess.Popen(["sleep", "3600"], start_new_session=True).pid',
    '    asyncio.get_running_loop().call_later(0.5, os._exit, 3)  # the worker dies by itself, not by the engine',
    '    return pid',
    '',
  ].join('\n');
}

async function deploySource(engine: Engine, name: string, body: string, env = ''): Promise<DeploymentPutResponse> {
  const bytes = handMadeTarball({
    'config.json': JSON.stringify({ name, pip_installs: [], apt_gets: [], envs: [], runs: [] }),
    'deployment.py': source(name, body),
  });
  const put = await api<DeploymentPutResponse>(engine, 'PUT', '/api/v0/deployments/', putBody(name, { name, file_size: bytes.length, ...(env ? { env } : {}) }));
  assert.equal(put.status, 200, put.text);
  assert.equal((await upload(put.json, bytes)).status, 204);
  return put.json;
}

describe('faults with real workers', () => {
  let engine: Engine;
  before(async () => {
    engine = await startRealEngine({ reportStaleMs: 1500 });
  });
  after(async () => {
    await engine?.close();
  });

  test('a benchmark that never finishes: the worker reports the phase and its limit, and the engine shows it', async () => {
    const put = await deploySource(engine, 'faults-slow-bench', '    await asyncio.sleep(3600)', '-e VAST_BOOT_TIMEOUT_BENCHMARK=1');
    const failed = await waitFor('the benchmark time limit', async () => (await workersOf(engine, put.endpoint_id)).find((w) => w.error_msg));
    assert.match(failed.error_msg!, /^benchmark did not finish within 1 s/);
    assert.match(failed.error_msg!, /VAST_BOOT_TIMEOUT_BENCHMARK/);
    await clientOf(engine).deleteDeployment(put.deployment_id);
  });

  test('a worker whose event loop is blocked shows error (no status report) and gets no route; it recovers', async () => {
    const put = await deploySource(engine, 'faults', '    return x');
    const worker = await waitFor('a ready worker', () => engine.workers.forEndpoint(put.endpoint_id).find((w) => w.status === 'idle'));
    const target = { name: 'faults', tag: 'default' };
    const blocked = runRemote(clientOf(engine), target, 'block', { seconds: 8 }, { timeoutMs: 60_000 });
    const silent = await waitFor('the silent worker marked', async () => (await workersOf(engine, put.endpoint_id)).find((w) => w.status === 'error'));
    assert.match(silent.error_msg ?? '', /no status report for \d+ s \(limit 2 s\): its event loop is blocked/);
    assert.equal(worker.pid !== undefined, true, 'not restarted: the process is kept');
    const pid = worker.pid;
    assert.equal((await blocked).value, 8);
    const back = await waitFor('the worker ready again', async () => (await workersOf(engine, put.endpoint_id)).find((w) => w.status === 'idle' && !w.error_msg));
    assert.equal(back.id, worker.id);
    assert.equal(worker.pid, pid, 'the same process');
  });

  test('a child in a session of its own is stopped with its deployment', { skip: !onLinux && 'reads /proc' }, async () => {
    const target = { name: 'faults', tag: 'default' };
    const { value } = await runRemote(clientOf(engine), target, 'spawn_detached', { x: 1 }, { timeoutMs: 60_000 });
    const child = Number(value);
    assert.ok(child > 0 && !processGone(child), 'the detached child runs');
    const dep = await clientOf(engine).findDeployment('faults', 'default');
    try {
      await clientOf(engine).deleteDeployment(dep!.id);
      await waitFor('the detached child stopped', () => processGone(child), 60_000);
    } finally {
      if (!processGone(child)) process.kill(child, 'SIGKILL');
    }
  });

  test('a child in a session of its own whose worker crashed by itself is stopped with its deployment', { skip: !onLinux && 'reads /proc' }, async () => {
    const put = await deploySource(engine, 'faults-crash', '    return x');
    const worker = await waitFor('a ready worker', () => engine.workers.forEndpoint(put.endpoint_id).find((w) => w.status === 'idle'));
    const crashedPid = worker.pid!;
    const { value } = await runRemote(clientOf(engine), { name: 'faults-crash', tag: 'default' }, 'spawn_detached_then_crash', { x: 1 }, { timeoutMs: 60_000 });
    const child = Number(value);
    try {
      await waitFor('the worker process gone', () => processGone(crashedPid), 30_000);
      assert.ok(!processGone(child), 'the child outlived its worker');
      await clientOf(engine).deleteDeployment(put.deployment_id);
      await waitFor('the orphaned child stopped', () => processGone(child), 30_000);
    } finally {
      if (!processGone(child)) process.kill(child, 'SIGKILL');
    }
  });
});

test('the engine passes VAST_BOOT_TIMEOUT_<PHASE> from its own environment, and no other VAST_ variable', () => {
  const env = hostEnvironment({ VAST_BOOT_TIMEOUT_INSTALL: '3600', VAST_API_KEY: 'secret', VAST_BOOT_TIMEOUT_: 'x' });
  assert.equal(env.VAST_BOOT_TIMEOUT_INSTALL, '3600');
  assert.equal(env.VAST_API_KEY, undefined);
  assert.equal(env.VAST_BOOT_TIMEOUT_, undefined);
});

const bundle = path.join(repoRoot(), 'dist', 'engine.js');

test('kill -9 of the daemon: its workers notice and exit', { skip: !onLinux && 'reads /proc' }, async () => {
  const stateDir = tempStateDir();
  const daemon = spawn(process.execPath, [bundle, '--state', stateDir, '--port', '0'], { stdio: 'ignore' });
  const workerPids: number[] = [];
  try {
    const info = await daemonInfo(stateDir);
    const name = 'faults-orphan';
    const bytes = handMadeTarball({
      'config.json': JSON.stringify({ name, pip_installs: [], apt_gets: [], envs: [], runs: [] }),
      'deployment.py': source(name, '    return x'),
    });
    const res = await fetch(`${info.url}/api/v0/deployments/`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${info.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(putBody(name, { name, file_size: bytes.length })),
    });
    assert.equal(res.status, 200);
    const put = (await res.json()) as DeploymentPutResponse;
    assert.equal((await upload(put, bytes)).status, 204);
    // Ready: a booting worker logs, and a write to the dead engine's pipe could end it without the parent watch.
    await waitFor('a ready worker', async () => {
      const r = await fetch(`${info.url}/get_endpoint_workers/`, {
        method: 'POST',
        headers: { authorization: `Bearer ${info.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: put.endpoint_id, api_key: info.apiKey }),
      });
      return ((await r.json()) as { status: string }[]).some((w) => w.status === 'idle');
    });
    const found = await waitFor('a worker process of the daemon', () => {
      const pids = descendants(daemon.pid!).filter((p) => commandLine(p.pid)?.includes('vast_worker'));
      return pids.length ? pids : undefined;
    });
    workerPids.push(...found.map((p) => p.pid));
    daemon.kill('SIGKILL');
    await waitFor('the workers of the killed engine to exit', () => workerPids.every(processGone), 60_000);
  } finally {
    if (daemon.exitCode === null) daemon.kill('SIGKILL');
    for (const pid of workerPids) if (!processGone(pid)) process.kill(-pid, 'SIGKILL');
  }
});

/** A folder the engine cannot write: mode 0500 for a normal user; as root (whom modes do not stop), sysfs. */
function unwritableFolder(): string | undefined {
  if (process.getuid?.() !== 0) {
    const dir = tempStateDir();
    fs.chmodSync(dir, 0o500);
    return dir;
  }
  const sysfs = '/sys/kernel';
  try {
    fs.writeFileSync(path.join(sysfs, 'vast-write-check'), '');
    return undefined;
  } catch {
    return fs.existsSync(sysfs) ? sysfs : undefined;
  }
}

describe('a state folder the engine cannot write', () => {
  const dir = unwritableFolder();
  test('the daemon refuses to start, naming the folder', { skip: !dir && 'no unwritable folder here' }, () => {
    const r = spawnSync(process.execPath, [bundle, '--state', dir!, '--port', '0'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`cannot start: cannot write to the state folder ${dir!.replace(/[/.]/g, '\\$&')}`));
    assert.ok(!fs.existsSync(path.join(dir!, 'engine.json')));
  });

  test('engine.json cannot be written after the start (the folder turned unwritable): the daemon stops and says so', () => {
    const stateDir = tempStateDir();
    fs.mkdirSync(path.join(stateDir, 'engine.json')); // renaming the written file onto it fails, even for root
    const r = spawnSync(process.execPath, [bundle, '--state', stateDir, '--port', '0'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 1, `${r.stderr}${r.error ? ` (${r.error.message})` : ''}`);
    assert.match(r.stderr, /cannot start: cannot write .*engine\.json/);
  });

  test('a file where a folder of the state belongs (logs, tarballs): the daemon refuses to start, naming it', () => {
    for (const folder of ['logs', 'tarballs']) {
      const stateDir = tempStateDir();
      fs.writeFileSync(path.join(stateDir, folder), 'stale\n');
      const r = spawnSync(process.execPath, [bundle, '--state', stateDir, '--port', '0'], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 1, `${folder}: ${r.stderr}`);
      // Before: "EEXIST: file already exists, mkdir" for logs; a stale tarballs file let it start, and every upload was a 500.
      assert.ok(r.stderr.includes(`cannot start: ${path.join(stateDir, folder)} is not a folder (a file is in its place): move or delete it`), r.stderr);
      assert.ok(!fs.existsSync(path.join(stateDir, 'engine.json')));
    }
  });

  test('`vast-deploy engine start` says so at once instead of waiting for an engine that never answers', { skip: !dir && 'no unwritable folder here' }, async () => {
    let stderr = '';
    const code = await main(['engine', 'start', '--state', dir!], { cwd: process.cwd(), stdout: () => undefined, stderr: (t: string) => (stderr += t) });
    assert.equal(code, 1);
    assert.match(stderr, /cannot write to the state folder/);
    assert.ok(stderr.includes(dir!), stderr);
    assert.doesNotMatch(stderr, /did not answer within/);
  });
});

test('the daemon whose output pipe lost its reader still stops on SIGTERM (it spun at 100% CPU on EPIPE)', async () => {
  const stateDir = tempStateDir();
  const daemon = spawn(process.execPath, [bundle, '--state', stateDir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await waitFor('engine.json', () => fs.existsSync(path.join(stateDir, 'engine.json')));
    // The reader goes away: the next line the engine writes gets EPIPE.
    daemon.stdout!.destroy();
    daemon.stderr!.destroy();
    daemon.kill('SIGTERM');
    await waitFor('the daemon to exit', () => daemon.exitCode !== null || daemon.signalCode !== null, 20_000);
    assert.equal(daemon.exitCode, 0);
  } finally {
    if (daemon.exitCode === null && daemon.signalCode === null) daemon.kill('SIGKILL');
  }
});
