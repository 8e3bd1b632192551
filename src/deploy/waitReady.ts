// Polls an endpoint's workers until one is ready. A worker that reports an error message fails the wait at once with
// that message (a pip failure or an import error will not fix itself by waiting), unless another worker is ready.
import type { VastClient } from '../vast-api/client';
import { sleep, type SleepFn } from '../vast-api/timing';
import type { WorkerRecord } from '../shared/protocol/vast';
import { briefly, WaitEndedError } from './waitExplanation';

export interface WorkerWaitUpdate {
  workers: WorkerRecord[];
  /** The server's "spinning up" message when it sent no list yet. */
  pending?: string;
  elapsedMs: number;
}

export interface WaitOptions {
  signal?: AbortSignal;
  timeoutMs: number;
  /** The first wait between polls; each later wait is 1.5 times longer, up to maxIntervalMs (default: intervalMs). */
  intervalMs: number;
  maxIntervalMs?: number;
  /** The wait between polls (tests record it instead of waiting). */
  sleep?: SleepFn;
  /** After a rolling update, workers still on the old code are not "ready" until they leave the update states. */
  afterUpdate?: boolean;
  onUpdate?(update: WorkerWaitUpdate): void;
}

/** A worker reported an error; its whole message (a traceback) is kept in the explanation. */
export class WorkerFailedError extends WaitEndedError {
  constructor(
    readonly worker: WorkerRecord,
    workers: WorkerRecord[] = [worker],
  ) {
    super(`worker ${worker.id} failed: ${briefly(worker.error_msg ?? '')}`, workers);
    this.explanation.error = worker.error_msg;
    this.message = `worker ${worker.id} failed: ${worker.error_msg}`;
  }
}

export class ReadyTimeoutError extends WaitEndedError {}

const status = (w: WorkerRecord) => (w.status ?? '').toLowerCase();

export function isReadyStatus(s: string): boolean {
  const lower = s.toLowerCase();
  return lower === 'idle' || lower === 'running';
}

function summarize(workers: WorkerRecord[]): string {
  if (!workers.length) return 'no workers yet';
  const counts = new Map<string, number>();
  for (const w of workers) counts.set(status(w), (counts.get(status(w)) ?? 0) + 1);
  return [...counts].map(([s, n]) => `${n} ${s}`).join(', ');
}

export async function waitForReadyWorker(client: Pick<VastClient, 'getEndpointWorkers'>, endpointId: number, options: WaitOptions): Promise<WorkerRecord> {
  const start = Date.now();
  let last: WorkerRecord[] = [];
  let intervalMs = options.intervalMs;
  for (;;) {
    const { workers, pending } = await client.getEndpointWorkers(endpointId, options.signal);
    last = workers;
    const elapsedMs = Date.now() - start;
    options.onUpdate?.({ workers, pending, elapsedMs });
    const updating = options.afterUpdate && workers.some((w) => status(w).startsWith('update_'));
    const ready = workers.find((w) => isReadyStatus(w.status ?? '') && !w.error_msg);
    if (ready && !updating) return ready;
    const failed = workers.find((w) => w.error_msg && status(w) === 'error');
    if (failed && !ready) throw new WorkerFailedError(failed, workers);
    if (elapsedMs >= options.timeoutMs) {
      throw new ReadyTimeoutError(`no worker became ready within ${Math.round(options.timeoutMs / 1000)} s (${summarize(last)})`, last);
    }
    await (options.sleep ?? sleep)(intervalMs, options.signal);
    intervalMs = Math.min(intervalMs * 1.5, Math.max(options.maxIntervalMs ?? options.intervalMs, options.intervalMs));
  }
}
