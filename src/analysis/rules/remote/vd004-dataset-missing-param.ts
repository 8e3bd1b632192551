import type { Rule } from '../rule';
import { datasetSamples } from './benchmark';
import { missingFinding } from './benchmarkKeys';

export const datasetMissingParam: Rule = {
  id: 'VD004',
  name: 'dataset-missing-param',
  severity: 'error',
  title: 'Every `benchmark_dataset` sample must set all required parameters',
  docs: "The worker's startup benchmark calls the function with each sample dict as keyword arguments; a missing required parameter makes every benchmark call raise TypeError.",
  check(ctx) {
    for (const remote of ctx.model.remotes) {
      for (const sample of datasetSamples(remote)) {
        const finding = missingFinding(ctx.model.text, remote.fn, sample, 'this benchmark sample');
        if (finding) ctx.report(finding);
      }
    }
  },
};
