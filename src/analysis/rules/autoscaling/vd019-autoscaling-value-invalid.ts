import { AUTOSCALING_PARAMS } from '../../catalog/sdk';
import type { Argument, Deployment } from '../../model/types';
import type { Rule, RuleContext } from '../rule';
import { checkValue, validNumber } from './settings';
import { useSpan } from '../../model/valueUse';

export const autoscalingValueInvalid: Rule = {
  id: 'VD019',
  name: 'autoscaling-value-invalid',
  severity: 'error',
  title: '`configure_autoscaling()` values must be numbers in range',
  docs: 'Worker counts are ints of at least 0, target_util is in (0, 1], the other settings are numbers of at least 0, and cold_workers cannot exceed max_workers.',
  check(ctx) {
    for (const deployment of ctx.model.deployments) {
      for (const call of deployment.autoscaling.calls) {
        for (const arg of call.args) checkArgument(ctx, arg);
      }
      checkColdWithinMax(ctx, deployment);
    }
  },
};

/** Where the value came from a constant, point at its definition too (that is where the fix goes). */
function constantNote(arg: Argument) {
  const via = arg.value.via;
  return via ? [{ range: arg.value.range, message: `${via.name} is defined here` }] : undefined;
}

function checkArgument(ctx: RuleContext, arg: Argument): void {
  const param = arg.name !== undefined && !arg.splat ? AUTOSCALING_PARAMS.get(arg.name) : undefined;
  if (!param) return;
  const problem = checkValue(param, arg.value);
  if (!problem) return;
  ctx.report({
    range: useSpan(arg.value).range,
    message: problem.message,
    severity: problem.severity,
    fixes: problem.fixes,
    related: constantNote(arg),
  });
}

/** cold_workers > max_workers on the merged settings (later calls override earlier keys), reported on the later one. */
function checkColdWithinMax(ctx: RuleContext, deployment: Deployment): void {
  const { calls, merged } = deployment.autoscaling;
  // A `**settings` spread may override either value.
  if (calls.some((c) => c.hasSplat)) return;
  const cold = merged.get('cold_workers');
  const max = merged.get('max_workers');
  if (!cold || !max) return;
  const coldN = validNumber(AUTOSCALING_PARAMS.get('cold_workers')!, cold.value);
  const maxN = validNumber(AUTOSCALING_PARAMS.get('max_workers')!, max.value);
  if (coldN === undefined || maxN === undefined || coldN <= maxN) return;
  const [later, earlier] = cold.startOffset > max.startOffset ? [cold, max] : [max, cold];
  ctx.report({
    range: useSpan(later.value).range,
    message:
      `cold_workers (${coldN}) is greater than max_workers (${maxN}): the endpoint may never run more than ${maxN} ` +
      `workers, so it cannot keep ${coldN} ready. Lower cold_workers or raise max_workers.`,
    related: [{ range: useSpan(earlier.value).range, message: `${earlier.name} is set here` }],
  });
}
