// Offer search on the local engine: `POST /api/v0/bundles/` (what `vastai search offers` sends) and its newer form
// `PUT /api/v0/search/asks/` (`{select_cols, q}`, `vastai search offers --new`). This machine is the engine's only
// offer: its real GPUs, cores, RAM and free disk at price 0, answered when it meets the query's filters and left out
// when it does not (an empty list, never a made-up offer). The filters are judged as the workergroup's GPU filters are
// (shared/machine.ts), so `offers` agrees with the warnings a deploy to this engine gives.
import { unmetFilters, parseSearchParams, type MachineFacts } from '../../shared/machine';
import { offerQueryToSearchParams } from '../../shared/offerQuery';
import type { Offer, OfferSearchResponse } from '../../shared/protocol/offers';
import { presentedKeys, requireKey } from './auth';
import { HttpError, readJsonObject, sendJson, type RequestContext, type Router } from './http';

/** This machine as an offer, in the cloud's units (RAM in MB, disk in GB, $/hour). */
export function localOffer(facts: MachineFacts): Offer {
  const names = [...new Set(facts.gpus.map((g) => g.name))];
  const memories = facts.gpus.map((g) => g.memoryMb);
  return {
    id: 1,
    num_gpus: facts.gpus.length,
    gpu_name: names.length ? names.join(' + ') : null,
    gpu_ram: memories.length ? Math.max(...memories) : 0,
    gpu_total_ram: memories.reduce((a, b) => a + b, 0),
    cpu_cores: facts.cpuCores,
    cpu_cores_effective: facts.cpuCores,
    cpu_ram: Math.round(facts.cpuRamGb * 1000),
    cpu_arch: facts.cpuArch === 'x64' ? 'amd64' : facts.cpuArch,
    disk_space: Math.floor(facts.diskFreeGb * 10) / 10,
    dph_base: 0,
    dph_total: 0,
    storage_cost: 0,
    // The marketplace's own scores (reliability, verification) do not exist for this machine.
    reliability: null,
  };
}

/** The engine's answer to an offer query (`{column: {op: value}}` plus order/type/limit/allocated_storage). */
export function searchLocalOffers(query: Record<string, unknown>, facts: MachineFacts): OfferSearchResponse {
  const searchParams = offerQueryToSearchParams(query);
  // unmetFilters lists the filters it could not read first, as notes; only the ones after them are failures.
  const unreadable = parseSearchParams(searchParams).unreadable.length;
  const unmet = unmetFilters(searchParams, facts).slice(unreadable);
  const limit = typeof query.limit === 'number' ? query.limit : undefined;
  const offers = unmet.length || (limit !== undefined && limit < 1) ? [] : [localOffer(facts)];
  return { offers, local_engine: true, unmet };
}

export function registerOfferRoutes(router: Router, deps: { apiKey: string; machine: MachineFacts }): void {
  const answer = (ctx: RequestContext, query: unknown) => {
    if (!query || typeof query !== 'object' || Array.isArray(query)) throw new HttpError(400, 'the offer query must be a JSON object of {column: {op: value}}');
    sendJson(ctx.res, 200, searchLocalOffers(query as Record<string, unknown>, deps.machine));
  };
  router.add('POST', '/api/v0/bundles/', async (ctx) => {
    requireKey(presentedKeys(ctx.req, ctx.url), [deps.apiKey], 'the engine API key');
    answer(ctx, await readJsonObject(ctx.req));
  });
  router.add('PUT', '/api/v0/search/asks/', async (ctx) => {
    requireKey(presentedKeys(ctx.req, ctx.url), [deps.apiKey], 'the engine API key');
    answer(ctx, (await readJsonObject(ctx.req)).q ?? {});
  });
}
