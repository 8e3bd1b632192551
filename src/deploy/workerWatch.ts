// While a call waits for a worker (its /route/ answers "waiting"): every 10 s, after a first look at 3 s, reads the
// endpoint's workers; when there are some and all have failed, it gives up with their errors instead of waiting for
// the timeout (or forever, without one). One request per look, also on the cloud.
import type { VastClient } from '../vast-api/client';
import type { WorkerRecord } from '../shared/protocol/vast';
import { hasFailed, WaitEndedError } from './waitExplanation';

const FIRST_WORKER_CHECK_MS = 3_000;
const WORKER_CHECK_MS = 10_000;

/** Why a worker-less wait should end now: every worker the endpoint has failed. */
export class NoWorkerCanServe extends WaitEndedError {}

/** A call whose wait for a worker ran out of time (the route's own timeout), with the workers read at that moment. */
export class NoWorkerInTime extends WaitEndedError {}

export class WorkerWatch {
  /** Aborted with a NoWorkerCanServe once every worker has failed. */
  readonly giveUp = new AbortController();
  endpointId: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly client: Pick<VastClient, 'getEndpointWorkers'>) {}

  /** Called on each "waiting" answer of /route/: starts the looks at the workers. */
  waiting(): void {
    this.timer ??= setTimeout(() => void this.check(), FIRST_WORKER_CHECK_MS);
  }

  private async check(): Promise<void> {
    if (this.stopped || this.giveUp.signal.aborted) return;
    this.timer = setTimeout(() => void this.check(), WORKER_CHECK_MS);
    if (this.endpointId === undefined) return;
    let workers: WorkerRecord[];
    try {
      workers = (await this.client.getEndpointWorkers(this.endpointId, this.giveUp.signal)).workers;
    } catch {
      return; // reading the workers is advice only: the call itself reports its own failures
    }
    if (this.stopped || !workers.length || !workers.every(hasFailed)) return;
    this.giveUp.abort(new NoWorkerCanServe(`no worker can serve the call: every worker of endpoint ${this.endpointId} failed`, workers));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
