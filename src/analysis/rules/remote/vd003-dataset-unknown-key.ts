import type { Rule } from '../rule';
import { datasetSamples } from './benchmark';
import { keyFindings } from './benchmarkKeys';

export const datasetUnknownKey: Rule = {
  id: 'VD003',
  name: 'dataset-unknown-key',
  severity: 'error',
  title: '`benchmark_dataset` keys must be parameter names of the remote function',
  docs: "The worker's startup benchmark calls the function with each sample dict as keyword arguments; a key that is not a parameter makes every benchmark call raise TypeError.",
  check(ctx) {
    for (const remote of ctx.model.remotes) {
      for (const sample of datasetSamples(remote)) {
        for (const finding of keyFindings(remote.fn, sample, 'this benchmark sample', ctx.model.text)) ctx.report(finding);
      }
    }
  },
};
