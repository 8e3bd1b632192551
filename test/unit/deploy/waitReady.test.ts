// Waiting for a ready worker: the poll interval grows from the first wait to its cap (the cloud is polled gently).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { WorkersResult } from '../../../server/src/api/client';
import { waitForReadyWorker } from '../../../server/src/deploy/waitReady';

describe('waitForReadyWorker', () => {
  test('waits 1.5 times longer after each poll, up to maxIntervalMs; returns the ready worker', async () => {
    const answers: WorkersResult[] = [
      ...Array.from({ length: 7 }, () => ({ workers: [{ id: 1, status: 'loading' }] })),
      { workers: [{ id: 1, status: 'idle' }] },
    ] as WorkersResult[];
    const waits: number[] = [];
    const client = { getEndpointWorkers: async () => answers.shift()! };
    const ready = await waitForReadyWorker(client, 7001, {
      timeoutMs: 60_000,
      intervalMs: 5_000,
      maxIntervalMs: 30_000,
      sleep: async (ms) => void waits.push(ms),
    });
    assert.equal(ready.id, 1);
    assert.deepEqual(waits, [5000, 7500, 11250, 16875, 25312.5, 30000, 30000]);
  });

  test('without maxIntervalMs the interval stays fixed', async () => {
    const answers = [{ workers: [] }, { workers: [] }, { workers: [{ id: 2, status: 'running' }] }] as unknown as WorkersResult[];
    const waits: number[] = [];
    await waitForReadyWorker({ getEndpointWorkers: async () => answers.shift()! }, 1, { timeoutMs: 60_000, intervalMs: 100, sleep: async (ms) => void waits.push(ms) });
    assert.deepEqual(waits, [100, 100]);
  });
});
