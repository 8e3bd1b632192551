import type { QuickFix, Rule } from '../rule';
import { describeValueType } from './benchmarkKeys';
import { useSpan } from '../../model/valueUse';

export const benchmarkRunsInvalid: Rule = {
  id: 'VD008',
  name: 'benchmark-runs-invalid',
  severity: 'error',
  title: '`benchmark_runs` must be a positive int',
  docs: "benchmark_runs is the number of timed benchmark rounds the worker runs at boot; a non-int breaks the benchmark and fewer than one round leaves the worker without a performance score.",
  check(ctx) {
    for (const remote of ctx.model.remotes) {
      const value = remote.benchmarkRuns?.value;
      if (!value) continue;
      const range = useSpan(value).range;
      const fn = remote.fn.name;
      if (value.kind === 'int') {
        if (value.value >= 1) continue;
        ctx.report({
          range,
          message:
            `benchmark_runs=${value.text} for '${fn}' runs no timed benchmark round, so the worker gets no performance ` +
            `score and the autoscaler cannot size the deployment. Use at least 1 (the default is 10).`,
        });
        continue;
      }
      if (['name', 'attribute', 'unknown'].includes(value.kind)) continue;
      const fixes: QuickFix[] = [];
      if (value.kind === 'float' && Number.isInteger(value.value) && value.value >= 1 && !value.via) {
        fixes.push({ title: `Replace with ${value.value}`, edits: [{ range: value.range, newText: String(value.value) }], isPreferred: true });
      }
      ctx.report({
        range,
        message:
          value.kind === 'bool'
            ? `benchmark_runs for '${fn}' is a bool: Python reads True as 1 round and False as 0 rounds. Write the ` +
              `number of timed benchmark rounds as an int, e.g. 10.`
            : `benchmark_runs for '${fn}' must be a positive int, the number of timed benchmark rounds, but it is ` +
              `${describeValueType(value)}: the worker's benchmark loop cannot run with it, so the worker fails at boot. ` +
              (value.kind === 'none' ? 'Leave it out for the default 10 rounds, or write an int.' : 'Write a whole number such as 10.'),
        fixes,
      });
    }
  },
};
