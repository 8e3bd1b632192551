// End to end against the in-process engine with the test-double worker: create → upload → worker ready → route
// (signed) → call; then every update tier, restart persistence, crash recovery, TTL teardown and logs.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { describe, test } from 'node:test';
import { verifyRouteSignature } from '../../src/engine/server/signing';
import type { DeploymentPutResponse, EndpointLogsResponse } from '../../src/shared/protocol/vast';
import { api, callEcho, deploy, endpointOf, enginesClosedAfterTests, makeTarball, putBody, routeReady, upload, waitFor, workersOf } from './helpers';

const engineFor = enginesClosedAfterTests();

describe('engine: create, upload, route, call', () => {
  test('a new deployment is created, its worker gets ready, the route is signed and the call goes through', async () => {
    const engine = await engineFor();
    const bytes = await makeTarball('# version 1');
    const put = await api<DeploymentPutResponse>(engine, 'PUT', '/api/v0/deployments/', putBody('# version 1', {}, bytes.length));
    assert.equal(put.status, 200, put.text);
    assert.equal(put.json.action, 'created');
    assert.ok(put.json.upload_url?.startsWith(`${engine.url}/upload/`));
    assert.ok(put.json.upload_fields && Object.keys(put.json.upload_fields).length > 0);

    const before = await api(engine, 'POST', '/route/', { endpoint: 'echo', api_key: engine.apiKey, cost: 100, request_idx: 0, replay_timeout: 60 });
    assert.equal(before.status, 200);
    assert.equal(before.json.url, undefined);
    assert.equal(before.json.status, 'waiting for the code upload');
    assert.ok(before.json.request_idx > 0);

    const up = await upload(put.json, bytes);
    assert.equal(up.status, 204, await up.text());
    const again = await upload(put.json, bytes);
    assert.equal(again.status, 403, 'an upload URL works once');

    const auth = await routeReady(engine, put.json.endpoint_id);
    for (const field of ['url', 'reqnum', 'signature', 'endpoint', 'cost', 'request_idx'] as const) assert.ok(field in auth, `route response has ${field}`);
    assert.equal(auth.endpoint, 'echo');
    assert.equal(auth.cost, 100);
    const pem = await api(engine, 'GET', '/pubkey/');
    assert.match(pem.text, /^-----BEGIN PUBLIC KEY-----/);
    assert.ok(verifyRouteSignature(pem.text, auth.url, auth.signature), 'signature verifies with /pubkey/');
    assert.ok(!verifyRouteSignature(pem.text, `${auth.url}x`, auth.signature), 'signature covers the url');

    const echo = await callEcho(engine, put.json.endpoint_id, { x: 7 });
    assert.equal(echo.fname, 'echo');
    assert.deepEqual(echo.kwargs, { x: 7 });
    assert.equal(echo.code, '# version 1');

    const workers = await workersOf(engine, put.json.endpoint_id);
    assert.equal(workers.length, 1);
    const w = workers[0]!;
    assert.ok(['idle', 'running'].includes(w.status));
    assert.equal(w.measured_perf, 100);
    assert.equal(typeof w.loaded_at, 'number');
    assert.ok(w.url?.startsWith('http://127.0.0.1:'));

    const show = await api(engine, 'GET', `/api/v0/deployment/${put.json.deployment_id}/`);
    assert.equal(show.json.deployment.endpoint_state, 'active');
    assert.equal(show.json.deployment.worker_count, 1);
    assert.equal(show.json.deployment.file_hash, putBody('# version 1').file_hash);
    const versions = await api(engine, 'GET', `/api/v0/deployment/${put.json.deployment_id}/versions/`);
    assert.equal(versions.json.versions.length, 1);
    const groups = await api(engine, 'GET', '/api/v0/workergroups/');
    assert.deepEqual(groups.json.results.map((g: { id: number }) => g.id), [put.json.workergroup_id]);
  });
});

describe('engine: update tiers', () => {
  test('exists, autoscale_update, soft_update, hard_update and created (new tag) each do their part', async () => {
    const engine = await engineFor();
    const first = await deploy(engine, '# v1');
    assert.equal(first.action, 'created');
    const e1 = (await callEcho(engine, first.endpoint_id)).pid;

    const same = await deploy(engine, '# v1');
    assert.equal(same.action, 'exists');
    assert.equal(same.upload_url, undefined);
    assert.equal(same.deployment_id, first.deployment_id);

    const scaled = await deploy(engine, '# v1', { cold_workers: 2 });
    assert.equal(scaled.action, 'autoscale_update');
    assert.equal(scaled.upload_url, undefined);
    const ep = await api(engine, 'GET', `/api/v0/endptjobs/${first.endpoint_id}/`);
    assert.equal(ep.json.result.cold_workers, 2);
    await waitFor('two ready workers', async () => (await workersOf(engine, first.endpoint_id)).filter((w) => w.status === 'idle').length === 2);

    // Soft update: same processes reload the new code once /update_workers/ is called (as the SDK does).
    const soft = await deploy(engine, '# v2', { cold_workers: 2 });
    assert.equal(soft.action, 'soft_update');
    assert.ok(soft.upload_url);
    // The router picks the least-loaded worker, so sequential calls may all land on one: concurrent calls spread.
    const pidsBefore = new Set<number>();
    await waitFor('both workers answering', async () => {
      for (const r of await Promise.all([1, 2, 3, 4].map(() => callEcho(engine, first.endpoint_id)))) pidsBefore.add(r.pid);
      return pidsBefore.size === 2;
    });
    const upd = await api(engine, 'POST', '/update_workers/', { workergroup_id: soft.workergroup_id, api_key: engine.apiKey });
    assert.equal(upd.status, 200, upd.text);
    assert.equal(upd.json.success, true);
    assert.equal(upd.json.workers_to_update, 2);
    const softEcho = await waitFor('new code after the soft update', async () => {
      const r = await callEcho(engine, first.endpoint_id);
      return r.code === '# v2' ? r : undefined;
    });
    assert.ok(pidsBefore.has(softEcho.pid), 'a soft update keeps the worker process');
    assert.ok(pidsBefore.has(e1) || pidsBefore.size >= 1);
    const logs = await api<EndpointLogsResponse>(engine, 'POST', '/get_endpoint_logs/', { id: first.endpoint_id, api_key: engine.apiKey });
    assert.match(logs.json.info1, /status idle → update_ready/);
    assert.match(logs.json.info1, /update_ready → update_starting/);

    // Hard update: a changed env string means fresh processes that see the new variable.
    const hard = await deploy(engine, '# v2', { cold_workers: 2, env: '-p 3000:3000/tcp -e FAKE_GREETING=hello' });
    assert.equal(hard.action, 'hard_update');
    assert.equal(hard.upload_url, undefined);
    const hardEcho = await waitFor('the new env after the hard update', async () => {
      const r = await callEcho(engine, first.endpoint_id);
      return r.greeting === 'hello' ? r : undefined;
    });
    assert.ok(!pidsBefore.has(hardEcho.pid), 'a hard update starts fresh processes');
    assert.equal(hardEcho.code, '# v2');

    // Tier 4: a new tag is a new deployment and endpoint beside the old one.
    const tagged = await deploy(engine, '# v2', { tag: 'next', cold_workers: 1 });
    assert.equal(tagged.action, 'created');
    assert.notEqual(tagged.deployment_id, first.deployment_id);
    assert.notEqual(tagged.endpoint_id, first.endpoint_id);
    const names = (await api(engine, 'GET', '/api/v0/endptjobs/')).json.results.map((e: { endpoint_name: string }) => e.endpoint_name).sort();
    assert.deepEqual(names, ['echo', 'echo-next']);
    assert.equal((await callEcho(engine, tagged.endpoint_id)).code, '# v2');
  });
});

describe('engine: more scaling and updates', () => {
  test('a worker that cannot soft-update is restarted onto the new code instead', async () => {
    const engine = await engineFor();
    const env = '-e FAKE_NO_SOFT_UPDATE=1';
    const put = await deploy(engine, '# old', { env });
    const { pid } = await callEcho(engine, put.endpoint_id);
    const soft = await deploy(engine, '# new', { env });
    assert.equal(soft.action, 'soft_update');
    const upd = await api(engine, 'POST', '/update_workers/', { workergroup_id: soft.workergroup_id, api_key: engine.apiKey });
    assert.equal(upd.json.workers_to_update, 1);
    const after = await waitFor('the new code', async () => {
      const r = await callEcho(engine, put.endpoint_id);
      return r.code === '# new' ? r : undefined;
    });
    assert.notEqual(after.pid, pid);
    const logs = await api<EndpointLogsResponse>(engine, 'POST', '/get_endpoint_logs/', { id: put.endpoint_id, api_key: engine.apiKey });
    assert.match(logs.json.info1, /update_ready → update_rebooting \(the worker did not take the soft update \(HTTP 404\)\)/);
  });

  test('update_workers before the upload is refused with a message; cancel_update is accepted', async () => {
    const engine = await engineFor();
    const put = await deploy(engine, '# a', { cold_workers: 0 });
    const next = await api<DeploymentPutResponse>(engine, 'PUT', '/api/v0/deployments/', putBody('# b', { cold_workers: 0 }, 10));
    assert.equal(next.json.action, 'soft_update');
    const early = await api(engine, 'POST', '/update_workers/', { workergroup_id: put.workergroup_id, api_key: engine.apiKey });
    assert.equal(early.status, 409);
    assert.match(early.json.error_msg, /has not been uploaded yet/);
    const cancel = await api(engine, 'POST', '/update_workers/', { workergroup_id: put.workergroup_id, api_key: engine.apiKey, cancel_update: true });
    assert.deepEqual(cancel.json, { success: true, cancelled: true, workers_to_update: 0 });
  });

  test('inactivity_timeout scales an idle endpoint to zero; a new request brings a worker back', async () => {
    const engine = await engineFor();
    const put = await deploy(engine, '# sleepy', { cold_workers: 1, inactivity_timeout: 1 });
    await callEcho(engine, put.endpoint_id);
    await waitFor('scale to zero', async () => (await workersOf(engine, put.endpoint_id)).length === 0);
    assert.equal((await callEcho(engine, put.endpoint_id)).code, '# sleepy');
  });
});

describe('engine: robustness', () => {
  test('a worker killed with SIGKILL goes error → rebooting → model_loading and serves again', async () => {
    const engine = await engineFor();
    const put = await deploy(engine, '# crashy');
    const { pid } = await callEcho(engine, put.endpoint_id);
    process.kill(pid, 'SIGKILL');
    const back = await waitFor('a new worker process', async () => {
      const r = await callEcho(engine, put.endpoint_id);
      return r.pid !== pid ? r : undefined;
    });
    assert.equal(back.code, '# crashy');
    const logs = await api<EndpointLogsResponse>(engine, 'POST', '/get_endpoint_logs/', { id: put.endpoint_id, api_key: engine.apiKey });
    const statusLines = logs.json.info1.split('\n').filter((l) => l.includes('status '));
    const order = ['→ error (worker process killed by SIGKILL', 'error → rebooting', 'rebooting → model_loading', 'model_loading → idle'];
    let from = statusLines.findIndex((l) => l.includes(order[0]!));
    assert.ok(from >= 0, `no error line in:\n${statusLines.join('\n')}`);
    for (const step of order.slice(1)) {
      const at = statusLines.findIndex((l, i) => i > from && l.includes(step));
      assert.ok(at > from, `"${step}" after the crash in:\n${statusLines.join('\n')}`);
      from = at;
    }
    const [w] = await workersOf(engine, put.endpoint_id);
    assert.equal(w!.status, 'idle');
  });

  test('a worker that reports an error_msg is shown as error with the message', async () => {
    const engine = await engineFor({ backoffBaseMs: 60_000, backoffMaxMs: 60_000 });
    const put = await deploy(engine, '# FAIL_ON_LOAD');
    const w = await waitFor('an errored worker', async () => (await workersOf(engine, put.endpoint_id)).find((x) => x.status === 'error'));
    assert.match(w.error_msg ?? '', /Lifecycle startup failed: FAIL_ON_LOAD/);
    const ep = await endpointOf(engine, put.endpoint_id);
    const route = await api(engine, 'POST', '/route/', { endpoint: ep.name, api_key: ep.key, cost: 100, request_idx: 0, replay_timeout: 60 }, ep.key);
    assert.match(route.json.status, /^1 error \(Lifecycle startup failed: FAIL_ON_LOAD/);
  });

  test('deployments survive an engine restart and workers are spawned again', async () => {
    const first = await engineFor();
    const put = await deploy(first, '# persistent');
    await callEcho(first, put.endpoint_id);
    const key = first.apiKey;
    await first.close();
    const second = await engineFor({ stateDir: first.stateDir });
    assert.equal(second.apiKey, key, 'the API key is kept');
    const list = await api(second, 'GET', '/api/v0/deployments/');
    assert.deepEqual(list.json.deployments.map((d: { id: number }) => d.id), [put.deployment_id]);
    assert.equal((await callEcho(second, put.endpoint_id)).code, '# persistent');
    const same = await deploy(second, '# persistent');
    assert.equal(same.action, 'exists');
  });

  test('a deployment with a ttl and no heartbeat is torn down', async () => {
    const engine = await engineFor();
    const put = await deploy(engine, '# short-lived', { ttl: 1 });
    const beat = await api(engine, 'POST', `/api/v0/deployment/${put.deployment_id}/heartbeat/`);
    assert.equal(beat.status, 200);
    await waitFor('the ttl teardown', async () => (await api(engine, 'GET', `/api/v0/deployment/${put.deployment_id}/`)).status === 404);
    assert.deepEqual((await api(engine, 'GET', '/api/v0/deployments/')).json.deployments, []);
    await waitFor('its workers to go', () => engine.workers.workers.size === 0);
  });

  test('stop stops the workers, start brings them back; delete removes everything', async () => {
    const engine = await engineFor();
    const put = await deploy(engine, '# stoppable');
    await callEcho(engine, put.endpoint_id);
    const stop = await api(engine, 'POST', `/api/v0/deployment/${put.deployment_id}/stop/`);
    assert.deepEqual(stop.json, { success: true, endpoint_state: 'stopped' });
    assert.deepEqual((await workersOf(engine, put.endpoint_id)).map((w) => w.status), ['stopped']);
    const ep = await endpointOf(engine, put.endpoint_id);
    const waiting = await api(engine, 'POST', '/route/', { endpoint: ep.name, api_key: ep.key, cost: 100, request_idx: 0, replay_timeout: 60 }, ep.key);
    assert.equal(waiting.json.status, 'Stopped');
    const start = await api(engine, 'POST', `/api/v0/deployment/${put.deployment_id}/start/`);
    assert.equal(start.json.endpoint_state, 'active');
    assert.equal((await callEcho(engine, put.endpoint_id)).code, '# stoppable');
    const del = await api(engine, 'DELETE', `/api/v0/deployment/${put.deployment_id}/`);
    assert.equal(del.status, 200);
    assert.equal((await api(engine, 'GET', '/api/v0/endptjobs/')).json.results.length, 0);
    assert.equal(engine.workers.workers.size, 0);
    assert.deepEqual(fs.readdirSync(`${engine.stateDir}/tarballs`), []);
  });
});

describe('engine: logs', () => {
  test('worker output and lifecycle lines come back from /get_endpoint_logs/ and stream from /local/v0/logs/stream', async () => {
    const engine = await engineFor();
    const put = await deploy(engine, '# logged');
    await callEcho(engine, put.endpoint_id);
    const logs = await api<EndpointLogsResponse>(engine, 'POST', '/get_endpoint_logs/', { id: put.endpoint_id, api_key: engine.apiKey, tail: 500 });
    assert.equal(logs.status, 200);
    for (const k of ['info0', 'info1', 'trace', 'debug'] as const) assert.equal(typeof logs.json[k], 'string');
    assert.match(logs.json.debug, /\[vast-worker\] downloaded code: # logged/);
    assert.match(logs.json.info1, /status creating → loading/);
    assert.match(logs.json.info0, /\[vast-worker\] ready/);
    const [worker] = await workersOf(engine, put.endpoint_id);
    const file = fs.readFileSync(`${engine.stateDir}/logs/endpoint-${put.endpoint_id}-worker-${worker!.id}.log`, 'utf8');
    assert.match(file, /\[worker \d+ stdout\] \[vast-worker\] downloaded code: # logged/);
    assert.match(file, /\[worker \d+\] status creating → loading/);

    const controller = new AbortController();
    const res = await fetch(`${engine.url}/local/v0/logs/stream?endpoint_id=${put.endpoint_id}&tail=1`, {
      headers: { authorization: `Bearer ${engine.apiKey}` },
      signal: controller.signal,
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = res.body!.getReader();
    engine.logs.add(put.endpoint_id, null, 'lifecycle', 'marker line for the stream test');
    let text = '';
    await waitFor('the marker on the stream', async () => {
      const { value } = await reader.read();
      text += Buffer.from(value ?? new Uint8Array()).toString('utf8');
      return text.includes('marker line for the stream test');
    });
    const event = text.split('\n\n').find((e) => e.includes('marker line'))!;
    assert.equal(JSON.parse(event.replace(/^data: /, '')).stream, 'lifecycle');
    controller.abort();
  });
});

describe('engine: idle time of a new endpoint', () => {
  test('on an engine that has run longer than inactivity_timeout, a new endpoint still gets its first worker', async () => {
    const engine = await engineFor();
    // As if the engine had been up for an hour (the endpoint's idle time used to count from here).
    (engine as unknown as { startedAt: number }).startedAt = Date.now() - 3_600_000;
    // Deploy waits for a ready worker without calling anything: only cold_workers brings one up, unless the new
    // endpoint already counts as idle for longer than its inactivity_timeout.
    const put = await deploy(engine, '# late', { cold_workers: 1, inactivity_timeout: 600 });
    const [w] = await waitFor('a cold worker', async () => {
      const ws = await workersOf(engine, put.endpoint_id);
      return ws.some((x) => x.status === 'idle') ? ws : undefined;
    }, 30_000);
    assert.ok(w);
  });
});
