// Offer search (`POST {console}/api/v0/bundles/`): the answer read into typed offers. The request body is built from
// a search_params string in src/shared/offerQuery.ts; VastClient.searchOffers sends it.
import type { Offer, OfferSearchResponse } from '../shared/protocol/offers';

export const OFFER_SEARCH_PATH = '/api/v0/bundles/';

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** One offer of the answer with the fields we read typed (a missing or mistyped field is null); the rest kept. */
export function toOffer(raw: Record<string, unknown>): Offer {
  return {
    ...raw,
    id: num(raw.id) ?? 0,
    num_gpus: num(raw.num_gpus) ?? 0,
    gpu_name: str(raw.gpu_name),
    gpu_ram: num(raw.gpu_ram),
    gpu_total_ram: num(raw.gpu_total_ram),
    cpu_cores: num(raw.cpu_cores),
    cpu_ram: num(raw.cpu_ram),
    disk_space: num(raw.disk_space),
    dph_base: num(raw.dph_base),
    dph_total: num(raw.dph_total),
    storage_cost: num(raw.storage_cost),
    reliability: num(raw.reliability) ?? num(raw.reliability2),
  };
}

/** The answer's offers, or a reason it is not an offer-search answer (`{offers: [...]}`, as the CLI reads it). */
export function readOfferAnswer(data: unknown): { ok: true; answer: OfferSearchResponse } | { ok: false; reason: string } {
  const offers = (data as { offers?: unknown } | null)?.offers;
  if (!data || typeof data !== 'object' || !Array.isArray(offers)) return { ok: false, reason: 'no "offers" list in the answer' };
  if (!offers.every((o) => o && typeof o === 'object' && !Array.isArray(o))) return { ok: false, reason: 'an entry of "offers" is not an object' };
  const d = data as Record<string, unknown>;
  const answer: OfferSearchResponse = { offers: offers.map((o) => toOffer(o as Record<string, unknown>)) };
  if (d.local_engine === true) answer.local_engine = true;
  if (Array.isArray(d.unmet)) answer.unmet = d.unmet.filter((u): u is string => typeof u === 'string');
  return { ok: true, answer };
}
