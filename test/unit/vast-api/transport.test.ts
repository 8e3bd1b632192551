// HttpLayer's wire paths: undici request() by default, fetch when one is injected, and redirects still followed.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { fetch as undiciFetch } from 'undici';
import { FixtureServer, shape } from './fixtureServer';
import { harness } from './helpers';

let server: FixtureServer;
before(async () => (server = await FixtureServer.start()));
after(() => server.close());
beforeEach(() => server.requests.splice(0));

test('a redirect is followed, as fetch did: the answer comes from where it points', async () => {
  server.on('GET', '/api/v0/deployments/', { status: 307, headers: { Location: `${server.url}/moved/deployments/` } });
  server.on('GET', '/moved/deployments/', { json: shape('deployments') });
  const { client } = harness(server);
  const list = await client.listDeployments();
  assert.equal(list.length, 2);
  assert.equal(server.requestsTo('GET', '/moved/deployments/').length, 1);
});

test('an injected fetch carries every request, with the same headers the request() path sends', async () => {
  server.on('GET', '/api/v0/deployments/', { json: shape('deployments') });
  const seen: string[] = [];
  const fetch: typeof undiciFetch = (input, init) => {
    seen.push(String(input));
    return undiciFetch(input, init);
  };
  await harness(server, { fetch }).client.listDeployments();
  await harness(server).client.listDeployments();
  assert.equal(seen.length, 1);
  const [viaFetch, viaRequest] = server.requestsTo('GET', '/api/v0/deployments/');
  for (const h of ['authorization', 'user-agent', 'accept']) assert.equal(viaRequest!.headers[h], viaFetch!.headers[h], h);
  assert.deepEqual(viaRequest!.query, viaFetch!.query);
});
