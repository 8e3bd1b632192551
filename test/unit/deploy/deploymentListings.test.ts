// The lens's planning read on the cloud: one deployments listing per client, shared for a while.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DeploymentListings } from '../../../src/deploy/deploymentListings';
import type { DeploymentRecord } from '../../../src/shared/protocol/vast';

function countingClient(fail = false) {
  const client = {
    calls: 0,
    async listDeployments(): Promise<DeploymentRecord[]> {
      client.calls++;
      if (fail) throw new Error('HTTP 429');
      return [];
    },
  };
  return client;
}

describe('DeploymentListings', () => {
  test('many lenses, one request: concurrent and later asks within the TTL share it; after the TTL, a fresh one', async () => {
    let now = 1000;
    const listings = new DeploymentListings(60_000, () => now);
    const client = countingClient();
    await Promise.all([listings.get(client), listings.get(client), listings.get(client)]);
    now += 59_000;
    await listings.get(client);
    assert.equal(client.calls, 1);
    now += 2_000;
    await listings.get(client);
    assert.equal(client.calls, 2);
  });

  test('per client (another console or key is another listing); clear() forgets them all', async () => {
    const listings = new DeploymentListings();
    const a = countingClient();
    const b = countingClient();
    await listings.get(a);
    await listings.get(b);
    listings.clear();
    await listings.get(a);
    assert.deepEqual([a.calls, b.calls], [2, 1]);
  });

  test('a failed listing is not kept: the next ask tries again', async () => {
    const listings = new DeploymentListings();
    const client = countingClient(true);
    await assert.rejects(listings.get(client), /429/);
    await assert.rejects(listings.get(client), /429/);
    assert.equal(client.calls, 2);
  });
});
