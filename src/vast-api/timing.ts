// Waiting: abortable sleeps and the SDK's backoff curves. Injectable (VastClientOptions.sleep/random/now) so that
// tests run without real waits.
import { abortError } from './errors';

export type SleepFn = (ms: number, signal?: AbortSignal) => Promise<void>;
export type RandomFn = () => number;
export type NowFn = () => number;

/** Resolves after `ms`, or rejects with the signal's AbortError as soon as it fires. */
export const sleep: SleepFn = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export const MAX_BACKOFF_MS = 5000;

/** Request retry backoff, as the SDK's: min(2^attempt + U(0,1), 5) seconds; attempt counts from 0. */
export function retryBackoffMs(attempt: number, random: RandomFn): number {
  return Math.min((2 ** attempt + random()) * 1000, MAX_BACKOFF_MS);
}

/** Route polling wait, as the SDK's: the first wait is 1 s; then U(0.1, min(2^n + U(0,1), 5)) s for n = 1, 2, … */
export function routeWaitMs(n: number, random: RandomFn): number {
  if (n <= 0) return 1000;
  const upper = Math.min(2 ** n + random(), 5);
  return (0.1 + random() * (upper - 0.1)) * 1000;
}

/** `Retry-After` as milliseconds (delta-seconds or an HTTP date), undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * A signal that fires when `parent` aborts or `timeoutMs` passes, whichever comes first, and can tell which one it
 * was. `dispose()` clears the timer. With no finite timeout it is `parent` itself (no controller, no listener).
 */
export function deadlineSignal(
  parent: AbortSignal | undefined,
  timeoutMs: number | undefined,
): { signal: AbortSignal | undefined; timedOut: () => boolean; dispose: () => void } {
  if (timeoutMs === undefined || !Number.isFinite(timeoutMs)) return { signal: parent, timedOut: () => false, dispose: () => {} };
  const controller = new AbortController();
  let timedOut = false;
  const onParent = () => controller.abort(parent!.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener('abort', onParent, { once: true });
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException('The operation timed out.', 'TimeoutError'));
  }, Math.max(0, timeoutMs));
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    dispose: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParent);
    },
  };
}
