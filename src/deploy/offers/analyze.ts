// Which offers a deployment's `search_params` gets on a target, before it deploys: the summary of the matches, and
// when there are none, the blocking filter and the known traps with their fix. Every search goes through the cache.
import { offerQuery } from '../../shared/offerQuery';
import type { Offer, OfferQuery, OfferSearchResponse } from '../../shared/protocol/offers';
import type { TargetKind } from '../../shared/protocol/target';
import { jsonText } from '../../vast-api/http';
import { findBlockers, findTraps, type BlockerReport, type Trap } from './blockers';
import { sharedOfferCache, type OfferCache } from './cache';
import { summarizeOffers, type OfferSummary } from './summary';

/** The part of VastClient the analysis needs. */
export interface OfferSearcher {
  searchOffers(query: OfferQuery, signal?: AbortSignal): Promise<OfferSearchResponse>;
}

export interface OfferAnalysisOptions {
  target: { kind: TargetKind; consoleUrl: string };
  searchParams: string;
  /** The deployment's storage in GB: offers are priced with it, as `--storage` prices them. */
  storage: number;
  cache?: OfferCache;
  signal?: AbortSignal;
}

export interface OfferReport {
  target: TargetKind;
  searchParams: string;
  storage: number;
  summary: OfferSummary;
  /** The matching offers as the target answered them (best score first). */
  offers: Offer[];
  /** ms since the main search's answer was fetched (0: just now). */
  ageMs: number;
  /** Local engine: the filters this machine fails, in the engine's words. */
  unmet?: string[];
  /** When nothing matched: which filter blocks. */
  blocker?: BlockerReport;
  traps: Trap[];
}

export async function analyzeOffers(client: OfferSearcher, options: OfferAnalysisOptions): Promise<OfferReport> {
  const cache = options.cache ?? sharedOfferCache;
  const where = `${options.target.kind} ${options.target.consoleUrl}`;
  const run = async (searchParams: string) => {
    const query = offerQuery(searchParams, { storage: options.storage });
    return cache.get(`${where}\n${jsonText(query)}`, () => client.searchOffers(query, options.signal));
  };
  const search = async (searchParams: string) => (await run(searchParams)).answer;
  const main = await run(options.searchParams);
  const report: OfferReport = {
    target: options.target.kind,
    searchParams: options.searchParams,
    storage: options.storage,
    summary: summarizeOffers(main.answer.offers),
    offers: main.answer.offers,
    ageMs: main.ageMs,
    traps: [],
  };
  if (main.answer.unmet?.length) report.unmet = main.answer.unmet;
  if (main.answer.offers.length === 0) report.blocker = await findBlockers(options.searchParams, search);
  report.traps = await findTraps(options.searchParams, report.blocker?.blockers ?? [], search);
  return report;
}
