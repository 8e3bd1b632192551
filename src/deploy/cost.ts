// What a deployment will cost on the offers that match it, from its configure_autoscaling values: per hour while idle
// and at full scale, the loading/benchmark phase every new worker goes through, and for a deployment with a `ttl` the
// most it can spend between its last client and its teardown. Ranges run from the cheapest to the priciest matching
// offer: which ones the autoscaler rents is its choice.
//
// Vast's serverless docs do not say how workers are billed, so this rests on assumptions (docs/decisions.md, "Cost
// estimate"): a worker is billed its offer's `dph_total` from the moment it is created, loading and benchmarking
// included; a cold worker is a stopped instance, billed for its disk only (`storage_cost` $/GB/month over 730 hours);
// `min_load` above 0 keeps at least one worker active (how many more depends on the benchmark, unknown before it);
// settings the deployment leaves out take the defaults the Vast CLI creates endpoints with.
import type { Offer } from '../shared/protocol/offers';
import type { AutoscalingSettings } from '../shared/protocol/vast';
import type { Range } from './offers/summary';

/** The Vast CLI's defaults for an endpoint's scaling (`vastai create endpoint`). */
export const CLOUD_SCALING_DEFAULTS = { cold_workers: 5, max_workers: 20, min_load: 0 } as const;
/** Hours in a billing month: `storage_cost` is $/GB/month. */
export const HOURS_PER_MONTH = 730;
/** How long a new worker is assumed to load (image pull, installs, contexts) and benchmark before it is ready. */
export const DEFAULT_LOADING_MINUTES = 10;

export interface CostInputs {
  offers: readonly Offer[];
  autoscaling: AutoscalingSettings;
  /** The deployment's storage in GB. */
  storageGb: number;
  /** The deployment's `ttl` in seconds, when it has one. */
  ttlSeconds?: number;
  loadingMinutes?: number;
}

export interface CostEstimate {
  /** `dph_total` of one worker. */
  workerPerHour: Range;
  scaling: { coldWorkers: number; maxWorkers: number; minLoad: number; activeWhenIdle: number; loadedAtStart: number; defaulted: string[] };
  /** Active workers kept for min_load plus the cold workers' disk, $/hour. */
  idlePerHour: Range;
  /** max_workers active, $/hour. */
  maxScalePerHour: Range;
  /** The workers recruited at the start, each billed while it loads and benchmarks, $. */
  benchmarkPhase: Range;
  loadingMinutes: number;
  /** At full scale for the whole ttl after the last client left, $. */
  ttlMax?: Range;
}

function setting(autoscaling: AutoscalingSettings, key: keyof typeof CLOUD_SCALING_DEFAULTS, defaulted: string[]): number {
  const value = Number(autoscaling[key]);
  if (autoscaling[key] === undefined || !Number.isFinite(value)) {
    defaulted.push(key);
    return CLOUD_SCALING_DEFAULTS[key];
  }
  return Math.max(0, value);
}

const scaled = (r: Range, f: (x: number) => number): Range => ({ min: f(r.min), max: f(r.max) });

/** The estimate, or undefined when no offer has a price. */
export function estimateCost(inputs: CostInputs): CostEstimate | undefined {
  const prices = inputs.offers.map((o) => o.dph_total).filter((p): p is number => typeof p === 'number' && Number.isFinite(p));
  if (!prices.length) return undefined;
  const workerPerHour = { min: Math.min(...prices), max: Math.max(...prices) };
  const storageRates = inputs.offers.map((o) => o.storage_cost).filter((p): p is number => typeof p === 'number' && Number.isFinite(p));
  const diskPerHour: Range = storageRates.length
    ? { min: (Math.min(...storageRates) * inputs.storageGb) / HOURS_PER_MONTH, max: (Math.max(...storageRates) * inputs.storageGb) / HOURS_PER_MONTH }
    : { min: 0, max: 0 };
  const defaulted: string[] = [];
  const coldWorkers = setting(inputs.autoscaling, 'cold_workers', defaulted);
  const maxWorkers = setting(inputs.autoscaling, 'max_workers', defaulted);
  const minLoad = setting(inputs.autoscaling, 'min_load', defaulted);
  const activeWhenIdle = Math.min(maxWorkers, minLoad > 0 ? 1 : 0);
  const coldBilled = Math.max(0, Math.min(coldWorkers, maxWorkers) - activeWhenIdle);
  // At the start the autoscaler recruits the cold and active workers (one, for the first request, when neither is set).
  const loadedAtStart = Math.min(maxWorkers, Math.max(1, coldWorkers, activeWhenIdle));
  const loadingMinutes = inputs.loadingMinutes ?? DEFAULT_LOADING_MINUTES;
  const maxScalePerHour = scaled(workerPerHour, (p) => p * maxWorkers);
  const estimate: CostEstimate = {
    workerPerHour,
    scaling: { coldWorkers, maxWorkers, minLoad, activeWhenIdle, loadedAtStart, defaulted },
    idlePerHour: { min: activeWhenIdle * workerPerHour.min + coldBilled * diskPerHour.min, max: activeWhenIdle * workerPerHour.max + coldBilled * diskPerHour.max },
    maxScalePerHour,
    benchmarkPhase: scaled(workerPerHour, (p) => (p * loadedAtStart * loadingMinutes) / 60),
    loadingMinutes,
  };
  if (inputs.ttlSeconds !== undefined && inputs.ttlSeconds > 0) estimate.ttlMax = scaled(maxScalePerHour, (p) => (p * inputs.ttlSeconds!) / 3600);
  return estimate;
}
