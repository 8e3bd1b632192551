// The offer report and cost estimate as lines for people: the CLI prints them, the plan view shows them.
import type { CostEstimate } from '../cost';
import type { OfferReport } from './analyze';
import type { Trap } from './blockers';
import type { Range } from './summary';

/** Dollars: cents, or tenths of a cent under a dollar ("$0.045"). */
export const money = (n: number) => `$${n < 0.995 && n > 0 ? n.toFixed(3).replace(/0$/, '') : n.toFixed(2)}`;
export const moneyRange = (r: Range) => (Math.abs(r.max - r.min) < 0.0005 ? money(r.min) : `${money(r.min)}–${money(r.max)}`);
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function formatAge(ms: number): string {
  if (ms < 1000) return 'just now';
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s ago` : `${Math.floor(s / 60)} min ${s % 60} s ago`;
}

/** One line: "3 offers, $0.40–$0.82/h ($0.40–$0.65 per GPU-hour), RTX 4090 × 3, RTX 5090 × 1". */
export function offersLine(report: OfferReport): string {
  const s = report.summary;
  if (!s.count) {
    const b = report.blocker?.blockers[0];
    return b ? `no offer matches: \`${b.filter}\` blocks (${plural(b.offers, 'offer')} without it)` : 'no offer matches';
  }
  const parts = [plural(s.count, 'matching offer')];
  if (s.pricePerHour) parts.push(`${moneyRange(s.pricePerHour)}/h${s.pricePerGpuHour ? ` (${moneyRange(s.pricePerGpuHour)} per GPU-hour)` : ''}`);
  parts.push(s.gpus.length ? s.gpus.map((g) => `${g.name} × ${g.gpus}`).join(', ') : 'no GPU');
  return parts.join(', ');
}

export function trapLine(trap: Trap): string {
  if (trap.kind === 'ram-in-gb') {
    return (
      `\`${trap.filter}\` asks for ${trap.asksMb} MB: ${trap.column} takes megabytes in Python. ` +
      `Write \`${trap.python}\` in require() (search_params \`${trap.replacement}\`): ${plural(trap.offers, 'offer')}`
    );
  }
  const names = trap.names.join(', ');
  if (!trap.available.length) return `no offer has ${names}; the offers without \`${trap.filter}\` have no GPU`;
  const instead = trap.available.map((g) => `${g.name} × ${g.gpus}`).join(', ');
  return `no offer has ${names}; offered instead: ${instead}. Try \`${trap.replacement}\`: ${plural(trap.offers, 'offer')}`;
}

export function costLines(cost: CostEstimate): string[] {
  const s = cost.scaling;
  const defaults = s.defaulted.length ? ` (${s.defaulted.join(', ')}: Vast's defaults)` : '';
  const lines = [
    `cost (cold_workers ${s.coldWorkers}, max_workers ${s.maxWorkers}, min_load ${s.minLoad}${defaults}):`,
    `  idle: ${moneyRange(cost.idlePerHour)}/h (${s.activeWhenIdle} active, the other cold workers billed for disk only)`,
    `  at max scale (${plural(s.maxWorkers, 'worker')}): ${moneyRange(cost.maxScalePerHour)}/h`,
    `  benchmark phase (${plural(s.loadedAtStart, 'worker')} × ${cost.loadingMinutes} min loading): ${moneyRange(cost.benchmarkPhase)}`,
  ];
  if (cost.ttlMax) lines.push(`  ttl: at most ${moneyRange(cost.ttlMax)} between the last client and the teardown`);
  return lines;
}

/** The whole report: matches and cost, or the blocker and the quick fixes. */
export function formatOfferReport(report: OfferReport, cost: CostEstimate | undefined): string {
  const s = report.summary;
  const lines = [`offers on ${report.target === 'local' ? 'the local engine' : 'Vast'} for \`${report.searchParams}\` (${report.storage} GB storage), fetched ${formatAge(report.ageMs)}:`];
  lines.push(`  ${offersLine(report)}`);
  if (s.count && s.reliability) lines.push(`  reliability ${s.reliability.min.toFixed(3)}–${s.reliability.max.toFixed(3)}`);
  for (const u of report.unmet ?? []) lines.push(`  ${u}`);
  const b = report.blocker;
  if (b) {
    for (const extra of b.blockers.slice(1)) lines.push(`  also \`${extra.filter}\` blocks (${plural(extra.offers, 'offer')} without it)`);
    if (!b.blockers.length && b.tried.length > 0) {
      lines.push(
        b.withoutFilters
          ? `  no single filter is the blocker: several exclude everything (${plural(b.withoutFilters, 'offer')} without all of them)`
          : `  nothing is offered even without the deployment's filters`,
      );
    }
  }
  for (const trap of report.traps) lines.push(`  quick fix: ${trapLine(trap)}`);
  if (cost) lines.push(...costLines(cost));
  return lines.join('\n') + '\n';
}
