// Offer-search answers remembered per target and query, for a few minutes: the blocker analysis re-searches often,
// the editor asks again on every plan, and the cloud rate-limits. Each hit says how old it is, so a caller can show
// the age next to the figures.
import type { OfferSearchResponse } from '../../shared/protocol/offers';

export const OFFER_CACHE_MS = 5 * 60_000;

export interface CachedAnswer {
  answer: OfferSearchResponse;
  /** ms since the answer came from the target (0 when it was just fetched). */
  ageMs: number;
}

export class OfferCache {
  private readonly entries = new Map<string, { answer: OfferSearchResponse; at: number }>();
  /** Searches running now, shared by every caller of the same key (a plan, the lens, the hover and the tree at once). */
  private readonly running = new Map<string, Promise<OfferSearchResponse>>();

  constructor(
    readonly maxAgeMs = OFFER_CACHE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The answer for `key` when one is younger than maxAgeMs; else the search for it that is running, or `fetch`'s
   * answer (remembered; a failure is not, so the next caller searches again).
   */
  async get(key: string, fetch: () => Promise<OfferSearchResponse>): Promise<CachedAnswer> {
    const hit = this.entries.get(key);
    const now = this.now();
    if (hit && now - hit.at < this.maxAgeMs) return { answer: hit.answer, ageMs: now - hit.at };
    let search = this.running.get(key);
    if (!search) {
      search = fetch();
      this.running.set(key, search);
      const done = () => {
        if (this.running.get(key) === search) this.running.delete(key);
      };
      search.then((answer) => {
        done();
        this.entries.set(key, { answer, at: this.now() });
        for (const [k, e] of this.entries) if (now - e.at >= this.maxAgeMs) this.entries.delete(k);
      }, done);
    }
    return { answer: await search, ageMs: 0 };
  }

  clear(): void {
    this.entries.clear();
    this.running.clear();
  }
}

/** One cache for the process: the CLI and the editor share answers for the same target and filters. */
export const sharedOfferCache = new OfferCache();
