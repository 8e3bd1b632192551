import type { FunctionDef, Range } from '../../model/types';
import type { QuickFix, Rule } from '../rule';
import { describeValueType, sampleLiteral } from './benchmarkKeys';
import { useSpan } from '../../model/valueUse';

export const benchmarkDatasetShape: Rule = {
  id: 'VD002',
  name: 'benchmark-dataset-shape',
  severity: 'error',
  title: '`benchmark_dataset` must be a non-empty list of argument dicts',
  docs: "The worker's startup benchmark calls the function with each dict as keyword arguments; any other shape breaks the benchmark, so the worker never becomes ready.",
  check(ctx) {
    for (const remote of ctx.model.remotes) {
      const arg = remote.benchmarkDataset;
      if (!arg) continue;
      const value = arg.value;
      const fn = remote.fn;
      const range = useSpan(value).range;
      switch (value.kind) {
        case 'list':
        case 'tuple': {
          if (value.items.length === 0) {
            ctx.report({
              range,
              message:
                `benchmark_dataset of '${fn.name}' is empty: the worker has no sample call to run its startup benchmark ` +
                `with, so it fails at boot instead of becoming ready. Add at least one dict of arguments.`,
              fixes: value.via ? [] : [addSample(fn, value.kind, value.range)],
            });
            continue;
          }
          for (const item of value.items) {
            if (item.kind === 'dict' || item.kind === 'name' || item.kind === 'attribute' || item.kind === 'unknown') continue;
            ctx.report({
              range: useSpan(item).range,
              message:
                `Each benchmark_dataset item must be a dict of arguments for '${fn.name}' (parameter name → value), ` +
                `but this one is ${describeValueType(item)}: the benchmark calls ${fn.name}(**item), which fails.`,
            });
          }
          continue;
        }
        case 'dict':
          ctx.report({
            range,
            message:
              `benchmark_dataset of '${fn.name}' must be a list of dicts, not a single dict: the worker iterates it ` +
              `and would get the dict's keys instead of samples. Wrap it in a list: [{...}].`,
            fixes: value.via
              ? []
              : [
                  {
                    title: 'Wrap the sample in a list',
                    edits: [
                      { range: { start: value.range.start, end: value.range.start }, newText: '[' },
                      { range: { start: value.range.end, end: value.range.end }, newText: ']' },
                    ],
                    isPreferred: true,
                  },
                ],
          });
          continue;
        case 'none':
        case 'name':
        case 'attribute':
        case 'unknown':
          // None is the default (no benchmark); the others could be anything.
          continue;
        default:
          ctx.report({
            range,
            message:
              `benchmark_dataset of '${fn.name}' must be a list of argument dicts (one dict per sample call), but it ` +
              `is ${describeValueType(value)}: the worker's startup benchmark cannot call '${fn.name}' with it. ` +
              `Write e.g. benchmark_dataset=[${sampleLiteral(fn)}].`,
          });
      }
    }
  },
};

function addSample(fn: FunctionDef, kind: 'list' | 'tuple', range: Range): QuickFix {
  const sample = sampleLiteral(fn);
  return {
    title: `Add a sample call of '${fn.name}'`,
    edits: [{ range, newText: kind === 'list' ? `[${sample}]` : `(${sample},)` }],
  };
}
