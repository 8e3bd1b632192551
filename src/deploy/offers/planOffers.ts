// The offers line of a plan (the plan view shows it before Deploy): matches and cost on the plan's target, or the
// blocker, from the same analysis as `vast-deploy offers`. Never fails a plan: a search that errs or takes too long
// becomes a line saying so.
import type { Bundle } from '../../shared/protocol/bundle';
import type { TargetKind } from '../../shared/protocol/target';
import { estimateCost } from '../cost';
import { analyzeOffers, type OfferSearcher } from './analyze';
import { costLines, formatAge, offersLine } from './format';

export interface PlanOffers {
  /** "3 matching offers, $0.40–$0.82/h (...), RTX 4090 × 3" or the blocker, or why there is no answer. */
  line: string;
  costLines: string[];
  /** "fetched just now" / "fetched 2 min 5 s ago": answers are cached for a few minutes. */
  age: string;
  /** $/hour at max scale on the priciest matching offer (what a budget is checked against); absent without offers. */
  maxScalePerHour?: number;
  /** The search failed or gave no answer in time: the cost is unknown (a budget then asks), not zero. */
  unavailable?: boolean;
}

/** A plan waits at most this long for the offers (it is shown with "offers unavailable" then). */
export const PLAN_OFFERS_TIMEOUT_MS = 8000;

export async function planOffers(
  client: OfferSearcher,
  target: { kind: TargetKind; consoleUrl: string },
  bundle: Pick<Bundle, 'putBody' | 'autoscaling'>,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<PlanOffers> {
  const timeoutMs = options.timeoutMs ?? PLAN_OFFERS_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  let stop: (() => void) | undefined;
  // Only the wait ends at the limit or on cancel: the searches go on into the offer cache, so the next plan has the
  // answer instead of starting the whole chain again against a slow or rate-limiting cloud.
  const gaveUp = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    stop = () => reject(new Error('cancelled'));
    if (options.signal?.aborted) stop();
    else options.signal?.addEventListener('abort', stop, { once: true });
  });
  try {
    const body = bundle.putBody;
    const analysis = analyzeOffers(client, { target, searchParams: body.search_params, storage: body.storage });
    analysis.catch(() => undefined); // a failure after the wait ended has no one to tell
    const report = await Promise.race([analysis, gaveUp]);
    const cost = estimateCost({ offers: report.offers, autoscaling: bundle.autoscaling, storageGb: body.storage, ttlSeconds: body.ttl });
    const fix = report.traps[0];
    const line = offersLine(report) + (fix && 'replacement' in fix && fix.replacement ? `; try \`${fix.replacement}\`` : '');
    const out: PlanOffers = { line, costLines: cost ? costLines(cost) : [], age: `fetched ${formatAge(report.ageMs)}` };
    if (cost) out.maxScalePerHour = cost.maxScalePerHour.max;
    return out;
  } catch (err) {
    return { line: `offers unavailable: ${(err as Error).message.split('\n')[0]}`, costLines: [], age: '', unavailable: true };
  } finally {
    clearTimeout(timer);
    if (stop) options.signal?.removeEventListener('abort', stop);
  }
}
