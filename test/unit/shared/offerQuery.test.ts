// search_params → offer-search body, as the Vast CLI's query parser builds it (the conformance layer runs the real
// parser on the same strings: test/conformance/offers.test.ts), and the body back to the string the engine reads.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { offerQuery, offerQueryToSearchParams, OfferQueryError, parseSearchParamsQuery, searchTokens } from '../../../src/shared/offerQuery';
import { jsonText } from '../../../src/vast-api/http';

const wire = (v: unknown) => JSON.parse(jsonText(v));

describe('parseSearchParamsQuery', () => {
  test('a deployment string: lists, RAM in GB multiplied to MB (as floats), numbers left as strings', () => {
    const q = parseSearchParamsQuery('verified=true rentable=true rented=false gpu_name in RTX_4090,RTX_5090 gpu_ram>=24 num_gpus=1');
    assert.deepEqual(wire(q), {
      verified: { eq: true },
      rentable: { eq: true },
      rented: { eq: false },
      gpu_name: { in: ['RTX 4090', 'RTX 5090'] },
      gpu_ram: { gte: 24000 },
      num_gpus: { eq: '1' },
    });
    assert.match(jsonText(q), /"gpu_ram":\{"gte":24000\.0\}/);
  });

  test('aliases, driver versions, days, and the GB-for-MB slip (0.024 GB is 24 MB on the wire)', () => {
    const q = parseSearchParamsQuery('gpu_ram>=0.024 cpu_ram>=32.5 dph<2 cuda_vers>=12.1 driver_version>=535.86.05 gpu_name=H100_SXM reliability>0.98 duration>1');
    assert.deepEqual(wire(q), {
      gpu_ram: { gte: 24 },
      cpu_ram: { gte: 32500 },
      dph_total: { lt: '2' },
      cuda_max_good: { gte: '12.1' },
      driver_version: { gte: 535086005 },
      gpu_name: { eq: 'H100 SXM' },
      reliability: { gt: '0.98' },
      duration: { gt: 86400 },
    });
  });

  test('bracketed quoted lists, notin, and the `any` wildcard that removes a column', () => {
    const q = parseSearchParamsQuery('gpu_name in ["RTX 4090", "RTX 3090"] geolocation notin [CN,VN] gpu_name=any');
    assert.deepEqual(wire(q), { geolocation: { notin: ['CN', 'VN'] } });
  });

  test('refusals: unconsumed text, an unknown operator, a non-number RAM value', () => {
    assert.throws(() => parseSearchParamsQuery('gpu_ram>=24 ('), OfferQueryError);
    assert.throws(() => parseSearchParamsQuery('gpu_ram=>24'), /unknown operator/);
    assert.throws(() => parseSearchParamsQuery('gpu_ram>=lots'), /gpu_ram needs a number/);
    assert.throws(() => parseSearchParamsQuery('num_gpus>=any'), /wildcard/);
  });

  test('searchTokens keeps each filter\'s own text (what the blocker search drops)', () => {
    assert.deepEqual(
      searchTokens('verified=true gpu_name in RTX_4090,RTX_5090 gpu_ram>=24').map((t) => t.text),
      ['verified=true', 'gpu_name in RTX_4090,RTX_5090', 'gpu_ram>=24'],
    );
  });
});

describe('offerQuery', () => {
  test('the CLI\'s body: its defaults first, the filters, score order, on-demand, the storage as a float', () => {
    const body = offerQuery('verified=true rentable=true rented=false gpu_ram>=24', { storage: 16 });
    assert.equal(
      jsonText(body),
      '{"verified":{"eq":true},"external":{"eq":false},"rentable":{"eq":true},"rented":{"eq":false},"gpu_ram":{"gte":24000.0},' +
        '"order":[["score","desc"]],"type":"on-demand","allocated_storage":16.0}',
    );
    assert.equal(wire(offerQuery('')).allocated_storage, 5);
  });
});

describe('offerQueryToSearchParams', () => {
  test('the body back to a search_params string: MB to GB, spaces to _, the storage as a disk filter', () => {
    const text = offerQueryToSearchParams(wire(offerQuery('gpu_name in RTX_4090,RTX_5090 gpu_ram>=24 num_gpus=1', { storage: 16 })));
    assert.equal(text, 'verified=true external=false rentable=true gpu_name in RTX_4090,RTX_5090 gpu_ram>=24 num_gpus=1 allocated_storage>=16');
  });
});
