import type { Rule } from '../rule';
import { benchmarkArgs, remotesByDeployment } from './benchmark';

export const multipleBenchmarks: Rule = {
  id: 'VD010',
  name: 'multiple-benchmarks',
  severity: 'error',
  title: 'Only one remote function of a deployment may have a benchmark',
  docs: 'The worker measures its performance with exactly one benchmark; with two or more it raises while building its handlers and crashes at boot without reporting an error.',
  check(ctx) {
    for (const remotes of remotesByDeployment(ctx.model)) {
      const benchmarked = remotes.filter((r) => benchmarkArgs(r).length > 0);
      if (benchmarked.length < 2) continue;
      const [first, ...rest] = benchmarked;
      const firstArg = benchmarkArgs(first)[0];
      for (const remote of rest) {
        const arg = benchmarkArgs(remote)[0];
        ctx.report({
          range: arg.nameSpan?.range ?? arg.range,
          message:
            `'${remote.fn.name}' also has a benchmark, but '${first.fn.name}' already has one: the worker accepts ` +
            `exactly one benchmarked remote function per deployment and crashes at boot (without reporting an error) ` +
            `when there are more. Remove the ${arg.name} of '${remote.fn.name}' or of '${first.fn.name}'.`,
          related: [{ range: firstArg.nameSpan?.range ?? firstArg.range, message: `'${first.fn.name}' has the first benchmark` }],
        });
      }
    }
  },
};
