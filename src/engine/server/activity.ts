// When each endpoint was last used (a request routed or waiting, a worker finishing one, a start): what
// inactivity_timeout counts from.
export class ActivityTracker {
  private readonly lastUse = new Map<number, number>();

  touch(endpointId: number, at = Date.now()): void {
    this.lastUse.set(endpointId, at);
  }

  /** The last use this engine saw; undefined when none since it started. */
  lastUseOf(endpointId: number): number | undefined {
    return this.lastUse.get(endpointId);
  }
}
