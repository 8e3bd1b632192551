// The offer analyses the editor has asked for (the hover, the tree's Offers rows), one per target and filters:
// started once, shared by every asker while it runs, and kept with its answer for as long as the offer cache keeps
// searches (src/deploy/offers/cache.ts), so a hover or a tree render never waits for the network twice. Listeners
// hear when an answer lands (the tree redraws then). Free of the vscode module, so it is tested with node.
import { OFFER_CACHE_MS } from '../../deploy/offers/cache';
import { analyzeOffers, type OfferReport, type OfferSearcher } from '../../deploy/offers/analyze';
import type { Target } from '../../shared/protocol/target';

export type LookupState =
  | { state: 'searching' }
  | { state: 'done'; report: OfferReport; ageMs: number }
  | { state: 'failed'; message: string };

/** At most this many answers are kept (distinct filters hovered or shown in the tree, per target and key). */
export const MAX_LOOKUPS = 50;

/** A failed search is tried again after this long (a rate limit or a dropped connection passes). */
export const FAILED_LOOKUP_RETRY_MS = 30_000;

interface Entry {
  settled: Promise<void>;
  at?: number;
  report?: OfferReport;
  error?: string;
  /** The answer this one refreshes: shown until the new one lands. */
  previous?: Entry;
}

export class OfferLookups {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly now: () => number = Date.now) {}

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** What is known for `key` now; starts `search` when nothing is, or what is known is too old. Never waits. */
  peek(key: string, search: () => Promise<OfferReport>): LookupState {
    const entry = this.entryFor(key, search);
    return this.stateOf(entry);
  }

  /** As peek, waiting at most `waitMs` for a search that is running. */
  async within(key: string, search: () => Promise<OfferReport>, waitMs: number): Promise<LookupState> {
    const entry = this.entryFor(key, search);
    if (entry.at === undefined && !entry.previous) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([entry.settled, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
      clearTimeout(timer);
    }
    return this.stateOf(entry);
  }

  clear(): void {
    this.entries.clear();
  }

  private stateOf(entry: Entry): LookupState {
    if (entry.at === undefined) return entry.previous ? this.stateOf(entry.previous) : { state: 'searching' };
    if (entry.report) return { state: 'done', report: entry.report, ageMs: entry.report.ageMs + (this.now() - entry.at) };
    return { state: 'failed', message: entry.error ?? 'unknown error' };
  }

  private entryFor(key: string, search: () => Promise<OfferReport>): Entry {
    const known = this.entries.get(key);
    if (known && !this.stale(known)) return known;
    this.prune(key);
    const entry: Entry = { settled: Promise.resolve(), previous: known?.report ? { ...known, previous: undefined } : undefined };
    entry.settled = search().then(
      (report) => {
        entry.report = report;
        entry.at = this.now();
        entry.previous = undefined;
      },
      (err: unknown) => {
        entry.error = (err instanceof Error ? err.message : String(err)).split('\n')[0];
        entry.at = this.now();
        entry.previous = undefined;
      },
    ).then(() => {
      if (this.entries.get(key) === entry) for (const l of [...this.listeners]) l();
    });
    this.entries.set(key, entry);
    return entry;
  }

  /**
   * Answers nobody can show any more go (each holds every offer of its search): stale ones, then the oldest past
   * MAX_LOOKUPS. Running searches stay: their askers wait on them.
   */
  private prune(keep: string): void {
    for (const [k, e] of this.entries) if (k !== keep && e.at !== undefined && this.stale(e)) this.entries.delete(k);
    for (const [k, e] of this.entries) {
      if (this.entries.size <= MAX_LOOKUPS) break;
      if (k !== keep && e.at !== undefined) this.entries.delete(k); // a Map iterates oldest first
    }
  }

  private stale(entry: Entry): boolean {
    if (entry.at === undefined) return false;
    const age = this.now() - entry.at + (entry.report?.ageMs ?? 0);
    return age >= (entry.report ? OFFER_CACHE_MS : FAILED_LOOKUP_RETRY_MS);
  }
}

/** The lookup key of a search: target (with its key), storage and filters. */
export function offerLookupKey(target: Target, storage: number, searchParams: string): string {
  return `${target.kind} ${target.consoleUrl} ${target.apiKey}\n${storage}\n${searchParams}`;
}

/** Runs (or reuses) the offer analysis of `searchParams` on `target`: now (peek), or waiting `within` ms at most. */
export function lookupOffers(
  connections: { client(target: Target): OfferSearcher },
  lookups: OfferLookups,
  target: Target,
  storage: number,
  searchParams: string,
  within: number,
): Promise<LookupState>;
export function lookupOffers(connections: { client(target: Target): OfferSearcher }, lookups: OfferLookups, target: Target, storage: number, searchParams: string): LookupState;
export function lookupOffers(
  connections: { client(target: Target): OfferSearcher },
  lookups: OfferLookups,
  target: Target,
  storage: number,
  searchParams: string,
  within?: number,
): Promise<LookupState> | LookupState {
  const search = () => analyzeOffers(connections.client(target), { target, searchParams, storage });
  const key = offerLookupKey(target, storage, searchParams);
  return within === undefined ? lookups.peek(key, search) : lookups.within(key, search, within);
}
