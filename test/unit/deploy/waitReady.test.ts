// Waiting for a ready worker: the poll interval grows from the first wait to its cap (the cloud is polled gently), and
// a worker that reports an error ends the wait at once unless another one is ready.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { WorkersResult } from '../../../src/vast-api/client';
import { WorkerFailedError, waitForReadyWorker } from '../../../src/deploy/waitReady';

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

  /** A client whose every answer is `workers`; it refuses a fourth poll, so a wait that ignores the error ends fast. */
  function sameAnswer(workers: unknown[]) {
    let polls = 0;
    return {
      get polls() {
        return polls;
      },
      getEndpointWorkers: async () => {
        if (++polls > 3) throw new Error('polled again after a worker had failed');
        return { workers } as WorkersResult;
      },
    };
  }

  test('a worker in error with a message ends the wait at the first poll, naming the worker and its error', async () => {
    const client = sameAnswer([
      { id: 3, status: 'loading' },
      { id: 4, status: 'error', error_msg: "ModuleNotFoundError: No module named 'torch'" },
    ]);
    const waits: number[] = [];
    await assert.rejects(
      waitForReadyWorker(client, 7, { timeoutMs: 600_000, intervalMs: 5_000, sleep: async (ms) => void waits.push(ms) }),
      (err: unknown) => {
        assert.ok(err instanceof WorkerFailedError, String(err));
        assert.equal(err.worker.id, 4);
        assert.equal(err.message, "worker 4 failed: ModuleNotFoundError: No module named 'torch'");
        return true;
      },
    );
    assert.equal(client.polls, 1);
    assert.deepEqual(waits, []);
  });

  test('a failed worker does not end the wait while another worker is ready', async () => {
    const client = sameAnswer([
      { id: 4, status: 'error', error_msg: 'pip install failed' },
      { id: 5, status: 'idle' },
    ]);
    const ready = await waitForReadyWorker(client, 7, { timeoutMs: 600_000, intervalMs: 5_000, sleep: async () => {} });
    assert.equal(ready.id, 5);
  });
});
