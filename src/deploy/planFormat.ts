// Text forms of a Plan: a table for the CLI and a one-line summary for CodeLens titles and status messages.
import type { DeploymentAction } from '../shared/protocol/vast';
import { CHANGE_LABELS } from './plan';
import type { Plan, PlanChange, Tier } from './types';

export const TIER_NAMES: Record<Tier, string> = {
  0: 'no changes',
  1: 'autoscaling update',
  2: 'soft update',
  3: 'hard update',
  4: 'forced redeploy',
};

/** The PUT `action` the server should answer with for this plan (hard_update is our name, see src/shared/protocol/vast.ts). */
export function expectedAction(plan: Plan): DeploymentAction {
  switch (plan.tier) {
    case 'create':
    case 4:
      return 'created';
    case 3:
      return 'hard_update';
    case 2:
      return 'soft_update';
    case 1:
      return 'autoscale_update';
    case 0:
      return 'exists';
  }
}

/** "create: new deployment", "tier 0: no changes", "tier 2 soft update: code changed", ... */
export function planSummary(plan: Plan): string {
  if (plan.tier === 'create') return 'create: new deployment';
  if (plan.tier === 0) return 'tier 0: no changes';
  const top = plan.changes.filter((c) => c.tier === plan.tier);
  const labels = [...new Set(top.map(labelOf).filter((l): l is string => l !== undefined))];
  const shown = labels.slice(0, 3).join(', ');
  const more = labels.length > 3 ? ` +${labels.length - 3} more` : '';
  return `tier ${plan.tier} ${TIER_NAMES[plan.tier]}: ${shown}${more} changed`;
}

/** The file_hash row says only "code" when no config row explains the hash change better. */
function labelOf(change: PlanChange, _index: number, all: PlanChange[]): string | undefined {
  if (change.field === 'file_hash' && all.some((c) => c.field.startsWith('config.'))) return undefined;
  return CHANGE_LABELS[change.field] ?? change.field;
}

const MAX_FIELD = 24;
const MAX_VALUE = 36;

/** A readable table: a heading, then field / before / after / tier / reason, then notes. */
export function formatPlanText(plan: Plan): string {
  const { name, tag } = plan.deployment;
  const lines = [
    `Deployment "${name}" (tag "${tag}"): ${planSummary(plan)}`,
    `file_hash ${plan.file_hash}, ${formatSize(plan.file_size)}`,
  ];
  if (plan.changes.length === 0) {
    lines.push('', 'Nothing to update: the server should answer "exists".');
  } else {
    const header = ['FIELD', 'BEFORE', 'AFTER', 'TIER', 'REASON'];
    const rows = plan.changes.map((c) => [
      elideMiddle(c.field, MAX_FIELD),
      elideMiddle(formatValue(c.before), MAX_VALUE),
      elideMiddle(formatValue(c.after), MAX_VALUE),
      String(c.tier),
      c.reason,
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const render = (cells: string[]) =>
      cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd();
    lines.push('', render(header), ...rows.map(render));
  }
  for (const note of plan.notes ?? []) lines.push(`note: ${note}`);
  return lines.join('\n');
}

/** null = not set (or nothing yet); strings raw, with "" visible; structures as JSON. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '(none)';
  if (typeof value === 'string') return value === '' ? '""' : value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Keeps both ends of a long value (hash prefixes and suffixes are what people compare). */
export function elideMiddle(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const keep = max - 1;
  const head = Math.ceil(keep / 2);
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - (keep - head)).join('')}`;
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
