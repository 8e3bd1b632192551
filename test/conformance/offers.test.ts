// Offer search against the real `vastai` CLI. First, request for request: `vastai search offers '<search_params>'
// --storage 16` and our client (offerQuery + searchOffers) hit the same recording stand-in, which must receive the
// same method, path, auth, query and body text (Python's json.dumps separators aside), for search_params strings that
// exercise the parser (lists, RAM in GB, aliases, driver versions, notin). Then the CLI against the local engine: it
// reads the engine's answer as it reads the cloud's, and sees the same offers our client sees.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Engine } from '../../src/engine/server/engine';
import type { MachineFacts } from '../../src/shared/machine';
import { offerQuery } from '../../src/shared/offerQuery';
import { VastClient } from '../../src/vast-api/client';
import { localTarget } from '../../src/vast-api/targets';
import { enginesClosedAfterTests } from '../engine/helpers';
import { marketSearch } from '../support/offerMarket';
import { FixtureServer, type RecordedRequest } from '../unit/vast-api/fixtureServer';
import { runSdk, sdkUnavailable } from './sdk';

const CLI = 'import sys; from vastai.cli.main import main; sys.argv[0] = "vastai"; main()';
const KEY = 'offers-key-0123456789';
const DEFAULTS = 'verified=true rentable=true rented=false';
const PARAMS = [
  `${DEFAULTS} gpu_name in RTX_4090,RTX_5090`,
  `${DEFAULTS} gpu_ram>=0.048 cpu_ram>=32.5 num_gpus=1 dph<2 cuda_vers>=12.1 driver_version>=535.86.05`,
  `${DEFAULTS} gpu_name=RTX_5090_Ti reliability>0.98 geolocation notin CN,VN duration>3`,
];
const GPU_MACHINE: MachineFacts = { gpus: [{ name: 'NVIDIA GeForce RTX 4090', memoryMb: 24564 }], cpuCores: 16, cpuRamGb: 64, diskFreeGb: 500, cpuArch: 'x64' };

async function vastaiSearch(url: string, key: string, params: string): Promise<unknown[]> {
  const r = await runSdk(['-c', CLI, '--url', url, '--api-key', key, '--raw', 'search', 'offers', params, '--storage', '16'], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, `vastai search offers exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout) as unknown[];
}

/** Python's json.dumps writes `", "` and `": "` between items; ours writes none (the values here hold neither). */
const compact = (pythonJson: string) => pythonJson.replace(/, /g, ',').replace(/: /g, ':');

const unavailable = sdkUnavailable();

describe('offer search: our request is the vastai CLI\'s', { skip: unavailable }, () => {
  let server: FixtureServer;
  before(async () => {
    server = await FixtureServer.start();
    server.on('POST', '/api/v0/bundles/', (req) => ({ json: { offers: marketSearch(req.json as Record<string, unknown>) } }));
  });
  after(() => server.close());

  for (const params of PARAMS) {
    test(params.slice(DEFAULTS.length + 1), async () => {
      const theirs = await vastaiSearch(server.url, KEY, params);
      const sent: RecordedRequest = server.requests.at(-1)!;
      const client = new VastClient(localTarget(server.url, KEY));
      const ours = await client.searchOffers(offerQuery(params, { storage: 16 }));
      const mine: RecordedRequest = server.requests.at(-1)!;
      assert.notEqual(mine, sent);
      assert.equal(mine.method, sent.method);
      assert.equal(mine.path, sent.path);
      assert.deepEqual(mine.query, sent.query);
      assert.equal(mine.headers.authorization, sent.headers.authorization);
      assert.equal(mine.body.toString(), compact(sent.body.toString()));
      assert.deepEqual(ours.offers.map((o) => o.id), (theirs as { id: number }[]).map((o) => o.id));
      await client.close();
    });
  }
});

describe('offer search: the vastai CLI against the local engine', { skip: unavailable }, () => {
  const engineFor = enginesClosedAfterTests();
  let engine: Engine;
  before(async () => {
    engine = await engineFor({ machineFacts: GPU_MACHINE });
  });

  test('a matching search lists this machine, as our client reads it; a failing one lists nothing', async () => {
    const client = new VastClient(localTarget(engine.url, engine.apiKey));
    const hit = `${DEFAULTS} gpu_name in RTX_4090,RTX_5090 gpu_ram>=24`;
    const theirs = await vastaiSearch(engine.url, engine.apiKey, hit);
    const ours = await client.searchOffers(offerQuery(hit, { storage: 16 }));
    assert.equal(theirs.length, 1);
    assert.deepEqual(theirs, JSON.parse(JSON.stringify(ours.offers)));
    assert.deepEqual(await vastaiSearch(engine.url, engine.apiKey, `${DEFAULTS} gpu_ram>=48`), []);
    await client.close();
  });
});
