import type { Rule } from '../rule';
import { annotationTypes, clearlyMismatches } from './annotations';
import { allSamples } from './benchmark';
import { describeValueType } from './benchmarkKeys';
import { useSpan } from '../../model/valueUse';

export const datasetValueType: Rule = {
  id: 'VD005',
  name: 'dataset-value-type',
  severity: 'warning',
  title: 'Benchmark sample values should match the parameter annotations',
  docs: 'The startup benchmark sets the worker\'s performance score; a sample of the wrong type times a failing or unrepresentative call, so the autoscaler sizes the deployment on a wrong score.',
  check(ctx) {
    for (const remote of ctx.model.remotes) {
      const fn = remote.fn;
      for (const sample of allSamples(ctx.model, remote)) {
        for (const { key, value } of sample.entries) {
          if (key.kind !== 'str') continue;
          const param = fn.params.find((p) => p.name === key.value && p.kind !== 'var-positional' && p.kind !== 'var-keyword');
          const types = annotationTypes(param?.annotation?.text);
          if (!param?.annotation || !types || !clearlyMismatches(value, types)) continue;
          ctx.report({
            range: useSpan(value).range,
            message:
              `The benchmark value for '${param.name}' of '${fn.name}' is ${describeValueType(value)}, but the ` +
              `parameter is annotated '${param.annotation.text}': the startup benchmark would time a call with the ` +
              `wrong type (likely failing) instead of real work. Use a representative ${param.annotation.text} value.`,
            related: [{ range: param.annotation.range, message: `'${param.name}' is annotated '${param.annotation.text}'` }],
          });
        }
      }
    }
  },
};
