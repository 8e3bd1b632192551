// The periodic work: TTL teardown, worker report checks and, per endpoint, the autoscaler's decision
// (`desiredWorkers`) applied by starting or removing workers. The engine runs `tick` on its timer; `scaleSoon` runs
// it at once (new code arrived).
import type { ActivityTracker } from './activity';
import { desiredWorkers } from './autoscaler';
import type { LogBook } from './logs';
import type { Records } from './records';
import type { RoutingState } from './routing';
import type { Store, StoredDeployment, StoredEndpoint } from './store';
import type { WorkerPool } from './worker-pool';
import type { WorkerManager } from './workers';

/** A call a worker accepted but never reported done is forgotten after this long. */
const OUTSTANDING_MAX_MS = 10 * 60_000;

export interface ScalerDeps {
  store: Store;
  records: Records;
  workers: WorkerManager;
  pool: WorkerPool;
  logs: LogBook;
  routing: RoutingState;
  activity: ActivityTracker;
  /** Most workers per endpoint on this machine. */
  workerLimit: number;
  /** TTL teardown: the deployment service's delete. */
  deleteDeployment(dep: StoredDeployment): Promise<void>;
  /** While the engine's background Python probe runs: the probe (spawning waits for it); else undefined. */
  pythonProbe(): Promise<void> | undefined;
  say(line: string): void;
}

export class Scaler {
  private readonly startedAt = Date.now();
  private ticking = false;
  /** A kick arrived while a tick ran: run one more right after it. */
  private tickAgain = false;
  private stopped = false;

  constructor(private readonly deps: ScalerDeps) {}

  /** No tick runs after this (the engine is closing). */
  stop(): void {
    this.stopped = true;
  }

  async tick(): Promise<void> {
    if (this.stopped) return;
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    this.ticking = true;
    try {
      do {
        this.tickAgain = false;
        this.teardownExpired();
        this.deps.workers.checkReports();
        const probe = this.deps.pythonProbe();
        if (probe) await probe;
        for (const endpoint of [...this.deps.store.state.endpoints]) await this.scaleEndpoint(endpoint);
      } while (this.tickAgain && !this.stopped);
    } catch (err) {
      this.deps.say(`autoscaler error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    } finally {
      this.ticking = false;
    }
  }

  /**
   * Runs the autoscaler now instead of at the next period: new code just arrived, so the first worker can start
   * without waiting up to a whole tick (the deploy -> ready path).
   */
  scaleSoon(): void {
    setImmediate(() => void this.tick());
  }

  private teardownExpired(): void {
    const { store, logs } = this.deps;
    const now = Date.now() / 1000;
    for (const dep of [...store.state.deployments]) {
      if (!dep.ttl || dep.ttl <= 0) continue;
      const last = dep.last_client_heartbeat ?? dep.created_at;
      if (now - last <= dep.ttl) continue;
      logs.add(dep.endpoint_id, null, 'lifecycle', `ttl: no client heartbeat for ${Math.round(now - last)} s (ttl ${dep.ttl} s); deleting deployment ${dep.id}`);
      this.deps.deleteDeployment(dep).catch((err: Error) => this.deps.say(`ttl teardown of deployment ${dep.id} failed: ${err.message}`));
    }
  }

  private async scaleEndpoint(endpoint: StoredEndpoint): Promise<void> {
    const { records, workers: manager, pool, routing, logs } = this.deps;
    const dep = records.deployment(endpoint.deployment_id);
    if (!dep) return;
    const workers = manager.forEndpoint(endpoint.id);
    const now = Date.now();
    for (const w of workers) {
      for (const [idx, o] of w.outstanding) if (now - o.since > OUTSTANDING_MAX_MS) w.outstanding.delete(idx);
    }
    routing.pruneWaiting(endpoint.id, now);

    if (endpoint.endpoint_state !== 'active') {
      await Promise.all(workers.filter((w) => w.status !== 'stopped').map((w) => manager.stop(w)));
      return;
    }
    // No code yet (first upload pending) or a hard update waiting for its upload: nothing to run.
    if (!records.currentVersion(dep) || dep.pending_hard_update) return;

    const live = workers.filter((w) => !['stopped', 'stopping'].includes(w.status));
    // While debugging, exactly one worker: the one the debugger is attached to (no scaling up, no scaling to zero).
    const target = dep.local_debug ? 1 : desiredWorkers({
      endpoint,
      perfs: live.map((w) => Number(w.report?.max_perf) || 0).filter((p) => p > 0),
      load: routing.recentLoad(endpoint.id, now),
      waiting: routing.waitingCount(endpoint.id),
      idleMs: now - this.lastActiveAt(endpoint),
      localLimit: this.deps.workerLimit,
    });
    if (live.length < target) {
      let missing = target - live.length;
      for (const w of workers.filter((x) => x.status === 'stopped')) {
        if (missing === 0) break;
        manager.restartStopped(w);
        missing--;
      }
      for (; missing > 0; missing--) pool.newWorker(dep);
    } else if (live.length > target) {
      // Newest first, and never one that is serving.
      const idle = live.filter((w) => w.outstanding.size === 0 && !(Number(w.report?.num_requests_working) > 0)).sort((a, b) => b.id - a.id);
      for (const w of idle.slice(0, live.length - target)) {
        logs.add(endpoint.id, w.id, 'lifecycle', `scaling down to ${target} worker${target === 1 ? '' : 's'}`);
        await pool.removeWorker(w);
      }
    }
  }

  /**
   * When an endpoint was last used: its last request, or its creation or last deploy when later. Without a request
   * since this engine started, idle time counts from the start, never from before it: an endpoint created on an
   * engine that has run longer than its inactivity_timeout must still get its first worker.
   */
  private lastActiveAt(endpoint: StoredEndpoint): number {
    const deployment = this.deps.store.state.deployments.find((d) => d.endpoint_id === endpoint.id);
    return Math.max(this.deps.activity.lastUseOf(endpoint.id) ?? this.startedAt, (endpoint.created_at ?? 0) * 1000, (deployment?.updated_at ?? 0) * 1000);
  }
}
