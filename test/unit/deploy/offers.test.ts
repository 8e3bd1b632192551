// The offer analysis against a stand-in cloud serving the fixture offers (test/fixtures/api/offers.json): the summary
// of the matches, the blocking filter when nothing matches (each kind), the GB-for-MB trap and its fix, the cache and
// its age, and 429 backoff in the middle of the blocker searches.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { analyzeOffers } from '../../../src/deploy/offers/analyze';
import { OfferCache } from '../../../src/deploy/offers/cache';
import { marketSearch } from '../../support/offerMarket';
import { FixtureServer, shape } from '../vast-api/fixtureServer';
import { harness } from '../vast-api/helpers';

let server: FixtureServer;
before(async () => (server = await FixtureServer.start()));
after(() => server.close());
beforeEach(() => {
  server.requests.splice(0);
  server.on('POST', '/api/v0/bundles/', (req) => ({ json: { offers: marketSearch(req.json as Record<string, unknown>) } }));
});

const DEFAULTS = 'verified=true rentable=true rented=false';

function analyze(filters: string, cache = new OfferCache()) {
  const { client, waits } = harness(server);
  const target = { kind: 'vast' as const, consoleUrl: server.url };
  return { waits, report: analyzeOffers(client, { target, searchParams: `${DEFAULTS} ${filters}`.trim(), storage: 16, cache }) };
}

describe('matching offers', () => {
  test('count, price per offer and per GPU-hour, GPUs by name × count, reliability', async () => {
    const report = await analyze('gpu_name in RTX_4090,RTX_5090').report;
    assert.deepEqual(report.summary, {
      count: 3,
      pricePerHour: { min: 0.4, max: 0.82 },
      pricePerGpuHour: { min: 0.4, max: 0.65 },
      gpus: [
        { name: 'RTX 4090', gpus: 3, offers: 2 },
        { name: 'RTX 5090', gpus: 1, offers: 1 },
      ],
      reliability: { min: 0.97, max: 0.995 },
    });
    assert.deepEqual(report.offers.map((o) => o.id), [1, 2, 6]);
    assert.equal(report.blocker, undefined);
    assert.deepEqual(report.traps, []);
    assert.equal(server.requests.length, 1, 'matches need no blocker searches');
  });
});

describe('no match: the blocker', () => {
  test('a GPU name nobody offers: dropping it brings offers back, and the GPUs on offer are suggested', async () => {
    const report = await analyze('gpu_name=RTX_5090_Ti num_gpus=1').report;
    assert.equal(report.summary.count, 0);
    assert.deepEqual(report.blocker, {
      blockers: [{ filter: 'gpu_name=RTX_5090_Ti', offers: 4 }],
      tried: [
        { filter: 'gpu_name=RTX_5090_Ti', offers: 4 },
        { filter: 'num_gpus=1', offers: 0 },
      ],
    });
    assert.deepEqual(report.traps, [
      {
        kind: 'gpu-without-offers',
        filter: 'gpu_name=RTX_5090_Ti',
        names: ['RTX 5090 Ti'],
        available: [
          { name: 'A100 SXM4', gpus: 1 },
          { name: 'RTX 3090', gpus: 1 },
          { name: 'RTX 4090', gpus: 1 },
        ],
        replacement: 'gpu_name in A100_SXM4,RTX_3090,RTX_4090',
        offers: 4,
      },
    ]);
  });

  test('another filter (reliability) as the blocker: named with its count, no GPU trap', async () => {
    const report = await analyze('gpu_name=RTX_4090 reliability>0.999').report;
    assert.deepEqual(report.blocker?.blockers, [{ filter: 'reliability>0.999', offers: 2 }]);
    assert.deepEqual(report.traps, []);
  });

  test('no single blocker: two filters each exclude everything; the count without them all is given', async () => {
    const report = await analyze('gpu_name=RTX_5090_Ti dph<0.1').report;
    assert.deepEqual(report.blocker, {
      blockers: [],
      tried: [
        { filter: 'gpu_name=RTX_5090_Ti', offers: 0 },
        { filter: 'dph<0.1', offers: 0 },
      ],
      withoutFilters: 6,
    });
  });

  test('GB written for MB blocking (`gpu_ram <= 48` asks for 48 MB): the blocker, and the MB fix with its matches', async () => {
    const report = await analyze('gpu_ram<=0.048').report;
    assert.deepEqual(report.blocker?.blockers, [{ filter: 'gpu_ram<=0.048', offers: 6 }]);
    assert.deepEqual(report.traps, [
      { kind: 'ram-in-gb', filter: 'gpu_ram<=0.048', column: 'gpu_ram', asksMb: 48, replacement: 'gpu_ram<=48', python: 'gpu_ram <= 48000', offers: 4 },
    ]);
  });

  test('GB written for MB that matches everything (`gpu_ram >= 48`) is still flagged, with the fix\'s count', async () => {
    const report = await analyze('gpu_ram>=0.048').report;
    assert.equal(report.summary.count, 6);
    assert.deepEqual(report.traps, [
      { kind: 'ram-in-gb', filter: 'gpu_ram>=0.048', column: 'gpu_ram', asksMb: 48, replacement: 'gpu_ram>=48', python: 'gpu_ram >= 48000', offers: 2 },
    ]);
  });
});

describe('cache and rate limits', () => {
  test('the same target and filters are answered from the cache with their age, until it expires', async () => {
    let now = 1_000_000;
    const cache = new OfferCache(5 * 60_000, () => now);
    const first = await analyze('gpu_name=RTX_3090', cache).report;
    assert.equal(first.ageMs, 0);
    assert.equal(server.requests.length, 1);
    now += 90_000;
    const second = await analyze('gpu_name=RTX_3090', cache).report;
    assert.equal(second.ageMs, 90_000);
    assert.equal(server.requests.length, 1, 'no new request within the cache time');
    assert.deepEqual(second.summary, first.summary);
    now += 5 * 60_000;
    const third = await analyze('gpu_name=RTX_3090', cache).report;
    assert.equal(third.ageMs, 0);
    assert.equal(server.requests.length, 2, 'an expired answer is fetched again');
  });

  test('a 429 during the blocker searches waits out Retry-After and the analysis completes', async () => {
    let calls = 0;
    server.on('POST', '/api/v0/bundles/', (req) =>
      ++calls === 2 ? { status: 429, json: shape('rateLimited'), headers: { 'Retry-After': '4' } } : { json: { offers: marketSearch(req.json as Record<string, unknown>) } },
    );
    const { report, waits } = analyze('gpu_name=RTX_4090 reliability>0.999');
    assert.deepEqual((await report).blocker?.blockers, [{ filter: 'reliability>0.999', offers: 2 }]);
    assert.deepEqual(waits, [4000]);
  });
});
