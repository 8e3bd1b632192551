// When watch mode updates (the CLI's `dev` and the editor's Watch): editors write a file in a burst of events
// (truncate, write, rename; several saves in a row), so one update follows the last change of a burst; updates never
// overlap; and a change that arrives while an update runs is never lost: one more update runs after it, reading the
// file as it is then (the last save wins, however many arrived meanwhile). Free of I/O and of vscode, so both
// watchers share it and it is tested on its own.

/**
 * How long the CLI's `dev` waits after a file event before it updates: an editor writes a file in a burst of events
 * (truncate, write, rename) a few ms apart, which 50 ms covers; a later save is never lost either way (it gets one
 * more update). The wait is part of every save's turnaround: at 200 ms it was more than the whole update and re-run
 * (bench/watch.mjs).
 */
export const DEV_DEBOUNCE_MS = 50;

/**
 * The editor's Watch: one save is one event, so the wait is for a burst of saves (Save All, several quick saves),
 * which should be one update.
 */
export const EDITOR_WATCH_DEBOUNCE_MS = 200;

export interface UpdateSchedulerOptions {
  /** Quiet time after the last change before an update starts. */
  debounceMs: number;
  /** A failed update is reported here; the scheduler goes on with the next change. */
  onError?: (err: unknown) => void;
}

export class UpdateScheduler {
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** A change arrived that no update has taken in yet. */
  private pending = false;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly update: () => Promise<void>,
    private readonly options: UpdateSchedulerOptions,
  ) {}

  /** Something changed: an update starts once the burst is over (or after the running one). */
  changed(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.now();
    }, this.options.debounceMs);
  }

  /** An update without waiting for quiet (the first one, when watching starts). */
  now(): void {
    if (this.stopped) return;
    this.pending = true;
    this.kick();
  }

  /** True while an update runs or one is waiting for its burst to end. */
  get busy(): boolean {
    return this.running !== undefined || this.timer !== undefined;
  }

  /** Resolves when the update running now (and any it owes to changes made during it) has finished. */
  async settled(): Promise<void> {
    await this.running;
  }

  /** No update starts after this; one that runs is left to finish (await `settled()` for it). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = false;
  }

  private kick(): void {
    if (this.running) return; // the loop below takes the change in when the current update ends
    this.running = (async () => {
      try {
        while (this.pending && !this.stopped) {
          this.pending = false;
          // Whatever goes wrong with one update must not end the watch.
          await this.update().catch((err: unknown) => {
            if (!this.stopped) this.options.onError?.(err);
          });
        }
      } finally {
        this.running = undefined;
      }
    })();
  }
}
