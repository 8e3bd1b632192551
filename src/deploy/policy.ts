// Which deploys ask before they happen, and how we say what they will do: the one home of this rule for the CLI
// (`deploy` prompts or wants --yes), the deploy flow (its confirm hook), the extension (a modal dialog) and the plan
// view (which says a Deploy will ask). A tier 3 update replaces every worker and a tier 4 one makes a new endpoint;
// both cost running work, so neither happens on a single click.
import type { Plan } from './types';

export function planNeedsConfirmation(plan: Plan): boolean {
  return plan.tier === 3 || plan.tier === 4;
}

/** What a confirmed deploy does, as the end of "This deploy …": "creates a new endpoint (tier 4)". */
export function confirmationReason(plan: Plan): string {
  return plan.tier === 4 ? 'creates a new endpoint (tier 4)' : 'replaces every worker (tier 3 hard update)';
}

/** The question the extension asks, naming the fields that caused the tier. */
export function confirmationText(plan: Plan): string {
  const fields = plan.changes.filter((c) => c.tier === plan.tier).map((c) => c.field);
  const what = plan.tier === 4 ? 'creates a new deployment with a new endpoint' : 'recreates every worker (image, env or machine filters changed)';
  return `Deploying ${plan.deployment.name}:${plan.deployment.tag} ${what}${fields.length ? `: ${fields.join(', ')}` : ''}. Continue?`;
}

/**
 * The budget rule (setting `vast.budgetPerHour`, 0: off): a plan whose deployment can cost more per hour than the
 * budget, at max scale on the priciest matching offer, asks first; so does one whose offer search failed (its cost
 * is unknown). The reason, or undefined when within the budget or when no offer matches (nothing to pay for).
 */
export function overBudget(plan: Plan, budgetPerHour: number): string | undefined {
  if (!(budgetPerHour > 0)) return undefined;
  const budget = `your budget of $${budgetPerHour.toFixed(2)}/hour (vast.budgetPerHour)`;
  // A search that failed leaves the cost unknown, not zero: the guard asks rather than let it through unchecked.
  if (plan.offers?.unavailable) return `could not be checked against ${budget}: ${plan.offers.line}`;
  const worst = plan.offers?.maxScalePerHour;
  if (worst === undefined || worst <= budgetPerHour) return undefined;
  return `can cost up to $${worst.toFixed(2)}/hour at max scale, over ${budget}`;
}

/**
 * The question the extension asks before a deploy, or undefined when it goes ahead on a click: a tier 3/4 deploy
 * (what it does), an over-budget one (what it can cost), or both in one question.
 */
export function deployQuestion(plan: Plan, budgetPerHour: number): string | undefined {
  const budget = overBudget(plan, budgetPerHour);
  if (!planNeedsConfirmation(plan) && !budget) return undefined;
  const base = planNeedsConfirmation(plan) ? confirmationText(plan).replace(/ Continue\?$/, '') : `Deploying ${plan.deployment.name}:${plan.deployment.tag}.`;
  return budget ? `${base} It ${budget}. Continue?` : `${base} Continue?`;
}
