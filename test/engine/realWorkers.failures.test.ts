// End to end with the REAL worker runtime: what goes wrong. A worker killed mid-call (its calls fail, never re-sent),
// remote exceptions, bool arguments, bad keys and bodies, a path-traversal tarball, and TTL teardown.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Engine } from '../../src/engine/server/engine';
import { VastApiError } from '../../src/vast-api/errors';
import { runRemote } from '../../src/deploy/runRemote';
import type { DeploymentPutResponse, RouteReady } from '../../src/shared/protocol/vast';
import { encodeCall, RemoteError } from '../../src/vast-api/wire';
import { PyDict } from '../../src/shared/python/values';
import { fixturePath } from '../support/paths';
import { api, endpointOf, putBody, routeReady, upload, waitFor, workersOf } from './helpers';
import { clientOf, deployFile, handMadeTarball, listFiles, startRealEngine } from './realWorkers.support';

let engine: Engine;
let toolsEndpoint: number;
const tools = { name: 'e2e-tools', tag: 'default' };

before(async () => {
  engine = await startRealEngine();
  const { outcome } = await deployFile(engine, fixturePath('e2e', 'tools', 'deploy.py'));
  toolsEndpoint = outcome.endpointId!;
});
after(async () => {
  await engine?.close();
});

/** A field of the `{"x": ..., "pid": ...}` dict the tools functions return. */
function field(value: unknown, key: 'x' | 'pid'): unknown {
  assert.ok(value instanceof PyDict, `a dict, not ${String(value)}`);
  return value.get(key);
}

const call = (fn: string, kwargs: Record<string, unknown>) => runRemote(clientOf(engine), tools, fn, kwargs, { timeoutMs: 60_000 });

function readyWorkers() {
  return engine.workers.forEndpoint(toolsEndpoint).filter((w) => w.status === 'idle' || w.status === 'running');
}

describe('real workers: a worker killed mid-call', () => {
  // A call the killed worker had received may have run (or be half done): it fails, saying why, instead of being
  // sent again (a retry could run the user's function twice). Calls on the other worker complete.
  test('kill -9 of a busy worker: its calls fail without a retry, the others complete', async () => {
    await waitFor('two ready workers (cold_workers=2)', () => readyWorkers().length === 2);
    const calls = [1, 2, 3, 4].map((x) => call('slow', { x, seconds: 1 }).then((r) => r, (e: unknown) => e));
    const victim = await waitFor('a worker busy with a call', () => engine.workers.forEndpoint(toolsEndpoint).find((w) => w.outstanding.size > 0 && w.pid));
    const killedPid = victim.pid!;
    process.kill(killedPid, 'SIGKILL');
    const results = await Promise.all(calls);
    const failed = results.filter((r): r is VastApiError => r instanceof VastApiError);
    const done = results.filter((r) => !(r instanceof Error)) as Awaited<ReturnType<typeof call>>[];
    assert.equal(failed.length + done.length, 4, `every call completes or fails cleanly: ${results.map(String).join('; ')}`);
    assert.ok(failed.length >= 1, 'the call on the killed worker failed');
    for (const err of failed) assert.match(err.message, /not retried: the worker had received the call/);
    assert.ok(done.length >= 1, 'the other worker served its calls');
    // (one that reached the dead worker's port after the kill was refused there, and re-routed: that is safe)
    assert.ok(done.every((r) => field(r.value, 'pid') !== killedPid));
    // The engine notices the death and brings a fresh process up for the killed worker.
    await waitFor('the killed worker replaced', () => readyWorkers().length === 2 && readyWorkers().every((w) => w.pid !== killedPid));
  });
});

describe('real workers: errors reach the caller intact', () => {
  test('a remote exception is a RemoteError with its class, message and traceback', async () => {
    const err = await call('boom', { x: 7 }).then(
      () => assert.fail('boom returned'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof RemoteError, String(err));
    assert.equal(err.className, 'BadInput');
    assert.equal(err.remoteMessage, 'bad input 7');
    assert.match(err.traceback ?? '', /in boom/);
    assert.match(err.traceback ?? '', /BadInput: bad input 7/);
  });

  test('a bool argument is refused client-side, naming the argument', async () => {
    await assert.rejects(call('echo', { x: 1, flag: true }), (e: Error) => /argument "flag" is a bool/.test(e.message));
  });

  test('a raw worker call with JSON true is a 422 naming the argument', async () => {
    const ep = await endpointOf(engine, toolsEndpoint);
    const auth: RouteReady = await routeReady(engine, toolsEndpoint);
    const payload = encodeCall({ x: 1 }) as { kwargs: Record<string, unknown> };
    payload.kwargs.flag = true;
    const res = await fetch(`${auth.url}/remote/echo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ep.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ auth_data: auth, payload }),
    });
    const text = await res.text();
    assert.equal(res.status, 422, text);
    assert.match(text, /flag/);
    assert.match(text, /bool/i);

    // The worker's other refusals: a body that is not JSON, no auth_data, a forged signature.
    const raw = (body: string) =>
      fetch(`${auth.url}/remote/echo`, { method: 'POST', headers: { authorization: `Bearer ${ep.key}`, 'content-type': 'application/json' }, body });
    assert.equal((await raw('{"auth_data": ')).status, 422);
    assert.equal((await raw(JSON.stringify({ payload }))).status, 422);
    const forged = { ...auth, url: `${auth.url}/` };
    assert.equal((await raw(JSON.stringify({ auth_data: forged, payload: encodeCall({ x: 1 }) }))).status, 401);
  });
});

describe('real workers: keys and bodies', () => {
  test('a wrong or missing API key is refused with 401', async () => {
    const err = await clientOf(engine, 'not-the-key').listDeployments().then(
      () => assert.fail('listed with a wrong key'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof VastApiError);
    assert.equal(err.status, 401);
    const missing = await api(engine, 'GET', '/api/v0/deployments/', undefined, null);
    assert.equal(missing.status, 401);
    assert.match(missing.text, /key/i);
    const ep = await endpointOf(engine, toolsEndpoint);
    const route = await api(engine, 'POST', '/route/', { endpoint: ep.name, cost: 1, request_idx: 0 }, 'wrong');
    assert.equal(route.status, 401);
  });

  test('malformed bodies are 4xx with a message, and the engine keeps serving', async () => {
    const notJson = await api(engine, 'PUT', '/api/v0/deployments/', '{"name": ');
    assert.equal(notJson.status, 400, notJson.text);
    const badField = await api(engine, 'PUT', '/api/v0/deployments/', { ...putBody('# x'), name: 5 });
    assert.equal(badField.status, 422, badField.text);
    assert.match(badField.text, /name/);
    const array = await api(engine, 'POST', '/route/', '[1, 2]');
    assert.ok(array.status >= 400 && array.status < 500, array.text);
    const badStatus = await api(engine, 'POST', '/worker_status/', '{}');
    assert.ok(badStatus.status >= 400 && badStatus.status < 500, badStatus.text);
    assert.equal(field((await call('echo', { x: 3 })).value, 'x'), 3);
  });
});

describe('real workers: a tarball that escapes its folder', () => {
  test('the worker refuses "../evil", reports the error and writes nothing outside its folder', async () => {
    const bytes = handMadeTarball({
      'config.json': '{"name": "evil", "pip_installs": [], "apt_gets": [], "envs": [], "runs": []}',
      'deployment.py': 'from vastai import Deployment\napp = Deployment(name="evil")\n\n@app.remote()\nasync def f(x):\n    return x\n',
      '../evil.txt': 'escaped',
    });
    const put = await api<DeploymentPutResponse>(engine, 'PUT', '/api/v0/deployments/', putBody('evil', { name: 'evil', file_size: bytes.length }));
    assert.equal(put.status, 200, put.text);
    assert.equal((await upload(put.json, bytes)).status, 204);
    const failed = await waitFor('the worker to report the refused tarball', async () => (await workersOf(engine, put.json.endpoint_id)).find((w) => w.error_msg));
    assert.match(failed.error_msg!, /'..\/evil\.txt' escapes the worker folder/);
    const workersRoot = path.join(engine.options.stateDir, 'workers');
    assert.ok(!listFiles(engine.options.stateDir).some((f) => f.endsWith('evil.txt')), 'nothing named evil.txt in the state folder');
    assert.ok(!fs.existsSync(path.join(path.dirname(engine.options.stateDir), 'evil.txt')));
    assert.ok(fs.existsSync(workersRoot));
    await clientOf(engine).deleteDeployment(put.json.deployment_id);
  });
});

describe('real workers: ttl', () => {
  test('a deployment with a small ttl and no heartbeat is torn down with its workers', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vast-e2e-ttl-'));
    const file = path.join(dir, 'deploy.py');
    fs.writeFileSync(
      file,
      [
        'from vastai import Deployment',
        '',
        'app = Deployment(name="e2e-ttl", ttl=2)',
        '',
        '',
        '@app.remote(benchmark_dataset=[{"x": 1}])',
        'async def double(x):',
        '    return 2 * x',
        '',
        '',
        'app.image("vastai/base-image:@vastai-automatic-tag", storage=8)',
        'app.configure_autoscaling(cold_workers=1)',
        'app.ensure_ready()',
        '',
      ].join('\n'),
    );
    const { outcome } = await deployFile(engine, file, false);
    assert.equal(outcome.action, 'created');
    assert.ok(await clientOf(engine).findDeployment('e2e-ttl', 'default'));
    await waitFor('the ttl teardown', async () => !(await clientOf(engine).findDeployment('e2e-ttl', 'default')), 60_000);
    await waitFor('its workers stopped', () => engine.workers.forEndpoint(outcome.endpointId!).every((w) => !w.pid));
    assert.ok((await clientOf(engine).findDeployment('e2e-tools', 'default')), 'other deployments stay');
  });
});
