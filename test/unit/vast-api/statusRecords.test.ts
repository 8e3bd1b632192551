// `vast-deploy status` with a broken deployment record (a hand-edited engine state file): that deployment shows what
// is wrong with it, and the others still show (before, the whole command failed with the server's 422).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { VastApiError } from '../../../src/vast-api/errors';
import { collectStatus, formatStatusText } from '../../../src/cli/status';
import { FixtureServer } from './fixtureServer';
import { harness, rejection } from './helpers';

let server: FixtureServer;
before(async () => (server = await FixtureServer.start()));
after(() => server.close());

const deployment = (id: number, endpointId: unknown) => ({ id, name: `d${id}`, tag: 'default', endpoint_id: endpointId });

function serve(deployments: unknown[], workers: (req: { json?: unknown }) => { status?: number; json: unknown }): void {
  server.on('GET', '/api/v0/deployments/', { json: { deployments } });
  server.on('GET', '/api/v0/endptjobs/', { json: { results: [] } });
  server.on('GET', '/api/v0/workergroups/', { json: { results: [] } });
  server.on('POST', '/get_endpoint_workers/', workers);
}

test('a record whose endpoint_id is not an id, or whose workers the server refuses, shows its problem; the rest show', async () => {
  serve([deployment(1, 'x'), deployment(2, 7), deployment(3, 8)], (req) => {
    const id = (req.json as { id: number }).id;
    return id === 8 ? { status: 422, json: { error: 'endpoint 8 has a broken record' } } : { json: [{ id: 70, status: 'idle' }] };
  });
  const rows = await collectStatus(harness(server).client);
  assert.deepEqual(
    rows.map((r) => [r.deployment.id, r.workers.length]),
    [[1, 0], [2, 1], [3, 0]],
  );
  const text = formatStatusText(rows, 'the local engine');
  assert.match(text, /d1:default[^]*cannot list workers: its record has endpoint_id "x", not an endpoint id/);
  assert.match(text, /d2:default[^]*worker 70: idle/);
  assert.match(text, /d3:default[^]*cannot list workers: getEndpointWorkers: HTTP 422 .*broken record/);
  assert.ok(!server.requestsTo('POST', '/get_endpoint_workers/').some((r) => (r.json as { id: unknown }).id === 'x'), 'no call for a broken id');
});

test('a server failure (5xx after retries, or no connection) still fails the command', async () => {
  serve([deployment(2, 7)], () => ({ status: 500, json: { error: 'down' } }));
  const err = await rejection(collectStatus(harness(server, { maxRetries: 0 }).client));
  assert.ok(err instanceof VastApiError && err.status === 500, String(err));
});
