// The plan view: one table row per change (field, before, after, tier, reason), a diff of the effective config, and
// a Deploy button. Rendered as a self-contained HTML page for a webview (no scripts but the nonce'd one).
import { machineTag } from '../../deploy/machineFit';
import { planNeedsConfirmation } from '../../deploy/policy';
import { escapeHtml } from '../../shared/html';
import type { Plan, PlanChange, Tier } from '../../deploy/types';

export const TIER_NAMES: Record<Tier, string> = {
  0: 'no change',
  1: 'autoscaling update',
  2: 'soft update',
  3: 'hard update',
  4: 'new deployment',
};

/** "tier 2 soft update" / "create". */
export function tierLabel(tier: Plan['tier']): string {
  return tier === 'create' ? 'create (first deploy)' : `tier ${tier} ${TIER_NAMES[tier]}`;
}

function show(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** Unified-diff-like lines: `- before` / `+ after` per changed field, `  field` context for the rest. */
export function configDiffLines(plan: Plan): string[] {
  const lines: string[] = [];
  const changed = new Set(plan.changes.map((c) => c.field));
  for (const c of plan.changes) {
    if (c.before !== undefined) lines.push(`- ${c.field}: ${show(c.before)}`);
    if (c.after !== undefined) lines.push(`+ ${c.field}: ${show(c.after)}`);
  }
  const effective: [string, unknown][] = [
    ['image', plan.image],
    ['storage', plan.storage],
    ['env', plan.env],
    ['search_params', plan.search_params],
    ['file_hash', plan.file_hash],
    ['autoscaling', plan.autoscaling],
  ];
  for (const [field, value] of effective) if (!changed.has(field)) lines.push(`  ${field}: ${show(value)}`);
  return lines;
}

export interface PlanPageOptions {
  nonce: string;
  cspSource: string;
  /** "local engine" / "Vast cloud". */
  targetLabel: string;
}

function row(c: PlanChange): string {
  return `<tr class="tier${c.tier}"><td>${escapeHtml(c.field)}</td><td><code>${escapeHtml(show(c.before))}</code></td><td><code>${escapeHtml(
    show(c.after),
  )}</code></td><td>${escapeHtml(tierLabel(c.tier))}</td><td>${escapeHtml(c.reason)}</td></tr>`;
}

/** The offers the filters match and the cost (or the blocker), when the plan has them. */
function offersHtml(plan: Plan): string {
  const o = plan.offers;
  if (!o) return '';
  const cost = o.costLines.length ? `<pre id="cost">${escapeHtml(o.costLines.join('\n'))}</pre>` : '';
  return `<p id="offers"><strong>Offers:</strong> ${escapeHtml(o.line)}${o.age ? ` <em>(${escapeHtml(o.age)})</em>` : ''}</p>${cost}`;
}

export function renderPlanHtml(plan: Plan, options: PlanPageOptions): string {
  const title = `${plan.deployment.name}:${plan.deployment.tag}`;
  const rows = plan.changes.length ? plan.changes.map(row).join('\n') : '<tr><td colspan="5">No changes: deploying does nothing.</td></tr>';
  const diff = configDiffLines(plan)
    .map((l) => `<span class="${l.startsWith('+') ? 'add' : l.startsWith('-') ? 'del' : 'ctx'}">${escapeHtml(l)}</span>`)
    .join('\n');
  const confirm = planNeedsConfirmation(plan);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${options.cspSource} 'nonce-${options.nonce}'; script-src 'nonce-${options.nonce}';">
<title>Plan: ${escapeHtml(title)}</title>
<style nonce="${options.nonce}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1em; }
table { border-collapse: collapse; width: 100%; margin: 1em 0; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--vscode-panel-border); vertical-align: top; }
td code { overflow-wrap: anywhere; } /* a 64-character hash must wrap, not push Tier and Reason out of view */
tr.tier3 td, tr.tier4 td { color: var(--vscode-errorForeground); }
pre { background: var(--vscode-textCodeBlock-background); padding: 8px; overflow-x: auto; }
.add { color: var(--vscode-gitDecoration-addedResourceForeground); } .del { color: var(--vscode-gitDecoration-deletedResourceForeground); }
button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 6px 14px; cursor: pointer; }
</style></head>
<body>
<h2>Plan for ${escapeHtml(title)} on the ${escapeHtml(options.targetLabel)}</h2>
<p id="summary"><strong>${escapeHtml(tierLabel(plan.tier))}</strong>${confirm ? ' — asks for confirmation before deploying' : ''}</p>
${plan.notes?.length ? `<ul id="notes">${plan.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : ''}
${offersHtml(plan)}
<button id="deploy">Deploy</button>
<table id="changes"><thead><tr><th>Field</th><th>Before</th><th>After</th><th>Tier</th><th>Reason</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<h3>Effective config</h3>
<pre id="diff">${diff}</pre>
<script nonce="${options.nonce}">
const vscode = acquireVsCodeApi();
document.getElementById('deploy').addEventListener('click', () => vscode.postMessage({ type: 'deploy' }));
</script>
</body></html>`;
}

/** Longer summaries are cut in the title (the whole text goes to the tooltip), so Show plan and the target switch
 * beside the Deploy lens stay on screen. */
const MAX_SUMMARY_CHARS = 60;

/**
 * A plan summary as a short title part and the detail for the tooltip (an error's reason, a cut summary). A note that
 * this machine lacks the GPU the filters ask for keeps a few words in the title ("⚠ no GPU here"): it decides whether
 * deploying here makes sense at all, so it must be seen without hovering.
 */
export function splitSummary(summary: string | undefined, maxChars = MAX_SUMMARY_CHARS): { short?: string; detail?: string } {
  if (!summary) return {};
  // Lines after the first are warnings (the local machine lacks what the filters ask): tooltip, and a tag in the title.
  const newline = summary.indexOf('\n');
  if (newline >= 0) {
    const notes = summary.slice(newline + 1);
    const tag = notes.split('\n').map(machineTag).find((t) => t !== undefined);
    const first = splitSummary(summary.slice(0, newline), tag ? maxChars - tag.length - 1 : maxChars);
    return { short: tag ? `${first.short} ${tag}` : first.short, detail: [first.detail, notes].filter(Boolean).join('\n') };
  }
  const unavailable = /^plan unavailable: (.*)$/s.exec(summary);
  if (unavailable) return { short: 'plan unavailable (see tooltip)', detail: `Plan unavailable: ${unavailable[1]}` };
  if (summary.length <= maxChars) return { short: summary };
  return { short: `${summary.slice(0, maxChars - 1).trimEnd()}…`, detail: summary };
}
