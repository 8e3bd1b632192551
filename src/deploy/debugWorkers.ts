// Debugging on the local engine (src/engine/CONTRACT.md "Debugging a deployment"): after the debug route is turned
// on, the engine restarts the deployment's one worker under debugpy. The CLI (`deploy --debug`) and the editor's
// Debug remotely both wait here for that worker, so they agree on when it is attachable and on what failure says.
import type { VastClient } from '../vast-api/client';
import type { LocalDebugInfo, WorkerRecord } from '../shared/protocol/vast';

export type DebugWorker = LocalDebugInfo & { worker_id: number; status: string };

/**
 * The endpoint's debug workers started with this `wait` setting, once one is ready to take calls (or, with `wait`,
 * once its debugpy listens: it will not be ready before a debugger attaches). A worker of the setting before (its
 * restart is under way) does not count. Throws naming the worker's error when it fails, or the workers' states when
 * none listens within `timeoutMs`.
 */
export async function waitForDebugWorkers(client: VastClient, endpointId: number, wait: boolean, timeoutMs: number, signal?: AbortSignal): Promise<DebugWorker[]> {
  const until = Date.now() + timeoutMs;
  let last: WorkerRecord[] = [];
  for (;;) {
    signal?.throwIfAborted();
    last = (await client.getEndpointWorkers(endpointId, signal)).workers;
    const debugging = last.filter((w) => w.local_debug?.wait === wait && (wait ? w.local_debug.debugger !== undefined : ['idle', 'running'].includes(w.status)));
    if (debugging.length) return debugging.map((w) => ({ worker_id: w.id, status: w.status, ...w.local_debug! }));
    const failed = last.find((w) => w.status === 'error' && w.error_msg);
    if (failed) throw new Error(`the debug worker ${failed.id} failed: ${failed.error_msg}`);
    if (Date.now() > until) {
      const now = last.map((w) => `worker ${w.id} ${w.status}`).join(', ') || 'no workers';
      throw new Error(`no worker listens for a debugger after ${Math.round(timeoutMs / 1000)} s (${now}); see the worker logs`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
