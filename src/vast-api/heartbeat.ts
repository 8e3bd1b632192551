// The TTL heartbeat (the last step of ensure_ready, only with a ttl): the first beat at once, then every
// min(ttl/2, 60) s until the signal fires.
// A failed beat is logged, never thrown: the next beat is the retry, and the server only tears down after a TTL.
import { isAbortError } from './errors';
import type { SleepFn } from './timing';

export function heartbeatIntervalMs(ttlSeconds: number): number {
  return Math.min(ttlSeconds / 2, 60) * 1000;
}

export async function runHeartbeat(
  beat: (signal: AbortSignal) => Promise<void>,
  ttlSeconds: number,
  signal: AbortSignal,
  sleep: SleepFn,
  warn: (message: string) => void,
): Promise<void> {
  if (!(ttlSeconds > 0)) throw new RangeError(`startHeartbeat: ttl must be a positive number of seconds, got ${ttlSeconds}`);
  const intervalMs = heartbeatIntervalMs(ttlSeconds);
  while (!signal.aborted) {
    try {
      await beat(signal);
    } catch (err) {
      if (signal.aborted || isAbortError(err)) return;
      warn(`heartbeat failed (next try in ${intervalMs / 1000} s): ${(err as Error).message}`);
    }
    try {
      await sleep(intervalMs, signal);
    } catch {
      return;
    }
  }
}
