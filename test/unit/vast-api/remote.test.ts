// The remote-call path (docs/protocol.md, "A remote call"): /route/ polling with the same request_idx until a worker
// is ready, the worker call, and callRemote's capped re-route-and-retry policy; cancellation and deadlines end every
// wait at once.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { VastApiError } from '../../../src/vast-api/errors';
import { runRemote } from '../../../src/deploy/runRemote';
import type { RouteReady, RouteWaiting } from '../../../src/shared/protocol/vast';
import { displayJsonText, unwrapResult } from '../../../src/vast-api/wire';
import { FixtureServer, shape } from './fixtureServer';
import { ENDPOINT_KEY, harness, rejection } from './helpers';

let server: FixtureServer;
before(async () => (server = await FixtureServer.start()));
after(() => server.close());
beforeEach(() => server.requests.splice(0));

const ENDPOINT = { endpoint_name: 'square', api_key: ENDPOINT_KEY };
const ready = () => shape<RouteReady>('routeReady', { WORKER_URL: server.url });
const payload = { kwargs: { x: 7 } };

describe('route and routeUntilReady', () => {
  test('one route POST: endpoint key as Bearer + ?api_key, the SDK body', async () => {
    server.on('POST', '/route/', { json: ready() });
    const answer = await harness(server).client.route({ endpoint: 'square', api_key: ENDPOINT_KEY, cost: 100, request_idx: 0, replay_timeout: 60 });
    assert.equal(answer.url, server.url);
    const [req] = server.requests;
    assert.equal(req.headers.authorization, `Bearer ${ENDPOINT_KEY}`);
    assert.equal(req.query.api_key, ENDPOINT_KEY);
    assert.equal(req.body.toString(), '{"endpoint":"square","api_key":"endpoint-key-7001-secret","cost":100,"request_idx":0,"replay_timeout":60.0}');
  });

  test('route is not retried on 5xx', async () => {
    server.on('POST', '/route/', { status: 503, text: 'down' });
    const err = await rejection(harness(server).client.route({ endpoint: 'square', api_key: ENDPOINT_KEY, cost: 100, request_idx: 0, replay_timeout: 60 }));
    assert.ok(err instanceof VastApiError && err.status === 503);
    assert.equal(server.requests.length, 1);
  });

  test('waiting → waiting → ready: reports each status, reuses the returned request_idx, waits 1 s then U(0.1, …)', async () => {
    server.on('POST', '/route/', { json: shape('routeWaiting') }, { json: shape('routeWaiting2') }, { json: ready() });
    const seen: RouteWaiting[] = [];
    const { client, waits } = harness(server);
    const authData = await client.routeUntilReady(ENDPOINT, { onWaiting: (w) => seen.push(w) });
    assert.deepEqual(authData, ready());
    assert.deepEqual(
      seen.map((w) => w.status),
      ['Stopped', '1 loading'],
    );
    assert.deepEqual(
      server.requests.map((r) => (r.json as { request_idx: number }).request_idx),
      [0, 12, 12],
    );
    // random() = 0.5: the second wait is 0.1 + 0.5 × (min(2 + 0.5, 5) − 0.1) = 1.3 s.
    assert.equal(waits.length, 2);
    assert.equal(waits[0], 1000);
    assert.ok(Math.abs(waits[1] - 1300) < 1e-6, String(waits[1]));
  });

  test('abort mid-wait: the real sleep ends at once with an AbortError, no further route', async () => {
    server.on('POST', '/route/', { json: shape('routeWaiting') });
    const controller = new AbortController();
    const { client } = harness(server, { sleep: undefined });
    const err = await rejection(client.routeUntilReady(ENDPOINT, { signal: controller.signal, onWaiting: () => setTimeout(() => controller.abort(), 5) }));
    assert.ok(err instanceof Error && err.name === 'AbortError', String(err));
    assert.equal(server.requests.length, 1);
  });

  test('timeoutMs: a timeout error carrying the last waiting status', async () => {
    server.on('POST', '/route/', { json: shape('routeWaiting') });
    let clock = 0;
    const { client } = harness(server, {
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
    });
    const err = await rejection(client.routeUntilReady(ENDPOINT, { timeoutMs: 4000 }));
    assert.ok(err instanceof VastApiError);
    assert.equal(err.code, 'timeout');
    assert.match(err.message, /no worker of endpoint 'square' became ready within 4 s \(last status: Stopped\)/);
    assert.ok(server.requests.length >= 2);
  });
});

describe('callWorker', () => {
  test('POST {url}/remote/{fname} with {auth_data, session_id: null, payload} and the endpoint key', async () => {
    server.on('POST', '/remote/square', { json: shape('workerOk') });
    const response = await harness(server).client.callWorker(ready(), 'square', payload, ENDPOINT_KEY);
    assert.deepEqual(response, { result: { ok: 49 } });
    const [req] = server.requests;
    assert.equal(req.headers.authorization, `Bearer ${ENDPOINT_KEY}`);
    assert.equal(req.query.api_key, ENDPOINT_KEY);
    assert.deepEqual(req.json, { auth_data: ready(), session_id: null, payload });
  });

  test('{result: {err}} is a normal answer (the caller deserializes the exception)', async () => {
    server.on('POST', '/remote/square', { json: shape('workerErr') });
    assert.deepEqual(await harness(server).client.callWorker(ready(), 'square', payload, ENDPOINT_KEY), shape('workerErr'));
  });

  test('a 2xx without result.ok/err is an invalid_response error', async () => {
    server.on('POST', '/remote/square', { json: { hello: 'world' } });
    const err = await rejection(harness(server).client.callWorker(ready(), 'square', payload, ENDPOINT_KEY));
    assert.ok(err instanceof VastApiError && err.code === 'invalid_response');
  });

  test('a name that is not a Python identifier is refused before any request', async () => {
    await assert.rejects(harness(server).client.callWorker(ready(), '../admin', payload, ENDPOINT_KEY), /not a Python function name/);
    assert.equal(server.requests.length, 0);
  });
});

describe('callRemote', () => {
  beforeEach(() => server.on('GET', '/api/v0/endptjobs/7001/', { json: shape('endpoint') }));

  test('endpoint lookup (cached), route until ready, call: result, worker URL, timings, attempts', async () => {
    server.on('POST', '/route/', { json: shape('routeWaiting') }, { json: ready() });
    server.on('POST', '/remote/square', { json: shape('workerOk') });
    const waiting: string[] = [];
    const { client } = harness(server);
    const first = await client.callRemote(7001, 'square', payload, { onWaiting: (w) => waiting.push(w.status) });
    assert.deepEqual(first.response, { result: { ok: 49 } });
    assert.equal(first.workerUrl, server.url);
    assert.equal(first.attempts, 1);
    assert.ok(first.routeMs >= 0 && first.callMs >= 0);
    assert.deepEqual(waiting, ['Stopped']);
    const routeBody = server.requestsTo('POST', '/route/')[0].json as Record<string, unknown>;
    assert.equal(routeBody.endpoint, 'square');
    assert.equal(routeBody.api_key, ENDPOINT_KEY);

    await client.callRemote(7001, 'square', payload);
    assert.equal(server.requestsTo('GET', '/api/v0/endptjobs/7001/').length, 1, 'endpoint data is cached');
  });

  test('a worker 429 (queue full, refused before the call) re-routes and retries; success on the third attempt', async () => {
    server.on('POST', '/route/', { json: ready() });
    server.on('POST', '/remote/square', { status: 429, text: 'Too Many Requests' }, { status: 429, json: { detail: 'queue full' } }, { json: shape('workerOk') });
    const retries: number[] = [];
    const { client, waits } = harness(server);
    const result = await client.callRemote(7001, 'square', payload, { onRetry: (_e, n) => retries.push(n) });
    assert.equal(result.attempts, 3);
    assert.equal(server.requestsTo('POST', '/route/').length, 3, 'each retry routes again');
    // With the request index the last answer gave (12), as the SDK's retry loop re-routes.
    assert.deepEqual(server.requestsTo('POST', '/route/').map((r) => (r.json as { request_idx: number }).request_idx), [0, 12, 12]);
    assert.deepEqual(retries, [1, 2]);
    assert.deepEqual(waits, [1500, 2500]);
  });

  test('a worker 429 storm hits the cap: maxRetries + 1 attempts, then an error naming the function and the last failure', async () => {
    server.on('POST', '/route/', { json: ready() });
    server.on('POST', '/remote/square', { status: 429, text: 'estimated queue wait 40.0 s exceeds max_queue_time 30 s' });
    const { client } = harness(server);
    const err = await rejection(client.callRemote(7001, 'square', payload, { maxRetries: 3 }));
    assert.ok(err instanceof VastApiError);
    assert.equal(err.status, 429);
    assert.equal(err.attempts, 4);
    assert.equal(server.requestsTo('POST', '/remote/square').length, 4);
    assert.match(err.message, /callRemote: 'square' on endpoint 7001 gave up after 4 attempts; last error: callWorker: HTTP 429 .*exceeds max_queue_time/);
  });

  test('the default cap is 5 retries, never endless', async () => {
    server.on('POST', '/route/', { json: ready() });
    server.on('POST', '/remote/square', { status: 429, text: 'busy' });
    const err = await rejection(harness(server).client.callRemote(7001, 'square', payload));
    assert.ok(err instanceof VastApiError && err.attempts === 6);
    assert.equal(server.requestsTo('POST', '/remote/square').length, 6);
  });

  // The worker answers 5xx after the function ran (it raised while its result was written, or the worker broke), and
  // a dropped connection says nothing about whether it ran: a retry would run the user's function again. The SDK
  // retries both forever.
  for (const [what, reply] of [
    ['a worker 500 after the function ran', { status: 500, text: 'TypeError: Object of type bool is not JSON serializable' }],
    ['a worker 503', { status: 503, text: 'busy' }],
    ['a connection dropped mid-call', { drop: true }],
  ] as const) {
    test(`${what} is not sent again: one call, an error saying why`, async () => {
      server.on('POST', '/route/', { json: ready() });
      server.on('POST', '/remote/square', reply, { json: shape('workerOk') });
      const retries: number[] = [];
      const err = await rejection(harness(server).client.callRemote(7001, 'square', payload, { onRetry: (_e, n) => retries.push(n) }));
      assert.ok(err instanceof VastApiError, String(err));
      assert.equal(server.requestsTo('POST', '/remote/square').length, 1, 'the worker got the call once');
      assert.equal(server.requestsTo('POST', '/route/').length, 1);
      assert.deepEqual(retries, []);
      assert.match(err.message, /^callWorker: .*not retried: the worker had received the call, so the function may have run/);
      if ('status' in reply) {
        assert.equal(err.status, reply.status);
        assert.match(err.body, new RegExp(reply.text.slice(0, 10)));
      } else assert.equal(err.code, 'network');
    });
  }

  test('integers beyond 2^53 in the answer stay exact, and print exactly as `vast-deploy run` prints results', async () => {
    server.on('POST', '/route/', { json: ready() });
    const answer = '{"result": {"ok": {"type": "list", "contents": [9223372036854775809, -18446744073709551617, 12, 0.5]}}}';
    server.on('POST', '/remote/square', { raw: Buffer.from(answer), headers: { 'Content-Type': 'application/json' } });
    const { response } = await harness(server).client.callRemote(7001, 'square', payload);
    const value = unwrapResult(response);
    assert.deepEqual(value, [2n ** 63n + 1n, -(2n ** 64n) - 1n, 12, 0.5]);
    assert.equal(displayJsonText(value, 0), '[9223372036854775809,-18446744073709551617,12,0.5]');
  });

  test('a refused connection to the worker (the call never reached it) re-routes', async () => {
    const gone = await FixtureServer.start();
    const deadUrl = gone.url;
    await gone.close();
    server.on('POST', '/route/', { json: shape('routeReady', { WORKER_URL: deadUrl }) }, { json: ready() });
    server.on('POST', '/remote/square', { json: shape('workerOk') });
    const result = await harness(server).client.callRemote(7001, 'square', payload);
    assert.equal(result.attempts, 2);
    assert.equal(result.workerUrl, server.url);
  });

  test('a refused endpoint key (401 from /route/) refetches the endpoint once, then routes with the new key', async () => {
    const fresh = { result: { ...shape<{ result: object }>('endpoint').result, api_key: 'endpoint-key-7001-rotated' } };
    server.on('GET', '/api/v0/endptjobs/7001/', { json: shape('endpoint') }, { json: fresh });
    server.on('POST', '/route/', (req) => ((req.json as { api_key: string }).api_key === 'endpoint-key-7001-rotated' ? { json: ready() } : { status: 401, json: { detail: 'bad endpoint key' } }));
    server.on('POST', '/remote/square', { json: shape('workerOk') });
    const result = await harness(server).client.callRemote(7001, 'square', payload);
    assert.equal(result.attempts, 1);
    assert.equal(server.requestsTo('GET', '/api/v0/endptjobs/7001/').length, 2);
    assert.equal(server.requestsTo('POST', '/remote/square')[0].headers.authorization, 'Bearer endpoint-key-7001-rotated');

    server.requests.splice(0);
    server.on('GET', '/api/v0/endptjobs/7001/', { json: shape('endpoint') });
    server.on('POST', '/route/', { status: 401, json: { detail: 'bad endpoint key' } });
    const err = await rejection(harness(server).client.callRemote(7001, 'square', payload));
    assert.ok(err instanceof VastApiError && err.status === 401);
    assert.equal(server.requestsTo('POST', '/route/').length, 2, 'one refetch, not a loop');
  });

  test('a /route/ POST that times out is retried like a connection error', async () => {
    server.on('POST', '/route/', { hang: true }, { json: ready() });
    server.on('POST', '/remote/square', { json: shape('workerOk') });
    const result = await harness(server, { routeTimeoutMs: 500 }).client.callRemote(7001, 'square', payload);
    assert.equal(result.attempts, 2);
  });

  test('a non-retryable status (401, 422) fails at once with status and body text', async () => {
    server.on('POST', '/route/', { json: ready() });
    server.on('POST', '/remote/square', { status: 422, json: { auth_data: { signature: 'missing parameter' } } });
    const err = await rejection(harness(server).client.callRemote(7001, 'square', payload));
    assert.ok(err instanceof VastApiError);
    assert.equal(err.status, 422);
    assert.match(err.body, /missing parameter/);
    assert.match(err.message, /callWorker: HTTP 422/);
    assert.equal(server.requestsTo('POST', '/remote/square').length, 1);
  });

  test('timeoutMs bounds the whole call, including the route wait', async () => {
    server.on('POST', '/route/', { json: shape('routeWaiting') });
    const { client } = harness(server, { sleep: undefined });
    const err = await rejection(client.callRemote(7001, 'square', payload, { timeoutMs: 200 }));
    assert.ok(err instanceof VastApiError);
    assert.equal(err.code, 'timeout');
    assert.match(err.message, /callRemote: 'square' on endpoint 7001 got no result within 0\.2 s \(still waiting for a worker; last status: Stopped\)/);
  });

  test('abort while the worker computes ends the call with an AbortError', async () => {
    server.on('POST', '/route/', { json: ready() });
    server.on('POST', '/remote/square', { hang: true });
    const controller = new AbortController();
    const pending = harness(server).client.callRemote(7001, 'square', payload, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const err = await rejection(pending);
    assert.ok(err instanceof Error && err.name === 'AbortError', String(err));
  });
});

describe('runRemote: finding the endpoint', () => {
  const identity = { name: 'square', tag: 'default' };
  const calls = () => server.requests.map((r) => `${r.method} ${r.path}`);
  const putBody = { name: 'square', image: 'img', file_hash: 'bb', file_size: 1, env: '', tag: 'default', search_params: '', storage: 16 };

  beforeEach(() => {
    server.on('GET', '/api/v0/deployments/', { json: shape('deployments') });
    server.on('GET', '/api/v0/endptjobs/7001/', { json: shape('endpoint') });
    server.on('POST', '/route/', { json: ready() });
    server.on('POST', '/remote/square', { json: shape('workerOk') });
    server.on('PUT', '/api/v0/deployments/', { json: shape('putCreated') });
  });

  test('a fresh client looks the endpoint up by (name, tag): one GET /api/v0/deployments/ first', async () => {
    const result = await runRemote(harness(server).client, identity, 'square', { x: 7 });
    assert.equal(result.value, 49);
    assert.deepEqual(calls(), ['GET /api/v0/deployments/', 'GET /api/v0/endptjobs/7001/', 'POST /route/', 'POST /remote/square']);
  });

  test('after its own PUT, the client calls the endpoint the PUT answered with, as the SDK does: no lookup', async () => {
    const { client } = harness(server);
    await client.putDeployment(putBody);
    await runRemote(client, identity, 'square', { x: 7 });
    assert.deepEqual(calls(), ['PUT /api/v0/deployments/', 'GET /api/v0/endptjobs/7001/', 'POST /route/', 'POST /remote/square']);
  });

  test('an endpoint gone since the PUT (404) is looked up again, once', async () => {
    const { client } = harness(server);
    await client.putDeployment(putBody);
    server.on('GET', '/api/v0/endptjobs/7001/', { status: 404, json: { success: false, error: 'no such endpoint' } }, { json: shape('endpoint') });
    await runRemote(client, identity, 'square', { x: 7 });
    assert.deepEqual(calls(), [
      'PUT /api/v0/deployments/',
      'GET /api/v0/endptjobs/7001/',
      'GET /api/v0/deployments/',
      'GET /api/v0/endptjobs/7001/',
      'POST /route/',
      'POST /remote/square',
    ]);
  });
});
