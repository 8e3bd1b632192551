// A worker's price: `GET /api/v0/instances/{id}/?owner=me` with the key as a Bearer header (as `vastai show
// instance` sends it), the instance's dph_total read, an account without the instance answered as null, and an
// answer that is not an instance refused.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { VastApiError } from '../../../src/vast-api/errors';
import { FixtureServer } from './fixtureServer';
import { harness, rejection, USER_KEY } from './helpers';

let server: FixtureServer;
before(async () => (server = await FixtureServer.start()));
after(() => server.close());
beforeEach(() => server.requests.splice(0));

describe('showInstance', () => {
  test('GETs the instance with ?owner=me and Bearer auth, and reads its dph_total', async () => {
    server.on('GET', '/api/v0/instances/41/', { json: { instances: { id: 41, dph_total: 0.452, actual_status: 'running' } } });
    const instance = await harness(server).client.showInstance(41);
    assert.equal(instance?.dph_total, 0.452);
    const [req] = server.requestsTo('GET', '/api/v0/instances/41/');
    assert.deepEqual(req!.query, { owner: 'me' });
    assert.equal(req!.headers.authorization, `Bearer ${USER_KEY}`);
  });

  test('no such instance: null; a price that is not a number: null price', async () => {
    server.on('GET', '/api/v0/instances/42/', { json: { instances: null } });
    server.on('GET', '/api/v0/instances/43/', { json: { instances: { id: 43, dph_total: 'n/a' } } });
    assert.equal(await harness(server).client.showInstance(42), null);
    assert.equal((await harness(server).client.showInstance(43))?.dph_total, null);
  });

  test('an answer without "instances" is an invalid_response error', async () => {
    server.on('GET', '/api/v0/instances/44/', { json: { success: true } });
    const err = await rejection(harness(server).client.showInstance(44));
    assert.ok(err instanceof VastApiError);
    assert.equal(err.code, 'invalid_response');
  });
});
