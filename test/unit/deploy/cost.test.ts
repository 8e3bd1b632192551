// Cost figures by hand-computed examples (the arithmetic is written out beside each expected number).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { estimateCost } from '../../../src/deploy/cost';
import type { Offer } from '../../../src/shared/protocol/offers';

const offer = (dph_total: number | null, storage_cost = 0.15): Offer => ({ id: 1, num_gpus: 1, gpu_name: 'RTX 4090', dph_total, storage_cost });
const close = (actual: number | undefined, expected: number, what: string) => assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `${what}: ${actual} != ${expected}`);

describe('estimateCost', () => {
  test('cold_workers 2, max_workers 4, min_load 100, 16 GB, ttl 30 min, offers at $0.40 and $0.82', () => {
    const c = estimateCost({ offers: [offer(0.4), offer(0.82)], autoscaling: { cold_workers: 2, max_workers: 4, min_load: 100 }, storageGb: 16, ttlSeconds: 1800 })!;
    assert.deepEqual(c.scaling, { coldWorkers: 2, maxWorkers: 4, minLoad: 100, activeWhenIdle: 1, loadedAtStart: 2, defaulted: [] });
    // disk of a cold worker: 0.15 $/GB/month × 16 GB / 730 h = 0.00328767 $/h; idle = 1 active + 1 more cold worker
    close(c.idlePerHour.min, 0.4 + (0.15 * 16) / 730, 'idle, cheapest');
    close(c.idlePerHour.max, 0.82 + (0.15 * 16) / 730, 'idle, priciest');
    close(c.maxScalePerHour.min, 1.6, '4 × 0.40');
    close(c.maxScalePerHour.max, 3.28, '4 × 0.82');
    // 2 workers loading 10 minutes each: 2 × 0.40 / 6 and 2 × 0.82 / 6
    close(c.benchmarkPhase.min, 0.8 / 6, 'benchmark, cheapest');
    close(c.benchmarkPhase.max, 1.64 / 6, 'benchmark, priciest');
    // 30 minutes at full scale: 1.60 / 2 and 3.28 / 2
    close(c.ttlMax?.min, 0.8, 'ttl, cheapest');
    close(c.ttlMax?.max, 1.64, 'ttl, priciest');
  });

  test('nothing configured: the CLI\'s endpoint defaults (5 cold, 20 max, min_load 0), so idle is disk only', () => {
    const c = estimateCost({ offers: [offer(0.5, 0.2)], autoscaling: {}, storageGb: 73 })!;
    assert.deepEqual(c.scaling.defaulted, ['cold_workers', 'max_workers', 'min_load']);
    close(c.idlePerHour.min, (5 * 0.2 * 73) / 730, '5 cold × 0.2 $/GB/month × 73 GB / 730 h = 0.10');
    close(c.maxScalePerHour.max, 10, '20 × 0.50');
    close(c.benchmarkPhase.max, (5 * 0.5 * 10) / 60, '5 workers × 0.50 × 10 min');
    assert.equal(c.ttlMax, undefined);
  });

  test('cold_workers 0 and min_load 0: idle costs nothing, the first request still loads one worker', () => {
    const c = estimateCost({ offers: [offer(1.2)], autoscaling: { cold_workers: 0, max_workers: 3, min_load: 0 }, storageGb: 16, loadingMinutes: 15 })!;
    close(c.idlePerHour.max, 0, 'idle');
    close(c.benchmarkPhase.max, 0.3, '1 worker × 1.20 × 15 min');
  });

  test('no priced offer: no estimate', () => {
    assert.equal(estimateCost({ offers: [offer(null)], autoscaling: {}, storageGb: 16 }), undefined);
    assert.equal(estimateCost({ offers: [], autoscaling: {}, storageGb: 16 }), undefined);
  });
});
