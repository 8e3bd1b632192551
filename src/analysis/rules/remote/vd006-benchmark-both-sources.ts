import type { Rule } from '../rule';
import { benchmarkArgs } from './benchmark';

export const benchmarkBothSources: Rule = {
  id: 'VD006',
  name: 'benchmark-both-sources',
  severity: 'error',
  title: 'Use either `benchmark_dataset` or `benchmark_generator`, not both',
  docs: 'A remote function takes its benchmark samples from one source; with both, the generator is silently ignored, so the benchmark may not run the inputs you meant.',
  check(ctx) {
    for (const remote of ctx.model.remotes) {
      const args = benchmarkArgs(remote);
      if (args.length < 2) continue;
      const [first, second] = args;
      ctx.report({
        range: second.nameSpan?.range ?? second.range,
        message:
          `'${remote.fn.name}' sets both benchmark_dataset and benchmark_generator: the worker's benchmark takes its ` +
          `samples from the dataset and never calls the generator, so one of them is dead code. Keep only one.`,
        related: [{ range: first.nameSpan?.range ?? first.range, message: `${first.name} is also set here` }],
      });
    }
  },
};
