// The SDK's own worker (worker runtime "sdk") gets what the bundled runtime has and the SDK lacks, through our host
// script (src/engine/python/sdk_host): boot phases with time limits, named in the worker's error, and an exit when the
// engine is killed. Runs the real SDK; skipped with the reason when it is not here.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Engine } from '../../src/engine/server/engine';
import { commandLine, descendants, isZombie, processStartTicks } from '../../src/engine/daemon/proc';
import type { DeploymentPutResponse } from '../../src/shared/protocol/vast';
import { repoRoot } from '../support/paths';
import { sdkPython, sdkSource, sdkUnavailable, shimDir } from '../conformance/sdk';
import { api, daemonInfo, putBody, tempStateDir, upload, waitFor, workersOf } from './helpers';
import { handMadeTarball, startRealEngine } from './realWorkers.support';

const unavailable = process.platform !== 'linux' ? 'reads /proc' : sdkUnavailable();
const sdkWorkerPath = () => [shimDir(), sdkSource()].join(path.delimiter);

function gone(pid: number): boolean {
  return processStartTicks(pid) === undefined || isZombie(pid);
}

/** A deployment for the SDK's serve mode: `square` with a benchmark, plus `extra` (contexts, imports). */
function tarball(name: string, extra: string, runs: unknown[] = []): Buffer {
  const source = [
    'import asyncio, time',
    'from vastai import Deployment',
    `app = Deployment(name="${name}")`,
    extra,
    '@app.remote(benchmark_dataset=[{"x": 3}], benchmark_runs=1)',
    'async def square(x):',
    '    if SLOW_BENCHMARK:',
    '        await asyncio.sleep(3600)',
    '    return x * x',
    '',
  ].join('\n');
  return handMadeTarball({
    'config.json': JSON.stringify({ name, pip_installs: [], apt_gets: [], envs: [], runs }),
    'deployment.py': source,
  });
}

async function deployTarball(engine: Engine, name: string, bytes: Buffer, env: string): Promise<DeploymentPutResponse> {
  const put = await api<DeploymentPutResponse>(engine, 'PUT', '/api/v0/deployments/', putBody(name, { name, file_size: bytes.length, env }));
  assert.equal(put.status, 200, put.text);
  assert.equal((await upload(put.json, bytes)).status, 204);
  return put.json;
}

describe("the SDK's worker: boot phase time limits", { skip: unavailable }, () => {
  let engine: Engine;
  before(async () => {
    engine = await startRealEngine({ workerRuntime: 'sdk', python: sdkPython(), workerPath: sdkWorkerPath(), backoffBaseMs: 60_000, backoffMaxMs: 60_000 });
  });
  after(async () => {
    await engine?.close();
  });

  const cases = [
    { phase: 'install', extra: 'SLOW_BENCHMARK = False', runs: [['sh', '-c', 'echo $$ > step.pid; exec sleep 3600']] },
    { phase: 'import', extra: 'SLOW_BENCHMARK = False\ntime.sleep(3600)', runs: [] },
    {
      phase: 'contexts',
      extra: ['SLOW_BENCHMARK = False', '@app.context()', 'class Model:', '    async def __aenter__(self):', '        await asyncio.sleep(3600)', '    async def __aexit__(self, *exc):', '        pass', ''].join('\n'),
      runs: [],
    },
    { phase: 'benchmark', extra: 'SLOW_BENCHMARK = True', runs: [] },
  ];
  for (const c of cases) {
    test(`${c.phase} past its limit: the worker's error names the phase and the setting`, async () => {
      const name = `sdk-limit-${c.phase}`;
      const put = await deployTarball(engine, name, tarball(name, c.extra, c.runs), `-e VAST_BOOT_TIMEOUT_${c.phase.toUpperCase()}=2`);
      const failed = await waitFor(`the ${c.phase} limit`, async () => (await workersOf(engine, put.endpoint_id)).find((w) => w.error_msg), 90_000).catch((err: Error) => {
        throw new Error(`${err.message}; logs:\n${engine.logs.lines(put.endpoint_id).map((l) => l.text).join('\n')}`);
      });
      assert.match(failed.error_msg!, new RegExp(`${c.phase} did not finish within 2 s .*VAST_BOOT_TIMEOUT_${c.phase.toUpperCase()}`));
      if (c.phase === 'install') {
        const worker = engine.workers.forEndpoint(put.endpoint_id)[0]!;
        const stepPid = Number(fs.readFileSync(path.join(worker.cwd, 'step.pid'), 'utf8'));
        await waitFor('the run step stopped', () => gone(stepPid), 30_000);
      }
      await api(engine, 'DELETE', `/api/v0/deployment/${put.deployment_id}/`);
    });
  }

  test('a worker within its limits becomes ready, run through the host script', async () => {
    const name = 'sdk-limit-none';
    const put = await deployTarball(engine, name, tarball(name, 'SLOW_BENCHMARK = False'), '-e VAST_BOOT_TIMEOUT_BENCHMARK=30');
    await waitFor('a ready SDK worker', async () => (await workersOf(engine, put.endpoint_id)).find((w) => w.status === 'idle'), 90_000);
    const worker = engine.workers.forEndpoint(put.endpoint_id)[0]!;
    assert.match(commandLine(worker.pid!)?.join(' ') ?? '', /sdk_host\/run_sdk_worker\.py/);
    await api(engine, 'DELETE', `/api/v0/deployment/${put.deployment_id}/`);
  });
});

test("kill -9 of the daemon: the SDK's workers notice and exit", { skip: unavailable }, async () => {
  const stateDir = tempStateDir();
  const bundle = path.join(repoRoot(), 'dist', 'engine.js');
  const daemon = spawn(process.execPath, [bundle, '--state', stateDir, '--port', '0', '--worker-runtime', 'sdk', '--python', sdkPython()], {
    stdio: 'ignore',
    env: { ...process.env, VAST_WORKER_PATH: sdkWorkerPath() },
  });
  const workerPids: number[] = [];
  try {
    const info = await daemonInfo(stateDir);
    const name = 'sdk-orphan';
    const bytes = tarball(name, 'SLOW_BENCHMARK = False', [['sh', '-c', 'sleep 3600 >/dev/null 2>&1 & echo $! > background.pid']]);
    const headers = { authorization: `Bearer ${info.apiKey}`, 'content-type': 'application/json' };
    const res = await fetch(`${info.url}/api/v0/deployments/`, { method: 'PUT', headers, body: JSON.stringify(putBody(name, { name, file_size: bytes.length })) });
    assert.equal(res.status, 200);
    const put = (await res.json()) as DeploymentPutResponse;
    assert.equal((await upload(put, bytes)).status, 204);
    await waitFor(
      'a ready worker',
      async () => {
        const r = await fetch(`${info.url}/get_endpoint_workers/`, { method: 'POST', headers, body: JSON.stringify({ id: put.endpoint_id, api_key: info.apiKey }) });
        return ((await r.json()) as { status: string }[]).some((w) => w.status === 'idle');
      },
      90_000,
    );
    const found = await waitFor('the SDK worker process of the daemon', () => {
      const pids = descendants(daemon.pid!).filter((p) => commandLine(p.pid)?.some((a) => a.endsWith('run_sdk_worker.py')));
      return pids.length ? pids : undefined;
    });
    workerPids.push(...found.map((p) => p.pid));
    const background = Number(fs.readFileSync(path.join(stateDir, 'workers', fs.readdirSync(path.join(stateDir, 'workers'))[0]!, 'background.pid'), 'utf8'));
    workerPids.push(background);
    daemon.kill('SIGKILL');
    await waitFor('the workers of the killed engine, and what they started, to exit', () => workerPids.every(gone), 60_000);
  } finally {
    if (daemon.exitCode === null) daemon.kill('SIGKILL');
    for (const pid of workerPids) if (!gone(pid)) process.kill(pid, 'SIGKILL');
  }
});
