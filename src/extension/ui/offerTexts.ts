// The offers and cost in the editor's words: the hover on require(...) / app.image(...), the Deploy lens's tooltip and
// the tree's Offers row. Built on the same report and lines as the plan view and `vast-deploy offers`
// (src/deploy/offers/format.ts). VS-Code-free, so it is tested with node.
import type { CostEstimate } from '../../deploy/cost';
import type { OfferReport } from '../../deploy/offers/analyze';
import type { Trap } from '../../deploy/offers/blockers';
import { costLines, formatAge, moneyRange, offersLine, plural, trapLine } from '../../deploy/offers/format';
import type { PlanOffers } from '../../deploy/offers/planOffers';
import { markdownCode, markdownFence, markdownQuoting, markdownText } from '../../shared/markdown';
import type { Range, RequirementAt } from '../../shared/protocol/lsp';

/** The command a hover's quick-fix link runs (registered by the extension): replaces one require() argument. */
export const APPLY_OFFER_FIX_COMMAND = 'vast.applyOfferFix';

/** A text edit of one require(...) argument, for the document version it was computed on. */
export interface OfferFix {
  title: string;
  uri: string;
  version: number;
  range: Range;
  newText: string;
}


/**
 * The Python that replaces the require() argument a trap names, when its filter is written as one comparison or
 * `in_` on a column: the MB value for RAM written in GB, or the GPUs the offers have instead.
 */
export function offerFixFor(trap: Trap, requirements: readonly RequirementAt[], doc: { uri: string; version: number }): OfferFix | undefined {
  const req = requirements.find((r) => r.filter === trap.filter && r.column);
  if (!req?.column) return undefined;
  if (trap.kind === 'ram-in-gb') {
    // trap.python is written with the wire column name; the file may import it under another name.
    const newText = req.column + trap.python.slice(trap.column.length);
    return { title: `Write \`${newText}\` (${plural(trap.offers, 'offer')})`, ...doc, range: req.range, newText };
  }
  if (!trap.replacement || !trap.available.length) return undefined;
  const names = trap.available.map((g) => JSON.stringify(g.name));
  const newText = names.length === 1 ? `${req.column} == ${names[0]}` : `${req.column}.in_([${names.join(', ')}])`;
  return { title: `Write \`${newText}\` (${plural(trap.offers, 'offer')})`, ...doc, range: req.range, newText };
}

/**
 * A markdown link running the fix (parentheses escaped too: a `)` in the arguments would end the link). Its title
 * is text: it holds GPU names from the offers and the file's own column name.
 */
export function commandLink(fix: OfferFix): string {
  const args = encodeURIComponent(JSON.stringify([fix])).replace(/\(/g, '%28').replace(/\)/g, '%29');
  return `[${markdownText(fix.title)}](command:${APPLY_OFFER_FIX_COMMAND}?${args})`;
}

/** What the hover says while it has an answer, an error, or nothing yet. */
export type HoverState =
  | { state: 'done'; report: OfferReport; cost?: CostEstimate; ageMs: number }
  | { state: 'searching' }
  | { state: 'failed'; message: string }
  | { state: 'unavailable'; message: string };

export interface HoverInput {
  deployment: string;
  targetLabel: string;
  replaced?: boolean;
  fixes?: OfferFix[];
}

/**
 * The hover's markdown. The hover is trusted for one command (APPLY_OFFER_FIX_COMMAND), so every value from the file
 * or the offers goes in as escaped text: only commandLink makes links.
 */
export function offersHoverMarkdown(input: HoverInput, state: HoverState): string {
  const head = `**Offers on the ${markdownText(input.targetLabel)}** for ${markdownCode(input.deployment)}`;
  const lines: string[] = [];
  if (state.state === 'searching') lines.push(`${head}: searching… (hover again in a moment)`);
  else if (state.state === 'failed') lines.push(`${head}: the search failed: ${markdownText(state.message)}`);
  else if (state.state === 'unavailable') lines.push(`${head}: ${markdownText(state.message)}`);
  else {
    const { report, cost } = state;
    const s = report.summary;
    lines.push(`${head} · fetched ${formatAge(state.ageMs)}`, '');
    if (s.count) {
      const parts = [plural(s.count, 'matching offer')];
      if (s.pricePerGpuHour) parts.push(`${moneyRange(s.pricePerGpuHour)} per GPU-hour`);
      else if (s.pricePerHour) parts.push(`${moneyRange(s.pricePerHour)}/h`);
      parts.push(s.gpus.length ? s.gpus.map((g) => `${g.name} × ${g.gpus}`).join(', ') : 'no GPU');
      if (s.reliability) parts.push(`reliability ${s.reliability.min.toFixed(3)}–${s.reliability.max.toFixed(3)}`);
      lines.push(markdownText(parts.join(' · ')));
    } else lines.push(markdownQuoting(offersLine(report)).replace(/^no offer matches/, '**No offer matches**'));
    for (const u of report.unmet ?? []) lines.push('', markdownQuoting(u));
    for (const trap of report.traps) lines.push('', `Quick fix: ${markdownQuoting(trapLine(trap))}`);
    for (const fix of input.fixes ?? []) lines.push('', commandLink(fix));
    if (cost) lines.push('', markdownFence(costLines(cost).join('\n'), 'text'));
  }
  if (input.replaced) lines.push('', '_A later app\\.image\\(\\) replaces this image: only the last one is deployed._');
  return lines.join('\n');
}

/** The Deploy lens's tooltip lines for a plan that has its offers. */
export function lensOfferLines(offers: PlanOffers | undefined): string[] {
  if (!offers) return [];
  // "offers unavailable: ..." already says what it is about.
  const line = /^offers /.test(offers.line) ? offers.line.replace(/^o/, 'O') : `Offers: ${offers.line}`;
  return [`${line}${offers.age ? ` (${offers.age})` : ''}`, ...offers.costLines];
}

/** The tree's Offers row: "Offers: 3 match · $0.40–$0.65/GPU-h", or the blocker. */
export function treeOffersText(state: HoverState): { label: string; tooltip: string } {
  if (state.state === 'searching') return { label: 'Offers: searching…', tooltip: 'Searching the offers these filters match' };
  if (state.state !== 'done') return { label: `Offers: ${state.state === 'failed' ? 'search failed' : 'unavailable'}`, tooltip: state.message };
  const { report } = state;
  const s = report.summary;
  const tooltip = [`${offersLine(report)} (fetched ${formatAge(state.ageMs)})`, ...report.traps.map((t) => `quick fix: ${trapLine(t)}`)].join('\n');
  if (!s.count) {
    const b = report.blocker?.blockers[0];
    return { label: b ? `Offers: none · ${b.filter} blocks` : 'Offers: none match', tooltip };
  }
  const price = s.pricePerGpuHour ? ` · ${moneyRange(s.pricePerGpuHour)}/GPU-h` : s.pricePerHour ? ` · ${moneyRange(s.pricePerHour)}/h` : '';
  return { label: `Offers: ${s.count} match${price}`, tooltip };
}
