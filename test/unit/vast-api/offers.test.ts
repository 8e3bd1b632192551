// Offer search on the wire: the request `vastai search offers` makes (POST /api/v0/bundles/, Bearer only, the CLI's
// body), the answer read into typed offers, 429 backoff that honours Retry-After, and a malformed answer refused.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { offerQuery } from '../../../src/shared/offerQuery';
import { VastApiError } from '../../../src/vast-api/errors';
import { marketSearch } from '../../support/offerMarket';
import { FixtureServer, shape } from './fixtureServer';
import { harness, rejection, USER_KEY } from './helpers';

let server: FixtureServer;
before(async () => (server = await FixtureServer.start()));
after(() => server.close());
beforeEach(() => server.requests.splice(0));

const market = (req: { json?: unknown }) => ({ json: { offers: marketSearch(req.json as Record<string, unknown>) } });

describe('searchOffers', () => {
  test('POSTs the CLI body with Bearer auth only and reads the offers', async () => {
    server.on('POST', '/api/v0/bundles/', market);
    const { client } = harness(server);
    const answer = await client.searchOffers(offerQuery('verified=true rentable=true rented=false gpu_name=RTX_4090', { storage: 16 }));
    assert.deepEqual(answer.offers.map((o) => o.id), [1, 2]);
    assert.equal(answer.offers[0]!.gpu_name, 'RTX 4090');
    assert.equal(answer.offers[0]!.dph_total, 0.4);
    const [req] = server.requestsTo('POST', '/api/v0/bundles/');
    assert.equal(req!.headers.authorization, `Bearer ${USER_KEY}`);
    assert.deepEqual(req!.query, {}, 'no ?api_key: the CLI sends the key as a Bearer header only');
    assert.equal(
      req!.body.toString(),
      '{"verified":{"eq":true},"external":{"eq":false},"rentable":{"eq":true},"rented":{"eq":false},"gpu_name":{"eq":"RTX 4090"},' +
        '"order":[["score","desc"]],"type":"on-demand","allocated_storage":16.0}',
    );
  });

  test('a 429 is waited out for its Retry-After, then the search answers', async () => {
    server.on('POST', '/api/v0/bundles/', { status: 429, json: shape('rateLimited'), headers: { 'Retry-After': '7' } }, market);
    const { client, waits } = harness(server);
    const answer = await client.searchOffers(offerQuery('gpu_name=RTX_3090'));
    assert.deepEqual(answer.offers.map((o) => o.id), [3]);
    assert.deepEqual(waits, [7000]);
    assert.equal(server.requestsTo('POST', '/api/v0/bundles/').length, 2);
  });

  test('an answer without an offers list is an invalid_response error', async () => {
    server.on('POST', '/api/v0/bundles/', { json: { results: [] } });
    const err = await rejection(harness(server).client.searchOffers(offerQuery('')));
    assert.ok(err instanceof VastApiError);
    assert.equal(err.code, 'invalid_response');
    assert.match(err.message, /no "offers" list/);
  });
});
