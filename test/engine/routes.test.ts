// The engine's HTTP surface without workers doing anything interesting: auth on every kind of route, bad input →
// 4xx with a message, upload limits, corrupt state kept aside, GPU filter warnings and strict mode.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { DeploymentPutResponse } from '../../src/shared/protocol/vast';
import { api, deploy, enginesClosedAfterTests, makeTarball, putBody, tempStateDir, upload, waitFor } from './helpers';

// cold_workers 0 in these tests' deployments keeps workers out unless a test wants one.
const engineFor = enginesClosedAfterTests();

describe('engine routes: authentication', () => {
  test('console, autoscaler and local routes refuse a missing or wrong key, saying which', async () => {
    const engine = await engineFor();
    const calls: [string, string, unknown?][] = [
      ['GET', '/api/v0/deployments/'],
      ['PUT', '/api/v0/deployments/', putBody('# x')],
      ['GET', '/api/v0/deployment/1/'],
      ['GET', '/api/v0/endptjobs/'],
      ['GET', '/api/v0/workergroups/'],
      ['POST', '/update_workers/', { workergroup_id: 1 }],
      ['GET', '/local/v0/info'],
    ];
    for (const [method, route, body] of calls) {
      const missing = await api(engine, method, route, body, null);
      assert.equal(missing.status, 401, `${method} ${route} without key: ${missing.text}`);
      assert.match(missing.json.error, /missing API key/);
      const wrong = await api(engine, method, route, body, 'not-the-key');
      assert.equal(wrong.status, 401, `${method} ${route} with a wrong key: ${wrong.text}`);
      assert.match(wrong.json.error, /invalid API key/);
    }
    const ok = await api(engine, 'GET', '/api/v0/deployments/?api_key=' + engine.apiKey, undefined, null);
    assert.equal(ok.status, 200, 'the ?api_key= form works too');
  });

  test('route and worker listing need the endpoint key or the user key; worker routes need the worker token', async () => {
    const engine = await engineFor();
    const put = await deploy(engine, '# auth');
    const ep = (await api(engine, 'GET', `/api/v0/endptjobs/${put.endpoint_id}/`)).json.result;
    assert.notEqual(ep.api_key, engine.apiKey, 'the endpoint has its own key');
    const route = { endpoint: ep.endpoint_name, api_key: 'wrong', cost: 100, request_idx: 0, replay_timeout: 60 };
    assert.equal((await api(engine, 'POST', '/route/', route, 'wrong')).status, 401);
    assert.equal((await api(engine, 'POST', '/route/', { ...route, api_key: ep.api_key }, null)).status, 200, 'body api_key suffices');
    assert.equal((await api(engine, 'POST', '/get_endpoint_workers/', { id: put.endpoint_id }, 'wrong')).status, 401);
    assert.equal((await api(engine, 'POST', '/get_endpoint_workers/', { id: put.endpoint_id }, ep.api_key)).status, 200);
    assert.equal((await api(engine, 'POST', '/get_endpoint_logs/', { id: put.endpoint_id }, 'wrong')).status, 401);

    const w = await waitFor('a worker', () => [...engine.workers.workers.values()][0]);
    const report = { id: w.id, mtoken: 'forged', max_perf: 5, url: 'http://127.0.0.1:1' };
    const forged = await api(engine, 'POST', '/worker_status/', report, null);
    assert.equal(forged.status, 401, forged.text);
    assert.match(forged.json.error, /invalid API key.*MASTER_TOKEN/);
    assert.equal((await api(engine, 'POST', '/worker_status/', { ...report, mtoken: undefined }, null)).status, 401);
    assert.equal((await api(engine, 'POST', '/delete_requests/', { worker_id: w.id, mtoken: 'forged', requests: [] }, null)).status, 401);
    assert.equal((await api(engine, 'GET', `/api/v0/deployment/${put.deployment_id}/download_url/`, undefined, 'wrong')).status, 401);
    const dl = await api(engine, 'GET', `/api/v0/deployment/${put.deployment_id}/download_url/`, undefined, w.token);
    assert.equal(dl.status, 200);
    assert.match(dl.json.download_url, /\/download\//);
    assert.equal((await fetch(`${engine.url}/download/not-a-token`)).status, 403);
    assert.equal((await api(engine, 'GET', '/pubkey/', undefined, w.token)).status, 200, 'a worker token reads the pubkey');
  });

  test('/pubkey/ answers a plain GET without any key, as the SDK worker fetches it: the PEM public key', async () => {
    const engine = await engineFor();
    for (const key of [null, 'not-a-key']) {
      const res = await api(engine, 'GET', '/pubkey/', undefined, key);
      assert.equal(res.status, 200, res.text);
      assert.match(res.text, /^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n?$/);
      assert.equal(res.text, engine.signer.publicKeyPem);
    }
  });
});

describe('engine routes: bad input', () => {
  test('malformed JSON, wrong field types and unknown ids are 4xx with a message, and the engine keeps serving', async () => {
    const engine = await engineFor();
    const bad: [string, string, unknown, number, RegExp][] = [
      ['PUT', '/api/v0/deployments/', '{"name": ', 400, /not valid JSON/],
      ['PUT', '/api/v0/deployments/', '[1,2]', 400, /must be a JSON object/],
      ['PUT', '/api/v0/deployments/', { ...putBody('# x'), file_hash: 'nothex' }, 422, /file_hash/],
      ['PUT', '/api/v0/deployments/', { ...putBody('# x'), name: 5 }, 422, /"name" must be a string/],
      ['PUT', '/api/v0/deployments/', { ...putBody('# x'), file_size: -1 }, 422, /file_size/],
      ['PUT', '/api/v0/deployments/', { ...putBody('# x'), cold_workers: 'many' }, 422, /cold_workers/],
      ['POST', '/route/', { cost: 100 }, 422, /"endpoint" is required/],
      ['POST', '/route/', { endpoint: 'nope', cost: 100 }, 404, /no endpoint named "nope"/],
      ['POST', '/get_endpoint_workers/', { id: 'x' }, 422, /"id" must be a number/],
      ['POST', '/get_endpoint_workers/', { id: 99 }, 404, /no endpoint with id 99/],
      ['POST', '/update_workers/', {}, 422, /workergroup_id/],
      ['POST', '/worker_status/', { id: 'abc', mtoken: 'x' }, 422, /worker id/],
      ['GET', '/api/v0/deployment/abc/', undefined, 400, /not a valid id/],
      ['GET', '/api/v0/deployment/42/', undefined, 404, /no deployment with id 42/],
      ['DELETE', '/api/v0/deployments/', {}, 422, /"name" is required/],
      ['GET', '/no/such/route', undefined, 404, /no such route/],
      ['PATCH', '/api/v0/deployments/', undefined, 405, /not allowed/],
      ['GET', '/local/v0/logs/stream', undefined, 400, /endpoint_id/],
    ];
    for (const [method, route, body, status, message] of bad) {
      const r = await api(engine, method, route, body);
      assert.equal(r.status, status, `${method} ${route} ${JSON.stringify(body)} → ${r.status} ${r.text}`);
      assert.equal(r.json.success, false);
      assert.match(r.json.error, message);
    }
    assert.equal((await api(engine, 'GET', '/api/v0/deployments')).status, 200, 'still serving (and the slash is optional)');
  });

  test('uploads: over the size limit → 413, not gzip → 400, wrong size → 400, not multipart → 400', async () => {
    const engine = await engineFor({ maxUploadBytes: 2000 });
    const small = await makeTarball('# small');
    const put = await api<DeploymentPutResponse>(engine, 'PUT', '/api/v0/deployments/', putBody('# small', { cold_workers: 0 }, small.length));
    const big = Buffer.alloc(5000, 1);
    const tooBig = await upload(put.json, big);
    assert.equal(tooBig.status, 413);
    assert.match(((await tooBig.json()) as { error: string }).error, /limit of 2000 bytes|limit is 2000 bytes/);
    const notGzip = await upload(put.json, Buffer.alloc(small.length, 65));
    assert.equal(notGzip.status, 400);
    assert.match(((await notGzip.json()) as { error: string }).error, /not gzip/);
    const wrongSize = await upload(put.json, Buffer.concat([small, Buffer.from([0])]));
    assert.equal(wrongSize.status, 400);
    assert.match(((await wrongSize.json()) as { error: string }).error, /registered file_size/);
    const plain = await fetch(put.json.upload_url!, { method: 'POST', body: small, headers: { 'content-type': 'application/gzip' } });
    assert.equal(plain.status, 400);
    const good = await upload(put.json, small);
    assert.equal(good.status, 204, 'the URL still works after failed attempts');
  });
});

describe('engine state', () => {
  test('a corrupt state file is moved aside with a clear message and the engine starts empty', async () => {
    const stateDir = tempStateDir();
    fs.writeFileSync(path.join(stateDir, 'state.json'), '{"schema": 1, "deployments": [');
    const lines: string[] = [];
    const engine = await engineFor({ stateDir, log: (l) => lines.push(l) });
    const aside = fs.readdirSync(stateDir).filter((f) => f.startsWith('state.json.corrupt-'));
    assert.equal(aside.length, 1);
    assert.equal(fs.readFileSync(path.join(stateDir, aside[0]!), 'utf8'), '{"schema": 1, "deployments": [', 'kept byte for byte');
    const warning = lines.find((l) => l.includes('is corrupt'));
    assert.ok(warning, lines.join('\n'));
    assert.match(warning, /not valid JSON/);
    assert.ok(warning.includes(aside[0]!), 'the message says where the file went');
    const info = await api(engine, 'GET', '/local/v0/info');
    assert.match(info.json.state_warning, /moved to/);
    assert.deepEqual((await api(engine, 'GET', '/api/v0/deployments/')).json.deployments, []);
  });

  test('state and key files are private (0600) and state writes leave no temp files', async () => {
    const engine = await engineFor();
    await api(engine, 'PUT', '/api/v0/deployments/', putBody('# private', { cold_workers: 0 }, 10));
    for (const f of ['state.json', 'api_key', 'signing-key.pem']) {
      assert.equal(fs.statSync(path.join(engine.stateDir, f)).mode & 0o777, 0o600, f);
    }
    assert.equal(fs.statSync(engine.stateDir).mode & 0o777, 0o700);
    assert.deepEqual(fs.readdirSync(engine.stateDir).filter((f) => f.endsWith('.tmp')), []);
  });
});

describe('engine: GPU filters', () => {
  const query = 'verified=true rentable=true rented=false gpu_name in RTX_4090,RTX_5090 gpu_ram>=48 cpu_cores>=64';

  test('by default the deployment runs, and each unmet filter is reported on the PUT, the endpoint and the workers', async () => {
    const engine = await engineFor();
    const put = await deploy(engine, '# gpu', { search_params: query });
    assert.equal(put.action, 'created');
    assert.match(put.msg ?? '', /^running anyway/);
    const expected = [
      'no local offer matches gpu_name in RTX_4090,RTX_5090: this machine has no GPU',
      'no local offer matches gpu_ram>=48 GB: this machine has no GPU',
      'no local offer matches cpu_cores>=64: this machine has 4 CPU cores',
    ];
    const ep = await api(engine, 'GET', `/api/v0/endptjobs/${put.endpoint_id}/`);
    assert.deepEqual(ep.json.result.local_warnings, expected);
    const w = await waitFor('a worker record', async () => (await api(engine, 'POST', '/get_endpoint_workers/', { id: put.endpoint_id })).json[0]);
    assert.deepEqual(w.filter_warnings, expected);
  });

  test('strict mode refuses the deployment with the reasons', async () => {
    const engine = await engineFor({ strictFilters: true });
    const r = await api(engine, 'PUT', '/api/v0/deployments/', putBody('# gpu', { search_params: query }, 10));
    assert.equal(r.status, 422);
    assert.match(r.json.error, /strict filters are on.*gpu_ram>=48 GB: this machine has no GPU/);
    assert.deepEqual((await api(engine, 'GET', '/api/v0/deployments/')).json.deployments, []);
    const fine = await api(engine, 'PUT', '/api/v0/deployments/', putBody('# cpu', { search_params: 'verified=true cpu_cores>=2', cold_workers: 0 }, 10));
    assert.equal(fine.status, 200, 'filters the machine meets pass in strict mode');
  });
});
