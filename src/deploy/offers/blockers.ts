// Why a deployment's filters match no offer: each of its filters is dropped in turn and the search run again; a filter
// whose removal alone brings offers back is a blocker. Then the known traps, each with a replacement filter: RAM
// written in GB where the builder takes MB, and a GPU name nobody offers.
import { SEARCH_DEFAULT_FILTERS, searchTokens, type SearchToken } from '../../shared/offerQuery';
import type { OfferSearchResponse } from '../../shared/protocol/offers';
import { summarizeOffers } from './summary';

/** Runs the offer search for a search_params string. */
export type SearchFn = (searchParams: string) => Promise<OfferSearchResponse>;

export interface DroppedFilter {
  /** The filter as search_params writes it (`gpu_name in RTX_4090,RTX_5090`). */
  filter: string;
  /** Offers the search finds without it. */
  offers: number;
}

export interface BlockerReport {
  /** Filters whose removal alone brings offers back, most offers first; empty when no single filter does. */
  blockers: DroppedFilter[];
  /** Every filter of the deployment, dropped alone. */
  tried: DroppedFilter[];
  /** When no single filter is the blocker: the offers with all of the deployment's filters dropped (0: none at all). */
  withoutFilters?: number;
}

export type Trap =
  | {
      kind: 'ram-in-gb';
      filter: string;
      column: string;
      /** What the filter asks for now, in MB (the number written in Python). */
      asksMb: number;
      /** The filter as it was probably meant, in search_params and in Python (MB). */
      replacement: string;
      python: string;
      /** Offers the search finds with the replacement. */
      offers: number;
    }
  | {
      kind: 'gpu-without-offers';
      filter: string;
      /** The GPU names the filter asks for (spaces, as the offers write them). */
      names: string[];
      /** GPUs the offers have once the filter is dropped, most GPUs first (at most three). */
      available: { name: string; gpus: number }[];
      /** A gpu_name filter for those GPUs, when there are any. */
      replacement?: string;
      offers: number;
    };

const RAM_COLUMNS = new Set(['gpu_ram', 'cpu_ram', 'gpu_total_ram']);
const PY_OPS: Record<string, string> = { '=': '==', '==': '==', '!=': '!=', '>': '>', '>=': '>=', '<': '<', '<=': '<=' };

/** The string with some of its tokens left out (tokens as searchTokens returned them for the same string). */
function without(tokens: SearchToken[], dropped: SearchToken[]): string {
  return tokens
    .filter((t) => !dropped.includes(t))
    .map((t) => t.text)
    .join(' ');
}

/** Drops each filter in turn (one search each, in order, so a rate limit sees them one at a time). */
export async function findBlockers(searchParams: string, search: SearchFn): Promise<BlockerReport> {
  const tokens = searchTokens(searchParams);
  const own = tokens.filter((t) => !SEARCH_DEFAULT_FILTERS.has(t.text));
  const tried: DroppedFilter[] = [];
  for (const token of own) tried.push({ filter: token.text, offers: (await search(without(tokens, [token]))).offers.length });
  const blockers = tried.filter((t) => t.offers > 0).sort((a, b) => b.offers - a.offers);
  const report: BlockerReport = { blockers, tried };
  if (!blockers.length && own.length) report.withoutFilters = (await search(without(tokens, own))).offers.length;
  return report;
}

/** Drops float noise (0.048 * 1000 = 48.00000000000001). */
const roundTo12Digits = (n: number) => Number(n.toPrecision(12));

/**
 * `gpu_ram >= 24` in Python asks for 24 MB (search_params `gpu_ram>=0.024`): a RAM filter under 1 GB is read as GB
 * written for MB. No GPU or machine has less than 1 GB, so such a filter is always the slip (it then matches every
 * offer, or, with `<`/`=`, none).
 */
async function ramTraps(searchParams: string, search: SearchFn): Promise<Trap[]> {
  const traps: Trap[] = [];
  const tokens = searchTokens(searchParams);
  for (const token of tokens.filter((t) => !SEARCH_DEFAULT_FILTERS.has(t.text))) {
    const pyOp = PY_OPS[token.op];
    const gb = Number(token.value);
    if (!RAM_COLUMNS.has(token.field) || !pyOp || !Number.isFinite(gb) || gb <= 0 || gb >= 1) continue;
    // The Python asked for this many MB; it is the number of GB its author meant.
    const asksMb = roundTo12Digits(gb * 1000);
    const meantGb = asksMb;
    const replacement = `${token.field}${token.op}${meantGb}`;
    const fixed = tokens.map((t) => (t === token ? replacement : t.text)).join(' ');
    traps.push({
      kind: 'ram-in-gb',
      filter: token.text,
      column: token.field,
      asksMb,
      replacement,
      python: `${token.field} ${pyOp} ${roundTo12Digits(meantGb * 1000)}`,
      offers: (await search(fixed)).offers.length,
    });
  }
  return traps;
}

/** A gpu_name filter that blocks: what the offers have instead, and a filter naming those GPUs. */
async function gpuTraps(searchParams: string, blockers: DroppedFilter[], search: SearchFn): Promise<Trap[]> {
  const traps: Trap[] = [];
  const tokens = searchTokens(searchParams);
  for (const token of tokens.filter((t) => !SEARCH_DEFAULT_FILTERS.has(t.text))) {
    if (token.field !== 'gpu_name' || !['=', '==', 'in'].includes(token.op)) continue;
    const blocker = blockers.find((b) => b.filter === token.text);
    if (!blocker) continue;
    const answer = await search(without(tokens, [token]));
    const available = summarizeOffers(answer.offers)
      .gpus.slice(0, 3)
      .map(({ name, gpus }) => ({ name, gpus }));
    const wire = available.map((g) => g.name.replace(/ /g, '_'));
    const trap: Trap = {
      kind: 'gpu-without-offers',
      filter: token.text,
      names: token.value.replace(/^\[|\]$/g, '').split(',').map((n) => n.trim().replace(/_/g, ' ').replace(/"/g, '')).filter(Boolean),
      available,
      offers: blocker.offers,
    };
    if (wire.length) trap.replacement = wire.length === 1 ? `gpu_name=${wire[0]}` : `gpu_name in ${wire.join(',')}`;
    traps.push(trap);
  }
  return traps;
}

/** The known traps among the filters; `blockers` from findBlockers when nothing matched (else empty). */
export async function findTraps(searchParams: string, blockers: DroppedFilter[], search: SearchFn): Promise<Trap[]> {
  return [...(await ramTraps(searchParams, search)), ...(await gpuTraps(searchParams, blockers, search))];
}
