// A worker's price on the wire: the SDK's `VastAI.show_instance(id)` (what the Vast CLI's benchmark command reads a
// serverless worker's $/hour with) and our VastClient.showInstance hit the same recording stand-in, which must
// receive the same method, path, query and auth, and both read the same dph_total.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { VastClient } from '../../src/vast-api/client';
import { cloudTarget } from '../../src/vast-api/targets';
import { FixtureServer } from '../unit/vast-api/fixtureServer';
import { runSdk, sdkUnavailable } from './sdk';

const KEY = 'instances-key-0123456789';
const INSTANCE = { id: 5, dph_total: 0.4521, actual_status: 'running', start_date: 1_700_000_000, extra_env: [['A', 'b']] };

describe('a worker\'s price: our request is the SDK\'s show_instance', { skip: sdkUnavailable() }, () => {
  let server: FixtureServer;
  before(async () => {
    server = await FixtureServer.start();
    server.on('GET', '/api/v0/instances/5/', { json: { instances: INSTANCE } });
  });
  after(() => server.close());

  test('same method, path, query and Bearer key; the same dph_total', async () => {
    const script = `import json; from vastai.sdk import VastAI; print(json.dumps(VastAI(api_key=${JSON.stringify(KEY)}, server_url=${JSON.stringify(server.url)}).show_instance(5)["dph_total"]))`;
    const r = await runSdk(['-c', script], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, `show_instance exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
    const sent = server.requests.at(-1)!;
    const client = new VastClient(cloudTarget(KEY, { consoleUrl: server.url, autoscalerUrl: server.url }));
    const ours = await client.showInstance(5);
    const mine = server.requests.at(-1)!;
    assert.notEqual(mine, sent);
    assert.equal(mine.method, sent.method);
    assert.equal(mine.path, sent.path);
    assert.deepEqual(mine.query, sent.query);
    assert.equal(mine.headers.authorization, sent.headers.authorization);
    assert.equal(ours?.dph_total, JSON.parse(r.stdout.trim()));
    await client.close();
  });
});
