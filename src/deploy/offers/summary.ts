// What a set of matching offers amounts to: how many, the price range (per offer and per GPU-hour, from `dph_total`),
// the GPUs by name with their count, and the reliability range. Pure.
import type { Offer } from '../../shared/protocol/offers';

export interface Range {
  min: number;
  max: number;
}

export interface OfferSummary {
  count: number;
  /** `dph_total` of the offers, $/hour for the whole offer (all its GPUs, storage included). */
  pricePerHour: Range | null;
  /** `dph_total / num_gpus`: $ per GPU-hour (offers without a GPU are left out). */
  pricePerGpuHour: Range | null;
  /** GPU name → GPUs across all offers, most first; `offers` counts the offers with that GPU. */
  gpus: { name: string; gpus: number; offers: number }[];
  /** null when no offer has a reliability (the local engine has none). */
  reliability: Range | null;
}

function range(values: (number | null | undefined)[]): Range | null {
  const known = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return known.length ? { min: Math.min(...known), max: Math.max(...known) } : null;
}

export function summarizeOffers(offers: readonly Offer[]): OfferSummary {
  const byName = new Map<string, { gpus: number; offers: number }>();
  for (const o of offers) {
    if (!o.gpu_name || o.num_gpus <= 0) continue;
    const entry = byName.get(o.gpu_name) ?? { gpus: 0, offers: 0 };
    entry.gpus += o.num_gpus;
    entry.offers += 1;
    byName.set(o.gpu_name, entry);
  }
  return {
    count: offers.length,
    pricePerHour: range(offers.map((o) => o.dph_total)),
    pricePerGpuHour: range(offers.filter((o) => o.num_gpus > 0).map((o) => (o.dph_total === null ? null : o.dph_total / o.num_gpus))),
    gpus: [...byName].map(([name, e]) => ({ name, ...e })).sort((a, b) => b.gpus - a.gpus || a.name.localeCompare(b.name)),
    reliability: range(offers.map((o) => o.reliability)),
  };
}
