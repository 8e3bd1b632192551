// The routing state of the autoscaler API: route polls waiting for a worker, the cost routed lately (the load the
// autoscaler compares with worker perf), and the counter request_idx and reqnum values come from.

/** Load = cost routed per second over this window. */
export const LOAD_WINDOW_MS = 10_000;
/** A waiting route poll not repeated for this long no longer asks for a worker. */
const WAITING_POLL_MS = 15_000;

export class RoutingState {
  /** endpoint id → request_idx → cost and when last polled. */
  private readonly waiting = new Map<number, Map<number, { cost: number; seenAt: number }>>();
  /** endpoint id → the cost of each call routed, with its time. */
  private readonly routed = new Map<number, { at: number; cost: number }[]>();
  private counter = Math.floor(Date.now() / 1000) % 100_000;

  /** The next number of the engine's one counter: a route call's request_idx when it has none, and each reqnum. */
  nextNumber(): number {
    return ++this.counter;
  }

  /** A route poll found no ready worker: it asks for one until it is routed or stops polling. */
  wait(endpointId: number, requestIdx: number, cost: number): void {
    let waiting = this.waiting.get(endpointId);
    if (!waiting) this.waiting.set(endpointId, (waiting = new Map()));
    waiting.set(requestIdx, { cost, seenAt: Date.now() });
  }

  /** A call was routed to a worker: it waits no more and counts towards the endpoint's load. */
  routedCall(endpointId: number, requestIdx: number, cost: number): void {
    this.waiting.get(endpointId)?.delete(requestIdx);
    let routed = this.routed.get(endpointId);
    if (!routed) this.routed.set(endpointId, (routed = []));
    routed.push({ at: Date.now(), cost });
  }

  /** Forgets the polls not repeated lately. */
  pruneWaiting(endpointId: number, now: number): void {
    const waiting = this.waiting.get(endpointId);
    if (waiting) for (const [idx, o] of waiting) if (now - o.seenAt > WAITING_POLL_MS) waiting.delete(idx);
  }

  waitingCount(endpointId: number): number {
    return this.waiting.get(endpointId)?.size ?? 0;
  }

  /** Cost routed per second over the load window (older calls are dropped). */
  recentLoad(endpointId: number, now: number): number {
    const recent = (this.routed.get(endpointId) ?? []).filter((r) => now - r.at <= LOAD_WINDOW_MS);
    this.routed.set(endpointId, recent);
    return recent.reduce((s, r) => s + r.cost, 0) / (LOAD_WINDOW_MS / 1000);
  }

  /** The endpoint was deleted: its waiting polls ask for nothing more. */
  forgetWaiting(endpointId: number): void {
    this.waiting.delete(endpointId);
  }
}
