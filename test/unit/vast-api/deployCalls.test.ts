// ensure_ready's calls (docs/protocol.md, "Deploy"): PUT deployment for each action, the S3 upload, update_workers,
// the workergroup lookup and the TTL heartbeat; every request checked for auth, User-Agent and body as the SDK sends
// them.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { VastApiError } from '../../../src/vast-api/errors';
import { USER_AGENT } from '../../../src/vast-api/version';
import type { DeploymentPutBody, DeploymentPutResponse } from '../../../src/shared/protocol/vast';
import { FixtureServer, parseMultipart, shape } from './fixtureServer';
import { harness, rejection, USER_KEY } from './helpers';

let server: FixtureServer;
before(async () => (server = await FixtureServer.start()));
after(() => server.close());
beforeEach(() => server.requests.splice(0));

const BODY: DeploymentPutBody = {
  name: 'square',
  image: 'vastai/base-image:@vastai-automatic-tag',
  file_hash: 'bb'.repeat(32),
  file_size: 1234,
  env: '-p 3000:3000/tcp -e REPORT_ADDR=https://run.vast.ai',
  tag: 'default',
  search_params: 'verified=true rentable=true rented=false',
  storage: 20,
  ttl: 600,
  cold_workers: 1,
  max_workers: 4,
};

describe('putDeployment', () => {
  for (const action of ['putCreated', 'putSoftUpdate', 'putAutoscaleUpdate', 'putExists']) {
    test(`${action}: PUT /api/v0/deployments/ with Bearer + ?api_key, JSON body, answer returned as is`, async () => {
      server.on('PUT', '/api/v0/deployments/', { json: shape(action) });
      const { client } = harness(server);
      const answer = await client.putDeployment(BODY);
      assert.deepEqual(answer, shape<DeploymentPutResponse>(action));
      const [req] = server.requestsTo('PUT', '/api/v0/deployments/');
      assert.equal(req.headers.authorization, `Bearer ${USER_KEY}`);
      assert.deepEqual(req.query, { api_key: USER_KEY });
      assert.equal(req.headers['user-agent'], USER_AGENT);
      assert.equal(req.headers['content-type'], 'application/json');
      // Key order is part of the wire format (the SDK's dataclass order), so compare the raw text.
      assert.equal(req.body.toString('utf8'), JSON.stringify(BODY));
    });
  }

  test('pythonFloats: those fields go out as Python floats (16.0), in the SDK\'s key order, the rest unchanged', async () => {
    server.on('PUT', '/api/v0/deployments/', { json: shape('putCreated') });
    const { client } = harness(server);
    await client.putDeployment({ ...BODY, storage: 16, ttl: 600, min_load: 0.5 }, undefined, ['storage', 'ttl', 'min_load']);
    const [req] = server.requestsTo('PUT', '/api/v0/deployments/');
    const text = req.body.toString('utf8');
    assert.match(text, /"file_hash":"b+","file_size":1234,"env"/);
    assert.match(text, /"storage":16\.0,"ttl":600\.0,/);
    assert.match(text, /"cold_workers":1,"max_workers":4,"min_load":0\.5\}$/);
  });

  test('an answer without action/deployment_id is an invalid_response error naming the call', async () => {
    server.on('PUT', '/api/v0/deployments/', { json: { success: true } });
    const err = await rejection(harness(server).client.putDeployment(BODY));
    assert.ok(err instanceof VastApiError);
    assert.equal(err.code, 'invalid_response');
    assert.match(err.message, /^putDeployment: .*action\/deployment_id/);
  });

  test('a 400 surfaces the server message and status, not retried', async () => {
    server.on('PUT', '/api/v0/deployments/', { status: 400, json: { success: false, error: 'invalid search_params: gpu_nam' } });
    const err = await rejection(harness(server).client.putDeployment(BODY));
    assert.ok(err instanceof VastApiError);
    assert.equal(err.status, 400);
    assert.equal(err.method, 'PUT');
    assert.match(err.message, /putDeployment: HTTP 400 .*invalid search_params: gpu_nam/);
    assert.equal(server.requests.length, 1);
  });
});

describe('uploadBundle', () => {
  const tarball = Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 0xff, 0x0d, 0x0a]);

  test('multipart POST: server fields in order, then file last as application/gzip; no Vast auth', async () => {
    server.on('POST', '/s3-bucket', { status: 204 });
    const fields = shape<DeploymentPutResponse>('putCreated').upload_fields!;
    await harness(server).client.uploadBundle(`${server.url}/s3-bucket`, fields, tarball, 'deployment-41.tar.gz');
    const [req] = server.requestsTo('POST', '/s3-bucket');
    assert.equal(req.headers.authorization, undefined);
    assert.deepEqual(req.query, {});
    assert.match(String(req.headers['content-type']), /^multipart\/form-data; boundary=/);
    const parts = parseMultipart(req.body, String(req.headers['content-type']));
    assert.deepEqual(
      parts.map((p) => p.name),
      [...Object.keys(fields), 'file'],
    );
    for (const [name, value] of Object.entries(fields)) assert.equal(parts.find((p) => p.name === name)!.content.toString(), value);
    // Text fields carry aiohttp FormData's part header, as the SDK's upload sends them.
    for (const part of parts.slice(0, -1)) assert.equal(part.contentType, 'text/plain; charset=utf-8', part.name);
    assert.match(req.body.toString('latin1'), /\r\nContent-Type: application\/gzip\r\nContent-Disposition: form-data; name="file"; filename="deployment-41\.tar\.gz"\r\n\r\n/);
    const file = parts.at(-1)!;
    assert.equal(file.filename, 'deployment-41.tar.gz');
    assert.equal(file.contentType, 'application/gzip');
    assert.deepEqual(file.content, tarball);
  });

  test('200 and 201 also count as success', async () => {
    for (const status of [200, 201]) {
      server.on('POST', '/s3-bucket', { status, text: '<PostResponse/>' });
      await harness(server).client.uploadBundle(`${server.url}/s3-bucket`, { key: 'k' }, tarball, 'b.tar.gz');
    }
  });

  test('403 with an S3 XML body: error with status and the XML text', async () => {
    server.on('POST', '/s3-bucket', { status: 403, text: shape<string>('s3Denied'), headers: { 'Content-Type': 'application/xml' } });
    const err = await rejection(harness(server).client.uploadBundle(`${server.url}/s3-bucket`, { key: 'k' }, tarball, 'b.tar.gz'));
    assert.ok(err instanceof VastApiError);
    assert.equal(err.status, 403);
    assert.equal(err.call, 'uploadBundle');
    assert.match(err.message, /uploadBundle: HTTP 403 .*AccessDenied.*Policy expired/);
    assert.match(err.body, /<Code>AccessDenied<\/Code>/);
    assert.equal(server.requests.length, 1);
  });
});

describe('updateWorkers and findWorkergroupId', () => {
  test('POST {autoscaler}/update_workers/ with {workergroup_id, api_key}', async () => {
    server.on('POST', '/update_workers/', { json: shape('updateWorkers') });
    const answer = await harness(server).client.updateWorkers(9001);
    assert.deepEqual(answer, { success: true, workers_to_update: 2 });
    const [req] = server.requestsTo('POST', '/update_workers/');
    assert.equal(req.body.toString(), JSON.stringify({ workergroup_id: 9001, api_key: USER_KEY }));
    assert.equal(req.headers.authorization, `Bearer ${USER_KEY}`);
    assert.equal(req.query.api_key, USER_KEY);
  });

  test('cancel adds cancel_update: true', async () => {
    server.on('POST', '/update_workers/', { json: { success: true, cancelled: true } });
    assert.deepEqual(await harness(server).client.updateWorkers(9001, { cancel: true }), { success: true, cancelled: true });
    assert.deepEqual(server.requests[0].json, { workergroup_id: 9001, api_key: USER_KEY, cancel_update: true });
  });

  test('{success:false, error_msg} is a rejected error with the server message', async () => {
    server.on('POST', '/update_workers/', { json: { success: false, error_msg: 'workergroup 9001 has no workers' } });
    const err = await rejection(harness(server).client.updateWorkers(9001));
    assert.ok(err instanceof VastApiError);
    assert.equal(err.code, 'rejected');
    assert.match(err.message, /updateWorkers: .*workergroup 9001 has no workers/);
  });

  test('findWorkergroupId picks the workergroup of the endpoint from GET /api/v0/workergroups/', async () => {
    server.on('GET', '/api/v0/workergroups/', { json: shape('workergroups') });
    const { client } = harness(server);
    assert.equal(await client.findWorkergroupId(7001), 9001);
    assert.equal(await client.findWorkergroupId(6000), 8999);
    await assert.rejects(client.findWorkergroupId(1234), /endpoint 1234 has no workergroup/);
  });
});

describe('heartbeat', () => {
  test('POST /api/v0/deployment/{id}/heartbeat/ with Bearer only: no ?api_key, no body', async () => {
    server.on('POST', '/api/v0/deployment/41/heartbeat/', { json: { success: true } });
    await harness(server).client.heartbeat(41);
    const [req] = server.requests;
    assert.equal(req.headers.authorization, `Bearer ${USER_KEY}`);
    assert.deepEqual(req.query, {});
    assert.equal(req.body.length, 0);
    assert.equal(req.headers['content-type'], undefined);
  });

  test('startHeartbeat beats at once, then every min(ttl/2, 60) s, logs failures, stops on abort', async () => {
    server.on('POST', '/api/v0/deployment/41/heartbeat/', { json: { success: true } }, { status: 404, json: { error: 'no such deployment' } }, { json: { success: true } });
    const controller = new AbortController();
    const { client, waits, logs } = harness(server, {
      maxRetries: 0,
      sleep: async (ms, signal) => {
        waits.push(ms);
        if (waits.length === 3) controller.abort();
        signal?.throwIfAborted();
      },
    });
    await client.startHeartbeat(41, 600, controller.signal);
    assert.equal(server.requests.length, 3);
    assert.deepEqual(waits, [60_000, 60_000, 60_000]);
    assert.equal(logs.filter((l) => l.startsWith('warn') && /heartbeat failed.*HTTP 404.*no such deployment/.test(l)).length, 1);

    waits.splice(0);
    server.requests.splice(0);
    const second = new AbortController();
    const short = harness(server, { sleep: async (ms) => void (waits.push(ms), second.abort()) });
    await short.client.startHeartbeat(41, 30, second.signal);
    assert.deepEqual(waits, [15_000]);
  });

  test('startHeartbeat refuses a non-positive ttl', async () => {
    await assert.rejects(harness(server).client.startHeartbeat(41, 0, new AbortController().signal), /ttl must be a positive/);
  });
});
