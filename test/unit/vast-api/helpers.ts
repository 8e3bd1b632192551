// Shared setup for the API client tests: a client pointed at a fixture server, with waits recorded instead of slept.
import { VastClient, type VastClientOptions } from '../../../src/vast-api/client';
import type { ApiLogger } from '../../../src/vast-api/http';
import { localTarget } from '../../../src/vast-api/targets';
import type { Target } from '../../../src/shared/protocol/target';
import type { FixtureServer } from './fixtureServer';

export const USER_KEY = 'user-key-SECRET-0123456789';
export const ENDPOINT_KEY = 'endpoint-key-7001-secret';

export interface Harness {
  client: VastClient;
  /** Every wait the client asked for, in ms. */
  waits: number[];
  logs: string[];
}

/** Sleeps are recorded and resolve at once (still honoring aborts), so backoffs cost no test time. */
export function harness(server: FixtureServer, options: VastClientOptions = {}, target?: Target): Harness {
  const waits: number[] = [];
  const logs: string[] = [];
  const logger: ApiLogger = { debug: (m) => logs.push(`debug ${m}`), warn: (m) => logs.push(`warn ${m}`) };
  const client = new VastClient(target ?? localTarget(server.url, USER_KEY), {
    logger,
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      waits.push(ms);
      await new Promise((r) => setImmediate(r));
      signal?.throwIfAborted();
    },
    random: () => 0.5,
    ...options,
  });
  return { client, waits, logs };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject, but it resolved');
}
