// How often the tree polls: a base interval, a faster one while a deploy is in progress, and exponential backoff
// after failures (longer when the cloud said "too frequent", HTTP 429). The poller runs only while it is resumed
// (the view visible) and never overlaps two polls. Timers are injected so tests drive time by hand.

export interface PollPolicy {
  /** Seconds between polls when nothing is happening. */
  intervalS: number;
  /** Seconds between polls while a deploy is in progress. */
  activeIntervalS: number;
  /** Upper bound of the backed-off delay, seconds. */
  maxDelayS: number;
  /** Lower bound after a rate-limit answer, seconds (Vast's threshold is a few seconds per endpoint). */
  rateLimitedMinS: number;
}

export const DEFAULT_POLL_POLICY: PollPolicy = { intervalS: 15, activeIntervalS: 3, maxDelayS: 300, rateLimitedMinS: 30 };

export type PollOutcome = 'ok' | 'error' | 'rate-limited';

/** Seconds until the next poll after `consecutiveFailures` failures, the last of kind `outcome`. */
export function nextDelayS(policy: PollPolicy, active: boolean, outcome: PollOutcome, consecutiveFailures: number): number {
  const base = active ? policy.activeIntervalS : policy.intervalS;
  if (outcome === 'ok') return base;
  const backedOff = base * 2 ** Math.min(consecutiveFailures, 16);
  const floor = outcome === 'rate-limited' ? Math.max(policy.rateLimitedMinS, base * 2) : base;
  return Math.min(policy.maxDelayS, Math.max(floor, backedOff));
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/**
 * Calls `poll` repeatedly. `poll` resolves with its outcome (it must not throw; a throw counts as 'error').
 * Starts paused: call `resume()` when the view becomes visible, `pause()` when it hides.
 */
export class Poller {
  private timer: unknown;
  private running = false;
  private paused = true;
  private failures = 0;
  private activeCount = 0;
  private lastDelayS = 0;
  private disposed = false;

  constructor(
    private readonly poll: () => Promise<PollOutcome>,
    private policy: PollPolicy = DEFAULT_POLL_POLICY,
    private readonly timers: Timers = realTimers,
  ) {}

  /** The delay chosen after the last poll, seconds (for the status line and tests). */
  get currentDelayS(): number {
    return this.lastDelayS;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  setPolicy(policy: PollPolicy): void {
    this.policy = policy;
  }

  /** Polls now (unless one is running) and then on schedule. */
  resume(): void {
    if (this.disposed) return;
    this.paused = false;
    if (!this.running) this.pollNow();
  }

  pause(): void {
    this.paused = true;
    this.cancelTimer();
  }

  /** Marks a deploy in progress (faster polling) until the returned function is called. */
  beginActivity(): () => void {
    this.activeCount++;
    if (!this.paused && !this.running) this.pollNow();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.activeCount--;
    };
  }

  /** A poll right away, e.g. after the user's own action changed something. */
  pollNow(): void {
    if (this.disposed || this.paused) return;
    this.cancelTimer();
    if (this.running) return;
    this.running = true;
    let outcome: Promise<PollOutcome>;
    try {
      outcome = this.poll();
    } catch {
      outcome = Promise.resolve('error');
    }
    void outcome
      .catch((): PollOutcome => 'error')
      .then((result) => {
        this.running = false;
        this.failures = result === 'ok' ? 0 : this.failures + 1;
        this.lastDelayS = nextDelayS(this.policy, this.activeCount > 0, result, this.failures);
        if (!this.paused && !this.disposed) this.timer = this.timers.setTimeout(() => this.pollNow(), this.lastDelayS * 1000);
      });
  }

  dispose(): void {
    this.disposed = true;
    this.cancelTimer();
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
