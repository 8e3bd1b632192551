// Scaling and routing decisions. `desiredWorkers` is pure (the numbers in, a count out); the engine's tick applies
// it. Units follow Vast's: perf = workload per second from the worker's benchmark (max_perf), load = workload per
// second routed (route `cost`, 100 per call from the SDK).
import type { EndpointRecord, WorkerStatus } from '../../shared/protocol/vast';

/** With no `cold_workers` configured the local engine keeps one worker warm (Vast's cloud default, 5, is too many here). */
export const LOCAL_DEFAULT_COLD_WORKERS = 1;
export const DEFAULT_MAX_WORKERS = 20;
export const DEFAULT_TARGET_UTIL = 0.9;
/** A worker with no benchmark yet counts as this much perf (one 1-second call of cost 100). */
export const ASSUMED_PERF = 100;

export interface ScaleInput {
  endpoint: Pick<EndpointRecord, 'cold_workers' | 'max_workers' | 'min_load' | 'target_util' | 'inactivity_timeout'>;
  /** max_perf of each worker that has one. */
  perfs: number[];
  /** Workload per second routed to the endpoint lately (route `cost` per second). */
  load: number;
  /** Route polls waiting for a worker (each asks for at least one). */
  waiting: number;
  /** ms since the last request routed or waiting on this endpoint. */
  idleMs: number;
  localLimit: number;
}

export function workerCap(endpoint: ScaleInput['endpoint'], localLimit: number): number {
  const max = Number(endpoint.max_workers ?? DEFAULT_MAX_WORKERS);
  return Math.max(0, Math.min(Number.isFinite(max) ? max : DEFAULT_MAX_WORKERS, localLimit));
}

export function desiredWorkers(input: ScaleInput): number {
  const { endpoint } = input;
  const cap = workerCap(endpoint, input.localLimit);
  const inactivity = Number(endpoint.inactivity_timeout ?? 0);
  const inactive = inactivity > 0 && input.idleMs > inactivity * 1000 && input.waiting === 0;
  const cold = inactive ? 0 : Number(endpoint.cold_workers ?? LOCAL_DEFAULT_COLD_WORKERS);
  const perf = input.perfs.length ? input.perfs.reduce((a, b) => a + b, 0) / input.perfs.length : ASSUMED_PERF;
  const targetUtil = Number(endpoint.target_util ?? DEFAULT_TARGET_UTIL) || DEFAULT_TARGET_UTIL;
  const minLoad = inactive ? 0 : Number(endpoint.min_load ?? 0) || 0;
  const needed = Math.max(minLoad, input.load / targetUtil);
  let forLoad = needed > 0 ? Math.ceil(needed / Math.max(perf, 1e-9)) : 0;
  if (input.waiting > 0) forLoad = Math.max(forLoad, 1);
  return Math.min(cap, Math.max(Number.isFinite(cold) ? cold : 0, forLoad));
}

/** The waiting route's `status`: a breakdown such as `1 model_loading, 1 creating`, or why there are no workers. */
export function statusSummary(statuses: { status: WorkerStatus; error_msg?: string }[]): string {
  if (statuses.length === 0) return 'no workers yet';
  const counts = new Map<string, number>();
  for (const s of statuses) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  const parts = [...counts].map(([status, n]) => `${n} ${status}`);
  const firstError = statuses.find((s) => s.status === 'error' && s.error_msg)?.error_msg;
  return `${parts.join(', ')}${firstError ? ` (${firstError.split('\n')[0]!.slice(0, 300)})` : ''}`;
}
