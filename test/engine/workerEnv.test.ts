// What a local worker process is given (src/engine/CONTRACT.md "Spawning a worker"), seen from inside a real worker
// (dist/python): a container's variables with real ports the engine picked, and none of the engine's secrets.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Engine } from '../../src/engine/server/engine';
import { freeLoopbackPorts } from '../../src/engine/server/worker-ports';
import { runRemote } from '../../src/deploy/runRemote';
import { clientOf, deployFile, startRealEngine } from './realWorkers.support';

/** A deployment whose one function returns the named variables of its worker's environment. */
function envProbeFile(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-env-'));
  const file = path.join(dir, 'deploy.py');
  fs.writeFileSync(
    file,
    `import os
from vastai import Deployment

app = Deployment(name=${JSON.stringify(name)})


@app.remote(benchmark_dataset=[{"names": ["PATH"]}])
async def env(names):
    return [os.environ.get(n) for n in names]


@app.remote
async def names():
    return sorted(os.environ)


image = app.image("vastai/base-image:@vastai-automatic-tag", storage=16)
app.configure_autoscaling(max_workers=1)
app.ensure_ready()
`,
  );
  return file;
}

const SECRET = 'sk-this-must-stay-in-the-engine';

/** The named variables as the deployment's worker sees them (undefined when unset). */
async function workerEnv(engine: Engine, name: string, names: string[]): Promise<Record<string, string | undefined>> {
  const values = (await runRemote(clientOf(engine), { name, tag: 'default' }, 'env', { names }, { timeoutMs: 60_000 })).value as (string | null)[];
  return Object.fromEntries(names.map((n, i) => [n, values[i] ?? undefined]));
}

describe('the worker environment', () => {
  let engine: Engine;
  const saved: Record<string, string | undefined> = {};
  before(async () => {
    // The engine's own environment, as when a user exports their key before starting it.
    for (const [k, v] of Object.entries({ VAST_API_KEY: SECRET, MY_DATABASE_PASSWORD: SECRET, LC_TIME: 'C', http_proxy: 'http://proxy.invalid:3128' })) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    engine = await startRealEngine();
  });
  after(async () => {
    await engine?.close();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  test("the engine's secrets do not reach user code; its locale, PATH and proxies do, loopback exempt", async () => {
    await deployFile(engine, envProbeFile('envprobe'));
    const identity = { name: 'envprobe', tag: 'default' };
    const all = (await runRemote(clientOf(engine), identity, 'names', {}, { timeoutMs: 60_000 })).value as string[];
    assert.ok(!all.includes('VAST_API_KEY'), `VAST_API_KEY reached the worker: ${all.join(' ')}`);
    assert.ok(!all.includes('MY_DATABASE_PASSWORD'), `a secret reached the worker: ${all.join(' ')}`);
    const seen = await workerEnv(engine, 'envprobe', ['LC_TIME', 'PATH', 'http_proxy', 'no_proxy']);
    assert.equal(seen.LC_TIME, 'C');
    // (A pyenv shim puts its own folders first.)
    assert.ok(seen.PATH?.endsWith(process.env.PATH!), `PATH ${seen.PATH}`);
    assert.equal(seen.http_proxy, 'http://proxy.invalid:3128');
    assert.match(seen.no_proxy ?? '', /127\.0\.0\.1/);
  });

  test('WORKER_PORT is a real port the worker binds, mapped by VAST_TCP_PORT_<port>, and the url names it', async () => {
    const [worker] = engine.workers.workers.values();
    assert.ok(worker?.url, 'a ready worker');
    const first = await workerEnv(engine, 'envprobe', ['WORKER_PORT', 'WORKER_HTTP_PORT']);
    const port = Number(first.WORKER_PORT);
    assert.ok(port > 0 && port < 65536, `WORKER_PORT ${first.WORKER_PORT}`);
    assert.ok(Number(first.WORKER_HTTP_PORT) > 0 && first.WORKER_HTTP_PORT !== first.WORKER_PORT, `WORKER_HTTP_PORT ${first.WORKER_HTTP_PORT}`);
    const mapped = await workerEnv(engine, 'envprobe', [`VAST_TCP_PORT_${port}`, 'PUBLIC_IPADDR']);
    assert.equal(mapped[`VAST_TCP_PORT_${port}`], String(port));
    assert.equal(worker.url, `http://${mapped.PUBLIC_IPADDR}:${port}`);
    // The worker answers on that port: the url the engine routes to is the port it handed out.
    const res = await fetch(`http://127.0.0.1:${port}/remote/env`, { method: 'POST', body: '{}' });
    await res.arrayBuffer();
    assert.ok(res.status >= 400 && res.status < 500, `the worker answers on WORKER_PORT (${res.status})`);
  });
});

describe('a port taken between the pick and the bind', () => {
  let engine: Engine;
  let holder: net.Server;
  let held = 0;
  before(async () => {
    holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    held = (holder.address() as net.AddressInfo).port;
    let picks = 0;
    // The first worker start is handed the port this test holds, as if another program took it after the pick.
    engine = await startRealEngine({ allocatePorts: async (n) => (picks++ === 0 ? [held, ...(await freeLoopbackPorts(n - 1))] : freeLoopbackPorts(n)) });
  });
  after(async () => {
    await engine?.close();
    holder?.close();
  });

  test('the worker starts again on new ports without failing, and says why in its log', async () => {
    const { outcome } = await deployFile(engine, envProbeFile('portrace'));
    assert.ok(outcome.readyWorker, 'a worker became ready');
    const [worker] = engine.workers.forEndpoint(outcome.endpointId!);
    assert.ok(worker);
    assert.notEqual(worker.url, `http://127.0.0.1:${held}`);
    assert.equal(worker.failures, 0);
    const lifecycle = engine.logs.lines(outcome.endpointId!).filter((l) => l.stream === 'lifecycle').map((l) => l.text);
    assert.ok(lifecycle.some((t) => /address already in use.*starting again on new ports \(1\/3\)/i.test(t)), lifecycle.join('\n'));
    assert.ok(!lifecycle.some((t) => /→ error/.test(t)), `no error status on the way:\n${lifecycle.join('\n')}`);
  });
});
