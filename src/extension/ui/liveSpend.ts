// Live spend of a cloud deployment: each worker's price (its instance's `dph_total`, read by the tree's source) and
// the endpoint's total per hour. Stopped (cold) workers are billed for their disk only and pending ones not at all
// (docs/decisions.md, "Cost estimate"), so neither counts toward the total; the worker row still shows its price.
// VS-Code-free, so it is tested with node.
import { workerStatusInfo } from '../../deploy/workerStatus';
import type { WorkerRecord } from '../../shared/protocol/vast';

export const perHour = (n: number) => `$${n.toFixed(2)}/h`;

export interface LiveSpend {
  /** $/hour of the billed workers whose price is known. */
  total: number;
  /** Billed workers counted, and billed workers whose price is not known (left out of the total). */
  counted: number;
  unknown: number;
}

/** Whether a worker in this status runs on a rented instance (billed at its dph_total). */
export function billedAtFullPrice(status: string): boolean {
  const category = workerStatusInfo(status).category;
  return category !== 'stopped' && category !== 'pending';
}

/** The total of the workers' known prices; undefined when no price is known at all. */
export function liveSpend(workers: readonly WorkerRecord[], prices: ReadonlyMap<number, number | null> | undefined): LiveSpend | undefined {
  if (!prices?.size) return undefined;
  const spend: LiveSpend = { total: 0, counted: 0, unknown: 0 };
  for (const w of workers) {
    if (!billedAtFullPrice(w.status)) continue;
    const price = prices.get(w.id);
    if (typeof price === 'number') {
      spend.total += price;
      spend.counted++;
    } else spend.unknown++;
  }
  return spend;
}

/** "$1.35/h" for the endpoint row, and its tooltip line. */
export function liveSpendText(spend: LiveSpend): { short: string; tooltip: string } {
  const missing = spend.unknown ? `; ${spend.unknown} worker${spend.unknown === 1 ? '' : 's'} without a known price left out` : '';
  return {
    short: perHour(spend.total),
    tooltip: `Live spend ${perHour(spend.total)}: the dph_total of ${spend.counted} running worker${spend.counted === 1 ? '' : 's'} (stopped workers pay for disk only${missing})`,
  };
}
