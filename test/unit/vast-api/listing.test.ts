// Lookup, listing, status and teardown calls (docs/protocol.md, "Workers"), endpoints, workers in all three answer
// shapes, and logs.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { VastApiError } from '../../../src/vast-api/errors';
import type { DeploymentRecord } from '../../../src/shared/protocol/vast';
import { FixtureServer, shape } from './fixtureServer';
import { ENDPOINT_KEY, harness, rejection, USER_KEY } from './helpers';

let server: FixtureServer;
before(async () => (server = await FixtureServer.start()));
after(() => server.close());
beforeEach(() => server.requests.splice(0));

function assertUserAuth(method: string, path: string): void {
  const reqs = server.requestsTo(method, path);
  assert.equal(reqs.length, 1, `one ${method} ${path}`);
  assert.equal(reqs[0].headers.authorization, `Bearer ${USER_KEY}`);
  assert.equal(reqs[0].query.api_key, USER_KEY);
}

describe('deployments', () => {
  test('listDeployments: GET /api/v0/deployments/ → the deployments list', async () => {
    server.on('GET', '/api/v0/deployments/', { json: shape('deployments') });
    const list = await harness(server).client.listDeployments();
    assert.deepEqual(list, shape<{ deployments: DeploymentRecord[] }>('deployments').deployments);
    assertUserAuth('GET', '/api/v0/deployments/');
    assert.equal(server.requests[0].body.length, 0, 'GET carries no body');
  });

  test('findDeployment filters by (name, tag); undefined when absent', async () => {
    server.on('GET', '/api/v0/deployments/', { json: shape('deployments') });
    const { client } = harness(server);
    assert.equal((await client.findDeployment('square', 'default'))?.id, 41);
    assert.equal((await client.findDeployment('square', 'staging'))?.id, 40);
    assert.equal(await client.findDeployment('square', 'prod'), undefined);
    assert.equal(await client.findDeployment('cube', 'default'), undefined);
  });

  test('an answer without the deployments list is an invalid_response error', async () => {
    server.on('GET', '/api/v0/deployments/', { json: { success: true, results: [] } });
    const err = await rejection(harness(server).client.listDeployments());
    assert.ok(err instanceof VastApiError && err.code === 'invalid_response');
    assert.match(err.message, /listDeployments: no "deployments" list/);
  });

  test('showDeployment and deploymentVersions', async () => {
    server.on('GET', '/api/v0/deployment/41/', { json: shape('deploymentShow') });
    server.on('GET', '/api/v0/deployment/41/versions/', { json: shape('versions') });
    const { client } = harness(server);
    const shown = await client.showDeployment(41);
    assert.equal(shown.endpoint_state, 'active');
    assert.equal(shown.worker_count, 2);
    assert.deepEqual(
      (await client.deploymentVersions(41)).map((v) => v.id),
      [5, 4],
    );
    assertUserAuth('GET', '/api/v0/deployment/41/');
    assertUserAuth('GET', '/api/v0/deployment/41/versions/');
  });

  test('stop, start, delete by id: POST …/stop/, POST …/start/, DELETE …/{id}/', async () => {
    server.on('POST', '/api/v0/deployment/41/stop/', { json: shape('stopped') });
    server.on('POST', '/api/v0/deployment/41/start/', { json: shape('started') });
    server.on('DELETE', '/api/v0/deployment/41/', { json: shape('deleted') });
    const { client } = harness(server);
    assert.deepEqual(await client.stopDeployment(41), { success: true, endpoint_state: 'stopped' });
    assert.deepEqual(await client.startDeployment(41), { success: true, endpoint_state: 'active' });
    assert.deepEqual(await client.deleteDeployment(41), { success: true, msg: 'deployment 41 deleted' });
    for (const [m, p] of [['POST', '/api/v0/deployment/41/stop/'], ['POST', '/api/v0/deployment/41/start/'], ['DELETE', '/api/v0/deployment/41/']]) {
      assertUserAuth(m, p);
      assert.equal(server.requestsTo(m, p)[0].body.length, 0, `${m} ${p} has no body (empty bodies are not sent)`);
    }
  });

  test('deleteDeploymentByName: DELETE /api/v0/deployments/ with {name, tag} or {name}', async () => {
    server.on('DELETE', '/api/v0/deployments/', { json: shape('deletedByName') });
    const { client } = harness(server);
    assert.deepEqual(await client.deleteDeploymentByName('square', 'default'), { success: true, count: 2 });
    await client.deleteDeploymentByName('square');
    const [withTag, allTags] = server.requestsTo('DELETE', '/api/v0/deployments/');
    assert.deepEqual(withTag.json, { name: 'square', tag: 'default' });
    assert.deepEqual(allTags.json, { name: 'square' });
  });
});

describe('endpoints and workergroups', () => {
  test('listEndpoints: GET /api/v0/endptjobs/?client_id=me → results', async () => {
    server.on('GET', '/api/v0/endptjobs/', { json: shape('endpoints') });
    const endpoints = await harness(server).client.listEndpoints();
    assert.deepEqual(
      endpoints.map((e) => [e.id, e.endpoint_name, e.endpoint_state]),
      [[7001, 'square', 'active']],
    );
    const [req] = server.requests;
    assert.deepEqual(req.query, { client_id: 'me', api_key: USER_KEY });
  });

  test('getEndpoint: GET /api/v0/endptjobs/{id}/ → result, with the endpoint key', async () => {
    server.on('GET', '/api/v0/endptjobs/7001/', { json: shape('endpoint') });
    const endpoint = await harness(server).client.getEndpoint(7001);
    assert.equal(endpoint.endpoint_name, 'square');
    assert.equal(endpoint.api_key, ENDPOINT_KEY);
    assertUserAuth('GET', '/api/v0/endptjobs/7001/');
  });

  test('getEndpoint without result is an invalid_response error that does not leak keys', async () => {
    server.on('GET', '/api/v0/endptjobs/7001/', { json: { success: true, api_key: USER_KEY } });
    const err = await rejection(harness(server).client.getEndpoint(7001));
    assert.ok(err instanceof VastApiError && err.code === 'invalid_response');
    assert.ok(!err.message.includes(USER_KEY) && !err.body.includes(USER_KEY), err.message);
  });

  test('listWorkergroups: GET /api/v0/workergroups/ → results', async () => {
    server.on('GET', '/api/v0/workergroups/', { json: shape('workergroups') });
    assert.deepEqual(
      (await harness(server).client.listWorkergroups()).map((g) => [g.id, g.endpoint_id]),
      [
        [8999, 6000],
        [9001, 7001],
      ],
    );
  });
});

describe('getEndpointWorkers', () => {
  const workers = shape<unknown[]>('workersList');

  test('a JSON list (the SDK shape); a missing status reads UNKNOWN', async () => {
    server.on('POST', '/get_endpoint_workers/', { json: workers });
    const result = await harness(server).client.getEndpointWorkers(7001);
    assert.equal(result.pending, undefined);
    assert.deepEqual(
      result.workers.map((w) => [w.id, w.status, w.gpu_name]),
      [
        [301, 'idle', 'RTX 4090'],
        [302, 'UNKNOWN', 'RTX 5090'],
      ],
    );
    const [req] = server.requests;
    assert.deepEqual(req.json, { id: 7001, api_key: USER_KEY });
    assert.equal(req.headers.authorization, `Bearer ${USER_KEY}`);
  });

  test('{workers:[…]} (the OpenAPI shape)', async () => {
    server.on('POST', '/get_endpoint_workers/', { json: { workers } });
    const result = await harness(server).client.getEndpointWorkers(7001);
    assert.deepEqual(
      result.workers.map((w) => w.id),
      [301, 302],
    );
  });

  test('{error_msg} while the endpoint spins up: no workers, the message kept', async () => {
    server.on('POST', '/get_endpoint_workers/', { json: shape('workersSpinningUp') });
    assert.deepEqual(await harness(server).client.getEndpointWorkers(7001), {
      workers: [],
      pending: 'authenticate_endpoint_apikey: endpoint not ready',
    });
  });

  test('any other shape is an invalid_response error', async () => {
    server.on('POST', '/get_endpoint_workers/', { json: { something: 'else' } });
    const err = await rejection(harness(server).client.getEndpointWorkers(7001));
    assert.ok(err instanceof VastApiError && err.code === 'invalid_response');
    assert.match(err.message, /getEndpointWorkers: expected a list of workers/);
  });
});

describe('getEndpointLogs', () => {
  test('POST /get_endpoint_logs/ {id, api_key, tail?} → {info0, info1, trace, debug}', async () => {
    server.on('POST', '/get_endpoint_logs/', { json: shape('logs') });
    const { client } = harness(server);
    assert.deepEqual(await client.getEndpointLogs(7001, 200), shape('logs'));
    await client.getEndpointLogs(7001);
    const [withTail, withoutTail] = server.requests;
    assert.deepEqual(withTail.json, { id: 7001, api_key: USER_KEY, tail: 200 });
    assert.deepEqual(withoutTail.json, { id: 7001, api_key: USER_KEY });
  });
});
