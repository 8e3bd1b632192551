// kill -9 of the engine daemon at each step of a deploy, then a new engine on the same state folder: the deploy the
// client repeats (as the SDK and our CLI do after a failed call) completes, and nothing of the killed engine is left
// running or served. Steps: after the PUT (no code yet), during the worker's boot, once the worker is ready.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { commandLine, descendants, isZombie, processStartTicks } from '../../src/engine/daemon/proc';
import type { DeploymentPutResponse } from '../../src/shared/protocol/vast';
import { repoRoot } from '../support/paths';
import { daemonInfo, putBody, tempStateDir, upload, waitFor } from './helpers';
import { handMadeTarball } from './realWorkers.support';

const bundle = path.join(repoRoot(), 'dist', 'engine.js');

interface Daemon {
  proc: ChildProcess;
  url: string;
  key: string;
}

function gone(pid: number): boolean {
  return processStartTicks(pid) === undefined || isZombie(pid);
}

async function startDaemon(stateDir: string): Promise<Daemon> {
  fs.rmSync(path.join(stateDir, 'engine.json'), { force: true }); // what a killed engine left: stale
  const proc = spawn(process.execPath, [bundle, '--state', stateDir, '--port', '0'], { stdio: 'ignore' });
  const info = await daemonInfo(stateDir);
  assert.equal(info.pid, proc.pid);
  return { proc, url: info.url, key: info.apiKey };
}

async function call<T>(d: Daemon, method: string, route: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(`${d.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${d.key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as T };
}

function workersOfDaemon(d: Daemon, endpointId: number): Promise<{ status: string; error_msg?: string }[]> {
  return call<{ status: string }[]>(d, 'POST', '/get_endpoint_workers/', { id: endpointId, api_key: d.key }).then((r) => r.json);
}

async function killHard(d: Daemon): Promise<number[]> {
  const workers = descendants(d.proc.pid!).filter((p) => commandLine(p.pid)?.includes('vast_worker')).map((p) => p.pid);
  d.proc.kill('SIGKILL');
  await new Promise((r) => d.proc.once('exit', r));
  return workers;
}

test('kill -9 of the engine after the PUT, during the boot and once ready: the repeated deploy completes each time', { skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
  const stateDir = tempStateDir();
  const name = 'kill-steps';
  const source = [
    'import asyncio',
    'from vastai import Deployment',
    `app = Deployment(name="${name}")`,
    '@app.remote(benchmark_dataset=[{"x": 1}])',
    'async def echo(x):',
    '    return x',
  ].join('\n');
  const bytes = handMadeTarball({ 'config.json': JSON.stringify({ name, pip_installs: [], apt_gets: [], envs: [], runs: [] }), 'deployment.py': source });
  const body = putBody(name, { name, file_size: bytes.length });
  const left: number[] = [];
  let daemon = await startDaemon(stateDir);
  try {
    // 1. The PUT went through; the engine dies before the upload.
    const first = await call<DeploymentPutResponse>(daemon, 'PUT', '/api/v0/deployments/', body);
    assert.equal(first.status, 200);
    await killHard(daemon);
    daemon = await startDaemon(stateDir);
    const listed = await call<{ deployments: { name: string }[] }>(daemon, 'GET', '/api/v0/deployments/');
    assert.deepEqual(listed.json.deployments.map((d) => d.name), [name], 'the registered deployment survived');
    // The client repeats the deploy: the code is still missing, so it is asked for again, and accepted.
    const again = await call<DeploymentPutResponse>(daemon, 'PUT', '/api/v0/deployments/', body);
    assert.equal(again.status, 200);
    assert.equal(again.json.deployment_id, first.json.deployment_id);
    assert.ok(again.json.upload_url, 'the new engine asks for the code again');
    assert.equal((await upload(again.json, bytes)).status, 204);

    // 2. The engine dies while its worker boots.
    await waitFor('a worker process', () => descendants(daemon.proc.pid!).some((p) => commandLine(p.pid)?.includes('vast_worker')));
    left.push(...(await killHard(daemon)));
    daemon = await startDaemon(stateDir);
    const repeat = await call<DeploymentPutResponse>(daemon, 'PUT', '/api/v0/deployments/', body);
    assert.equal(repeat.status, 200);
    assert.equal(repeat.json.upload_url, undefined, 'the code survived: nothing to upload');
    await waitFor('a ready worker after the restart', async () => (await workersOfDaemon(daemon, repeat.json.endpoint_id)).some((w) => w.status === 'idle'), 60_000);

    // 3. The engine dies with a ready worker; the next one serves the deployment again.
    left.push(...(await killHard(daemon)));
    daemon = await startDaemon(stateDir);
    await waitFor('a ready worker after the second restart', async () => (await workersOfDaemon(daemon, repeat.json.endpoint_id)).some((w) => w.status === 'idle'), 60_000);
    await waitFor("the killed engines' workers gone", () => left.every(gone), 60_000);
    assert.deepEqual(fs.readdirSync(path.join(stateDir, 'tarballs')).filter((n) => n.endsWith('.part')), []);
  } finally {
    if (daemon.proc.exitCode === null) {
      daemon.proc.kill('SIGTERM');
      await new Promise((r) => daemon.proc.once('exit', r));
    }
    for (const pid of left) if (!gone(pid)) process.kill(pid, 'SIGKILL');
  }
});
