// The generic request layer: retries with backoff and a cap, 429 {detail} and Retry-After, timeouts, cancellation,
// non-JSON 2xx answers, network errors, and redaction of every key in errors and logs.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { VastApiError } from '../../../src/vast-api/errors';
import { FixtureServer, shape } from './fixtureServer';
import { ENDPOINT_KEY, harness, rejection, USER_KEY } from './helpers';

let server: FixtureServer;
before(async () => (server = await FixtureServer.start()));
after(() => server.close());
beforeEach(() => server.requests.splice(0));

describe('retries', () => {
  test('429 {detail} then success: one retry after min(2^0 + U, 5) s, the answer returned', async () => {
    server.on('GET', '/api/v0/deployments/', { status: 429, json: shape('rateLimited') }, { json: shape('deployments') });
    const { client, waits, logs } = harness(server);
    const list = await client.listDeployments();
    assert.equal(list.length, 2);
    assert.equal(server.requests.length, 2);
    assert.deepEqual(waits, [1500]); // random() = 0.5
    assert.ok(logs.some((l) => l.startsWith('warn') && l.includes('API requests too frequent')), logs.join('\n'));
  });

  test('Retry-After is honored (seconds), clipped to maxRetryAfterMs', async () => {
    server.on('GET', '/api/v0/deployments/', { status: 429, json: shape('rateLimited'), headers: { 'Retry-After': '3' } }, { json: shape('deployments') });
    const { client, waits } = harness(server);
    await client.listDeployments();
    assert.deepEqual(waits, [3000]);

    server.on('GET', '/api/v0/deployments/', { status: 503, text: 'busy', headers: { 'Retry-After': '3600' } }, { json: shape('deployments') });
    const clipped = harness(server, { maxRetryAfterMs: 10_000 });
    await clipped.client.listDeployments();
    assert.deepEqual(clipped.waits, [10_000]);
  });

  test('429 until the cap: the final error carries the detail, the status and the attempt count', async () => {
    server.on('GET', '/api/v0/deployment/41/', { status: 429, json: shape('rateLimited') });
    const { client, waits } = harness(server, { maxRetries: 2 });
    const err = await rejection(client.showDeployment(41));
    assert.ok(err instanceof VastApiError);
    assert.equal(err.status, 429);
    assert.equal(err.attempts, 3);
    assert.match(err.message, /^showDeployment: HTTP 429 from GET .*: API requests too frequent endpoint threshold=3\.0 \(gave up after 3 attempts\)$/);
    assert.equal(server.requests.length, 3);
    assert.deepEqual(waits, [1500, 2500]);
  });

  test('a 5xx storm stops at the default cap of 5 retries with backoff min(2^n + U, 5) s', async () => {
    server.on('POST', '/update_workers/', { status: 502, text: '<html>Bad Gateway</html>' });
    const { client, waits } = harness(server);
    const err = await rejection(client.updateWorkers(9001));
    assert.ok(err instanceof VastApiError);
    assert.equal(err.status, 502);
    assert.equal(err.code, 'http');
    assert.equal(server.requests.length, 6);
    assert.deepEqual(waits, [1500, 2500, 4500, 5000, 5000]);
    assert.match(err.message, /updateWorkers: HTTP 502 .*Bad Gateway.*gave up after 6 attempts/);
  });

  test('408 is retried; 404 and 401 are not', async () => {
    server.on('GET', '/api/v0/workergroups/', { status: 408, text: 'timeout' }, { json: shape('workergroups') });
    await harness(server).client.listWorkergroups();
    assert.equal(server.requests.length, 2);
    for (const status of [401, 404]) {
      server.requests.splice(0);
      server.on('GET', '/api/v0/workergroups/', { status, json: { detail: `status ${status}` } });
      const err = await rejection(harness(server).client.listWorkergroups());
      assert.ok(err instanceof VastApiError && err.status === status && err.attempts === 1);
      assert.equal(server.requests.length, 1);
    }
  });
});

describe('answers that are not usable', () => {
  test('a 2xx non-JSON body is an invalid_response error quoting the body', async () => {
    server.on('GET', '/api/v0/deployments/', { text: '<html>maintenance</html>', headers: { 'Content-Type': 'text/html' } });
    const err = await rejection(harness(server).client.listDeployments());
    assert.ok(err instanceof VastApiError);
    assert.equal(err.code, 'invalid_response');
    assert.equal(err.status, 200);
    assert.match(err.message, /listDeployments: HTTP 200 from GET .* is not JSON: <html>maintenance<\/html>/);
    assert.equal(server.requests.length, 1);
  });

  test('an empty 200 body is not JSON either', async () => {
    server.on('GET', '/api/v0/deployments/', { status: 200 });
    const err = await rejection(harness(server).client.listDeployments());
    assert.ok(err instanceof VastApiError && err.code === 'invalid_response');
    assert.match(err.message, /is not JSON: \(empty body\)/);
  });

  test('connection refused is a network error naming the URL (redacted)', async () => {
    const closed = await FixtureServer.start();
    const url = closed.url;
    await closed.close();
    const { client } = harness(server, {}, { kind: 'local', consoleUrl: url, autoscalerUrl: url, apiKey: USER_KEY });
    const err = await rejection(client.listDeployments());
    assert.ok(err instanceof VastApiError);
    assert.equal(err.code, 'network');
    assert.equal(err.status, 0);
    assert.match(err.message, /listDeployments: cannot reach GET http:\/\/127\.0\.0\.1:\d+\/api\/v0\/deployments\/\?api_key=\*\*\*: .*ECONNREFUSED/);
  });
});

describe('timeouts and cancellation', () => {
  test('a request that never answers times out after timeoutMs with a timeout error', async () => {
    server.on('GET', '/api/v0/deployments/', { hang: true });
    const { client } = harness(server, { timeoutMs: 150 });
    const err = await rejection(client.listDeployments());
    assert.ok(err instanceof VastApiError);
    assert.equal(err.code, 'timeout');
    assert.match(err.message, /listDeployments: GET .* timed out after 0\.15 s/);
  });

  test('aborting stops an in-flight request with an AbortError', async () => {
    server.on('GET', '/api/v0/deployments/', { hang: true });
    const controller = new AbortController();
    const { client } = harness(server, { timeoutMs: 60_000 });
    const pending = client.listDeployments(controller.signal);
    setTimeout(() => controller.abort(), 30);
    const err = await rejection(pending);
    assert.ok(err instanceof Error);
    assert.equal(err.name, 'AbortError');
  });

  test('aborting during a retry backoff stops the wait (real sleep) and makes no further request', async () => {
    server.on('GET', '/api/v0/deployments/', { status: 503, text: 'busy' });
    const controller = new AbortController();
    // The real sleep: the first backoff is ≥ 1 s; aborting ends it at once.
    const { client } = harness(server, { sleep: undefined, logger: { debug: () => {}, warn: () => controller.abort() } });
    const err = await rejection(client.listDeployments(controller.signal));
    assert.ok(err instanceof Error && err.name === 'AbortError', String(err));
    assert.equal(server.requests.length, 1);
  });

  test('an already aborted signal sends nothing', async () => {
    server.on('GET', '/api/v0/deployments/', { json: shape('deployments') });
    const err = await rejection(harness(server).client.listDeployments(AbortSignal.abort()));
    assert.ok(err instanceof Error && err.name === 'AbortError');
    assert.equal(server.requests.length, 0);
  });
});

describe('injection', () => {
  test('an injected fetch carries every request, with the headers the client built', async () => {
    server.on('GET', '/api/v0/deployments/', { json: shape('deployments') });
    const seen: { url: string; auth: string | null }[] = [];
    const { client } = harness(server, {
      fetch: async (input, init) => {
        seen.push({ url: String(input), auth: new Headers(init?.headers as Record<string, string>).get('authorization') });
        return new Response(JSON.stringify(shape('deployments')), { status: 200 }) as never;
      },
    });
    assert.equal((await client.listDeployments()).length, 2);
    assert.deepEqual(seen, [{ url: `${server.url}/api/v0/deployments/?api_key=${USER_KEY}`, auth: `Bearer ${USER_KEY}` }]);
    assert.equal(server.requests.length, 0, 'nothing reached the network');
  });

  test('a malformed URL is a clear error, not a crash inside fetch', async () => {
    const { client } = harness(server);
    await assert.rejects(client.uploadBundle('not a url', {}, Buffer.alloc(1), 'x.tar.gz'), /uploadBundle: "not a url" is not a valid URL/);
  });
});

describe('redaction', () => {
  test('errors never contain the API key: URL, message and echoed body are masked', async () => {
    server.on('PUT', '/api/v0/deployments/', (req) => ({
      status: 400,
      json: { error: `bad request ${req.headers.authorization} for key ${req.query.api_key}`, echo: req.json },
    }));
    const { client, logs } = harness(server);
    const err = await rejection(client.putDeployment({ api_key_should_not_matter: USER_KEY } as never));
    assert.ok(err instanceof VastApiError);
    const everything = [err.message, err.url, err.body, err.stack ?? '', ...logs].join('\n');
    assert.ok(!everything.includes(USER_KEY), everything);
    assert.match(err.url, /\?api_key=\*\*\*$/);
    assert.match(err.message, /bad request Bearer \*\*\* for key \*\*\*/);
    assert.ok(logs.some((l) => l.includes('api_key=***')), 'the debug log shows the masked URL');
  });

  test('endpoint keys the client learns are masked too', async () => {
    server.on('GET', '/api/v0/endptjobs/7001/', { json: shape('endpoint') });
    server.on('POST', '/get_endpoint_workers/', { status: 403, text: `endpoint key ${ENDPOINT_KEY} is not allowed here` });
    const { client, logs } = harness(server, { maxRetries: 0 });
    await client.getEndpoint(7001);
    const err = await rejection(client.getEndpointWorkers(7001));
    assert.ok(err instanceof VastApiError);
    assert.ok(!err.message.includes(ENDPOINT_KEY) && !err.body.includes(ENDPOINT_KEY), err.message);
    assert.match(err.message, /endpoint key \*\*\* is not allowed/);
    assert.ok(!logs.join('\n').includes(ENDPOINT_KEY));
    assert.equal(client.redact(`x ${ENDPOINT_KEY} y ${USER_KEY}`), 'x *** y ***');
  });
});
