// Live spend in the Deployments view: each cloud worker's price on its row, and the endpoint's total of the workers
// that run on a rented instance (stopped ones pay for disk only, pending ones nothing); the core's source reads each
// worker's price once.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clientSource } from '../../../src/extension/core/sources';
import { liveSpend, liveSpendText } from '../../../src/extension/ui/liveSpend';
import { endpointText, workerText } from '../../../src/extension/ui/treeLabels';
import type { VastClient } from '../../../src/vast-api';
import { workerRecord } from '../../support/records';

const prices = new Map<number, number | null>([
  [1, 0.452],
  [2, 0.9],
  [3, 0.3],
  [4, null],
]);
const workers = [
  workerRecord({ id: 1, status: 'idle' }),
  workerRecord({ id: 2, status: 'loading' }),
  workerRecord({ id: 3, status: 'stopped' }),
  workerRecord({ id: 4, status: 'running' }),
  workerRecord({ id: 5, status: 'pending' }),
];

describe('live spend', () => {
  test('the total counts running workers with a known price; stopped and pending ones are left out', () => {
    const spend = liveSpend(workers, prices)!;
    assert.equal(spend.counted, 2);
    assert.equal(spend.unknown, 1, 'worker 4 runs but its price is unknown');
    assert.ok(Math.abs(spend.total - 1.352) < 1e-9);
    assert.deepEqual(liveSpendText(spend), {
      short: '$1.35/h',
      tooltip: 'Live spend $1.35/h: the dph_total of 2 running workers (stopped workers pay for disk only; 1 worker without a known price left out)',
    });
    assert.equal(liveSpend(workers, new Map()), undefined);
    assert.equal(liveSpend(workers, undefined), undefined);
  });

  test('the worker row shows its price; the endpoint row its total', () => {
    const row = workerText(workers[0], 0, 0.452);
    assert.match(row.description!, / · \$0\.45\/h$/);
    assert.match(row.tooltip!, /price \$0\.4520\/h/);
    assert.ok(!workerText(workers[0], 0).description!.includes('$'), 'no price read: none shown');
    const ep = endpointText({ id: 7, endpoint_name: 'app', api_key: 'k', endpoint_state: 'active', cold_workers: 1 }, liveSpendText(liveSpend(workers, prices)!));
    assert.equal(ep.description, 'active · $1.35/h · cold 1');
    assert.match(ep.tooltip!, /Live spend \$1\.35\/h/);
  });

  test('the source reads each cloud worker\'s price once; the local engine\'s workers are not priced', async () => {
    const asked: number[] = [];
    const cloud = {
      target: { kind: 'vast' },
      showInstance: async (id: number) => {
        asked.push(id);
        return id === 9 ? null : { dph_total: id / 10 };
      },
    } as unknown as VastClient;
    const source = clientSource(async () => cloud);
    assert.deepEqual([...(await source.workerPrices!([1, 9]))], [[1, 0.1], [9, null]]);
    assert.deepEqual([...(await source.workerPrices!([1, 2]))], [[1, 0.1], [2, 0.2]]);
    assert.deepEqual(asked, [1, 9, 2]);
    const local = clientSource(async () => ({ target: { kind: 'local' }, showInstance: async () => assert.fail('the local engine has no instances') }) as unknown as VastClient);
    assert.deepEqual([...(await local.workerPrices!([1]))], []);
  });
});
