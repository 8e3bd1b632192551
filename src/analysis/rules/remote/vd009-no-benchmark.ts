import type { RemoteFunction } from '../../model/types';
import type { QuickFix, Rule } from '../rule';
import { hasBenchmark, remotesByDeployment } from './benchmark';
import { sampleLiteral } from './benchmarkKeys';
import { decoratorExpression, decoratorNameRange, insertAt } from './text';

export const noBenchmark: Rule = {
  id: 'VD009',
  name: 'no-benchmark',
  severity: 'error',
  title: 'One remote function of each deployment must have a benchmark',
  docs: 'The worker measures its performance with the benchmark of exactly one @remote function; with none it raises while building its handlers and crashes at boot without reporting an error.',
  check(ctx) {
    for (const remotes of remotesByDeployment(ctx.model)) {
      const states = remotes.map(hasBenchmark);
      if (states.some((s) => s !== 'no')) continue;
      const first = remotes[0];
      const app = first.deployment.variable?.name ?? 'app';
      const names = remotes.map((r) => `'${r.fn.name}'`).join(', ');
      ctx.report({
        range: decoratorNameRange(ctx.model.text, first.decorator),
        message:
          `No remote function of this deployment has a benchmark (${names}): the worker needs exactly one ` +
          `benchmark_dataset or benchmark_generator to measure its performance, and without one it crashes at boot ` +
          `without reporting an error, so no worker ever becomes ready. Add e.g. @${app}.remote(benchmark_dataset=[{...}]) ` +
          `to the function that represents a typical request.`,
        fixes: [addDataset(ctx.model.text, first)],
      });
    }
  },
};

function addDataset(text: string, remote: RemoteFunction): QuickFix {
  const arg = `benchmark_dataset=[${sampleLiteral(remote.fn)}]`;
  const call = remote.decorator.call;
  const edit = call
    ? insertAt(text, call.argumentsSpan.startOffset + 1, call.args.length ? `${arg}, ` : arg)
    : insertAt(text, decoratorExpression(text, remote.decorator).end, `(${arg})`);
  return { title: `Add a benchmark_dataset to '${remote.fn.name}'`, edits: [edit] };
}
